"""Stage: read the export files and map every row to a canonical record.

Rows from another authority are withheld, exact duplicates are merged, a reference
repeated with different values is rejected (naming the first row), and any error in a
row rejects it. Every row read is marked in the ledger by the end of the build.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from generator.config.mapping import FileMapping, Mapping
from generator.core.errors import DataError
from generator.core.ledger import Ledger, Outcome
from generator.core.model import Case, Notice, Source
from generator.core.problems import FatalInputError, Problems
from generator.core.sensitive import Sensitive
from generator.ingest.read import Table, read_table
from generator.ingest.rows import PEOPLE_FIELDS, MappedRow, RowMapper, case_from, notice_from


@dataclass
class Dataset:
    cases: list[Case]
    notices: list[Notice]
    export_date: dt.date
    sensitive: Sensitive


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


def map_rows(table: Table, fm: FileMapping, mapping: Mapping, problems: Problems,
             ledger: Ledger, sensitive: Sensitive) -> list[MappedRow]:
    """Canonical rows of one table, de-duplicated, with the ledger marked for the rest."""
    ledger.count_read(table.file, len(table.rows))
    mapper = RowMapper(mapping, fm, table, problems)
    _collect_people(table, fm, sensitive)
    if not mapper.check_headers():
        for row_number, _ in table.rows:
            ledger.mark(Source(table.file, row_number), Outcome.REJECTED, "column missing")
        return []
    bad_shape = _error_rows(problems, table.file)  # extra or missing cells, truncation
    kept: list[MappedRow] = []
    first_seen: dict[str, MappedRow] = {}
    for row_number, row in table.rows:
        source = Source(table.file, row_number)
        # A damaged row's cells may not be where the header says: reject, never withhold.
        if row_number not in bad_shape and _other_authority(row, mapping):
            ledger.mark(source, Outcome.WITHHELD, "another authority's case")
            continue
        mapped = mapper.map_row(source, row)
        if mapped is None or row_number in bad_shape:
            ledger.mark(source, Outcome.REJECTED)
            continue
        reference = mapped.values["reference"].strip().upper()
        earlier = first_seen.get(reference)
        if earlier is None:
            first_seen[reference] = mapped
            kept.append(mapped)
        elif earlier.raw == mapped.raw:
            problems.warning(table.file, row_number, fm.columns["reference"], reference,
                             "duplicate-row", f"repeats row {earlier.source.row} exactly; "
                             "counted once")
            ledger.mark(source, Outcome.MERGED, "exact duplicate row")
        else:
            differing = sorted(h for h in mapped.raw if mapped.raw[h] != earlier.raw.get(h))
            shown = ", ".join(f"'{h}'" for h in differing[:5])
            problems.error(table.file, row_number, fm.columns["reference"], reference,
                           "duplicate-reference",
                           f"reference '{reference}' is also on row {earlier.source.row} "
                           f"with different values ({shown}); row {earlier.source.row} is "
                           "used and this row is rejected")
            ledger.mark(source, Outcome.REJECTED)
    return kept


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


def _other_authority(row: dict[str, str], mapping: Mapping) -> bool:
    if not mapping.exclude_column:
        return False
    return row.get(mapping.exclude_column, "").strip().upper() in mapping.exclude_values


def export_date(mapping: Mapping, cases: list[Case], notices: list[Notice],
                today: dt.date) -> dt.date:
    """The date the data is 'as of': declared in the mapping, or the latest event in it.

    Dates after the real today are typing errors (they are flagged by validation) and
    must not make the register look fresher than it is.
    """
    if mapping.export_date:
        return mapping.export_date
    candidates = [d for c in cases for d in (c.received, c.closed) if d] + [
        d for n in notices for d in (n.served, n.issued, n.entered_on_register) if d]
    plausible = [d for d in candidates if d <= today]
    return max(plausible) if plausible else today


def ingest(export_dir: Path, mapping: Mapping, problems: Problems, ledger: Ledger,
           today: dt.date) -> Dataset:
    tables = read_export(export_dir, mapping, problems)
    sensitive = Sensitive()
    case_rows = map_rows(tables["cases"], mapping.files["cases"], mapping, problems, ledger,
                         sensitive)
    notice_rows = map_rows(tables["notices"], mapping.files["notices"], mapping, problems,
                           ledger, sensitive)
    cases = [case_from(r) for r in case_rows]
    notices = [notice_from(r) for r in notice_rows]
    # The raw rows are not kept: at the largest councils they are half a gigabyte.
    return Dataset(cases, notices, export_date(mapping, cases, notices, today), sensitive)
