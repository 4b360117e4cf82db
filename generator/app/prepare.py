"""The data stages, in order: everything up to the pages, with nothing written to the
site. `prepare` for the preview, `validate_export` for the validate command; the build
runs them as its first stages (app/build.py)."""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path

from generator.app import reports
from generator.app.result import Build
from generator.app.tracker_key import load_tracker_key
from generator.config.mapping import load_mapping
from generator.config.policy import build_policy
from generator.config.schema import Config, load_config
from generator.ingest.export import InputFilesError, ingest
from generator.ingest.geo import load_wards
from generator.ingest.locate import locate
from generator.ingest.validate import validate
from generator.privacy import leakscan
from generator.privacy.anonymise import PublicData, anonymise, listed, load_extra_names
from generator.privacy.tracker_codes import TrackerKey
from generator.render.plugin import Prepared
from generator.site.assemble import generate_other_pages, generate_register
from generator.site.common import GeneratedSite
from generator.site.home import page_context
from generator.site.register import assign_slugs
from generator.site.tracker import tracker_files
from generator.stats.tables import compute


class CycleCollection:
    """The cycle collector, paused while the data stages run, and given back as it was
    on every path out of a build, a validation or a preview.

    The data stages make millions of objects that live until the pages are made and
    form no reference cycles worth looking for; the collector would walk them again and
    again. Objects are still freed as soon as nothing refers to them. Once the stages
    are done, what they made is frozen before collection resumes: otherwise the first
    allocation after it would walk all of it once more, and so would every later full
    collection (MkDocs makes cycles). Leaving the context unfreezes it."""

    def __enter__(self) -> CycleCollection:
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


def prepare(config: Config, today: dt.date, tracker_key: TrackerKey | None = None) -> Build:
    """The data stages: everything up to the pages, with nothing written anywhere."""
    build = Build(config, tracker_key=tracker_key)
    with CycleCollection() as collection:
        run_data_stages(build, today, collection)
    return build


def validate_export(config_path: Path, reports_dir: Path, today: dt.date) -> Build:
    """Check the export without building; the reports are written whatever happens."""
    result = Build(load_config(config_path))
    try:
        with CycleCollection() as collection:
            run_data_stages(result, today, collection)
    finally:
        reports.write_whatever_happened(result, reports_dir.absolute())
    return result


def codes_for_letters(config_path: Path, reports_dir: Path, today: dt.date,
                      key: TrackerKey) -> Build:
    """reports/tracker-codes.csv from the export and the key, without building a site:
    for the council's own machine, when the site is built elsewhere (docs/tracker.md).
    The codes are the ones the published site's files answer to, as long as both use
    the same key and export."""
    result = Build(load_config(config_path), tracker_key=key)
    with CycleCollection() as collection:
        run_data_stages(result, today, collection)
    reports.write_tracker_codes(result, reports_dir.absolute())
    return result


def run_data_stages(build: Build, today: dt.date, collection: CycleCollection,
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
        show_others = config.register.show_non_register
        dataset = locate(dataset, build.mapping, build.wards, build.problems,
                         config.base_dir, published=lambda n: listed(n, show_others))
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
    build.timings["  of which the intruder audit"] = build.stats.audit_seconds
    with build.stage("other pages"):
        generate_other_pages(build.site, build.public, build.stats, config, build.wards)
    if build.tracker_key is not None:
        with build.stage("case tracker"):
            build.tracker_codes = tracker_files(build.site, dataset, config,
                                                build.tracker_key, build.problems)


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
                                      build.entries, tracker=build.tracker_key is not None)
    return Prepared(build.config, build.site, context, date_text, today, build.content)


def prepare_for_mkdocs(config_path: Path, today: dt.date | None = None) -> Prepared:
    """For the preview (MkDocs runs the plugin): the data stages, then the plugin."""
    config = load_config(config_path)
    today = today or dt.date.today()
    # The preview shows the case tracker working when the key is in the environment,
    # as the build would (the preview's files are never published).
    key = load_tracker_key(None, config.base_dir)
    return prepared_for_plugin(prepare(config, today, key), today)
