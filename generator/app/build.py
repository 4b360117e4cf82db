"""The build, stage by stage. Read `build()` top to bottom for the whole flow.

Each stage is a small module; this file only says in which order they run, times them,
and decides what a failure means. Nothing is written to the public site folder until
every check has passed: the site is built in a staging folder and swapped into place.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from generator.app import reports
from generator.app.prepare import CycleCollection, prepared_for_plugin, run_data_stages
from generator.app.result import Build, BuildFailed, cannot_write
from generator.config.schema import load_config
from generator.privacy import leakscan
from generator.privacy.tracker_codes import TrackerKey
from generator.publish.dropguard import DropRefused, check_drop
from generator.publish.folders import (
    SiteFolders,
    discard,
    last_published,
    locked,
    new_build_folder,
    publish,
    recover,
    start_clearing,
)
from generator.render.fast_pages import fast_page_output
from generator.render.mkdocs import RenderError, render_site
from generator.render.search_index import (
    SEARCH_FOLDER,
    finish_search_index,
    start_search_index,
)
from generator.site.common import GeneratedSite


def pages_to_index(files: list[Path], staging: Path, site: GeneratedSite) -> list[str]:
    """The HTML pages Pagefind indexes: those MkDocs rendered. Register entries and
    lists (fast pages) are in the register's own index; the 404 page is not content."""
    fast = {fast_page_output(path) for path in site.fast_pages}
    pages = (f.relative_to(staging).as_posix() for f in files if f.suffix == ".html")
    return [p for p in pages if p not in fast and p != "404.html"]


# Fast pages handed to the scanner at once while others are written: a few of the
# blocks it searches, so that it is not handed work a block at a time.
STREAMED_FILES = 4 * leakscan.BLOCK


def _render(result: Build, mkdocs_yml: Path, staging: Path, today: dt.date) -> set[Path]:
    """MkDocs into `staging`, with the leak scanner kept busy on the other CPU: the
    files MkDocs wrote that nothing changes afterwards are handed to it before the fast
    pages are written, and the fast pages as they are written, whenever it has caught
    up (what is left at the end is searched with every CPU). Returns the files handed
    over, and those written exactly as the scanner was sent them before the render."""
    assert result.scanner is not None
    scanner, early = result.scanner, result.scanned_early
    scanned: set[Path] = set()
    waiting: list[Path] = []

    def scan_what_mkdocs_wrote(site: Path, changing: frozenset[str]) -> None:
        final = []
        for file in leakscan.list_files(site):
            name = file.relative_to(site).as_posix()
            if name in changing:
                continue
            if name in early and file.read_bytes() == early[name]:
                scanned.add(file)  # searched already, from the same bytes
            else:
                final.append(file)
        scanned.update(final)
        scanner.search_files(site, final)  # one CPU: the other writes the fast pages

    def scan_fast_pages(files: list[Path]) -> None:
        waiting.extend(files)
        if scanner.idle():  # a little at a time: the rest waits for both CPUs
            batch = waiting[:STREAMED_FILES]
            del waiting[:STREAMED_FILES]
            scanner.search_files(staging, batch)
            scanned.update(batch)

    prepared = prepared_for_plugin(result, today)
    prepared.before_fast_pages = scan_what_mkdocs_wrote
    prepared.fast_pages_written = scan_fast_pages
    try:
        render_site(prepared, mkdocs_yml, staging)
    except RenderError as exc:
        raise BuildFailed(f"the site could not be built: {exc}") from None
    finally:
        result.content_checked = True
    return scanned


def _index_and_scan(result: Build, staging: Path,
                    scanned: set[Path]) -> leakscan.LeakReport:
    """Pagefind indexes the pages in its own process while the scanner searches every
    file not yet handed to it (`scanned`); then the index Pagefind wrote."""
    assert result.site is not None and result.scanner is not None
    scanner = result.scanner
    files = leakscan.list_files(staging, skip=SEARCH_FOLDER)
    indexing = start_search_index(staging, pages_to_index(files, staging, result.site))
    try:
        with result.stage("  leak scan of the pages"):
            scanner.search_files(staging, [f for f in files if f not in scanned],
                                 workers=os.cpu_count() or 1)
            report = scanner.report()
    finally:
        try:
            with result.stage("  waiting for the search index"):
                finish_search_index(indexing)
        except RenderError as exc:
            raise BuildFailed(f"the site could not be built: {exc}") from None
    with result.stage("  leak scan of the search index"):
        index = leakscan.list_files(staging / SEARCH_FOLDER)
        scanner.search_files(staging, index, workers=os.cpu_count() or 1)
        report.add(scanner.report())
    report.files_scanned = len(files) + len(index)
    return report


def manifest(result: Build) -> dict[str, object]:
    """What a published build records beside itself, for the next build's drop guard."""
    assert result.public is not None and result.dataset is not None
    return {"register entries": len(result.public.register),
            "other notices": len(result.public.other_notices),
            "export date": result.dataset.export_date.isoformat(),
            "rows": result.ledger.summary()}


def build(config_path: Path, mkdocs_yml: Path, site_dir: Path, reports_dir: Path,
          strict: bool = False, today: dt.date | None = None,
          accept_drop: bool = False, tracker_key: TrackerKey | None = None) -> Build:
    """The whole build. Raises BuildFailed (data, privacy or the machine), BuildLocked
    (another build of the same site is running) or ConfigError. Whatever happens, the
    site published before stays published and complete unless this build replaces it.
    With `tracker_key`, the case tracker's files are built and their codes written to
    reports/tracker-codes.csv once the site is published."""
    today = today or dt.date.today()
    # Absolute from here on: MkDocs makes its site folder absolute (relative to
    # mkdocs.yml), and every path handed to the leak scanner must be comparable with it.
    folders = SiteFolders.beside(site_dir)
    reports_dir = reports_dir.absolute()
    result = Build(load_config(config_path), tracker_key=tracker_key)
    with locked(folders), CycleCollection() as collection:
        recover(folders)
        clearing = start_clearing(folders)
        staging: Path | None = None
        try:
            run_data_stages(result, today, collection, scan=True)
            assert result.stats is not None
            if not result.stats.audit.passed:
                raise BuildFailed(
                    f"the intruder audit found {len(result.stats.audit.findings)} hidden "
                    "counts that the published figures would narrow down (see "
                    "reports/disclosure-audit.csv and docs/statistics.md); nothing was "
                    "published")
            if strict and result.problems.errors:
                raise BuildFailed(f"{len(result.problems.errors)} rows have errors and "
                                  "--strict is set; see reports/issues.csv")
            assert result.public is not None
            if not accept_drop:
                check_drop(result.config.publish, result.ledger, result.problems,
                           len(result.public.register), last_published(folders))
            staging = new_build_folder(folders)
            with result.stage("render with MkDocs"):
                scanned = _render(result, mkdocs_yml, staging, today)
            with result.stage("search index and leak scan"):
                result.leaks = _index_and_scan(result, staging, scanned)
            if not result.leaks.clean:
                raise BuildFailed("the leak scan found personal data in the built site ("
                                  + ", ".join(sorted(result.leaks.hits)) + ")")
            with result.stage("publish"):
                publish(folders, staging, manifest(result), clearing)
            staging = None
            # The letters' codes match the files now published (and none are left
            # behind once the tracker is switched off).
            try:
                reports.write_tracker_codes(result, reports_dir)
            except OSError as exc:
                raise BuildFailed("the site was published, but the tracker's codes "
                                  + cannot_write(exc), published=True) from None
        except DropRefused as exc:
            raise BuildFailed(str(exc)) from None
        except leakscan.ScanFailed as exc:
            raise BuildFailed(str(exc)) from None
        except OSError as exc:
            raise BuildFailed(cannot_write(exc)) from None
        finally:
            if staging is not None:
                discard(staging)
            if result.scanner is not None:
                result.scanner.close()
            clearing.join()
            reports.write_whatever_happened(result, reports_dir, summary=True)
    return result
