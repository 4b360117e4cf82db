"""Stage: read the export files and map every row to a canonical record.

Rows from another authority are withheld (listed in reports/withheld.csv), rows
identical in every mapped column are merged, a record key repeated with different
values is rejected (naming the first row), distinct notices sharing a reference are
rejected or given a stable suffix as the mapping says, appeal decisions attach to their
notices, and any error in a row rejects it. Every row read is marked in the ledger by
the end of the build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from generator.config.mapping import FileMapping, Mapping
from generator.core.errors import DataError
from generator.core.fields import APPEALS, CASES, NOTICES, published_notice_fields
from generator.core.ledger import Ledger, Outcome
from generator.core.model import GENERATED, SUFFIXED, Appeal, Case, Notice, Source, evolve
from generator.core.problems import FatalInputError, Problems
from generator.core.sensitive import Sensitive
from generator.ingest.read import Table, read_table
from generator.ingest.rows import (
    NO_REFERENCE,
    PEOPLE_FIELDS,
    REFERENCE_NOTE,
    MappedRow,
    RowMapper,
    appeal_from,
    case_from,
    notice_from,
)


@dataclass
class Dataset:
    cases: list[Case]
    notices: list[Notice]
    export_date: dt.date
    sensitive: Sensitive
    # Which files the export has: a notices-only archive builds a register-only site.
    has_cases: bool = True
    has_notices: bool = True
    # `export_date: latest` found a date older than the mapping's `stale_after_days`.
    stale: bool = False
    # The notice fields the export holds (mapped columns, and the appeal fields appeal
    # decisions fill in): a field not among them is "Not recorded", never inferred.
    notice_fields: frozenset[str] = frozenset()
    # Addresses looked up in the gazetteer (ingest/locate.py), for the officer's report.
    address_matches: list[Any] = field(default_factory=list)


class InputFilesError(DataError):
    """One or more export files cannot be read at all."""

    def __init__(self, problems: list[FatalInputError]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))

    def explain(self) -> str:
        return "Cannot read the export:\n" + "\n".join(f"  - {p}" for p in self.problems)


def read_export(export_dir: Path, mapping: Mapping, problems: Problems) -> dict[str, Table]:
    """Read both files, reporting every unreadable file together."""
    tables: dict[str, Table] = {}
    fatal: list[FatalInputError] = []
    for key, fm in mapping.files.items():
        try:
            tables[key] = read_table(export_dir / fm.path, fm.encoding, fm.delimiter,
                                     fm.sheet, problems)
        except FatalInputError as exc:
            fatal.append(exc)
    if fatal:
        raise InputFilesError(fatal)
    return tables


def _error_rows(problems: Problems, file: str) -> set[int]:
    return {p.row for p in problems.errors if p.file == file and p.row is not None}


def _cell_key(value: object) -> object:
    """A value as record keys compare it: text without regard to case or spacing."""
    return " ".join(value.upper().split()) if isinstance(value, str) else value


class _Rows:
    """The rows of one table being made records: exclusion, appeal rows, record keys."""

    def __init__(self, table: Table, fm: FileMapping, mapping: Mapping, problems: Problems,
                 ledger: Ledger):
        self.table, self.fm, self.mapping = table, fm, mapping
        self.problems, self.ledger = problems, ledger
        refs = mapping.references
        self.notices = fm.key == NOTICES
        self.generate = self.notices and refs.missing == "generate"
        # An appeals file names the notice; the appeal's own reference may be blank.
        self.mapper = RowMapper(mapping, fm, table, problems,
                                allow_missing_reference=self.generate or fm.key == APPEALS)
        appeals = mapping.appeals
        self.appeal_mapper: RowMapper | None = None
        if self.notices and (appeals.notice_types or appeals.reference_pattern):
            self.appeal_mapper = RowMapper(mapping, fm, table, problems,
                                           skip=frozenset({"notice_type"}),
                                           allow_missing_reference=True)
        self.appeals = fm.key == APPEALS
        # An appeal decision's own reference is optional: appeals are told apart by
        # every mapped value, as are notices kept under a shared reference.
        if self.appeals or refs.repeated == "suffix" and refs.record_key == ("reference",):
            self.key_fields: tuple[str, ...] | None = None  # every mapped value
        else:
            self.key_fields = tuple(f for f in refs.record_key if f in fm.columns)

    def is_appeal(self, row: dict[str, str]) -> bool:
        appeals = self.mapping.appeals
        if self.appeal_mapper is None:
            return False
        type_header = self.fm.columns.get("notice_type", "")
        if row.get(type_header, "").strip().upper() in appeals.notice_types:
            return True
        reference = row.get(self.fm.columns.get("reference", ""), "")
        # An appeal reference (APP/...) is never a register reference.
        return bool(appeals.reference_pattern and appeals.reference_pattern.search(reference))

    def key(self, mapped: MappedRow) -> tuple[object, ...]:
        values = mapped.values
        fields = self.key_fields if self.key_fields is not None else sorted(values)
        return tuple(_cell_key(values.get(f)) for f in fields)


def map_rows(table: Table, fm: FileMapping, mapping: Mapping, problems: Problems,
             ledger: Ledger, sensitive: Sensitive, appeals: list[Appeal] | None = None,
             exclusion_broken: bool = False) -> list[MappedRow]:
    """Canonical rows of one table, de-duplicated, with the ledger marked for the rest.
    Appeal decisions among a notices file's rows go to `appeals`."""
    ledger.count_read(table.file, len(table.rows))
    rows = _Rows(table, fm, mapping, problems, ledger)
    _collect_people(table, fm, sensitive)
    if not rows.mapper.check_headers() or exclusion_broken:
        for row_number, _ in table.rows:
            ledger.mark(Source(table.file, row_number), Outcome.REJECTED, "column missing")
        return []
    bad_shape = _error_rows(problems, table.file)  # extra or missing cells, truncation
    kept: list[MappedRow] = []
    first_seen: dict[tuple[object, ...], MappedRow] = {}
    by_reference: dict[str, MappedRow] = {}
    reference_header = fm.columns.get("reference") or fm.columns.get("notice_reference", "")
    for row_number, row in table.rows:
        source = Source(table.file, row_number)
        # A damaged row's cells may not be where the header says: reject, never withhold.
        reason = None if row_number in bad_shape else _excluded(row, mapping)
        if reason:
            ledger.mark(source, Outcome.WITHHELD, reason,
                        label=row.get(reference_header, ""))
            continue
        if rows.appeal_mapper is not None and rows.is_appeal(row):
            appeal = _appeal_row(rows.appeal_mapper, source, row, mapping, fm)
            if appeal is None or row_number in bad_shape:
                ledger.mark(source, Outcome.REJECTED)
            elif appeals is not None:
                appeals.append(appeal)
            continue
        mapped = rows.mapper.map_row(source, row)
        if mapped is None or row_number in bad_shape:
            ledger.mark(source, Outcome.REJECTED)
            continue
        if rows.generate and mapped.values.get("reference", "").strip().upper() in \
                NO_REFERENCE:
            _generate_reference(mapped, rows, problems)
        key = rows.key(mapped)
        reference = (mapped.values.get("reference") or "").strip().upper()
        earlier = first_seen.get(key)
        if earlier is not None and earlier.values == mapped.values:
            exact = earlier.raw == mapped.raw
            how = "exactly" if exact else "in every mapped column"
            problems.warning(table.file, row_number, reference_header, reference,
                             "duplicate-row", f"repeats row {earlier.source.row} {how}; "
                             "counted once")
            ledger.mark(source, Outcome.MERGED, "exact duplicate row" if exact
                        else "identical in every mapped column")
            continue
        if earlier is None and reference in by_reference and not rows.appeals and (
                not rows.notices or mapping.references.repeated != "suffix"):
            earlier = by_reference[reference]  # a distinct record, but one reference
        if earlier is not None:
            differing = sorted(h for c, h in fm.columns.items()
                               if mapped.values.get(c) != earlier.values.get(c))
            shown = ", ".join(f"'{h}'" for h in differing[:5])
            hint = (" (set 'references.repeated: suffix' in the mapping to publish each)"
                    if rows.notices else "")
            problems.error(table.file, row_number, reference_header, reference,
                           "duplicate-reference",
                           f"reference '{reference}' is also on row {earlier.source.row} "
                           f"with different values ({shown}); row {earlier.source.row} is "
                           f"used and this row is rejected{hint}")
            ledger.mark(source, Outcome.REJECTED)
            continue
        first_seen[key] = mapped
        by_reference.setdefault(reference, mapped)
        kept.append(mapped)
    if rows.notices and mapping.references.repeated == "suffix":
        _suffix_repeated(kept, fm, problems)
    return kept


def _excluded(row: dict[str, str], mapping: Mapping) -> str | None:
    """Why a row is withheld as another authority's, or None."""
    if mapping.exclude_column and row.get(mapping.exclude_column, "").strip().upper() \
            in mapping.exclude_values:
        return "another authority's case"
    for rule in mapping.exclude_rules:
        if rule.matches(row):
            return rule.reason
    return None


def _appeal_row(mapper: RowMapper, source: Source, row: dict[str, str], mapping: Mapping,
                fm: FileMapping) -> Appeal | None:
    """An appeal decision from a row of the notices file: its reference is the notice's,
    unless it is the appeal's own (`appeals.reference_pattern`); its date is the
    decision's."""
    mapped = mapper.map_row(source, row)
    if mapped is None:
        return None
    v = mapped.values
    reference = (v.get("reference") or "").strip()
    pattern = mapping.appeals.reference_pattern
    own = reference if pattern and pattern.search(reference) else ""
    notice = "" if own else reference
    if mapping.appeals.notice_column:
        notice = row.get(mapping.appeals.notice_column, "").strip() or notice
    if notice.upper() in NO_REFERENCE:
        notice = ""
    decided = v.get("appeal_decided") or v.get("served") or v.get("issued")
    return Appeal(own, source, notice, v.get("appeal_lodged"), decided,
                  v.get("appeal_outcome"))


def _generate_reference(mapped: MappedRow, rows: _Rows, problems: Problems) -> None:
    """A stable reference for a notice the export gives none (`references.missing:
    generate`): from the notice's own mapped values, so the same row gets the same
    reference every night and its page keeps its address."""
    values = mapped.values
    # Only what the entry publishes goes into it: a digest of a name could be tested
    # against a list of names.
    digest = hashlib.sha256(repr(sorted(
        (k, str(_cell_key(v))) for k, v in values.items() if k in _PUBLISHED
    )).encode("utf-8")).hexdigest()[:8].upper()
    day = values.get("served") or values.get("issued")
    year = day.year if isinstance(day, dt.date) else "NODATE"
    given = values.get("reference", "")
    values["reference"] = f"UNREF-{year}-{digest}"
    values[REFERENCE_NOTE] = GENERATED
    problems.warning(rows.table.file, mapped.source.row, rows.fm.columns["reference"],
                     given, "generated-reference",
                     f"the reference is {'blank' if not given.strip() else repr(given)}; "
                     f"published as {values['reference']}, marked on its page as given by "
                     "this site")


_PUBLISHED = frozenset(published_notice_fields()) - {"reference"}


def _suffix_repeated(kept: list[MappedRow], fm: FileMapping, problems: Problems) -> None:
    """Distinct notices sharing a reference (one notice for several addresses, initials
    reused): each is published, the second and later with ' (2)', ' (3)'... in the order
    of their dates and addresses, so the suffixes do not depend on the rows' order."""
    groups: dict[str, list[MappedRow]] = {}
    for mapped in kept:
        groups.setdefault(mapped.values["reference"].strip().upper(), []).append(mapped)
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda m: (m.values.get("served") or m.values.get("issued")
                                  or dt.date.min, _cell_key(m.values.get("address") or ""),
                                  repr(sorted((k, str(v)) for k, v in m.values.items())),
                                  m.source.row))
        first = group[0]
        for number, mapped in enumerate(group[1:], start=2):
            reference = mapped.values["reference"].strip()
            mapped.values["reference"] = f"{reference} ({number})"
            mapped.values[REFERENCE_NOTE] = SUFFIXED
            problems.warning(mapped.source.file, mapped.source.row, fm.columns["reference"],
                             reference, "repeated-reference",
                             f"reference '{reference}' is also on row {first.source.row} "
                             "for a different notice; this one is published as "
                             f"'{mapped.values['reference']}'")


def _collect_people(table: Table, fm: FileMapping, sensitive: Sensitive) -> None:
    """Every value of the personal-data columns, from every row read (rejected and
    withheld rows too: their values can still turn up in other rows' text)."""
    people = [(canonical, header) for canonical, header in fm.columns.items()
              if canonical in PEOPLE_FIELDS and header in table.headers]
    if not people:
        return
    cells = itemgetter(*(header for _, header in people))
    rows = [cells(row) for _, row in table.rows]
    columns = zip(*rows, strict=True) if len(people) > 1 else [rows]
    for (canonical, _), values in zip(people, columns, strict=True):
        sensitive.add_person_column(canonical, set(values))


def export_date(mapping: Mapping, cases: list[Case], notices: list[Notice],
                today: dt.date) -> dt.date:
    """The date the data is 'as of': declared in the mapping, or the latest event in it.

    Dates after the real today are typing errors (they are flagged by validation) and
    must not make the register look fresher than it is.
    """
    if mapping.export_date:
        return mapping.export_date
    candidates = [d for c in cases for d in (c.received, c.closed) if d] + [
        d for n in notices for d in (n.served, n.issued, n.entered_on_register,
                                     n.appeal_decided) if d]
    plausible = [d for d in candidates if d <= today]
    return max(plausible) if plausible else today


def _exclusion_columns_missing(tables: dict[str, Table], mapping: Mapping,
                               problems: Problems) -> bool:
    """An exclusion whose columns no file has would let another authority's rows through
    as this council's: every file's rows are rejected until the mapping is corrected."""
    wanted = [(f"exclude rule {n}", rule.columns)
               for n, rule in enumerate(mapping.exclude_rules, start=1)]
    missing = False
    for key, columns in wanted:
        if any(c in t.headers for t in tables.values() for c in columns):
            continue
        missing = True
        for table in tables.values():
            shown = ", ".join(f"'{c}'" for c in columns)
            problems.error(table.file, table.header_row, columns[0], "", "column-missing",
                           f"the mapping's '{key}' names {shown}, which no export file "
                           "has, so another authority's rows could not be withheld; "
                           "every row is left out. The file's columns are: "
                           + ", ".join(f"'{h}'" for h in table.headers))
    return missing


def _attach_appeals(notices: list[Notice], appeals: list[Appeal], problems: Problems,
                    ledger: Ledger, headers: dict[str, str]) -> list[Notice]:
    """Each appeal decision fills in the appeal fields of the notice it names; one that
    names no notice in the export is a warning, and withheld."""
    by_reference: dict[str, list[int]] = {}
    for i, n in enumerate(notices):
        if n.reference_note != GENERATED:
            original = n.reference.rsplit(" (", 1)[0] if n.reference_note == SUFFIXED \
                else n.reference
            by_reference.setdefault(original.strip().upper(), []).append(i)
    out = list(notices)
    for appeal in sorted(appeals, key=lambda a: a.source):
        found = by_reference.get(appeal.notice_reference.strip().upper(), [])
        if not found:
            named = (f"names notice '{appeal.notice_reference}', which is not in the export"
                     if appeal.notice_reference else "names no notice (map "
                     "'appeals.notice_column' to the column that does)")
            problems.warning(appeal.source.file, appeal.source.row,
                             headers.get(appeal.source.file, ""),
                             appeal.reference or appeal.notice_reference, "orphan-appeal",
                             f"this appeal decision {named}; it is not published")
            ledger.mark(appeal.source, Outcome.WITHHELD, "appeal decision with no notice",
                        label=appeal.reference or appeal.notice_reference)
            continue
        # Of several notices with the reference, the latest served before the decision.
        decided = appeal.appeal_decided or dt.date.max
        i = max(found, key=lambda k: ((out[k].served or out[k].issued or dt.date.min)
                                      <= decided, out[k].served or out[k].issued
                                      or dt.date.min))
        n = out[i]
        out[i] = evolve(n, appeal_lodged=n.appeal_lodged or appeal.appeal_lodged,
                        appeal_decided=n.appeal_decided or appeal.appeal_decided,
                        appeal_outcome=n.appeal_outcome or appeal.appeal_outcome,
                        appeal_reference=n.appeal_reference or appeal.reference)
        ledger.mark(appeal.source, Outcome.MERGED, "appeal decision attached to its notice")
    return out


def notice_fields(mapping: Mapping) -> frozenset[str]:
    """The notice fields the export can say something about."""
    fields = set(mapping.files[NOTICES].columns) if NOTICES in mapping.files else set()
    if APPEALS in mapping.files:
        fields |= set(mapping.files[APPEALS].columns) - {"reference", "notice_reference"}
    if mapping.appeals.notice_types or mapping.appeals.reference_pattern:
        fields.add("appeal_decided")  # an appeal row's date is its decision's
    return frozenset(fields)


def ingest(export_dir: Path, mapping: Mapping, problems: Problems, ledger: Ledger,
           today: dt.date) -> Dataset:
    tables = read_export(export_dir, mapping, problems)
    sensitive = Sensitive()
    broken = _exclusion_columns_missing(tables, mapping, problems)
    appeals: list[Appeal] = []
    rows: dict[str, list[MappedRow]] = {}
    for key in (CASES, NOTICES):
        if key in tables:
            rows[key] = map_rows(tables[key], mapping.files[key], mapping, problems,
                                 ledger, sensitive, appeals, broken)
    if APPEALS in tables:
        appeals += [appeal_from(r) for r in map_rows(
            tables[APPEALS], mapping.files[APPEALS], mapping, problems, ledger, sensitive,
            exclusion_broken=broken)]
    cases = [case_from(r) for r in rows.get(CASES, [])]
    headers = {table.file: mapping.files[key].columns.get("notice_reference")
               or mapping.files[key].columns.get("reference", "")
               for key, table in tables.items()}  # an appeal's reference column, by file
    notices = _attach_appeals([notice_from(r) for r in rows.get(NOTICES, [])], appeals,
                              problems, ledger, headers)
    # The raw rows are not kept: at the largest councils they are half a gigabyte.
    as_of = export_date(mapping, cases, notices, today)
    stale = mapping.export_date is None and (today - as_of).days > mapping.stale_after_days
    return Dataset(cases, notices, as_of, sensitive, has_cases=CASES in mapping.files,
                   has_notices=NOTICES in mapping.files, stale=stale,
                   notice_fields=notice_fields(mapping))
