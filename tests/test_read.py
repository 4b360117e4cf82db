"""Reading one export table: every way a file can be wrong becomes a clear Problem."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.core.problems import FatalInputError, Problems, Severity
from generator.ingest import xlsx_blanks
from generator.ingest.read import Table, cell_text, column_letter, read_table


def write(tmp_path: Path, data: bytes, name: str = "notices.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read(tmp_path: Path, data: bytes, name: str = "notices.csv", **kwargs: str
         ) -> tuple[Table, Problems]:
    problems = Problems()
    table = read_table(write(tmp_path, data, name), problems=problems, **kwargs)
    return table, problems


def fatal(tmp_path: Path, data: bytes, name: str = "notices.csv", **kwargs: str
          ) -> FatalInputError:
    with pytest.raises(FatalInputError) as caught:
        read(tmp_path, data, name, **kwargs)
    return caught.value


def zip_bytes(**members: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for member, text in members.items():
            archive.writestr(member, text)
    return out.getvalue()


# --- encodings -------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "encoding", "used", "value"), [
    ("Ref,Town\nA1,Ynys Môn\n".encode(), "auto", "utf-8", "Ynys Môn"),
    ("Ref,Town\nA1,Ystradgynlais – Powys\n".encode(), "auto", "utf-8", "Ystradgynlais – Powys"),
    (b"\xef\xbb\xbfRef,Town\nA1,Leeds\n", "auto", "utf-8-sig", "Leeds"),
    # A BOM read as plain UTF-8 must not stick to the first header.
    (b"\xef\xbb\xbfRef,Town\nA1,Leeds\n", "utf-8", "utf-8", "Leeds"),
    ("Ref,Town\nA1,£5 o’clock\n".encode("cp1252"), "auto", "cp1252", "£5 o’clock"),
    ("Ref,Town\nA1,£5 o’clock\n".encode("cp1252"), "windows-1252", "cp1252", "£5 o’clock"),
    (b"Ref,Town\nA1,\x81caf\xe9\n", "auto", "latin-1", "\x81café"),
    (b"Ref,Town\nA1,caf\xe9\n", "latin-1", "latin-1", "café"),
    # One byte Windows-1252 leaves undefined does not cost the file its curly quotes.
    (b"Ref,Town\nA1,\x81caf\xe9 o\x92clock\n", "auto", "latin-1", "\x81café o’clock"),
])
def test_encodings(tmp_path: Path, data: bytes, encoding: str, used: str, value: str) -> None:
    table, problems = read(tmp_path, data, encoding=encoding)
    assert table.encoding == used
    assert table.headers == ["Ref", "Town"]
    assert table.rows == [(2, {"Ref": "A1", "Town": value})]
    assert not problems


@pytest.mark.parametrize(("data", "encoding", "line", "byte", "suggestion"), [
    (b"Ref,Town\nA1,ok\nA2,o\x92clock\n", "utf-8", 3, "0x92", "cp1252"),
    (b"Ref,Town\r\nA1,ok\r\nA2,\x81\r\n", "utf-8", 3, "0x81", "latin-1"),
    (b"Ref,Town\rA1,ok\rA2,ok\rA3,\x8d\r", "cp1252", 4, "0x8D", "latin-1"),
    # Line numbers are physical lines: the quoted newline is a line, not a row.
    (b'Ref,Town\nA1,"two\nlines"\nA2,\xa3\n', "utf-8", 4, "0xA3", "cp1252"),
    # Some UTF-8 (0xC9 0x92 is 'ɒ') but mostly not: the declaration is wrong for the file.
    (b"Ref,Town\nA1,CAF\xc9\x92S\nA2,\xa3\xa3\n", "utf-8", 3, "0xA3", "cp1252"),
])
def test_declared_encoding_that_fails_names_the_line(
        tmp_path: Path, data: bytes, encoding: str, line: int, byte: str,
        suggestion: str) -> None:
    error = fatal(tmp_path, data, encoding=encoding)
    assert error.problem.kind == "bad-encoding"
    assert error.problem.row is None
    assert f"line {line} is not valid" in str(error)
    assert f"(byte {byte})" in str(error)
    assert f"`encoding: {suggestion}`" in str(error)
    assert str(error).startswith("notices.csv: ")


def utf8(text: str) -> bytes:
    return text.encode("utf-8")


STRAY = ("a byte that is not UTF-8 (unlike the rest of the file) was read as "
         "Windows-1252: ")
CHECK = "; check the value and correct it in the back office if it is wrong"


@pytest.mark.parametrize(("data", "encoding", "used", "rows", "warnings"), [
    # A UTF-8 export with one byte typed in Windows-1252: only that byte is read so.
    (utf8("Ref,Town\nA1,Élan\nA2,o") + b"\x92clock\n", "auto", "utf-8",
     {2: "Élan", 3: "o’clock"}, [(3, "Town", STRAY + "0x92 as '’'" + CHECK)]),
    # Declaring UTF-8 reads it the same way: the row is kept, not the file lost.
    (utf8("Ref,Town\nA1,Élan\nA2,o") + b"\x92clock\n", "utf-8", "utf-8",
     {2: "Élan", 3: "o’clock"}, [(3, "Town", STRAY + "0x92 as '’'" + CHECK)]),
    # Rows, not lines: the quoted value spans two lines, so the bad byte is on row 3.
    (utf8('Ref,Town\nA1,"Ynys\nMôn"\nA2,M') + b"\xfcnster\n", "auto", "utf-8",
     {2: "Ynys\nMôn", 3: "Münster"}, [(3, "Town", STRAY + "0xFC as 'ü'" + CHECK)]),
    # Several bytes in one cell, one that Windows-1252 does not define; and the header.
    (b"Ref,T\xe9l\n" + utf8("A1,Élan – Zoë – Môn\nA2,") + b"\x93x\x81\x94\n", "auto", "utf-8",
     {2: "Élan – Zoë – Môn", 3: "“x\x81”"},
     [(1, "Tél", STRAY + "0xE9 as 'é'" + CHECK),
      (3, "Tél", "bytes that are not UTF-8 (unlike the rest of the file) were read as "
       "Windows-1252: 0x93 as '“', 0x81 as U+0081 (Windows-1252 does not define it), "
       "0x94 as '”'" + CHECK)]),
    # A byte-order mark says UTF-8 even when nothing else in the file does.
    (utf8("\ufeffRef,Town\nA1,") + b"o\x92clock\n", "auto", "utf-8-sig",
     {2: "o’clock"}, [(2, "Town", STRAY + "0x92 as '’'" + CHECK)]),
    # Mostly Windows-1252, with two bytes that happen to be UTF-8 for 'ɒ': read as
    # Windows-1252 like the rest of the file, and that row is reported.
    (b"Ref,Town\nA1,CAF\xc9\x92S\nA2,\xa3\xa3\nA3,\xe9\n", "auto", "cp1252",
     {2: "CAFÉ’S", 3: "££", 4: "é"},
     [(2, "Town", "most of the file is Windows-1252, so bytes here that would be UTF-8 "
       "were read as Windows-1252 too: 0xC9 0x92 (UTF-8 'ɒ') as 'É’'" + CHECK)]),
    # A tie goes to UTF-8: its multi-byte characters are rarely there by chance.
    (utf8("Ref,Town\nA1,Élan\nA2,") + b"\xa3\n", "auto", "utf-8",
     {2: "Élan", 3: "£"}, [(3, "Town", STRAY + "0xA3 as '£'" + CHECK)]),
])
def test_mixed_encodings_are_mended_cell_by_cell_and_reported(
        tmp_path: Path, data: bytes, encoding: str, used: str, rows: dict[int, str],
        warnings: list[tuple[int, str, str]]) -> None:
    table, problems = read(tmp_path, data, encoding=encoding)
    assert table.encoding == used
    assert {number: row[table.headers[1]] for number, row in table.rows} == rows
    assert [(p.row, p.column, p.message) for p in problems] == warnings
    assert all((p.kind, p.severity, p.value) == ("mixed-encoding", Severity.WARNING, "")
               for p in problems)


def test_many_stray_bytes_in_one_cell_are_summed_up(tmp_path: Path) -> None:
    # Eight stray bytes (all that is not UTF-8) against ten UTF-8 characters.
    data = (utf8("Ref,Notes\nA1,Élan Zoë – Môn – Ystâd – Caffè – Öl\nA2,")
            + bytes(range(0xE0, 0xE8)) + b"\n")
    table, problems = read(tmp_path, data)
    assert table.rows[1][1]["Notes"] == "àáâãäåæç"
    (problem,) = problems
    assert "0xE4 as 'ä' and 3 more; check" in problem.message


@pytest.mark.parametrize(("data", "encoding"), [
    ("Ref,Town\nA1,Leeds\n".encode("utf-16"), "auto"),
    (b"Ref,Town\nA1,Leeds\n", "ebcdic"),
])
def test_unusable_encoding(tmp_path: Path, data: bytes, encoding: str) -> None:
    assert fatal(tmp_path, data, encoding=encoding).problem.kind == "bad-encoding"


# --- delimiters and shape --------------------------------------------------------------

@pytest.mark.parametrize(("data", "delimiter", "used"), [
    (b"Ref,Town,Amount\nA1,Leeds,5\nA2,York,6\n", "auto", ","),
    (b"Ref;Town;Amount\nA1;Leeds;5,5\nA2;York;6,25\n", "auto", ";"),
    (b"Ref\tTown\tAmount\nA1\tLeeds, West\t5\nA2\tYork\t6\n", "auto", "\t"),
    (b"Ref|Town|Amount\nA1|Leeds; West|5\nA2|York|6\n", "auto", "|"),
    (b'"Ref;x",Town,Amount\nA1,Leeds,5\n', "auto", ","),
    (b"Ref\tTown\tAmount\nA1\tLeeds\t5\n", "tab", "\t"),
    (b"Ref\tTown\tAmount\nA1\tLeeds\t5\n", "\\t", "\t"),
    (b"Ref;Town;Amount\nA1;Leeds;5\n", ";", ";"),
])
def test_delimiters(tmp_path: Path, data: bytes, delimiter: str, used: str) -> None:
    table, problems = read(tmp_path, data, delimiter=delimiter)
    assert table.delimiter == used
    assert len(table.headers) == 3
    assert table.rows[0][1]["Amount"] in {"5", "5,5"}
    assert not problems


@pytest.mark.parametrize(("data", "delimiter", "seems"), [
    (b"Ref;Town\nA1;Leeds\n", ",", "semicolons"),
    (b"Ref\tTown\nA1\tLeeds\n", ",", "tabs"),
    (b"Ref,Town\nA1,Leeds\n", ";", "commas"),
    (b"Ref|Town\nA1|Leeds\n", "\t", "pipes"),
])
def test_wrong_delimiter(tmp_path: Path, data: bytes, delimiter: str, seems: str) -> None:
    error = fatal(tmp_path, data, delimiter=delimiter)
    assert error.problem.kind == "wrong-delimiter"
    assert seems in error.problem.message


def test_unusable_delimiter_setting(tmp_path: Path) -> None:
    error = fatal(tmp_path, b"Ref,Town\nA1,Leeds\n", delimiter=",,")
    assert error.problem.kind == "wrong-delimiter"


def test_single_column_file_is_allowed(tmp_path: Path) -> None:
    table, _ = read(tmp_path, b"Ref\nA1\nA2\n")
    assert table.headers == ["Ref"]
    assert [n for n, _ in table.rows] == [2, 3]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_quoted_newlines_count_as_one_row(tmp_path: Path, newline: bytes) -> None:
    lines = [b"Ref,Notes,Town", b'A1,"first line', b'second, with comma",Leeds',
             b'A2,"x",York', b'A3,"a', b"b", b'c",Hull', b"A4,,Bath"]
    table, problems = read(tmp_path, newline.join(lines) + newline)
    assert [n for n, _ in table.rows] == [2, 3, 4, 5]
    assert table.rows[0][1]["Notes"] == "first line\nsecond, with comma"
    assert table.rows[2][1]["Notes"] == "a\nb\nc"
    assert table.rows[3][1] == {"Ref": "A4", "Notes": "", "Town": "Bath"}
    assert not problems


def test_values_and_headers_are_stripped(tmp_path: Path) -> None:
    table, _ = read(tmp_path, b" Ref , Town\n  A1 ,\xc2\xa0Leeds  \n")
    assert table.headers == ["Ref", "Town"]
    assert table.rows == [(2, {"Ref": "A1", "Town": "Leeds"})]


@pytest.mark.parametrize(("data", "numbers", "blank", "header_row"), [
    (b"Ref,Town\nA1,Leeds\n\nA2,York\n,\n  ,  \nA3,Hull\n\n", [2, 4, 7], 4, 1),
    (b"\n\nRef,Town\nA1,Leeds\n", [4], 2, 3),
    (b"Ref,Town\r\n\r\nA1,\"x\r\ny\"\r\n\r\nA2,z", [3, 5], 2, 1),
])
def test_blank_rows_are_skipped_but_counted(tmp_path: Path, data: bytes, numbers: list[int],
                                            blank: int, header_row: int) -> None:
    table, problems = read(tmp_path, data)
    assert [n for n, _ in table.rows] == numbers
    assert table.blank_rows == blank
    assert table.header_row == header_row
    assert not problems


# --- row problems ----------------------------------------------------------------------

@pytest.mark.parametrize(("data", "kind", "row", "values"), [
    (b"Ref,Town\nA1,Leeds\nA2,1 High St, York\nA3,Hull\n", "extra-cells", 3,
     {"Ref": "A2", "Town": "1 High St"}),
    (b"Ref,Town\nA1,Leeds\nA2,York,\nA3,Hull\n", "extra-cells", 3, {"Ref": "A2", "Town": "York"}),
    (b"Ref,Town,Ward\nA1,Leeds,W1\nA2,York\nA3,Hull,W3\n", "missing-cells", 3,
     {"Ref": "A2", "Town": "York", "Ward": ""}),
    (b'Ref,Town\nA1,Leeds\nA2,Hull\nA3,"York', "truncated-row", 4, {"Ref": "A3", "Town": "York"}),
    (b'Ref,Town\nA1,Leeds\nA2,"York\n', "truncated-row", 3, {"Ref": "A2", "Town": "York"}),
    (b'Ref,Town\nA1,Leeds\nA2,"York\nmore, text\n', "truncated-row", 3,
     {"Ref": "A2", "Town": "York\nmore, text"}),
])
def test_row_problems_keep_the_row(tmp_path: Path, data: bytes, kind: str, row: int,
                                   values: dict[str, str]) -> None:
    table, problems = read(tmp_path, data)
    assert [(p.kind, p.row, p.severity) for p in problems] == [(kind, row, Severity.ERROR)]
    assert dict(table.rows)[row] == values
    assert all(set(r) == set(table.headers) for _, r in table.rows)


def test_truncated_message_is_for_a_data_officer(tmp_path: Path) -> None:
    _, problems = read(tmp_path, b'Ref,Town\nA1,"Leeds')
    assert str(problems.items[0]) == (
        'notices.csv, row 2: the file ends inside a quoted value that starts on this row; '
        'the last line looks truncated (or a closing quote " is missing)')


def test_trailing_blank_headers_are_dropped_with_a_warning(tmp_path: Path) -> None:
    table, problems = read(tmp_path, b"Ref,Town,,\nA1,Leeds,,\nA2,York\nA3,Hull,,x\n")
    assert table.headers == ["Ref", "Town"]
    assert [(p.kind, p.row, p.severity) for p in problems] == [
        ("blank-header", 1, Severity.WARNING), ("extra-cells", 4, Severity.ERROR)]
    assert [n for n, _ in table.rows] == [2, 3, 4]


# --- fatal files -----------------------------------------------------------------------

@pytest.mark.parametrize(("data", "name", "kind", "row"), [
    (b"", "cases.csv", "file-empty", None),
    (b" \r\n\t\n", "cases.csv", "file-empty", None),
    (b"\xef\xbb\xbf", "cases.csv", "file-empty", None),
    (b"\xef\xbb\xbf\r\n", "cases.csv", "file-empty", None),
    (b",,,\n,,\n", "cases.csv", "file-empty", None),
    (b"Ref,Town\n", "cases.csv", "file-no-rows", None),
    (b"Ref,Town\n\n,\n", "cases.csv", "file-no-rows", None),
    (b"Ref,Town\nA1,\x00Leeds\n", "cases.csv", "file-binary", None),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "cases.csv", "file-binary", None),
    (zip_bytes(**{"a.txt": "hello"}), "cases.csv", "file-binary", None),
    (zip_bytes(**{"[Content_Types].xml": "<x/>", "word/document.xml": "<x/>"}), "cases.csv",
     "file-binary", None),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "cases.xls", "file-binary", None),
    (bytes(range(1, 32)) * 10, "cases.csv", "file-binary", None),
    (b"Ref,Town\nA1,Leeds\n", "cases.xlsx", "bad-xlsx", None),
    (b"Ref,,Town\nA1,x,Leeds\n", "cases.csv", "blank-header", 1),
    (b"Ref,Town,Ref\nA1,Leeds,A1\n", "cases.csv", "duplicate-header", 1),
    (b"\nRef,Town, Town \nA1,Leeds,A1\n", "cases.csv", "duplicate-header", 2),
    (b'Ref,"Town\nA1,Leeds\n', "cases.csv", "truncated-row", 1),
])
def test_fatal_kinds(tmp_path: Path, data: bytes, name: str, kind: str,
                     row: int | None) -> None:
    problem = fatal(tmp_path, data, name).problem
    assert (problem.kind, problem.row, problem.severity) == (kind, row, Severity.ERROR)
    assert problem.file == name
    assert "\n" not in str(fatal(tmp_path, data, name))


def test_empty_message(tmp_path: Path) -> None:
    assert str(fatal(tmp_path, b"", "cases.csv")) == (
        "cases.csv: the file is empty: the export produced no data")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(FatalInputError) as caught:
        read_table(tmp_path / "cases.csv")
    assert caught.value.problem.kind == "file-missing"
    assert "cases.csv" in str(caught.value)
    (tmp_path / "notices.csv").mkdir()
    with pytest.raises(FatalInputError) as caught:
        read_table(tmp_path / "notices.csv")
    assert caught.value.problem.kind == "file-missing"
    assert "folder" in str(caught.value)


def test_runaway_quote_longer_than_csv_limit_is_fatal(tmp_path: Path) -> None:
    data = b'Ref,Notes\nA1,ok\nA2,"never closed\n' + b"A3,some text\n" * 20_000 + b'A4,"x"\n'
    problem = fatal(tmp_path, data).problem
    assert (problem.kind, problem.row) == ("unclosed-quote", 3)


# --- xlsx ------------------------------------------------------------------------------

def make_workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    first.title = "Cases"
    first.append(["Case Ref", "Received", "Count", "Price", "Ratio", "Logged", "Open"])
    first.append(["  E/24/001 ", dt.date(2024, 3, 5), 12, 430000.0, 2.5,
                  dt.datetime(2024, 3, 6, 14, 30), True])
    first.append([])
    first.append(["E/24/002", None, None, None, None, None, None])
    notices = workbook.create_sheet("Notices")
    notices.append(["Notice Ref", "Served"])
    notices.append(["N1", dt.datetime(2023, 12, 31)])
    notices.append(["N2", None, "stray"])
    workbook.create_sheet("Header only").append(["Ref"])
    workbook.create_sheet("Empty")
    workbook.save(path)
    return path


def test_xlsx_first_sheet(tmp_path: Path) -> None:
    problems = Problems()
    table = read_table(make_workbook(tmp_path / "cases.xlsx"), problems=problems)
    assert (table.encoding, table.delimiter, table.sheet) == ("xlsx", "", "Cases")
    assert table.headers == ["Case Ref", "Received", "Count", "Price", "Ratio", "Logged",
                             "Open"]
    assert table.rows[0] == (2, {"Case Ref": "E/24/001", "Received": "05/03/2024",
                                 "Count": "12", "Price": "430000", "Ratio": "2.5",
                                 "Logged": "06/03/2024", "Open": "TRUE"})
    assert table.rows[1][0] == 4
    assert table.blank_rows == 1
    assert not problems


def test_xlsx_named_sheet_and_detection_by_signature(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "cases.xlsx")
    renamed = tmp_path / "notices.csv"  # a workbook under the wrong name is still read
    renamed.write_bytes(path.read_bytes())
    problems = Problems()
    table = read_table(renamed, sheet="notices", problems=problems)
    assert table.sheet == "Notices"
    assert table.rows == [(2, {"Notice Ref": "N1", "Served": "31/12/2023"}),
                          (3, {"Notice Ref": "N2", "Served": ""})]
    assert [(p.kind, p.row) for p in problems] == [("extra-cells", 3)]
    assert "column C" in problems.items[0].message


@pytest.mark.parametrize(("sheet", "kind"), [
    ("Appeals", "sheet-missing"), ("Header only", "file-no-rows"), ("Empty", "file-empty")])
def test_xlsx_fatal(tmp_path: Path, sheet: str, kind: str) -> None:
    with pytest.raises(FatalInputError) as caught:
        read_table(make_workbook(tmp_path / "cases.xlsx"), sheet=sheet)
    assert caught.value.problem.kind == kind
    if kind == "sheet-missing":
        assert "'Cases', 'Notices'" in str(caught.value)


def test_damaged_xlsx(tmp_path: Path) -> None:
    data = zip_bytes(**{"[Content_Types].xml": "not xml", "xl/workbook.xml": "<broken"})
    assert fatal(tmp_path, data, "cases.xlsx").problem.kind == "bad-xlsx"


def rewrite_sheet(path: Path, change: Callable[[str], str]) -> Path:
    """The workbook with its first sheet's XML changed, as another program wrote it."""
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    part = "xl/worksheets/sheet1.xml"
    members[part] = change(members[part].decode()).encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
    return path


def sheet_with(path: Path, *, formulas: dict[str, str] = {},  # noqa: B006 - never changed
               merged: tuple[str, ...] = ()) -> Path:
    """A 'Cases' sheet of five data rows; openpyxl saves formulas without a result, as
    any program but Excel does."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Cases"
    sheet.append(["Ref", "Received", "Days", "Ward"])
    for n in range(2, 7):
        sheet.append([f"E/{n}", dt.date(2024, 1, n), n, "W1"])
    for cell, formula in formulas.items():
        sheet[cell] = formula
    for cells in merged:
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


@pytest.mark.parametrize(("formulas", "merged", "blank", "warnings"), [
    ({}, (), set(), []),
    ({"C3": "=B3-B2", "C4": "=B4-B3", "C5": "=B5-B4", "C6": "=B6-B5"}, (),
     {(3, "Days"), (4, "Days"), (5, "Days"), (6, "Days")},
     [("formula-not-calculated", "Days", "sheet 'Cases', column C: C3:C6 hold formulas with "
       "no saved result, so they were read as blank. The workbook was probably written by "
       "a program and never opened in Excel: open it in Excel, save it, and run again")]),
    ({"D2": '="W"&C2', "A5": '="E/"&C5'}, (), {(2, "Ward"), (5, "Ref")},
     [("formula-not-calculated", "Ref", "sheet 'Cases', column A: A5 holds a formula with no "
       "saved result, so it was read as blank. The workbook was"),
      ("formula-not-calculated", "Ward", "sheet 'Cases', column D: D2 holds a formula")]),
    # A formula outside the table (no header above it) reads as nothing anyway.
    ({"F3": "=1+1"}, (), set(), []),
    ({}, ("A3:A5",), {(4, "Ref"), (5, "Ref")},
     [("merged-cells", "Ref", "sheet 'Cases', column A: merged cells (A3:A5) hold their "
       "value only in their first cell, so A4:A5 were read as blank. Unmerge the cells in "
       "Excel (Home, Merge & Center, Unmerge Cells), fill in every value, save, and run "
       "again")]),
    ({}, ("C2:D2", "D5:D6"), {(2, "Ward"), (6, "Ward")},
     [("merged-cells", "Ward", "sheet 'Cases', column D: merged cells (C2:D2, D5:D6) hold "
       "their value only in their first cell, so D2, D6 were read as blank")]),
])
def test_xlsx_cells_read_as_blank_are_reported(
        tmp_path: Path, formulas: dict[str, str], merged: tuple[str, ...],
        blank: set[tuple[int, str]], warnings: list[tuple[str, str, str]]) -> None:
    problems = Problems()
    table = read_table(sheet_with(tmp_path / "cases.xlsx", formulas=formulas, merged=merged),
                       problems=problems)
    assert {(n, h) for n, row in table.rows for h, v in row.items() if not v} == blank
    assert len(problems) == len(warnings)
    for problem, (kind, column, message) in zip(problems, warnings, strict=True):
        assert (problem.kind, problem.severity, problem.row, problem.column, problem.value) == (
            kind, Severity.WARNING, None, column, "")
        assert problem.message.startswith(message), problem.message


@pytest.mark.parametrize(("saved", "value"), [
    ('<c r="C3"><f>B3-B2</f><v>1</v></c>', "1"),  # as Excel saves it
    ('<c r="C3" t="str"><f>""</f><v></v></c>', ""),  # a formula whose result is empty text
])
def test_xlsx_formulas_with_a_saved_result_are_read(tmp_path: Path, saved: str,
                                                     value: str) -> None:
    path = rewrite_sheet(sheet_with(tmp_path / "cases.xlsx", formulas={"C3": "=B3-B2"}),
                         lambda xml: re.sub(r'<c r="C3".*?</c>', saved, xml))
    problems = Problems()
    table = read_table(path, problems=problems)
    assert table.rows[1] == (3, {"Ref": "E/3", "Received": "03/01/2024", "Days": value,
                                 "Ward": "W1"})
    assert not problems


def test_xlsx_blank_cells_found_in_namespace_prefixed_xml(tmp_path: Path) -> None:
    def prefixed(xml: str) -> str:
        xml = re.sub(r"<(/?)(\w+)", r"<\1x:\2", xml)
        return xml.replace('xmlns="', 'xmlns:x="', 1)
    path = rewrite_sheet(sheet_with(tmp_path / "cases.xlsx", formulas={"C3": "=B3-B2"},
                                    merged=("A5:A6",)), prefixed)
    assert "<x:f>" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    problems = Problems()
    read_table(path, problems=problems)
    assert [(p.kind, p.column) for p in problems] == [("formula-not-calculated", "Days"),
                                                      ("merged-cells", "Ref")]


@pytest.mark.parametrize(("formulas", "merged", "scanned"), [
    ({}, (), False), ({"C3": "=1"}, (), True), ({}, ("A3:A4",), True)])
def test_xlsx_sheet_is_read_twice_only_with_formulas_or_merged_cells(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, formulas: dict[str, str],
        merged: tuple[str, ...], scanned: bool) -> None:
    calls = []
    full_read = xlsx_blanks._scan
    monkeypatch.setattr(xlsx_blanks, "_scan", lambda stream: calls.append(1) or full_read(stream))
    read_table(sheet_with(tmp_path / "cases.xlsx", formulas=formulas, merged=merged))
    assert bool(calls) == scanned


@pytest.mark.parametrize(("xml", "found"), [
    (b'<c r="A1"><f>1+1</f></c>', True), (b'<c><f t="shared" si="0"/></c>', True),
    (b"<x:c><x:f>1</x:f></x:c>", True), (b'<mergeCells><mergeCell ref="A1:B1"/>', True),
    (b'<x:mergeCell ref="A1:B1"/>', True), (b"<c><v>1</v></c><cfRule><formula>1", False),
    (b"<fill/><font/>" + b"<c><v>1</v></c>" * 5, False),
    # A marker cut in two by the end of a chunk is still found.
    (b"x" * 9 + b"<f>", True), (b"x" * 10 + b"<mergeCell ref", True),
])
def test_quick_look_for_formulas_or_merged_cells(monkeypatch: pytest.MonkeyPatch,
                                                 xml: bytes, found: bool) -> None:
    monkeypatch.setattr(xlsx_blanks, "_CHUNK", 11)
    assert xlsx_blanks._mentions_formulas_or_merges(io.BytesIO(xml)) is found


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), ("  x ", "  x "), (12, "12"), (430000.0, "430000"), (-0.0, "0"), (2.5, "2.5"),
    (0.1, "0.1"), (1e-7, "1e-07"), (False, "FALSE"), (dt.date(2024, 1, 2), "02/01/2024"),
    (dt.datetime(2024, 1, 2, 23, 59), "02/01/2024"), (dt.time(9, 30), "09:30"),
])
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


@pytest.mark.parametrize(("number", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (703, "AAA")])
def test_column_letter(number: int, letters: str) -> None:
    assert column_letter(number) == letters


# --- never anything but FatalInputError ------------------------------------------------

def check_never_crashes(path: Path, **kwargs: str) -> None:
    problems = Problems()
    try:
        table = read_table(path, problems=problems, **kwargs)
    except FatalInputError as error:
        assert error.problem.kind and error.problem.message
        assert error.problem.severity is Severity.ERROR
        return
    assert all(p.kind and p.message for p in problems)
    numbers = [n for n, _ in table.rows]
    assert numbers == sorted(set(numbers)) and numbers[0] > table.header_row
    assert all(list(row) == table.headers for _, row in table.rows)
    assert len(set(table.headers)) == len(table.headers) and all(table.headers)


CSV_ALPHABET = st.sampled_from(list("ab Z1é£’,;|\t\"\n\r") + ["\r\n", '""', "\ufeff"])
SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(data=st.binary(max_size=400), name=st.sampled_from(["x.csv", "x.xlsx", "x.txt"]))
def test_random_bytes_only_raise_fatal(tmp_path: Path, data: bytes, name: str) -> None:
    check_never_crashes(write(tmp_path, data, name))


@SETTINGS
@given(pieces=st.lists(CSV_ALPHABET, max_size=80),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1"]),
       declared=st.sampled_from(["auto", "utf-8", "utf-8-sig", "cp1252", "latin-1"]),
       delimiter=st.sampled_from(["auto", ",", ";", "|", "\t"]))
def test_random_csv_text_only_raises_fatal(tmp_path: Path, pieces: list[str], encoding: str,
                                           declared: str, delimiter: str) -> None:
    data = "".join(pieces).encode(encoding, errors="replace")
    check_never_crashes(write(tmp_path, data), encoding=declared, delimiter=delimiter)


@SETTINGS
@given(rows=st.lists(st.lists(st.text(st.sampled_from(list("ab ,;\"\n\r’")), max_size=6),
                              min_size=3, max_size=3), min_size=1, max_size=8),
       delimiter=st.sampled_from([",", ";", "|", "\t"]))
def test_written_csv_round_trips(tmp_path: Path, rows: list[list[str]], delimiter: str) -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([["Ref", "Town", "Notes"], *rows])
    path = write(tmp_path, out.getvalue().encode("utf-8"))
    expected = [[c.replace("\r\n", "\n").replace("\r", "\n").strip() for c in r] for r in rows]
    kept = [r for r in expected if any(r)]
    problems = Problems()
    if not kept:
        with pytest.raises(FatalInputError, match="no data rows"):
            read_table(path, delimiter=delimiter, problems=problems)
        return
    table = read_table(path, delimiter=delimiter, problems=problems)
    assert [list(v.values()) for _, v in table.rows] == kept
    assert table.header_row + table.blank_rows + len(table.rows) == 1 + len(rows)
    assert not problems


def test_the_reader_applies_its_own_value_limit_whatever_the_process_has(tmp_path: Path):
    # Libraries change the csv module's process-wide limit (frictionless raises it when
    # imported); a runaway quote must still be found, and the limit given back.
    import csv

    previous = csv.field_size_limit(10 ** 9)
    try:
        data = b'Ref,Notes\nA1,"never closed\n' + b"A3,some text\n" * 20_000 + b'A4,"x"\n'
        assert fatal(tmp_path, data).problem.kind == "unclosed-quote"
        assert csv.field_size_limit() == 10 ** 9
    finally:
        csv.field_size_limit(previous)
