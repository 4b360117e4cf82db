"""Stage: checks across fields and rows, after mapping and location.

These are warnings: the row is kept, and the data officer is told what to look at.
Statistics ignore an interval whose dates are out of order rather than count it as
negative.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from generator.config.mapping import FileMapping, Mapping
from generator.core.fields import CASES, NOTICES, FieldKind, fields_of
from generator.core.model import CaseStatus, Notice
from generator.core.problems import Problems
from generator.ingest.export import Dataset
from generator.ingest.geo import WardMap

# (earlier field, later field, what the pair means) for each kind of record.
CASE_ORDER = (("received", "logged", "logged before it was received"),
              ("received", "first_visit", "visited before it was received"),
              ("received", "closed", "closed before it was received"))
NOTICE_ORDER = (("issued", "served", "served before it was issued"),
                ("issued", "effective", "takes effect before it was issued"),
                ("served", "effective", "takes effect before it was served"),
                ("appeal_lodged", "appeal_decided", "appeal decided before it was lodged"))


def _order(record: object, pairs: Iterable[tuple[str, str, str]], file: str, row: int,
           columns: dict[str, str], problems: Problems) -> None:
    for earlier, later, meaning in pairs:
        a, b = getattr(record, earlier), getattr(record, later)
        if a and b and b < a:
            problems.warning(file, row, columns.get(later, later), b.strftime("%d/%m/%Y"),
                             "dates-out-of-order",
                             f"{meaning}: {b:%d/%m/%Y} is before {a:%d/%m/%Y}")


def _future(record: object, fields: Iterable[str], today: dt.date, file: str, row: int,
            columns: dict[str, str], problems: Problems) -> None:
    for name in fields:
        value = getattr(record, name)
        if value and value > today:
            problems.warning(file, row, columns.get(name, name), value.strftime("%d/%m/%Y"),
                             "future-date", f"{value:%d/%m/%Y} is in the future")


# The dates of each file that cannot lie in the future (a notice's effective and
# compliance dates can).
CASE_DATES, NOTICE_DATES = ([f.name for f in fields_of(file).values()
                             if f.kind is FieldKind.DATE and not f.future]
                            for file in (CASES, NOTICES))


def validate(dataset: Dataset, mapping: Mapping, wards: WardMap, problems: Problems,
             today: dt.date) -> None:
    empty = FileMapping("", "")
    case_columns = mapping.files.get(CASES, empty).columns
    notice_columns = mapping.files.get(NOTICES, empty).columns
    if dataset.stale:
        age = (today - dataset.export_date).days
        problems.warning(mapping.file, None, "export_date",
                         dataset.export_date.isoformat(), "export-stale",
                         f"the latest date in the export is {age:,} days old (more than "
                         f"'stale_after_days', {mapping.stale_after_days}); the site says "
                         "the register may not be up to date")
    for case in dataset.cases:
        file, row = case.source.file, case.source.row
        _order(case, CASE_ORDER, file, row, case_columns, problems)
        _future(case, CASE_DATES, today, file, row, case_columns, problems)
        if case.status is CaseStatus.CLOSED and not case.closed:
            problems.warning(file, row, case_columns.get("closed", "closed"), "",
                             "closed-without-date", "the case is closed but has no "
                             "closing date; it is left out of time-to-close figures")
    case_refs = {c.reference.upper() for c in dataset.cases}
    for notice in dataset.notices:
        file, row = notice.source.file, notice.source.row
        _order(notice, NOTICE_ORDER, file, row, notice_columns, problems)
        _future(notice, NOTICE_DATES, today, file, row, notice_columns, problems)
        if dataset.has_cases and notice.case_reference and \
                notice.case_reference.upper() not in case_refs:
            problems.warning(file, row, notice_columns.get("case_reference", ""),
                             notice.case_reference, "unknown-case",
                             f"case '{notice.case_reference}' is not in the cases file")
        if notice.on_register and not notice.removed:
            _register_entry(notice, notice_columns, problems)
    _outside_boundary(dataset, wards, problems, case_columns, notice_columns)


def _register_entry(notice: Notice, columns: dict[str, str], problems: Problems) -> None:
    file, row = notice.source.file, notice.source.row
    if not notice.location.address and not notice.location.has_point:
        problems.warning(file, row, columns.get("address", "address"), "",
                         "register-no-address", "a register entry needs the address of "
                         "the land or a point on a plan; this notice has neither")
    if not (notice.served or notice.issued):
        problems.warning(file, row, columns.get("served", "served"), "",
                         "register-no-date", "a register entry needs its date of issue "
                         "or service")


def _outside_boundary(dataset: Dataset, wards: WardMap, problems: Problems,
                      case_columns: dict[str, str], notice_columns: dict[str, str]) -> None:
    for records, columns in ((dataset.cases, case_columns),
                             (dataset.notices, notice_columns)):
        located = [r for r in records if r.location.has_point]
        inside = wards.inside_boundary([r.location.longitude or 0.0 for r in located],
                                       [r.location.latitude or 0.0 for r in located])
        for record, ok in zip(located, inside, strict=True):
            if not ok:
                problems.warning(record.source.file, record.source.row,
                                 columns.get("easting", "easting"), "",
                                 "outside-boundary", "the point is outside the "
                                 "authority's boundary; check the easting and northing")
