"""Stage: each row of an export table made a canonical record, as the mapping says.

A row with a bad value becomes problems naming file, row and column, and no record; a
row keeps its source (file and row number) through every later stage.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from generator.config.mapping import (
    CODE_ENUMS,
    FILE_FIELDS,
    LENIENT_CODES,
    REQUIRED_FIELDS,
    FileMapping,
    Mapping,
)
from generator.core.fields import FieldKind, part_of
from generator.core.model import (
    Appeal,
    BreachCategory,
    Case,
    Location,
    Notice,
    People,
    Source,
)
from generator.core.problems import Problem, Problems, Severity
from generator.core.suggest import closest
from generator.core.untrusted import web_address
from generator.ingest.read import Table

EXCEL_SERIAL = "excel-serial"
NO_REFERENCE = {"", "N/A", "NA", "N.A.", "NONE", "NULL", "-", "TBC", "0"}
# The longest references in use, Planning Inspectorate appeal references such as
# APP/X1234/C/21/3271234, are about 25 characters: this leaves room for any council's.
MAX_REFERENCE_LENGTH = 100
_SHOWN = 60  # characters of a bad reference quoted in its problem
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
PEOPLE_FIELDS = part_of("people")  # in People's field order (tested)
REFERENCE_NOTE = "reference_note"  # set on a row whose reference is suffixed or generated


def date_parser(formats: list[str]) -> Callable[[str], dt.date | None]:
    """A cached parser: exports repeat the same few thousand dates many times."""
    strptime_formats = [f for f in formats if f != EXCEL_SERIAL]
    allow_serial = EXCEL_SERIAL in formats

    @lru_cache(maxsize=65536)
    def parse(value: str) -> dt.date | None:
        for fmt in strptime_formats:
            try:
                return dt.datetime.strptime(value, fmt).date()
            except ValueError:
                continue
        if allow_serial and re.fullmatch(r"\d{5}(\.0+)?", value):
            serial = int(float(value))
            if 20000 <= serial <= 80000:  # 1954 to 2119: anything else is not a date
                return dt.date(1899, 12, 30) + dt.timedelta(days=serial)
        return None

    return parse


@dataclass
class MappedRow:
    """One row's canonical values, before they become a Case or a Notice."""

    source: Source
    values: dict[str, Any]
    raw: dict[str, str]  # the export row, for duplicate detection and the leak scan


class RowMapper:
    """Converts rows of one table using one file's mapping."""

    def __init__(self, mapping: Mapping, fm: FileMapping, table: Table, problems: Problems,
                 skip: frozenset[str] = frozenset(), allow_missing_reference: bool = False):
        """`skip`: mapped fields this mapper leaves out (an appeal row's notice type);
        `allow_missing_reference`: a blank or N/A reference is not an error (a generated
        one is given, or an appeal names its notice otherwise)."""
        self.mapping = mapping
        self.fm = fm
        # What it needs of the table, not the table: the converters refer back to the
        # mapper, a cycle that only the cycle collector frees, and it is paused while the
        # export is read, so a mapper holding the table would hold every row it read.
        self.file, self.headers, self.header_row = table.file, table.headers, table.header_row
        self.problems = problems
        self.kinds = FILE_FIELDS[fm.key]
        self.parse_date = date_parser(mapping.date_formats)
        self.allow_missing_reference = allow_missing_reference
        untyped = (FieldKind.TEXT, FieldKind.SENSITIVE)
        columns = [(c, h) for c, h in fm.columns.items() if c not in skip]
        self._text_columns = [(c, h) for c, h in columns if self.kinds[c] in untyped]
        self._typed_columns = [(c, h, self._converter(c, h)) for c, h in columns
                               if self.kinds[c] not in untyped]
        # Required columns other than the reference (which has a check of its own).
        self._required = [fm.columns[r] for r in REQUIRED_FIELDS[fm.key]
                          if r != "reference" and r not in skip]
        self._lenient: list[Problem] = []  # the row's warnings for unknown lenient codes

    def check_headers(self) -> bool:
        """Every mapped column must exist; name the key, the headers and the closest one."""
        ok = True
        headers = self.headers
        # Each missing column once, with every key that names it (the case tracker's
        # `stage` often reads the status column again). The single-column form of
        # `exclude` names a column every file must have: without it, another
        # authority's rows get through. (Rules with `columns` apply where a file has
        # them: ingest/export.py checks some file does.)
        wanted: dict[str, list[str]] = {}
        for c, h in self.fm.columns.items():
            wanted.setdefault(h, []).append(f"files.{self.fm.key}.columns.{c}")
        if self.mapping.exclude_column:
            wanted.setdefault(self.mapping.exclude_column, []).append("exclude.column")
        for header, keys in wanted.items():
            if header in headers:
                continue
            key = "' and '".join(keys)
            close = closest(header, headers, cutoff=0.5)
            hint = f" Did you mean '{close}'?" if close else ""
            self.problems.error(
                self.file, self.header_row, header, "", "column-missing",
                f"the mapping's '{key}' {'names' if len(keys) == 1 else 'name'} column "
                f"'{header}', which is not in the file.{hint} The file's columns are: "
                + ", ".join(f"'{h}'" for h in headers),
            )
            ok = False
        return ok

    def map_row(self, source: Source, row: dict[str, str]) -> MappedRow | None:
        """Canonical values for one row, or None when the row has an error."""
        row_number = source.row
        before = self.problems.error_count
        values: dict[str, Any] = {canonical: row.get(header, "")
                                  for canonical, header in self._text_columns}
        for canonical, header, convert in self._typed_columns:
            value = row.get(header, "")
            values[canonical] = None if value == "" else convert(value, row_number)
        if (values.get("reference") or "").strip().upper() in NO_REFERENCE or not all(
                row.get(header) for header in self._required):  # (cells are stripped)
            self._check_required(values, row, row_number)
        reference = values.get("reference") or ""
        if reference and (len(reference) > MAX_REFERENCE_LENGTH or not reference.isprintable()
                or not _LETTER_OR_DIGIT.search(reference)):
            self._check_reference(reference, row_number)
        lenient, self._lenient = self._lenient, []
        if self.problems.error_count > before:
            # Said once: the row is left out for its error (often the same value, in
            # the status column the stage codes also read).
            return None
        for problem in lenient:
            self.problems.add(problem)
        return MappedRow(source, values, row)

    def _converter(self, canonical: str, header: str) -> Callable[[str, int], Any]:
        """The function that converts one column's non-blank cells, made once per file:
        a large export has millions of cells."""
        kind = self.kinds[canonical]
        file, problems = self.file, self.problems
        if kind is FieldKind.DATE:
            parse = self.parse_date

            def date(value: str, row_number: int) -> dt.date | None:
                parsed = parse(value)
                if parsed is None:
                    problems.error(file, row_number, header, value, "bad-date",
                                   f"'{value}' is not a date")
                return parsed
            return date
        if kind is FieldKind.NUMBER:
            def number(value: str, row_number: int) -> float | None:
                try:
                    parsed = float(value.replace(",", ""))
                except ValueError:
                    parsed = math.nan
                if not math.isfinite(parsed):  # float() also accepts "nan", "inf", "1e999"
                    problems.error(file, row_number, header, value, "bad-number",
                                   f"'{value}' is not a number")
                    return None
                return parsed
            return number
        if kind is FieldKind.URL:
            def url(value: str, row_number: int) -> str | None:
                address = web_address(value)
                if address is None:
                    # A warning, not an error: the entry is still published, without
                    # the link (a 'javascript:' address would run in the reader's page).
                    problems.warning(file, row_number, header, value, "unsafe-url",
                                     "not an https: or http: web address, so the "
                                     "register entry leaves this link out")
                return address
            return url
        known: dict[str, Any] = {}  # a column of codes holds a handful of values

        def code(value: str, row_number: int) -> Any:
            member = known.get(value)
            if member is None:
                member = self._code(canonical, header, value, row_number)
                if member is not None:
                    known[value] = member
            return member
        return code

    def _code(self, canonical: str, header: str, value: str, row_number: int) -> Any:
        enum = CODE_ENUMS[canonical]
        table = self.fm.codes.get(canonical, {})
        key = value.strip().upper()
        canonical_value = table.get(key)
        if canonical_value is None and value.strip().lower() in enum._value2member_map_:
            canonical_value = value.strip().lower()  # already a canonical value
        if canonical_value is None and canonical in LENIENT_CODES:
            known = ", ".join(f"'{k}'" for k in sorted(table)) or "none"
            self._lenient.append(Problem(
                self.file, row_number, header, value, LENIENT_CODES[canonical],
                Severity.WARNING,
                f"'{value}' is not a known {canonical} code, so the case tracker shows "
                f"only the stages the dates give (add it to 'files.{self.fm.key}.codes."
                f"{canonical}' in the mapping; known codes: {known})"))
            return None
        if canonical_value is None:
            known = ", ".join(f"'{k}'" for k in sorted(table)) or "none"
            self.problems.error(
                self.file, row_number, header, value, "unknown-code",
                f"'{value}' is not a known {canonical.replace('_', ' ')} code "
                f"(add it to 'files.{self.fm.key}.codes.{canonical}' in the mapping; "
                f"known codes: {known})",
            )
            return None
        return enum(canonical_value)

    def _check_reference(self, reference: str, row_number: int) -> None:
        """A reference names an entry, its page and its line in the open data: one of
        hundreds of characters, or one holding a line break or control character, is
        damage (or the wrong column), never a reference."""
        if reference.strip().upper() in NO_REFERENCE:
            return  # missing-reference already
        header = self.fm.columns["reference"]
        shown = _visible(reference)
        if len(shown) > _SHOWN:
            shown = shown[:_SHOWN] + "…"
        if len(reference) > MAX_REFERENCE_LENGTH:
            self.problems.error(
                self.file, row_number, header, shown, "reference-too-long",
                f"the reference is {len(reference):,} characters long, but a reference has "
                f"at most {MAX_REFERENCE_LENGTH} (is the mapping's reference column the "
                "right one?); correct it in the back office")
            return
        odd = next((c for c in reference if not c.isprintable()), None)
        reason = ("has no letter or digit" if odd is None else
                  f"holds {_character_name(odd)}, but a reference is one line of characters "
                  "that can be seen")
        self.problems.error(self.file, row_number, header, shown, "bad-reference",
                            f"the reference {reason}; correct it in the back office")

    def _check_required(self, values: dict[str, Any], row: dict[str, str],
                        row_number: int) -> None:
        reference = (values.get("reference") or "").strip()
        header = self.fm.columns.get("reference", "")
        if reference.upper() in NO_REFERENCE and "reference" in self.fm.columns \
                and not self.allow_missing_reference:
            shown = "blank" if not reference else repr(reference)
            self.problems.error(self.file, row_number, header, reference,
                                "missing-reference",
                                f"the reference is {shown}: every row needs its own reference")
        for header in self._required:
            # A present-but-bad value has already produced its own error.
            if not row.get(header, "").strip():
                self.problems.error(self.file, row_number, header, "",
                                    "missing-value", f"'{header}' is blank but required")


def _visible(text: str) -> str:
    """The text with every character that cannot be seen written as an escape (\\n)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")  # str.splitlines' own


def _character_name(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if char in _LINE_BREAKS:
        return f"a line break ({code})"
    if char == "\t":
        return f"a tab ({code})"
    category = unicodedata.category(char)
    if category == "Zs":
        return f"a space that is not an ordinary space ({code})"
    if category == "Cf":
        return f"an invisible formatting character ({code})"
    return f"a control character ({code})"


def location_from(values: dict[str, Any]) -> Location:
    return Location(
        address=values.get("address") or "", postcode=values.get("postcode") or "",
        uprn=values.get("uprn") or "", easting=values.get("easting"),
        northing=values.get("northing"), latitude=values.get("latitude"),
        longitude=values.get("longitude"), ward=values.get("ward") or "",
    )


def people_from(values: dict[str, Any]) -> People:
    # Positional, in People's field order (tested): quick for the largest exports.
    found = [values.get(name) or "" for name in PEOPLE_FIELDS]
    return People(*found) if any(found) else NOBODY


NOBODY = People()


def case_from(row: MappedRow) -> Case:
    v = row.values
    return Case(
        reference=v["reference"].strip(), source=row.source, received=v["received"],
        status=v["status"], priority=v.get("priority"),
        breach_category=v.get("breach_category") or BreachCategory.OTHER,
        logged=v.get("logged"), first_visit=v.get("first_visit"), closed=v.get("closed"),
        closure_reason=v.get("closure_reason"), stage=v.get("stage"),
        location=location_from(v),
        description=v.get("description") or "", notes=v.get("notes") or "",
        people=people_from(v),
    )


def notice_from(row: MappedRow) -> Notice:
    v = row.values
    text: dict[str, Any] = {name: v.get(name) or "" for name in (
        "case_reference", "compliance_period", "related_notice", "permission_reference",
        "breach_summary", "requirements", "stop_activity", "document_url")}
    dates: dict[str, Any] = {name: v.get(name) for name in (
        "issued", "served", "effective", "compliance_due", "complied", "appeal_lodged",
        "appeal_decided", "withdrawn", "quashed", "entered_on_register")}
    return Notice(
        reference=v["reference"].strip(), source=row.source, notice_type=v["notice_type"],
        appeal_outcome=v.get("appeal_outcome"), location=location_from(v),
        people=people_from(v), reference_note=v.get(REFERENCE_NOTE, ""), **text, **dates,
    )


def appeal_from(row: MappedRow) -> Appeal:
    """An appeal decision from a row of an appeals file."""
    v = row.values
    own = (v.get("reference") or "").strip()
    return Appeal(reference="" if own.upper() in NO_REFERENCE else own, source=row.source,
                  notice_reference=(v.get("notice_reference") or "").strip(),
                  appeal_lodged=v.get("appeal_lodged"), appeal_decided=v.get("appeal_decided"),
                  appeal_outcome=v.get("appeal_outcome"))
