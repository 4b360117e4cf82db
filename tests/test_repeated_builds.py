"""`make site` as a council runs it, night after night: the real command, default
relative folders, the repository's own sample, many builds in a row.

CI builds a few times; `REPEATED_BUILDS=50 .venv/bin/python -m pytest
tests/test_repeated_builds.py` is the long run (the build once failed at random, more
often the quieter the machine)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO

BUILDS = int(os.environ.get("REPEATED_BUILDS", "3"))


def test_the_default_build_passes_every_time(tmp_path: Path):
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for name in ("data", "site_src", "theme"):
        shutil.copytree(REPO / name, checkout / name)
    for name in ("mkdocs.yml", "enforcement-site.yml"):
        shutil.copy(REPO / name, checkout / name)
    command = Path(sys.executable).with_name("enforcement-site")
    for attempt in range(1, BUILDS + 1):
        result = subprocess.run([str(command), "build"], cwd=checkout, capture_output=True,
                                text=True, timeout=600, check=False)
        assert result.returncode == 0, f"build {attempt} of {BUILDS}: {result.stderr}"
        site = checkout / "site"
        published = [json.loads((site / "downloads" / f"{name}.json").read_text())["entries"]
                     for name in ("register", "other-notices")]
        entries = list((site / "register" / "entries").iterdir())
        assert len(entries) == len(published[0]) + len(published[1]) and published[0]
        assert (site / "pagefind" / "pagefind.js").is_file()
    builds = [p for p in (checkout / ".site.builds").iterdir() if p.is_dir()]
    assert len(builds) == min(BUILDS, 2)  # the site and the one it replaced
