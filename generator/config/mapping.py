"""The mapping file: how one council's export maps onto the canonical model.

The format is documented in docs/mapping.md. Loading checks the whole file and reports
every problem at once (as `ConfigError`); ingest/rows.py applies it to each row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from generator.config.schema import ConfigError
from generator.core.encodings import AUTO, ENCODINGS, canonical_encoding
from generator.core.fields import APPEALS, FIELDS, MAPPED_FILES, FieldKind, fields_of
from generator.core.suggest import did_you_mean

# Canonical fields a mapping may name, per file, and what kind of value each holds.
FILE_FIELDS: dict[str, dict[str, FieldKind]] = {
    file: {name: f.kind for name, f in fields_of(file).items()} for file in MAPPED_FILES}
# An appeal's own reference (APP/...) is optional: the notice's is what it attaches by.
REQUIRED_FIELDS = {file: tuple(name for name, f in fields_of(file).items() if f.required
                               and not (file == APPEALS and name == "reference"))
                   for file in MAPPED_FILES}
CODE_ENUMS: dict[str, type[StrEnum]] = {f.name: f.codes for f in FIELDS if f.codes}
LENIENT_CODES = {f.name: f.unknown_code_warning for f in FIELDS if f.unknown_code_warning}
TOP_LEVEL_OPTIONS = ("export_date", "stale_after_days", "date_formats", "coordinates",
                     "postcode_lookup", "locate", "exclude", "references", "appeals", "files")
EXCLUDE_OPTIONS = ("column", "values")
EXCLUDE_RULE_OPTIONS = ("columns", "pattern", "reason")
REFERENCE_OPTIONS = ("record_key", "repeated", "missing")
REPEATED = ("reject", "suffix")
MISSING = ("reject", "generate")
APPEAL_OPTIONS = ("notice_types", "reference_pattern", "notice_column")
LOCATE_OPTIONS = ("gazetteer", "gazetteer_columns", "address_match_threshold",
                  "postcodes", "postcode_columns", "postcode_in_address")
GAZETTEER_COLUMNS = ("uprn", "address", "easting", "northing", "latitude", "longitude")
POSTCODE_COLUMNS = ("postcode", "easting", "northing", "latitude", "longitude")
# The fields of an appeal decision, in an appeals file of its own.
FILE_OPTIONS = ("path", "encoding", "delimiter", "sheet", "columns", "codes")
COORDINATE_SOURCES = ("bng", "latlon", "postcode")


@dataclass
class FileMapping:
    key: str  # "cases" or "notices"
    path: str
    encoding: str = "auto"
    delimiter: str = "auto"
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # canonical field -> header
    codes: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ExcludeRule:
    """Rows withheld as another authority's: `pattern` (a regular expression, searched
    without regard to case) found in any of `columns`, in each file that has them."""

    columns: tuple[str, ...]
    pattern: re.Pattern[str]
    reason: str = "another authority's record"

    def matches(self, row: dict[str, str]) -> bool:
        return any(self.pattern.search(row[c]) for c in self.columns
                   if row.get(c, "").strip())


@dataclass
class References:
    """What to do with references that repeat or are missing (docs/mapping.md)."""

    record_key: tuple[str, ...] = ("reference",)  # rows with the same key: one record
    repeated: str = "reject"  # distinct records sharing a reference: reject or suffix
    missing: str = "reject"  # N/A or blank references: reject, or generate one


@dataclass
class Appeals:
    """Appeal decisions among the notices file's rows."""

    notice_types: frozenset[str] = frozenset()  # notice_type values (upper case)
    reference_pattern: re.Pattern[str] | None = None  # an appeal's own reference (APP/)
    notice_column: str = ""  # the column naming the notice an appeal is about


@dataclass
class Locating:
    """Where points come from when a row has none (ingest/locate.py)."""

    gazetteer: str = ""  # CSV, relative to the mapping file
    gazetteer_columns: dict[str, str] = field(default_factory=dict)
    address_match_threshold: float = 90.0
    postcodes: str = ""  # CSV, relative to the mapping file
    postcode_columns: dict[str, str] = field(default_factory=dict)
    postcode_in_address: bool = True


@dataclass
class Mapping:
    file: str
    export_date: dt.date | None  # None = latest date in the export
    date_formats: list[str]
    coordinates: str
    postcode_lookup: str
    exclude_column: str
    exclude_values: set[str]
    files: dict[str, FileMapping]
    exclude_rules: list[ExcludeRule] = field(default_factory=list)
    references: References = field(default_factory=References)
    appeals: Appeals = field(default_factory=Appeals)
    locating: Locating = field(default_factory=Locating)
    stale_after_days: int = 31
    base_dir: Path = Path(".")  # the mapping file's folder: its own paths are relative to it

    def mapped(self, key: str, canonical: str) -> bool:
        """Whether file `key` has a column for the field (so a blank means 'none')."""
        fm = self.files.get(key)
        return fm is not None and canonical in fm.columns


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file, reporting every problem at once."""
    name = path.name
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(name, [f"cannot read the mapping file: {exc}"]) from None
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise ConfigError(name, ["the mapping file must be a set of options"])
    _unknown_keys(raw, TOP_LEVEL_OPTIONS, "", problems)
    export_date = _export_date(raw.get("export_date", "latest"), problems)
    formats = raw.get("date_formats", ["%d/%m/%Y", "%Y-%m-%d"])
    if not isinstance(formats, list) or not formats:
        problems.append("'date_formats' must be a list of formats")
        formats = []
    coordinates = raw.get("coordinates", "bng")
    if coordinates not in COORDINATE_SOURCES:
        problems.append(f"'coordinates' must be one of {', '.join(COORDINATE_SOURCES)}")
    postcode_lookup = str(raw.get("postcode_lookup", ""))
    if coordinates == "postcode" and not postcode_lookup:
        problems.append("'coordinates: postcode' needs 'postcode_lookup' (a CSV file)")
    stale = raw.get("stale_after_days", 31)
    if not isinstance(stale, int) or isinstance(stale, bool) or stale < 1:
        problems.append("'stale_after_days' must be a whole number of days, at least 1")
        stale = 31
    exclude_column, excluded, rules = _exclude(raw.get("exclude"), problems)
    files: dict[str, FileMapping] = {}
    raw_files = raw.get("files")
    if not isinstance(raw_files, dict) or not raw_files:
        problems.append("'files' must list the export's files: 'notices', 'cases' or both")
        raw_files = {}
    for key, spec in raw_files.items():
        if key not in FILE_FIELDS:
            problems.append(f"unknown file 'files.{key}'{did_you_mean(key, FILE_FIELDS)}: "
                            "only 'cases', 'notices' and 'appeals' are known")
            continue
        files[key] = _file_mapping(key, spec, problems)
    if raw_files and not ({"cases", "notices"} & set(files)):
        problems.append("'files' needs a 'notices' file, a 'cases' file, or both")
    if "appeals" in files and "notices" not in files:
        problems.append("'files.appeals' needs a 'notices' file for the appeals to attach to")
    references = _references(raw.get("references"), files, problems)
    appeals = _appeals(raw.get("appeals"), files, problems)
    locating = _locating(raw.get("locate"), problems)
    if problems:
        raise ConfigError(name, problems)
    return Mapping(
        file=name, export_date=export_date, date_formats=[str(f) for f in formats],
        coordinates=coordinates, postcode_lookup=postcode_lookup,
        exclude_column=exclude_column,
        exclude_values={str(v).strip().upper() for v in excluded},
        files=files, exclude_rules=rules, references=references, appeals=appeals,
        locating=locating, stale_after_days=stale, base_dir=path.parent,
    )


def _exclude(value: Any, problems: list[str]) -> tuple[str, list[Any], list[ExcludeRule]]:
    """`exclude`: the old single rule ({column, values}: whole values) and/or a list of
    rules ({columns, pattern, reason}: a regular expression)."""
    if value is None:
        return "", [], []
    if isinstance(value, dict):
        _unknown_keys(value, EXCLUDE_OPTIONS, "exclude.", problems)
        excluded = value.get("values") or []
        if not isinstance(excluded, list):  # a lone string would exclude its letters
            problems.append("'exclude.values' must be a list, e.g. [NPA]")
            excluded = []
        return str(value.get("column") or ""), excluded, []
    if not isinstance(value, list):
        problems.append(f"'exclude' must be a list of rules, each with 'columns' and "
                        f"'pattern' (or a section with 'column' and 'values'), not {value!r}")
        return "", [], []
    rules: list[ExcludeRule] = []
    for number, spec in enumerate(value, start=1):
        where = f"exclude rule {number}"
        if not isinstance(spec, dict):
            problems.append(f"{where} must have 'columns' and 'pattern'")
            continue
        _unknown_keys(spec, EXCLUDE_RULE_OPTIONS, f"{where}: ", problems)
        columns = spec.get("columns")
        if isinstance(columns, str):
            columns = [columns]
        if not isinstance(columns, list) or not columns or not all(
                isinstance(c, str) and c for c in columns):
            problems.append(f"{where}: 'columns' must list one or more column headers")
            continue
        try:
            pattern = re.compile(str(spec.get("pattern", "")), re.IGNORECASE)
        except re.error as exc:
            problems.append(f"{where}: 'pattern' is not a regular expression ({exc})")
            continue
        if not pattern.pattern:
            problems.append(f"{where}: 'pattern' is required, e.g. '^SDNP/'")
            continue
        reason = str(spec.get("reason") or "another authority's record")
        rules.append(ExcludeRule(tuple(columns), pattern, reason))
    return "", [], rules


def _references(value: Any, files: dict[str, FileMapping],
                problems: list[str]) -> References:
    spec = _section(value, "references", problems)
    _unknown_keys(spec, REFERENCE_OPTIONS, "references.", problems)
    out = References()
    key = spec.get("record_key", ["reference"])
    if isinstance(key, str):
        key = [key]
    known = set(FILE_FIELDS["notices"]) | set(FILE_FIELDS["cases"])
    if not isinstance(key, list) or not key or not all(isinstance(k, str) for k in key):
        problems.append("'references.record_key' must list canonical fields, e.g. "
                        "[reference, issued, address]")
    else:
        for k in key:
            if k not in known:
                problems.append(f"'references.record_key': '{k}' is not a canonical "
                                f"field{did_you_mean(k, known)}")
        if "reference" not in key:
            problems.append("'references.record_key' must include 'reference'")
        out.record_key = tuple(key)
    for option, allowed in (("repeated", REPEATED), ("missing", MISSING)):
        chosen = str(spec.get(option, allowed[0]))
        if chosen not in allowed:
            problems.append(f"'references.{option}' must be one of {', '.join(allowed)}")
        else:
            setattr(out, option, chosen)
    return out


def _appeals(value: Any, files: dict[str, FileMapping], problems: list[str]) -> Appeals:
    spec = _section(value, "appeals", problems)
    _unknown_keys(spec, APPEAL_OPTIONS, "appeals.", problems)
    types = spec.get("notice_types") or []
    if isinstance(types, str):
        types = [types]
    if not isinstance(types, list):
        problems.append("'appeals.notice_types' must list values of the notice type column")
        types = []
    pattern = None
    if spec.get("reference_pattern"):
        try:
            pattern = re.compile(str(spec["reference_pattern"]), re.IGNORECASE)
        except re.error as exc:
            problems.append(f"'appeals.reference_pattern' is not a regular expression "
                            f"({exc})")
    if types and "notices" not in files:
        problems.append("'appeals.notice_types' needs a 'notices' file")
    return Appeals(frozenset(str(t).strip().upper() for t in types), pattern,
                   str(spec.get("notice_column") or ""))


def _locating(value: Any, problems: list[str]) -> Locating:
    spec = _section(value, "locate", problems)
    _unknown_keys(spec, LOCATE_OPTIONS, "locate.", problems)
    out = Locating(gazetteer=str(spec.get("gazetteer") or ""),
                   postcodes=str(spec.get("postcodes") or ""))
    for option, allowed in (("gazetteer_columns", GAZETTEER_COLUMNS),
                            ("postcode_columns", POSTCODE_COLUMNS)):
        columns = _section(spec.get(option), f"locate.{option}", problems)
        _unknown_keys(columns, allowed, f"locate.{option}.", problems)
        setattr(out, option, {str(k): str(v) for k, v in columns.items()})
    threshold = spec.get("address_match_threshold", 90)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not (
            0 < threshold <= 100):
        problems.append("'locate.address_match_threshold' must be a score from 1 to 100")
    else:
        out.address_match_threshold = float(threshold)
    in_address = spec.get("postcode_in_address", True)
    if not isinstance(in_address, bool):
        problems.append("'locate.postcode_in_address' must be true or false")
    else:
        out.postcode_in_address = in_address
    if out.gazetteer and "uprn" not in out.gazetteer_columns:
        out.gazetteer_columns.setdefault("uprn", "uprn")
    return out


def _export_date(value: Any, problems: list[str]) -> dt.date | None:
    if value in (None, "latest"):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"'export_date' must be 'latest' or a date like 2026-09-30, "
                        f"not {value!r}")
        return None


def _section(value: Any, where: str, problems: list[str]) -> dict[Any, Any]:
    """An optional section of options: {} when absent, and a problem when not a section."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(f"'{where}' must be a section of options, not {value!r}")
        return {}
    return value


def _unknown_keys(section: dict[Any, Any], known: Collection[str], prefix: str,
                  problems: list[str]) -> None:
    for key in section:
        if key not in known:
            problems.append(f"unknown option '{prefix}{key}'{did_you_mean(key, known)}")


def _file_mapping(key: str, spec: Any, problems: list[str]) -> FileMapping:
    where = f"files.{key}"
    if not isinstance(spec, dict) or "path" not in spec:
        problems.append(f"'{where}' needs at least a 'path'")
        if isinstance(spec, dict):
            _unknown_keys(spec, FILE_OPTIONS, f"{where}.", problems)
        return FileMapping(key, "")
    _unknown_keys(spec, FILE_OPTIONS, f"{where}.", problems)
    sheet = spec.get("sheet")  # a sheet named 2024 is text too
    fm = FileMapping(key, str(spec["path"]), str(spec.get("encoding", "auto")),
                     str(spec.get("delimiter", "auto")), None if sheet is None else str(sheet))
    if canonical_encoding(fm.encoding) is None:
        problems.append(f"'{where}.encoding' must be one of "
                        f"{', '.join((AUTO, *ENCODINGS))}")
    if fm.delimiter != "auto" and len(fm.delimiter) != 1:
        problems.append(f"'{where}.delimiter' must be 'auto' or one character")
    columns = _section(spec.get("columns"), f"{where}.columns", problems)
    allowed = FILE_FIELDS[key]
    for canonical, header in columns.items():
        if canonical not in allowed:
            problems.append(f"'{where}.columns.{canonical}' is not a field of "
                            f"{key}{did_you_mean(canonical, allowed)}")
        elif header is None or isinstance(header, dict | list):
            problems.append(f"'{where}.columns.{canonical}' must be the header of a column "
                            "in the file")
        else:
            fm.columns[canonical] = str(header)
    for required in REQUIRED_FIELDS[key]:
        if required not in columns:  # (one named without a header has its own problem)
            problems.append(f"'{where}.columns.{required}' is required")
    coded = [f for f in allowed if f in CODE_ENUMS]
    for canonical, table in _section(spec.get("codes"), f"{where}.codes", problems).items():
        enum = CODE_ENUMS.get(canonical)
        if enum is None or allowed.get(canonical) is not FieldKind.CODE:
            problems.append(f"'{where}.codes.{canonical}': that field takes no codes"
                            f"{did_you_mean(canonical, coded)}")
            continue
        valid = {e.value for e in enum}
        fm.codes[canonical] = {}
        for export_value, value in _section(table, f"{where}.codes.{canonical}",
                                            problems).items():
            if str(value) not in valid:
                problems.append(f"'{where}.codes.{canonical}': {value!r} is not one of "
                                f"{', '.join(sorted(valid))}")
            fm.codes[canonical][str(export_value).strip().upper()] = str(value)
    return fm
