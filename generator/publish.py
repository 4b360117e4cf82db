"""Stage: put a finished, checked site in place of the old one, or throw it away.

The new site is built in a staging folder beside the target (same filesystem), then
swapped in with renames, so a failed or interrupted build never leaves a half-written
site where the old one was. The site it replaces is kept beside it as `.site.old`
until the next build (so it can be put back by hand), which deletes it in the
background while the data stages run: deleting tens of thousands of files takes
seconds that the build need not wait for.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path


def staging_folder(site_dir: Path) -> Path:
    staging = site_dir.parent / f".{site_dir.name}.staging"
    if staging.exists():
        shutil.rmtree(staging)  # left by an interrupted build
    return staging


def previous_folder(site_dir: Path) -> Path:
    """Where the site replaced by the last build is kept."""
    return site_dir.parent / f".{site_dir.name}.old"


def start_clearing(site_dir: Path) -> threading.Thread:
    """Start deleting the site kept by the last build; `publish` waits for it."""
    worker = threading.Thread(target=shutil.rmtree, args=(previous_folder(site_dir), True),
                              name="clear previous site")
    worker.start()
    return worker


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def publish(staging: Path, site_dir: Path, clearing: threading.Thread) -> None:
    clearing.join()
    old = previous_folder(site_dir)
    if old.exists():  # the background deletion could not finish
        shutil.rmtree(old)
    if site_dir.exists():
        site_dir.rename(old)
    staging.rename(site_dir)
