"""The mapping file: how one council's export maps onto the canonical model.

The format is documented in docs/mapping.md. Loading checks the whole file and reports
every problem at once (as `ConfigError`); ingest/rows.py applies it to each row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from generator.config.schema import ConfigError
from generator.core.encodings import AUTO, ENCODINGS, canonical_encoding
from generator.core.fields import FIELDS, FILES, FieldKind, fields_of
from generator.core.suggest import did_you_mean

# Canonical fields a mapping may name, per file, and what kind of value each holds.
FILE_FIELDS: dict[str, dict[str, FieldKind]] = {
    file: {name: f.kind for name, f in fields_of(file).items()} for file in FILES}
REQUIRED_FIELDS = {file: tuple(name for name, f in fields_of(file).items() if f.required)
                   for file in FILES}
CODE_ENUMS: dict[str, type[StrEnum]] = {f.name: f.codes for f in FIELDS if f.codes}
LENIENT_CODES = {f.name: f.unknown_code_warning for f in FIELDS if f.unknown_code_warning}
TOP_LEVEL_OPTIONS = ("export_date", "date_formats", "coordinates", "postcode_lookup",
                     "exclude", "files")
EXCLUDE_OPTIONS = ("column", "values")
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
    exclude = _section(raw.get("exclude"), "exclude", problems)
    _unknown_keys(exclude, EXCLUDE_OPTIONS, "exclude.", problems)
    excluded = exclude.get("values") or []
    if not isinstance(excluded, list):  # a lone string would exclude its letters
        problems.append("'exclude.values' must be a list, e.g. [NPA]")
        excluded = []
    files: dict[str, FileMapping] = {}
    raw_files = raw.get("files")
    if not isinstance(raw_files, dict):
        problems.append("'files' must list the 'cases' and 'notices' files")
        raw_files = {}
    for key, spec in raw_files.items():
        if key not in FILE_FIELDS:
            problems.append(f"unknown file 'files.{key}'{did_you_mean(key, FILE_FIELDS)}: "
                            "only 'cases' and 'notices' are known")
            continue
        files[key] = _file_mapping(key, spec, problems)
    for key in FILE_FIELDS:
        if key not in files and isinstance(raw_files, dict) and raw_files:
            problems.append(f"'files.{key}' is missing")
    if problems:
        raise ConfigError(name, problems)
    return Mapping(
        file=name, export_date=export_date, date_formats=[str(f) for f in formats],
        coordinates=coordinates, postcode_lookup=postcode_lookup,
        exclude_column=str(exclude.get("column") or ""),
        exclude_values={str(v).strip().upper() for v in excluded},
        files=files,
    )


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
