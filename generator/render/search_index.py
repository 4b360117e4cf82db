"""The site search index: Pagefind, in a process of its own, over the pages MkDocs
rendered (register entries have an index of their own, site/register_search.py)."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from generator.render.mkdocs import RenderError

SEARCH_FOLDER = "pagefind"  # where the search index is written, inside the site


@dataclass
class SearchIndexing:
    process: subprocess.Popen[bytes]
    output: IO[bytes]  # a file, not a pipe: a full pipe would stall Pagefind


def start_search_index(site_dir: Path, pages: list[str]) -> SearchIndexing:
    """Start Pagefind on `pages` (paths of HTML files under `site_dir`): the pages
    MkDocs rendered. Register entries and lists have an index of their own
    (site/register_search.py): Pagefind reads and writes a file for each page it
    indexes, which for the largest registers took much of the build. It runs in its
    own process,
    so the pipeline can scan the pages for leaks meanwhile; `finish_search_index` waits
    for it."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 - closed by finish_search_index
    process = subprocess.Popen(
        [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir",
         SEARCH_FOLDER, "--root-selector", "article.md-content__inner",
         "--exclude-selectors", ".register-updated", "--glob", search_glob(pages)],
        stdout=output, stderr=subprocess.STDOUT)
    return SearchIndexing(process, output)


_GLOB_SPECIAL = re.compile(r"([{}\[\]<>*?:!,\\])")


def search_glob(pages: list[str]) -> str:
    """A Pagefind (wax) glob matching exactly `pages`."""
    return "{" + ",".join(_GLOB_SPECIAL.sub(r"\\\1", p) for p in sorted(pages)) + "}"


def finish_search_index(indexing: SearchIndexing) -> None:
    with indexing.output:
        if indexing.process.wait() == 0:
            return
        indexing.output.seek(0)
        said = indexing.output.read().decode("utf-8", "replace").strip()
    raise RenderError(f"the search index could not be built: {said[-500:]}")
