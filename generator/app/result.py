"""What a build, a validation or a preview found and made, and how a build fails."""

from __future__ import annotations

import errno
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from generator.config.mapping import Mapping
from generator.config.schema import Config
from generator.core.errors import DataError
from generator.core.ledger import Ledger
from generator.core.problems import Problems
from generator.ingest.export import Dataset
from generator.ingest.geo import WardMap
from generator.privacy import leakscan
from generator.privacy.anonymise import PublicData
from generator.privacy.tracker_codes import TrackerKey
from generator.site.common import GeneratedSite
from generator.site.register import Entry
from generator.site.tracker import TrackerCode
from generator.stats.tables import Statistics


class BuildFailed(DataError):
    """The data, the built site or the machine failed; unless `published`, the previous
    site is untouched."""

    def __init__(self, message: str, published: bool = False):
        super().__init__(message)
        self.published = published


@dataclass
class Build:
    """What a build found and made; the reports are written from it."""

    config: Config
    problems: Problems = field(default_factory=Problems)  # the export's: data officers'
    # What the checks found in the pages comms staff write (site_src/): reported in a
    # section and a file of their own (reports/content.csv), apart from the data's.
    content: Problems = field(default_factory=Problems)
    content_checked: bool = False  # the pages were rendered, so `content` is complete
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
    tracker_key: TrackerKey | None = None  # the case tracker is on only with one
    tracker_codes: list[TrackerCode] = field(default_factory=list)  # for the letters

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(time.perf_counter() - started, 3)


def cannot_write(exc: OSError) -> str:
    """A file the build needs to write (or read) could not be: say which, and why."""
    reason = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
              errno.EROFS: "the file system is read-only",
              errno.EACCES: "the build may not write there",
              errno.EPERM: "the build may not write there"}.get(exc.errno or 0,
                                                                exc.strerror or str(exc))
    where = f" {exc.filename}" if exc.filename else ""
    return f"could not write{where}: {reason}"
