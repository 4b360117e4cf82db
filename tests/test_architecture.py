"""The architecture is checked, not only described: the import contracts in
pyproject.toml (layers, no development tools in the runtime, no cycles) hold."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPO

PACKAGES = ("app", "publish", "render", "site", "stats", "privacy", "ingest", "config",
            "core", "dev")


def test_the_import_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=REPO, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_the_readme_names_every_package_of_the_architecture():
    readme = (REPO / "README.md").read_text()
    for package in PACKAGES:
        assert f"`generator/{package}/`" in readme, package
    folders = {p.name for p in (REPO / "generator").iterdir()
               if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(PACKAGES)


def test_no_source_file_is_ignored_by_git():
    """A clean clone is what CI builds: a source file that .gitignore swallows (a pattern
    like `site/` also matching generator/site/) works here and is missing there."""
    if not (REPO / ".git").exists():
        return
    sources = [str(p.relative_to(REPO)) for folder in ("generator", "tests", "site_src", "theme",
                                                        "data", "docs")
               for p in (REPO / folder).rglob("*")
               if p.is_file() and "__pycache__" not in p.parts]
    result = subprocess.run(["git", "check-ignore", "--no-index", "--stdin"], cwd=REPO,
                            input="\n".join(sources), capture_output=True, text=True,
                            check=False, timeout=60)
    assert result.stdout.split() == []
