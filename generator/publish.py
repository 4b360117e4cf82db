"""Stage: put a finished, checked site in place of the old one, or throw it away.

The new site is built in a staging folder beside the target (same filesystem), then
swapped in with renames, so a failed or interrupted build never leaves a half-written
site where the old one was.
"""

from __future__ import annotations

import shutil
from pathlib import Path


def staging_folder(site_dir: Path) -> Path:
    staging = site_dir.parent / f".{site_dir.name}.staging"
    if staging.exists():
        shutil.rmtree(staging)  # left by an interrupted build
    return staging


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def publish(staging: Path, site_dir: Path) -> None:
    old = site_dir.parent / f".{site_dir.name}.old"
    if old.exists():
        shutil.rmtree(old)
    if site_dir.exists():
        site_dir.rename(old)
    staging.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)
