"""Malformed exports, end to end through the CLI (datasette style: input -> expected).

Each fixture takes a clean copy of the generated export, damages one thing (a cell, a
row, the whole file, or the mapping) and checks what a council data officer would see:
the exact problem in reports/issues.csv (file, row, column, kind, severity), the exit
code, that no traceback escapes, and that reports/reconciliation.csv still accounts for
every row read (read = published + counted + withheld + merged + rejected).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import Project, make_project
from generator.app.prepare import prepare
from generator.config.schema import load_config
from generator.ingest.export import InputFilesError

TODAY = "2026-10-01"  # the sample ends 2026-09-30: nothing in it is in the future
OUTCOMES = ("published", "counted", "withheld", "merged", "rejected")
ENCODING = "cp1252"  # what the sample writes, like most back-office systems
NEWLINE = "\r\n"


# --- the export as editable tables ---------------------------------------------------


@dataclass
class Sheet:
    """One CSV export file as a header and records; record i is spreadsheet row i + 2."""

    header: list[str]
    rows: list[list[str]]

    @classmethod
    def load(cls, path: Path, encoding: str = ENCODING) -> Sheet:
        with path.open(encoding=encoding, newline="") as handle:
            header, *rows = list(csv.reader(handle))
        return cls(header, rows)

    def text(self, delimiter: str = ",") -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter, lineterminator=NEWLINE)
        writer.writerow(self.header)
        writer.writerows(self.rows)
        return out.getvalue()

    def save(self, path: Path, encoding: str = ENCODING, delimiter: str = ",") -> None:
        path.write_bytes(self.text(delimiter).encode(encoding))

    def col(self, name: str) -> int:
        return self.header.index(name)

    def get(self, index: int, name: str) -> str:
        return self.rows[index][self.col(name)]

    def set(self, index: int, name: str, value: str) -> None:
        self.rows[index][self.col(name)] = value

    def pick(self, where: Callable[[dict[str, str]], bool] | None = None, skip: int = 10
             ) -> int:
        """The index of the first ordinary (this authority's) record matching `where`."""
        for index, row in enumerate(self.rows):
            record = dict(zip(self.header, row, strict=False))
            if (index >= skip and len(row) == len(self.header)
                    and record.get("Authority") != "NPA" and (where is None or where(record))):
                return index
        raise AssertionError("no record in the sample matches")


EXPORT_FILES = {"cases.csv", "notices.csv", "cases.xlsx"}


def issues(project: Project) -> list[dict[str, str]]:
    """Problems with the export (a build also checks the site's own pages, elsewhere)."""
    with (project.reports / "issues.csv").open(encoding="utf-8", newline="") as handle:
        return [p for p in csv.DictReader(handle) if p["file"] in EXPORT_FILES]


def reconciliation(project: Project) -> dict[str, dict[str, int]]:
    """reports/reconciliation.csv, checked: every row read has exactly one outcome."""
    with (project.reports / "reconciliation.csv").open(encoding="utf-8", newline="") as h:
        table = {row.pop("file"): {k: int(v) for k, v in row.items()}
                 for row in csv.DictReader(h)}
    assert table, "reconciliation.csv lists no files"
    for file, counts in table.items():
        assert set(counts) == {"read", *OUTCOMES}, file
        assert counts["read"] == sum(counts[o] for o in OUTCOMES), (file, counts)
    return table


def no_traceback(result: Any) -> None:
    assert "Traceback" not in result.output, result.output
    assert "Unexpected error" not in result.output, result.output


# --- a clean export to damage --------------------------------------------------------


@dataclass
class Clean:
    export: Path
    counts: dict[str, dict[str, int]]  # the clean export's reconciliation


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory, small_export: Path) -> Clean:
    """The generated export minus the rows it deliberately plants problems in.

    The sample is meant to be messy; these fixtures need a baseline with no problem at
    all so each one can assert the exact problems its damage causes and nothing else.
    """
    root = tmp_path_factory.mktemp("clean")
    project = make_project(root / "p", small_export)
    for _ in range(4):
        result = project.validate("--today", TODAY)
        found = issues(project)
        if not found:
            assert result.exit_code == 0, result.output
            return Clean(project.export, reconciliation(project))
        bad: dict[str, set[int]] = {}
        for problem in found:
            bad.setdefault(problem["file"], set()).add(int(problem["row"]))
        for file, rows in bad.items():
            sheet = Sheet.load(project.export / file)
            sheet.rows = [r for i, r in enumerate(sheet.rows) if i + 2 not in rows]
            sheet.save(project.export / file)
    raise AssertionError("could not derive a clean export from the sample")


def new_project(tmp_path: Path, clean: Clean) -> Project:
    return make_project(tmp_path / "p", clean.export)


# --- row-level damage: input -> the one problem it must cause ------------------------


@dataclass
class Hit:
    row: int  # spreadsheet row number of the damaged record
    other: int | None = None  # a related row (the first copy of a duplicate)


Damage = Callable[[Sheet], Hit]


def set_cell(column: str, value: str, where: Callable[[dict[str, str]], bool] | None = None
             ) -> Damage:
    def damage(sheet: Sheet) -> Hit:
        index = sheet.pick(where)
        sheet.set(index, column, value)
        return Hit(index + 2)
    return damage


def set_cells(values: dict[str, str], where: Callable[[dict[str, str]], bool] | None = None
              ) -> Damage:
    def damage(sheet: Sheet) -> Hit:
        index = sheet.pick(where)
        for column, value in values.items():
            sheet.set(index, column, value)
        return Hit(index + 2)
    return damage


def append_copy(column: str | None = None, value: Callable[[str], str] | None = None
                ) -> Damage:
    """Repeat a record at the end of the file, optionally with one value changed."""
    def damage(sheet: Sheet) -> Hit:
        index = sheet.pick()
        copy = list(sheet.rows[index])
        if column and value:
            copy[sheet.col(column)] = value(copy[sheet.col(column)])
        sheet.rows.append(copy)
        return Hit(len(sheet.rows) + 1, other=index + 2)
    return damage


def extra_cell(sheet: Sheet) -> Hit:
    index = sheet.pick()
    sheet.rows[index].append("ENF TEAM")
    return Hit(index + 2)


def missing_cell(sheet: Sheet) -> Hit:
    index = sheet.pick()
    sheet.rows[index].pop()
    return Hit(index + 2)


def other_authority_extra_cell(sheet: Sheet) -> Hit:
    index = next(i for i, row in enumerate(sheet.rows) if row[sheet.col("Authority")] == "NPA")
    sheet.rows[index].append("ENF TEAM")
    return Hit(index + 2)


def after_blank_line(damage: Damage) -> Damage:
    """A blank line in the middle of the file still counts as a spreadsheet row."""
    def wrapped(sheet: Sheet) -> Hit:
        sheet.rows.insert(5, [])
        return damage(sheet)
    return wrapped


def after_multiline_value(damage: Damage) -> Damage:
    """A quoted value spanning three lines is still one row."""
    def wrapped(sheet: Sheet) -> Hit:
        notes = "Case Notes" if "Case Notes" in sheet.header else "Requirements"
        sheet.set(sheet.pick(), notes, "First line.\nSecond line.\nThird line.")
        return damage(sheet)
    return wrapped


def closed(r: dict[str, str]) -> bool:
    return bool(r["Date Closed"])


def still_open(r: dict[str, str]) -> bool:
    return not r["Date Closed"] and not r["First Site Visit"]


def has_point(r: dict[str, str]) -> bool:
    return bool(r["Easting"] and r["Northing"])


def has_case(r: dict[str, str]) -> bool:
    return bool(r["Case Ref"])


def on_register(r: dict[str, str]) -> bool:
    return r["Notice Type"] == "ENF" and not r["Date Withdrawn"] and not r["Date Quashed"]


def no_iso_dates(mapping: dict) -> None:
    mapping["date_formats"] = ["%d/%m/%Y", "%d-%b-%y", "excel-serial"]


@dataclass
class Expect:
    kind: str
    severity: str
    column: str
    value: str | None = None  # None: not checked
    exit_code: int = 1
    outcome: str | None = None  # the outcome that gains the damaged row
    instead_of: str | None = None  # the outcome it had in the clean export, if counted
    message: str = ""  # fragment; {row} and {other} are filled from the Hit


ROW_CASES = [
    # --- dates
    pytest.param("cases.csv", set_cell("Date Received", "31/02/2024"), None,
                 Expect("bad-date", "error", "Date Received", "31/02/2024",
                        outcome="rejected", message="'31/02/2024' is not a date"),
                 id="impossible-date"),
    pytest.param("cases.csv", set_cell("Date Logged", "TBC"), None,
                 Expect("bad-date", "error", "Date Logged", "TBC", outcome="rejected"),
                 id="text-in-date-column"),
    # A date in any listed format parses: closing it on 1 January 2000 (before it was
    # received) proves the value was read as that date, shown back as dd/mm/yyyy.
    pytest.param("cases.csv", set_cell("Date Closed", "01/01/2000", closed), None,
                 Expect("dates-out-of-order", "warning", "Date Closed", "01/01/2000",
                        exit_code=0, message="closed before it was received"),
                 id="closed-before-received"),
    pytest.param("cases.csv", set_cell("Date Closed", "01-Jan-00", closed), None,
                 Expect("dates-out-of-order", "warning", "Date Closed", "01/01/2000",
                        exit_code=0), id="dd-Mon-yy-date-parses"),
    pytest.param("cases.csv", set_cell("Date Closed", "2000-01-01", closed), None,
                 Expect("dates-out-of-order", "warning", "Date Closed", "01/01/2000",
                        exit_code=0), id="iso-date-parses"),
    pytest.param("cases.csv", set_cell("Date Closed", "36526", closed), None,
                 Expect("dates-out-of-order", "warning", "Date Closed", "01/01/2000",
                        exit_code=0), id="excel-serial-date-parses"),
    pytest.param("cases.csv", set_cell("Date Closed", "2000-01-01", closed), no_iso_dates,
                 Expect("bad-date", "error", "Date Closed", "2000-01-01",
                        outcome="rejected"), id="iso-date-not-in-date-formats"),
    pytest.param("cases.csv", set_cell("First Site Visit", "15/10/2026", still_open), None,
                 Expect("future-date", "warning", "First Site Visit", "15/10/2026",
                        exit_code=0, message="in the future"), id="future-date"),
    pytest.param("notices.csv", set_cell("Date Issued", "30/02/2023"), None,
                 Expect("bad-date", "error", "Date Issued", "30/02/2023",
                        outcome="rejected"), id="notice-impossible-date"),
    # --- codes, references, numbers
    pytest.param("cases.csv", set_cell("Priority", "P9"), None,
                 Expect("unknown-code", "error", "Priority", "P9", outcome="rejected",
                        message="files.cases.codes.priority"), id="unknown-code"),
    pytest.param("notices.csv", set_cell("Notice Type", "XYZ"), None,
                 Expect("unknown-code", "error", "Notice Type", "XYZ", outcome="rejected"),
                 id="unknown-notice-type"),
    pytest.param("cases.csv", set_cell("Case Ref", "N/A"), None,
                 Expect("missing-reference", "error", "Case Ref", "N/A", outcome="rejected"),
                 id="na-reference"),
    pytest.param("cases.csv", set_cell("Case Ref", ""), None,
                 Expect("missing-reference", "error", "Case Ref", "", outcome="rejected",
                        message="blank"), id="blank-reference"),
    pytest.param("cases.csv", set_cell("Case Ref", "E/" + "7" * 298), None,
                 Expect("reference-too-long", "error", "Case Ref", "E/" + "7" * 58 + "…",
                        outcome="rejected", message="300 characters long"),
                 id="reference-too-long"),
    pytest.param("notices.csv", set_cell("Notice Ref", "ENF/2024/0001\nENF/2024/0002"), None,
                 Expect("bad-reference", "error", "Notice Ref", "ENF/2024/0001\\nENF/2024/0002",
                        outcome="rejected", message="holds a line break (U+000A)"),
                 id="reference-with-a-line-break"),
    pytest.param("notices.csv", set_cell("Notice Ref", "ENF\x1b[31m/1"), None,
                 Expect("bad-reference", "error", "Notice Ref", "ENF\\x1b[31m/1",
                        outcome="rejected", message="a control character (U+001B)"),
                 id="reference-with-a-control-character"),
    pytest.param("cases.csv", set_cell("Case Ref", "///"), None,
                 Expect("bad-reference", "error", "Case Ref", "///", outcome="rejected",
                        message="has no letter or digit"),
                 id="reference-without-letter-or-digit"),
    pytest.param("cases.csv", set_cell("Status", ""), None,
                 Expect("missing-value", "error", "Status", "", outcome="rejected"),
                 id="blank-required-value"),
    pytest.param("cases.csv", set_cell("Easting", "43287O"), None,
                 Expect("bad-number", "error", "Easting", "43287O", outcome="rejected"),
                 id="bad-number"),
    # float() reads these, but they are not a place on any map.
    pytest.param("cases.csv", set_cell("Northing", "NaN", has_point), None,
                 Expect("bad-number", "error", "Northing", "NaN", outcome="rejected"),
                 id="nan-number"),
    pytest.param("notices.csv", set_cell("Easting", "1e999", has_point), None,
                 Expect("bad-number", "error", "Easting", "1e999", outcome="rejected"),
                 id="infinite-number"),
    # --- duplicates
    pytest.param("cases.csv", append_copy(), None,
                 Expect("duplicate-row", "warning", "Case Ref", exit_code=0, outcome="merged",
                        message="repeats row {other} exactly"), id="exact-duplicate-row"),
    pytest.param("cases.csv",
                 append_copy("Priority", lambda v: "P1" if v != "P1" else "P2"), None,
                 Expect("duplicate-reference", "error", "Case Ref", outcome="rejected",
                        message="also on row {other} with different values ('Priority')"),
                 id="same-reference-different-values"),
    pytest.param("notices.csv", append_copy(), None,
                 Expect("duplicate-row", "warning", "Notice Ref", exit_code=0,
                        outcome="merged"), id="notice-exact-duplicate-row"),
    # --- row shape
    pytest.param("cases.csv", extra_cell, None,
                 Expect("extra-cells", "error", "", outcome="rejected",
                        message="26 values but the header has 25 columns"),
                 id="extra-cells"),
    pytest.param("cases.csv", missing_cell, None,
                 Expect("missing-cells", "error", "", outcome="rejected",
                        message="24 values but the header has 25 columns"),
                 id="missing-cells"),
    # A damaged row's Authority cell cannot be trusted: rejected, not withheld.
    pytest.param("cases.csv", other_authority_extra_cell, None,
                 Expect("extra-cells", "error", "", outcome="rejected",
                        instead_of="withheld"), id="other-authority-row-extra-cells"),
    pytest.param("cases.csv", after_blank_line(set_cell("Date Received", "31/02/2024")),
                 None, Expect("bad-date", "error", "Date Received", outcome="rejected"),
                 id="row-number-after-blank-line"),
    pytest.param("notices.csv",
                 after_multiline_value(set_cell("Date Served", "32/01/2024")), None,
                 Expect("bad-date", "error", "Date Served", outcome="rejected"),
                 id="row-number-after-multiline-value"),
    # --- place
    pytest.param("cases.csv",
                 set_cells({"Easting": "100000", "Northing": "100000"}, has_point), None,
                 Expect("outside-boundary", "warning", "Easting", exit_code=0),
                 id="point-outside-boundary"),
    pytest.param("cases.csv", set_cell("Ward", "E05999999", has_point), None,
                 Expect("unknown-ward", "warning", "Ward", "E05999999", exit_code=0,
                        message="found from the point"), id="unknown-ward-code"),
    pytest.param("cases.csv",
                 set_cells({"Ward": "E05999999", "Easting": "", "Northing": ""}), None,
                 Expect("unknown-ward", "warning", "Ward", "E05999999", exit_code=0,
                        message="counted under 'Ward not known'"),
                 id="unknown-ward-code-and-no-point"),
    # --- across files and authorities
    pytest.param("notices.csv", set_cell("Case Ref", "99/99999/ENF", has_case), None,
                 Expect("unknown-case", "warning", "Case Ref", "99/99999/ENF", exit_code=0),
                 id="notice-for-unknown-case"),
]


@pytest.mark.parametrize(("file", "damage", "mapping", "expected"), ROW_CASES)
def test_a_damaged_row_is_reported_exactly(tmp_path: Path, clean: Clean, file: str,
                                           damage: Damage, mapping: Any, expected: Expect):
    project = new_project(tmp_path, clean)
    sheet = Sheet.load(project.export / file)
    hit = damage(sheet)
    sheet.save(project.export / file)
    if mapping:
        project.edit_mapping(mapping)

    result = project.validate("--today", TODAY)

    no_traceback(result)
    assert result.exit_code == expected.exit_code, result.output
    found = issues(project)
    assert [(p["file"], int(p["row"]), p["column"], p["kind"], p["severity"])
            for p in found] == [(file, hit.row, expected.column, expected.kind,
                                 expected.severity)], found
    if expected.value is not None:
        assert found[0]["value"] == expected.value
    assert expected.message.format(row=hit.row, other=hit.other) in found[0]["message"]
    counts = reconciliation(project)
    before = clean.counts[file]
    assert counts[file]["read"] == len(sheet.rows) - sum(not any(r) for r in sheet.rows)
    for outcome in ("withheld", "merged", "rejected"):
        change = (outcome == expected.outcome) - (outcome == expected.instead_of)
        assert counts[file][outcome] == before[outcome] + change, (outcome, counts)


def test_a_row_from_another_authority_is_withheld_and_counted(tmp_path: Path, clean: Clean):
    project = new_project(tmp_path, clean)
    sheet = Sheet.load(project.export / "cases.csv")
    sheet.set(sheet.pick(), "Authority", "NPA")
    sheet.save(project.export / "cases.csv")

    result = project.validate("--today", TODAY)

    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert issues(project) == []
    counts, before = reconciliation(project)["cases.csv"], clean.counts["cases.csv"]
    assert counts["withheld"] == before["withheld"] + 1
    assert counts["counted"] + counts["published"] == (
        before["counted"] + before["published"] - 1)


def test_the_file_ending_inside_a_quote_rejects_only_the_last_row(tmp_path: Path,
                                                                   clean: Clean):
    project = new_project(tmp_path, clean)
    sheet = Sheet.load(project.export / "cases.csv")
    last = sheet.rows.pop()
    cut = sheet.col("Case Notes")
    # The export was cut off in the middle of a quoted note: no closing quote, no newline.
    text = sheet.text() + ",".join(last[:cut]) + ',"Site visited, owner says work will'
    (project.export / "cases.csv").write_bytes(text.encode(ENCODING))

    result = project.validate("--today", TODAY)

    no_traceback(result)
    assert result.exit_code == 1, result.output
    found = issues(project)
    last_row = len(sheet.rows) + 2
    assert [(p["file"], int(p["row"]), p["column"], p["kind"], p["severity"])
            for p in found] == [("cases.csv", last_row, "", "truncated-row", "error")]
    assert "truncated" in found[0]["message"]
    counts, before = reconciliation(project)["cases.csv"], clean.counts["cases.csv"]
    assert counts["read"] == before["read"]
    assert counts["rejected"] == before["rejected"] + 1


def test_an_impossible_date_still_builds_without_that_row(tmp_path: Path, clean: Clean):
    """Without --strict a bad row is left out, reported, and the site still published."""
    project = new_project(tmp_path, clean)
    sheet = Sheet.load(project.export / "notices.csv")
    row = sheet.pick(lambda r: bool(r["Date Served"])) + 2
    sheet.set(row - 2, "Date Served", "31/02/2024")
    sheet.save(project.export / "notices.csv")

    result = project.build("--today", TODAY)

    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert (project.site / "index.html").is_file()
    found = [(p["file"], int(p["row"]), p["column"], p["kind"], p["severity"])
             for p in issues(project)]
    assert found == [("notices.csv", row, "Date Served", "bad-date", "error")]
    counts, before = reconciliation(project), clean.counts
    assert counts["notices.csv"]["rejected"] == before["notices.csv"]["rejected"] + 1
    assert counts["cases.csv"] == before["cases.csv"]


def test_a_register_reference_too_long_for_a_page_name_still_builds(tmp_path: Path,
                                                                    clean: Clean):
    """300 characters made a page name the file system refused ("Unexpected error")."""
    project = new_project(tmp_path, clean)
    sheet = Sheet.load(project.export / "notices.csv")
    index = sheet.pick(on_register)
    sheet.set(index, "Notice Ref", "ENF/" + "1" * 296)
    sheet.save(project.export / "notices.csv")

    result = project.build("--today", TODAY)

    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert [(p["file"], int(p["row"]), p["column"], p["kind"]) for p in issues(project)] == [
        ("notices.csv", index + 2, "Notice Ref", "reference-too-long")]
    counts, before = reconciliation(project)["notices.csv"], clean.counts["notices.csv"]
    assert counts["rejected"] == before["rejected"] + 1
    assert counts["published"] == before["published"] - 1


# --- a mapped column that is not in the file -----------------------------------------


@pytest.mark.parametrize(("file", "header", "renamed", "blank_lines", "key", "suggestion"), [
    pytest.param("cases.csv", "Date Received", "Date Recieved", 0,
                 "files.cases.columns.received", "Did you mean 'Date Recieved'?",
                 id="misspelt-header"),
    pytest.param("cases.csv", "Status", "Case Status", 0, "files.cases.columns.status",
                 "Did you mean 'Case Status'?", id="renamed-header"),
    pytest.param("notices.csv", "Notice Type", None, 0, "files.notices.columns.notice_type",
                 "", id="column-deleted"),
    # The header is on row 3 when two blank lines come first.
    pytest.param("cases.csv", "Date Received", "Received", 2, "files.cases.columns.received",
                 "Did you mean 'Received'?", id="header-after-blank-lines"),
    # Without the exclude column, another authority's rows would be published as ours.
    pytest.param("cases.csv", "Authority", "Council", 0, "exclude.column", "",
                 id="exclude-column-missing"),
])
def test_a_mapped_column_missing_from_the_file_is_named_with_the_closest_header(
        tmp_path: Path, clean: Clean, file: str, header: str, renamed: str | None,
        blank_lines: int, key: str, suggestion: str):
    project = new_project(tmp_path, clean)
    sheet = Sheet.load(project.export / file)
    index = sheet.col(header)
    if renamed:
        sheet.header[index] = renamed
    else:
        del sheet.header[index]
        for row in sheet.rows:
            del row[index]
    text = NEWLINE * blank_lines + sheet.text()
    (project.export / file).write_bytes(text.encode(ENCODING))

    result = project.validate("--today", TODAY)

    no_traceback(result)
    assert result.exit_code == 1, result.output
    errors = [p for p in issues(project) if p["severity"] == "error"]
    assert [(p["file"], p["row"], p["column"], p["kind"]) for p in errors] == [
        (file, str(1 + blank_lines), header, "column-missing")]
    message = errors[0]["message"]
    assert f"'{key}'" in message and f"'{header}'" in message
    assert suggestion in message
    assert "The file's columns are: " + ", ".join(f"'{h}'" for h in sheet.header) in message
    counts = reconciliation(project)[file]
    assert counts["rejected"] == counts["read"] == clean.counts[file]["read"]


# --- whole files that cannot be used: one line each, exit 1 --------------------------


def _missing(project: Project) -> None:
    (project.export / "cases.csv").unlink()


def _empty(project: Project) -> None:
    (project.export / "notices.csv").write_bytes(b"")


def _blank_lines(project: Project) -> None:
    (project.export / "notices.csv").write_bytes(b",,,\r\n\r\n, ,\r\n")


def _header_only(project: Project) -> None:
    sheet = Sheet.load(project.export / "cases.csv")
    sheet.rows = []
    sheet.save(project.export / "cases.csv")


def _binary(project: Project) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    (project.export / "cases.csv").write_bytes(png)


def _declare(key: str, **options: str) -> Callable[[Project], None]:
    def change(project: Project) -> None:
        project.edit_mapping(lambda m: m["files"][key].update(options))
    return change


def _utf16(project: Project) -> None:
    path = project.export / "notices.csv"
    path.write_bytes(path.read_bytes().decode(ENCODING).encode("utf-16"))


def _header_opens_quote(project: Project) -> None:
    # No other quote in the file closes it, so every row runs into the header.
    sheet = Sheet.load(project.export / "notices.csv")
    sheet.rows = [[v.replace(",", " ").replace('"', "").replace("\n", " ") for v in row]
                  for row in sheet.rows]
    (project.export / "notices.csv").write_bytes(b'"' + sheet.text().encode(ENCODING))


def _duplicate_header(project: Project) -> None:
    sheet = Sheet.load(project.export / "cases.csv")
    sheet.header[sheet.col("Agent")] = "Case Officer"
    sheet.save(project.export / "cases.csv")


def _csv_named_xlsx(project: Project) -> None:
    shutil.move(project.export / "cases.csv", project.export / "cases.xlsx")
    project.edit_mapping(lambda m: m["files"]["cases"].update(path="cases.xlsx"))


def _xlsx_without_the_sheet(project: Project) -> None:
    write_xlsx(project.export / "cases.csv", project.export / "cases.xlsx", "Export")
    project.edit_mapping(lambda m: m["files"]["cases"].update(path="cases.xlsx",
                                                              sheet="Cases"))


def first_non_ascii_line(path: Path) -> int:
    data = path.read_bytes()
    offset = next(i for i, b in enumerate(data) if b > 0x7F)
    return data[:offset].count(b"\n") + 1


FILE_CASES = [
    pytest.param(_missing, "cases.csv", "file-missing", "the file was not found",
                 id="missing-file"),
    pytest.param(_empty, "notices.csv", "file-empty", "the file is empty", id="empty-file"),
    pytest.param(_blank_lines, "notices.csv", "file-empty", "only blank lines",
                 id="blank-lines-only"),
    pytest.param(_header_only, "cases.csv", "file-no-rows", "a header row but no data rows",
                 id="header-only"),
    pytest.param(_binary, "cases.csv", "file-binary", "looks like a PNG image",
                 id="binary-file"),
    pytest.param(_declare("cases", delimiter=";"), "cases.csv", "wrong-delimiter",
                 'seems to use commas (,) between columns; set `delimiter: ","`',
                 id="wrong-delimiter-declared"),
    pytest.param(_declare("notices", delimiter="|"), "notices.csv", "wrong-delimiter",
                 "the header has only one column", id="pipe-declared-for-commas"),
    pytest.param(_declare("cases", encoding="utf-8"), "cases.csv", "bad-encoding",
                 "is not valid UTF-8 text (byte 0x", id="cp1252-declared-utf-8"),
    pytest.param(_utf16, "notices.csv", "bad-encoding", "saved as UTF-16",
                 id="utf-16-file"),
    pytest.param(_header_opens_quote, "notices.csv", "truncated-row",
                 "never closed", id="header-ends-inside-a-quote"),
    pytest.param(_duplicate_header, "cases.csv", "duplicate-header",
                 "two columns are called 'Case Officer'", id="duplicate-header"),
    pytest.param(_csv_named_xlsx, "cases.xlsx", "bad-xlsx", "is not an Excel workbook",
                 id="csv-named-xlsx"),
    pytest.param(_xlsx_without_the_sheet, "cases.xlsx", "sheet-missing",
                 "there is no sheet called 'Cases'; the workbook has 'Export'",
                 id="xlsx-sheet-missing"),
]


@pytest.mark.parametrize(("damage", "file", "kind", "message"), FILE_CASES)
def test_an_unusable_file_stops_with_one_line(tmp_path: Path, clean: Clean,
                                              damage: Callable[[Project], None], file: str,
                                              kind: str, message: str):
    project = new_project(tmp_path, clean)
    damage(project)

    for result in (project.validate("--today", TODAY), project.build("--today", TODAY)):
        no_traceback(result)
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith("Cannot read the export:")
        lines = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"  - {file}") and message in lines[0], lines[0]
        assert not project.site.exists()
    if kind == "bad-encoding" and "UTF-8" in message:
        line = first_non_ascii_line(project.export / file)
        assert f"line {line} is not valid UTF-8" in lines[0]
        assert "set `encoding: cp1252`" in lines[0]
    # The problem's stable kind, which the one-line message does not show.
    with pytest.raises(InputFilesError) as caught:
        prepare(load_config(project.config), dt.date.fromisoformat(TODAY))
    assert [(e.problem.file, e.problem.kind, e.problem.severity)
            for e in caught.value.problems] == [(file, kind, "error")]
    # The problem is in reports/issues.csv too, with its stable kind.
    with (project.reports / "issues.csv").open() as handle:
        reported = [(r["file"], r["kind"]) for r in csv.DictReader(handle)]
    assert (file, kind) in reported


def test_every_unusable_file_is_reported_at_once(tmp_path: Path, clean: Clean):
    project = new_project(tmp_path, clean)
    _binary(project)
    _empty(project)
    result = project.validate("--today", TODAY)
    no_traceback(result)
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert [line.split(":")[0] for line in lines] == ["  - cases.csv", "  - notices.csv"]


# --- whole files in another shape that must simply work ------------------------------


def write_xlsx(source: Path, target: Path, title: str = "Cases") -> None:
    """The CSV export as a workbook, with real date and number cells as Excel holds them."""
    sheet = Sheet.load(source)
    dates = {sheet.col(h) for h in ("Date Received", "Date Logged", "First Site Visit",
                                    "Date Closed")}
    numbers = {sheet.col(h) for h in ("Easting", "Northing")}
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = title
    worksheet.append(sheet.header)
    for row in sheet.rows:
        cells: list[object] = []
        for index, value in enumerate(row):
            if value and index in dates:
                cells.append(dt.datetime.strptime(value, "%d/%m/%Y").date())
            elif value and index in numbers:
                cells.append(float(value))
            else:
                cells.append(value or None)
        worksheet.append(cells)
    workbook.save(target)
    source.unlink()


def _reencode(encoding: str, declared: str = "auto", delimiter: str = ",",
              declared_delimiter: str = "auto") -> Callable[[Project], None]:
    def change(project: Project) -> None:
        for name in ("cases.csv", "notices.csv"):
            sheet = Sheet.load(project.export / name)
            sheet.save(project.export / name, encoding, delimiter)
        project.edit_mapping(lambda m: [m["files"][k].update(
            encoding=declared, delimiter=declared_delimiter) for k in ("cases", "notices")])
    return change


def _xlsx(project: Project) -> None:
    write_xlsx(project.export / "cases.csv", project.export / "cases.xlsx")
    project.edit_mapping(lambda m: m["files"]["cases"].update(path="cases.xlsx"))


@dataclass
class Works:
    command: str = "validate"
    renamed: dict[str, str] = field(default_factory=dict)  # clean file -> file read


GOOD_CASES = [
    pytest.param(_reencode("utf-8-sig"), Works(), id="bom-utf-8-auto"),
    pytest.param(_reencode("utf-8-sig", declared="utf-8"), Works(),
                 id="bom-utf-8-declared-utf-8"),
    pytest.param(_reencode("utf-8"), Works(), id="utf-8-without-bom"),
    pytest.param(_reencode(ENCODING, delimiter=";"), Works(),
                 id="semicolons-with-delimiter-auto"),
    pytest.param(_reencode(ENCODING, delimiter="\t", declared_delimiter="\t"), Works(),
                 id="tabs-declared"),
    pytest.param(_xlsx, Works("build", {"cases.csv": "cases.xlsx"}), id="xlsx-export"),
]


@pytest.mark.parametrize(("change", "works"), GOOD_CASES)
def test_an_export_in_another_shape_reads_the_same(tmp_path: Path, clean: Clean,
                                                   change: Callable[[Project], None],
                                                   works: Works):
    project = new_project(tmp_path, clean)
    change(project)

    if works.command == "build":
        result = project.build("--today", TODAY)
    else:
        result = project.validate("--today", TODAY)

    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert issues(project) == []
    expected = {works.renamed.get(f, f): counts for f, counts in clean.counts.items()}
    assert reconciliation(project) == expected
    if works.command == "build":
        assert (project.site / "index.html").is_file()


# --- a broken mapping is a configuration error: exit 2 -------------------------------


@pytest.mark.parametrize(("change", "expected"), [
    (lambda m: m["files"]["cases"].update(encoding="ebcdic"),
     "'files.cases.encoding' must be one of"),
    (lambda m: m["files"]["notices"].update(delimiter="::"),
     "'files.notices.delimiter' must be 'auto' or one character"),
    (lambda m: m["files"]["cases"]["columns"].update(recieved="Date Received"),
     "did you mean 'received'?"),
    (lambda m: m["files"]["cases"]["codes"]["priority"].update(P4="urgent"),
     "'urgent' is not one of"),
    (lambda m: m.update(date_formats="%d/%m/%Y"), "'date_formats' must be a list"),
    (lambda m: m["files"]["notices"]["columns"].pop("notice_type"),
     "'files.notices.columns.notice_type' is required"),
    (lambda m: m["files"]["cases"].update(delimeter=";"),
     "unknown option 'files.cases.delimeter' (did you mean 'delimiter'?)"),
    (lambda m: m["files"]["notices"].update(colums=m["files"]["notices"].pop("columns")),
     "unknown option 'files.notices.colums' (did you mean 'columns'?)"),
    (lambda m: m["exclude"].update(value=["NPA"]),
     "unknown option 'exclude.value' (did you mean 'values'?)"),
], ids=["unknown-encoding", "long-delimiter", "misspelt-field", "bad-code-value",
        "date-formats-not-a-list", "required-column-unmapped", "misspelt-delimiter",
        "misspelt-columns", "misspelt-exclude-values"])
def test_a_broken_mapping_exits_2_naming_the_option(tmp_path: Path, clean: Clean,
                                                    change: Callable[[dict], Any],
                                                    expected: str):
    project = new_project(tmp_path, clean)
    project.edit_mapping(change)

    result = project.validate("--today", TODAY)

    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "Configuration problems in mapping.yml" in result.stderr
    assert expected in result.stderr
    assert not (project.reports / "reconciliation.csv").exists()


# --- a UTF-8 export with a byte typed in Windows-1252 --------------------------------


@pytest.mark.parametrize("declared", ["auto", "utf-8"])
def test_a_stray_windows_1252_byte_in_a_utf_8_export_is_read_and_reported(
        tmp_path: Path, clean: Clean, declared: str):
    project = new_project(tmp_path, clean)
    sheet = Sheet.load(project.export / "notices.csv")
    accented = sheet.pick(on_register)
    stray = sheet.pick(on_register, skip=accented + 1)
    sheet.set(accented, "Breach Summary", "Rear extension to the café – 4 metres deep.")
    sheet.set(stray, "Breach Summary", "Decking built without the council’s consent.")
    data = sheet.text().encode("utf-8")
    typed = "council’s".encode()
    assert data.count(typed) == 1
    (project.export / "notices.csv").write_bytes(data.replace(typed, b"council\x92s"))
    project.edit_mapping(lambda m: m["files"]["notices"].update(encoding=declared))

    result = project.build("--today", TODAY)

    no_traceback(result)
    assert result.exit_code == 0, result.output
    found = issues(project)
    assert [(p["file"], int(p["row"]), p["column"], p["kind"], p["severity"], p["value"])
            for p in found] == [("notices.csv", stray + 2, "Breach Summary", "mixed-encoding",
                                 "warning", "")]
    assert "0x92 as '’'" in found[0]["message"]
    assert reconciliation(project) == clean.counts
    site = project.site_text()
    assert "Rear extension to the café – 4 metres deep." in site
    assert "Decking built without the council’s consent." in site


# --- a workbook whose cells read as blank --------------------------------------------


def test_workbook_formulas_without_results_and_merged_cells_are_reported(tmp_path: Path,
                                                                         clean: Clean):
    project = new_project(tmp_path, clean)
    sheet = Sheet.load(project.export / "cases.csv")
    _xlsx(project)
    workbook = openpyxl.load_workbook(project.export / "cases.xlsx")
    worksheet = workbook.active
    column = {name: openpyxl.utils.get_column_letter(sheet.col(name) + 1)
              for name in ("Case Ref", "Date Received", "Date Logged")}
    # Two 'Date Logged' cells become formulas, saved by a program (no result in them).
    first = sheet.pick() + 2
    for row in (first, first + 1):
        worksheet[f"{column['Date Logged']}{row}"] = f"={column['Date Received']}{row}+2"
    # Two ordinary rows' references merged: the second row's reads as blank (a case no
    # notice refers to, so that nothing else changes).
    notices = Sheet.load(project.export / "notices.csv")
    noticed = {r[notices.col("Case Ref")] for r in notices.rows}
    merged = next(n for n in range(first + 10, len(sheet.rows))
                  if sheet.pick(skip=n - 2) == n - 2 and sheet.pick(skip=n - 1) == n - 1
                  and sheet.get(n - 1, "Case Ref") not in noticed)
    worksheet.merge_cells(f"{column['Case Ref']}{merged}:{column['Case Ref']}{merged + 1}")
    workbook.save(project.export / "cases.xlsx")

    result = project.validate("--today", TODAY)

    no_traceback(result)
    assert result.exit_code == 1, result.output
    found = issues(project)
    assert [(p["file"], p["row"], p["column"], p["kind"], p["severity"]) for p in found] == [
        ("cases.xlsx", "", "Case Ref", "merged-cells", "warning"),
        ("cases.xlsx", "", "Date Logged", "formula-not-calculated", "warning"),
        ("cases.xlsx", str(merged + 1), "Case Ref", "missing-reference", "error")]
    assert (f"sheet 'Cases', column {column['Case Ref']}: merged cells "
            f"({column['Case Ref']}{merged}:{column['Case Ref']}{merged + 1})"
            ) in found[0]["message"]
    assert (f"{column['Date Logged']}{first}:{column['Date Logged']}{first + 1} hold formulas "
            "with no saved result") in found[1]["message"]
    counts, before = reconciliation(project)["cases.xlsx"], clean.counts["cases.csv"]
    assert counts["read"] == before["read"]
    assert counts["rejected"] == before["rejected"] + 1
