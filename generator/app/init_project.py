"""`enforcement-site init DIR`: a council's own project folder.

The folder holds what a council changes (its configuration, its mapping, its Markdown
pages, its theme overrides and its nightly workflow) and builds with the installed
tool: every path in it is relative to its configuration file, and `enforcement-site
build --config DIR/enforcement-site.yml` (or `enforcement-site build` run inside it)
reads and writes only there. The tool's repository root stays the sample council.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import generator
from generator.core.errors import UsageError

# What is copied from the tool, relative to its root, and where it goes in the folder.
COPIED = (("enforcement-site.yml", "enforcement-site.yml"), ("mkdocs.yml", "mkdocs.yml"),
          ("data/mapping.yml", "data/mapping.yml"), ("site_src", "site_src"),
          ("theme", "theme"),
          # The sample council's made-up logo, which the configuration names: replace it.
          ("data/northbrook-logo.svg", "data/northbrook-logo.svg"))

GITIGNORE = """\
# Built by `enforcement-site build`: never edited, never committed.
/site
/site.*
/.site-*
/reports
"""

WORKFLOW = """\
# Rebuild the site every night from the latest export (GitHub Actions). The export is
# copied into data/export/ by the council's own job before this runs; adapt the
# "Get the export" step to how yours arrives.
name: Build the enforcement site
on:
  schedule:
    - cron: "30 2 * * *"
  workflow_dispatch:
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install the tool
        run: pip install "enforcement-site==%(version)s"
      - name: Get the export
        run: ls data/export
      - name: Check the export
        run: enforcement-site validate || true
      - name: Build
        run: enforcement-site build
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: reports
          path: reports/
"""

README = """\
# Our planning enforcement site

This folder is our own copy of the site: the tool (`enforcement-site`) is installed
separately and never edited here.

| what | where |
| --- | --- |
| the council's details, the site's address, privacy settings | `enforcement-site.yml` |
| how our export's columns and codes map to the tool's fields | `data/mapping.yml` |
| the nightly export (replace the sample with ours) | `data/export/` |
| the pages comms staff edit | `site_src/` (see `site_src/README.md`) |
| theme changes (templates, styles) | `theme/` |
| the menu | `mkdocs.yml` (`nav:`) |
| the nightly build | `.github/workflows/build.yml` |

Every path is relative to `enforcement-site.yml`. From this folder:

    enforcement-site validate    # check the export and the mapping
    enforcement-site build       # build the site into site/, reports into reports/
    enforcement-site serve       # preview while editing pages

The folder starts with a synthetic sample export so that it builds at once; replace
`data/export/` with our own export and change `data/mapping.yml` to match it (the
tool's docs/mapping.md explains each option, with worked examples).
"""


def tool_root() -> Path:
    """The folder holding the tool's own pages, theme and sample configuration."""
    return Path(generator.__file__).resolve().parent.parent


def init_project(folder: Path, force: bool = False) -> list[Path]:
    """Make a council's project folder; returns the paths written. Refuses a folder that
    already has a configuration file, unless `force`."""
    root = tool_root()
    missing = [source for source, _ in COPIED if not (root / source).exists()]
    if missing:
        raise UsageError("init needs the tool's pages and theme, which this installation "
                         f"does not have ({', '.join(missing)} under {root}); install the "
                         "tool from its source folder")
    if (folder / "enforcement-site.yml").exists() and not force:
        raise UsageError(f"{folder} already has an enforcement-site.yml; use --force to "
                         "overwrite the tool's files in it (the export is kept)")
    if folder.resolve() == root:
        raise UsageError("that is the tool's own folder; give a new folder for the council")
    written: list[Path] = []
    for source, target in COPIED:
        dest = folder / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        if (root / source).is_dir():
            shutil.copytree(root / source, dest, dirs_exist_ok=True)
        else:
            shutil.copyfile(root / source, dest)
        written.append(dest)
    from generator import __version__

    extras = {".gitignore": GITIGNORE, "README.md": README,
              ".github/workflows/build.yml": WORKFLOW % {"version": __version__}}
    for name, text in extras.items():
        dest = folder / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8")
        written.append(dest)
    return written
