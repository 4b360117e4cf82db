"""Stage: turn the generated pages and the comms staff's pages into HTML with MkDocs."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config as load_mkdocs_config
from mkdocs.exceptions import MkDocsException

from .plugin import EnforcementPlugin, Prepared


class RenderError(Exception):
    """MkDocs could not build the site; the message names the page to fix."""


class _ErrorCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _source_date(epoch: int) -> Iterator[None]:
    # MkDocs dates the sitemap with the build time unless SOURCE_DATE_EPOCH is set; the
    # data's own date keeps builds byte-identical.
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def render_site(prepared: Prepared, mkdocs_yml: Path, out_dir: Path,
                preview: bool = False) -> None:
    """MkDocs with our plugin given `prepared`. With `preview`, as `mkdocs serve`
    rebuilds: into the same `out_dir` again, reusing unchanged register pages."""
    import datetime as dt

    export_day = prepared.context["export_day"]
    epoch = int(dt.datetime(export_day.year, export_day.month, export_day.day,
                            tzinfo=dt.UTC).timestamp())
    logger = logging.getLogger("mkdocs")
    logger.setLevel(logging.WARNING)
    errors = _ErrorCollector()
    logger.addHandler(errors)
    try:
        with _source_date(epoch):
            config = load_mkdocs_config(config_file=str(mkdocs_yml), site_dir=str(out_dir))
            plugin = config.plugins["enforcement"]
            assert isinstance(plugin, EnforcementPlugin)
            plugin.prepared = prepared
            plugin.previewing = preview
            mkdocs_build(config)
    except MkDocsException as exc:
        # MkDocs logs the real reason (e.g. our plugin's page and line) and then raises
        # a generic 'Aborted': tell the user the reason.
        raise RenderError("\n".join(errors.messages) or str(exc)) from None
    finally:
        logger.removeHandler(errors)


SEARCH_FOLDER = "pagefind"  # where the search index is written, inside the site


@dataclass
class SearchIndexing:
    process: subprocess.Popen[bytes]
    output: IO[bytes]  # a file, not a pipe: a full pipe would stall Pagefind


def start_search_index(site_dir: Path, pages: list[str]) -> SearchIndexing:
    """Start Pagefind on `pages` (paths of HTML files under `site_dir`): the pages
    MkDocs rendered. Register entries and lists have an index of their own
    (pages/register_search.py): Pagefind reads and writes a file for each page it
    indexes, which at 16,000 entries took half the build. It runs in its own process,
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
