"""Stage: turn the generated pages and the comms staff's pages into HTML with MkDocs."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config as load_mkdocs_config
from mkdocs.exceptions import MkDocsException

from generator.core.errors import DataError
from generator.render.plugin import EnforcementPlugin, Prepared


class RenderError(DataError):
    """MkDocs could not build the site; the message names the page to fix."""

    heading = "The site could not be built"


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
