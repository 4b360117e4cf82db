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
