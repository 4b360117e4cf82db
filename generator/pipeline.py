"""The build, stage by stage. Read `build()` top to bottom for the whole flow.

Each stage is a small module; this file only says in which order they run, times them,
and decides what a failure means. Nothing is written to the public site folder until
every check has passed: the site is built in a staging folder and swapped into place.
"""

from __future__ import annotations

import datetime as dt
import errno
import gc
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import leakscan, reports
from .anonymise import PublicData, anonymise, build_policy, load_extra_names
from .config import Config, load_config
from .dropguard import DropRefused, check_drop
from .geo import WardMap, load_wards
from .ingest import Dataset, InputFilesError, ingest
from .ledger import Ledger
from .locate import locate
from .mapping import Mapping, load_mapping
from .pages.common import GeneratedSite
from .pages.home import page_context
from .pages.register import Entry, assign_slugs
from .pages.site import generate_other_pages, generate_register
from .plugin import Prepared, fast_page_output
from .problems import Problems
from .publish import (
    SiteFolders,
    discard,
    last_published,
    locked,
    new_build_folder,
    publish,
    recover,
    start_clearing,
)
from .render import (
    SEARCH_FOLDER,
    RenderError,
    finish_search_index,
    render_site,
    start_search_index,
)
from .stats import Statistics, compute
from .validate import validate


class BuildFailed(Exception):
    """The data, the built site or the machine failed; unless `published`, the previous
    site is untouched."""

    def __init__(self, message: str, published: bool = False):
        super().__init__(message)
        self.published = published


@dataclass
class Build:
    """What a build found and made; the reports are written from it."""

    config: Config
    problems: Problems = field(default_factory=Problems)
    ledger: Ledger = field(default_factory=Ledger)
    timings: dict[str, float] = field(default_factory=dict)
    mapping: Mapping | None = None
    wards: WardMap | None = None
    dataset: Dataset | None = None
    public: PublicData | None = None
    stats: Statistics | None = None
    site: GeneratedSite | None = None
    entries: list[Entry] = field(default_factory=list)  # published notices, with addresses
    scanner: leakscan.LeakScan | None = None  # only when building a site
    scanned_early: dict[str, bytes] = field(default_factory=dict)  # files sent as bytes
    leaks: leakscan.LeakReport | None = None

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(time.perf_counter() - started, 3)


class _CycleCollection:
    """The cycle collector, paused while the data stages run, and given back as it was
    on every path out of a build, a validation or a preview.

    The data stages make millions of objects that live until the pages are made and
    form no reference cycles worth looking for; the collector would walk them again and
    again. Objects are still freed as soon as nothing refers to them. Once the stages
    are done, what they made is frozen before collection resumes: otherwise the first
    allocation after it would walk all of it once more, and so would every later full
    collection (MkDocs makes cycles). Leaving the context unfreezes it."""

    def __enter__(self) -> _CycleCollection:
        self.enabled = gc.isenabled()
        gc.disable()
        return self

    def data_stages_done(self) -> None:
        gc.freeze()
        if self.enabled:
            gc.enable()

    def __exit__(self, *_: object) -> None:
        gc.unfreeze()
        if self.enabled:
            gc.enable()


def prepare(config: Config, today: dt.date) -> Build:
    """The data stages: everything up to the pages, with nothing written anywhere."""
    build = Build(config)
    with _CycleCollection() as collection:
        _prepare(build, today, collection)
    return build


def validate_export(config_path: Path, reports_dir: Path, today: dt.date) -> Build:
    """Check the export without building; the reports are written whatever happens."""
    result = Build(load_config(config_path))
    try:
        with _CycleCollection() as collection:
            _prepare(result, today, collection)
    finally:
        _write_reports(result, reports_dir.absolute())
    return result


def _prepare(build: Build, today: dt.date, collection: _CycleCollection,
             scan: bool = False) -> None:
    """The data stages, filling a Build the caller holds, so that reports can be written
    from whatever was found even when a stage fails part-way. With `scan`, the leak
    scanner is started as soon as the values it looks for are known (the caller closes
    it)."""
    try:
        _prepare_stages(build, today, scan)
    finally:
        collection.data_stages_done()


def _prepare_stages(build: Build, today: dt.date, scan: bool) -> None:
    config = build.config
    with build.stage("load mapping and boundaries"):
        build.mapping = load_mapping(config.path(config.data.mapping))
        build.wards = load_wards(
            config.path(config.data.wards), config.data.ward_code_property,
            config.data.ward_name_property,
            config.path(config.data.boundary) if config.data.boundary else None)
        policy = build_policy(config.privacy.field_policy)
    with build.stage("read and map the export"):
        try:
            dataset = ingest(config.path(config.data.export_dir), build.mapping,
                             build.problems, build.ledger, today)
        except InputFilesError as exc:
            for fatal in exc.problems:  # into reports/issues.csv with everything else
                build.problems.add(fatal.problem)
            raise
    with build.stage("locate"):
        dataset = locate(dataset, build.mapping, build.wards, build.problems,
                         config.base_dir)
    with build.stage("validate"):
        validate(dataset, build.mapping, build.wards, build.problems, today)
    build.dataset = dataset
    with build.stage("anonymise"):
        extra = config.path(config.privacy.extra_names) if config.privacy.extra_names \
            else None
        build.public = anonymise(dataset, policy, build.ledger,
                                 config.register.show_non_register,
                                 config.privacy.grid_cell_metres, load_extra_names(extra))
    build.ledger.check()
    if scan:  # in a process of its own: its automaton builds while the pages are made
        build.scanner = leakscan.LeakScan(build.public.sensitive,
                                          public_values(build.public, config))
    build.site = GeneratedSite()
    with build.stage("register pages"):
        build.entries = assign_slugs(build.public.register + build.public.other_notices,
                                     build.problems)
        generate_register(build.site, build.public, config, build.wards, build.entries)
    if build.scanner:  # its downloads and data, searched from here until MkDocs is done
        build.scanned_early = dict(build.site.files)
        build.scanner.search_contents(build.scanned_early)
    with build.stage("statistics"):
        build.stats = compute(build.public, config, build.wards)
    with build.stage("other pages"):
        generate_other_pages(build.site, build.public, build.stats, config, build.wards)


def public_values(public: PublicData, config: Config) -> list[str]:
    """Values the site publishes lawfully, which the leak scan must not count as leaks."""
    council = config.council
    published = [*public.register, *public.other_notices]
    return ([council.name, council.email, council.phone, council.address]
            + [n.address for n in published] + [n.postcode for n in published]
            + [n.uprn for n in published])


def prepared_for_plugin(build: Build, today: dt.date) -> Prepared:
    assert build.public and build.stats and build.site
    context, date_text = page_context(build.public, build.stats, build.config,
                                      build.entries)
    return Prepared(build.config, build.site, context, date_text, today, build.problems)


def prepare_for_mkdocs(config_path: Path) -> Prepared:
    """For `mkdocs serve`/`mkdocs build` run directly: the data stages, then the plugin."""
    config = load_config(config_path)
    today = dt.date.today()
    return prepared_for_plugin(prepare(config, today), today)


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


def _cannot_write(exc: OSError) -> str:
    """A file the build needs to write (or read) could not be: say which, and why."""
    reason = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
              errno.EROFS: "the file system is read-only",
              errno.EACCES: "the build may not write there",
              errno.EPERM: "the build may not write there"}.get(exc.errno or 0,
                                                                exc.strerror or str(exc))
    where = f" {exc.filename}" if exc.filename else ""
    return f"could not write{where}: {reason}"


def build(config_path: Path, mkdocs_yml: Path, site_dir: Path, reports_dir: Path,
          strict: bool = False, today: dt.date | None = None,
          accept_drop: bool = False) -> Build:
    """The whole build. Raises BuildFailed (data, privacy or the machine), BuildLocked
    (another build of the same site is running) or ConfigError. Whatever happens, the
    site published before stays published and complete unless this build replaces it."""
    today = today or dt.date.today()
    # Absolute from here on: MkDocs makes its site folder absolute (relative to
    # mkdocs.yml), and every path handed to the leak scanner must be comparable with it.
    folders = SiteFolders.beside(site_dir)
    reports_dir = reports_dir.absolute()
    result = Build(load_config(config_path))
    with locked(folders), _CycleCollection() as collection:
        recover(folders)
        clearing = start_clearing(folders)
        staging: Path | None = None
        try:
            _prepare(result, today, collection, scan=True)
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
        except DropRefused as exc:
            raise BuildFailed(str(exc)) from None
        except leakscan.ScanFailed as exc:
            raise BuildFailed(str(exc)) from None
        except OSError as exc:
            raise BuildFailed(_cannot_write(exc)) from None
        finally:
            if staging is not None:
                discard(staging)
            if result.scanner is not None:
                result.scanner.close()
            clearing.join()
            _write_reports(result, reports_dir)
    return result


def _write_reports(result: Build, reports_dir: Path) -> None:
    """The reports, whatever happened. When the build is failing already, a report that
    cannot be written (a full disk) must not hide why it failed."""
    failing = sys.exc_info()[1] is not None
    try:
        reports.write_all(result, reports_dir)
    except OSError as exc:
        if not failing:
            published = result.leaks is not None and result.leaks.clean
            raise BuildFailed(("the site was published, but its reports " if published
                               else "the reports ") + _cannot_write(exc),
                              published=published) from None
