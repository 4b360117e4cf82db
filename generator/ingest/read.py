"""Read one back-office export table (CSV or XLSX) into plain strings.

Everything that can be wrong with an export file becomes a `Problem` written for the
council data officer who will fix it: a whole file that cannot be used raises
`FatalInputError` (one clear line, a stable `kind`); a damaged row is recorded in
`problems` with severity error and still returned, so the caller can reject exactly that
row by looking at the problems. Nothing else is ever raised for bad input.

Row numbers are what a spreadsheet would show for the same file: every record is one row
(a quoted value spanning lines is still one row), blank rows count, header = row 1 when
the file starts with it.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any, NoReturn

from generator.core.encodings import canonical_encoding
from generator.core.problems import FatalInputError, Problem, Problems, Severity

CANDIDATE_DELIMITERS = (",", ";", "|", "\t")
XLSX_SUFFIXES = (".xlsx", ".xlsm")

_UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_DELIMITER_NAMES = {",": "commas (,)", ";": "semicolons (;)", "|": "pipes (|)", "\t": "tabs"}
_DELIMITER_ALIASES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "Windows-1252 (cp1252)",
                   "latin-1": "Latin-1"}  # as "line 14 is not valid UTF-8 text"
# Windows-1252 is Latin-1 but for 0x80-0x9F, where it has 27 characters and leaves
# 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined (those read as Latin-1 does: controls).
_UNDEFINED_1252 = frozenset(b"\x81\x8d\x8f\x90\x9d")
_CP1252_OVER_LATIN1 = {b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0)
                       if b not in _UNDEFINED_1252}
# Each byte as its role in UTF-8: "l" a byte that starts a multi-byte character, "c" a
# continuation byte, "." anything else.
_UTF8_ROLES = bytes(ord("l") if 0xC2 <= b <= 0xF4 else ord("c") if 0x80 <= b <= 0xBF
                    else ord(".") for b in range(256))
_ASCII = bytes(range(128))
_ESCAPED = re.compile("[\udc80-\udcff]")  # a byte "surrogateescape" could not decode
# Signatures of files people export by mistake; the name tells the officer what they have.
_SIGNATURES = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel .xls workbook (or a password-protected one)"),
    (b"PK\x03\x04", "a ZIP archive"),
)
# Appended to the text so the csv module's silence about an unclosed quote at the end of
# the file becomes visible: if the last record swallowed it, the file ended inside quotes.
_SENTINEL = "\ue000\ufdd0end-of-export\ufdd0"
_SNIFF_CHARS = 64 * 1024
# The longest value a cell may hold (the csv module's default limit): a longer one is a
# quote opened and never closed, which swallows the rows after it.
MAX_VALUE_CHARS = 128 * 1024
_SNIFF_RECORDS = 50


@dataclass
class Table:
    file: str  # display name, e.g. "notices.csv"
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (spreadsheet row number, stripped values)
    # "utf-8", "utf-8-sig", "cp1252", "latin-1" or "xlsx". A file mixing UTF-8 and
    # Windows-1252 is "utf-8" or "cp1252", whichever most of it is.
    encoding: str
    delimiter: str  # "" for xlsx
    blank_rows: int = 0  # skipped blank rows: header_row + blanks + len(rows) = all rows
    header_row: int = 1
    sheet: str = ""  # the worksheet read, for xlsx


def read_table(path: Path, encoding: str = "auto", delimiter: str = "auto",
               sheet: str | None = None, problems: Problems | None = None) -> Table:
    """Read a CSV or XLSX export. Raises only `FatalInputError` for bad input.

    Row-level problems go to `problems` (a throwaway list if None); the fatal problem is
    carried by the exception, not added to `problems`.
    """
    path = Path(path)
    name = path.name or str(path)
    problems = problems if problems is not None else Problems()
    data = _read_bytes(path, name)
    if not data.removeprefix(_UTF8_BOM).strip():
        _fatal(name, "file-empty", "the file is empty: the export produced no data")
    if _is_xlsx(data):
        return _read_xlsx(name, data, sheet, problems)
    if path.suffix.lower() in XLSX_SUFFIXES:
        _fatal(name, "bad-xlsx", f"the file is named {path.suffix} but is not an Excel "
               "workbook (it may be a CSV file renamed, or damaged); export it again")
    return _read_csv(name, data, encoding, delimiter, problems)


# --- whole-file checks ---------------------------------------------------------------


def _fatal(file: str, kind: str, message: str, row: int | None = None, column: str = "",
           value: str = "") -> NoReturn:
    raise FatalInputError(Problem(file, row, column, value, kind, Severity.ERROR, message))


def _read_bytes(path: Path, name: str) -> bytes:
    # One read of the whole file: decoding and parsing then work on memory, which is both
    # the fastest way and the only way to report a bad byte's line number.
    if path.is_dir():
        _fatal(name, "file-missing", f"{path} is a folder, not a file")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        _fatal(name, "file-missing", f"the file was not found (looked for {path})")
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        _fatal(name, "file-unreadable", f"the file could not be opened ({reason}); check "
               "it is not open in another program and that the build may read it")


def _is_xlsx(data: bytes) -> bool:
    # A .docx or .ods is also a ZIP with [Content_Types].xml; only a workbook has xl/.
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def _binary_reason(data: bytes) -> str | None:
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            return f"looks like {what}"
    if b"\x00" in data:
        return "contains NUL bytes, so it is binary, damaged or saved as UTF-16"
    head = data[:8192]
    controls = sum(head.count(bytes([b])) for b in range(32) if b not in b"\t\n\r\x0c\x1a")
    # Text exports have essentially no control characters; binary data has about 10%.
    if len(head) >= 64 and controls > len(head) // 20:
        return "looks like binary data, not text"
    return None


def _check_binary(name: str, data: bytes) -> None:
    if data.startswith(_UTF16_BOMS):
        _fatal(name, "bad-encoding", "the file is saved as UTF-16 ('Unicode Text'), which "
               "is not supported; save it as 'CSV UTF-8' instead")
    reason = _binary_reason(data)
    if reason is not None:
        _fatal(name, "file-binary", f"this is not a CSV or Excel .xlsx file: it {reason}; "
               "export the table again as CSV or .xlsx")


# --- decoding ------------------------------------------------------------------------


def _canonical_encoding(name: str, encoding: str) -> str:
    key = canonical_encoding(encoding)
    if key is None:
        _fatal(name, "bad-encoding", f"the mapping sets `encoding: {encoding}`, which is "
               "not supported; use auto, utf-8, utf-8-sig, cp1252 or latin-1")
    return key


def _windows_1252(data: bytes) -> str:
    """Windows-1252, except the five bytes it leaves undefined, which read as Latin-1."""
    return data.decode("latin-1").translate(_CP1252_OVER_LATIN1)


def _detect_encoding(data: bytes) -> str:
    """The first encoding that decodes every byte, as a suggestion for the mapping."""
    if data.startswith(_UTF8_BOM):
        return "utf-8-sig"
    for candidate in ("utf-8", "cp1252"):
        try:
            data.decode(candidate)
            return candidate
        except UnicodeDecodeError:
            continue
    return "latin-1"  # decodes every byte


def _line_of(data: bytes, offset: int) -> int:
    # Physical lines, counting CRLF, LF and lone CR endings as the csv reader does.
    before = data[:offset]
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1


@dataclass
class _Decoded:
    text: str
    encoding: str  # as Table.encoding
    mender: _Mender | None = None  # for a file mixing UTF-8 and Windows-1252


def _decode(name: str, data: bytes, encoding: str) -> _Decoded:
    encoding = _canonical_encoding(name, encoding)
    if encoding in ("cp1252", "latin-1"):
        try:
            return _Decoded(data.decode(encoding), encoding)
        except UnicodeDecodeError as exc:
            _not_declared(name, data, encoding, exc)
    bom = data.startswith(_UTF8_BOM)
    used = "utf-8-sig" if encoding == "auto" and bom else encoding
    if used == "auto":
        used = "utf-8"
    try:
        # A BOM read as "utf-8" would otherwise stick to the first header name.
        return _Decoded(data.decode("utf-8").removeprefix("\ufeff"), used)
    except UnicodeDecodeError as exc:
        # Without its traceback: kept with one, the exception would hold this frame (and
        # through it the callers' frames, the file's bytes and every row mapped so far) in
        # a reference cycle that only the cycle collector frees, and it is paused while
        # the export is read.
        failure = exc.with_traceback(None)
    # Some bytes are not UTF-8. A file that is mostly UTF-8 (a byte-order mark says so
    # outright) is read as UTF-8 with only those bytes read as Windows-1252: reading it
    # all as Windows-1252 would garble every accented letter. Each cell mended is
    # reported, so the officer can check it.
    mixed = _mixed_utf8(data)
    if mixed is not None:
        text, utf8, other = mixed
        if bom or utf8 >= other:
            return _Decoded(text.removeprefix("\ufeff"), used, _Mender(utf8_majority=True))
    if encoding != "auto":
        _not_declared(name, data, encoding, failure)
    if mixed is not None:  # mostly Windows-1252, but with some UTF-8 in it
        return _Decoded(mixed[0], "cp1252", _Mender(utf8_majority=False))
    try:
        return _Decoded(data.decode("cp1252"), "cp1252")
    except UnicodeDecodeError:
        return _Decoded(_windows_1252(data), "latin-1")


def _mixed_utf8(data: bytes) -> tuple[str, int, int] | None:
    """For bytes that are not all UTF-8 but hold some of it: the text, with each byte
    that is not UTF-8 kept as a lone surrogate (U+DC80 to U+DCFF, which UTF-8 text can
    never hold), the number of UTF-8 multi-byte characters and the number of other
    non-ASCII bytes. None when no UTF-8 multi-byte character is there at all."""
    # Every multi-byte UTF-8 character starts with a lead byte followed by a
    # continuation byte; a plain Windows-1252 file almost never has that pair, and
    # looking for it in the bytes' roles is quick enough to do for every such file.
    if b"lc" not in data.translate(_UTF8_ROLES):
        return None
    text = data.decode("utf-8", errors="surrogateescape")
    other = sum(1 for _ in _ESCAPED.finditer(text))
    ascii_bytes = len(data) - len(data.translate(None, _ASCII))
    utf8 = len(text) - ascii_bytes - other  # each ASCII or other byte is one character
    return (text, utf8, other) if utf8 else None


def _not_declared(name: str, data: bytes, encoding: str, exc: UnicodeDecodeError
                  ) -> NoReturn:
    bad = f"0x{data[exc.start]:02X}"
    _fatal(name, "bad-encoding", f"line {_line_of(data, exc.start)} is not valid "
           f"{_ENCODING_NAMES[encoding]} text (byte {bad}); set "
           f"`encoding: {_detect_encoding(data)}` in the mapping", value=bad)


def _shown(text: str) -> str:
    """A few characters, quoted; by code point if any of them cannot be seen."""
    return f"'{text}'" if text.isprintable() else " ".join(f"U+{ord(c):04X}" for c in text)


def _hex(data: bytes) -> str:
    return " ".join(f"0x{b:02X}" for b in data)


class _Mender:
    """Mends, as they are read, the cells of a file that mixes UTF-8 with Windows-1252
    (decoded by `_mixed_utf8`), and notes every cell it changed for a warning.

    In a mostly UTF-8 file the bytes that are not UTF-8 are read as Windows-1252 (the
    usual culprit: text pasted from Word or typed into an older system). In a mostly
    Windows-1252 file every byte is read as Windows-1252, as the rest of the file, but
    the cells that held valid UTF-8 are noted, because that may have garbled them."""

    _LIMIT = 5  # bytes or characters described in one warning

    def __init__(self, utf8_majority: bool):
        self.utf8_majority = utf8_majority
        self.notes: list[tuple[int, int, str]] = []  # row, column index, what was done

    def records(self, records: Iterable[tuple[int, list[str], bool]]
                ) -> Iterator[tuple[int, list[str], bool]]:
        mend = self._mend_utf8 if self.utf8_majority else self._mend_1252
        isascii = str.isascii
        for number, cells, truncated in records:
            if not all(map(isascii, cells)):
                for index, cell in enumerate(cells):
                    if not cell.isascii():
                        cells[index], note = mend(cell)
                        if note:
                            self.notes.append((number, index, note))
            yield number, cells, truncated

    def _mend_utf8(self, cell: str) -> tuple[str, str]:
        escaped = _ESCAPED.findall(cell)
        if not escaped:
            return cell, ""
        mended = _ESCAPED.sub(lambda m: _windows_1252(_unescape(m.group())), cell)
        seen = list(dict.fromkeys(_unescape(e) for e in escaped))
        parts = [f"{_hex(b)} as {_shown(_windows_1252(b))}"
                 + (" (Windows-1252 does not define it)" if b[0] in _UNDEFINED_1252 else "")
                 for b in seen]
        what = "a byte that is" if len(seen) == 1 else "bytes that are"
        was = "was" if len(seen) == 1 else "were"
        return mended, (f"{what} not UTF-8 (unlike the rest of the file) {was} read as "
                        "Windows-1252: " + self._listed(parts))

    def _mend_1252(self, cell: str) -> tuple[str, str]:
        mended = _windows_1252(cell.encode("utf-8", errors="surrogateescape"))
        utf8 = list(dict.fromkeys(c for c in cell if not c.isascii() and not _ESCAPED.match(c)))
        if not utf8:
            return mended, ""
        parts = [f"{_hex(c.encode())} (UTF-8 {_shown(c)}) as "
                 f"{_shown(_windows_1252(c.encode()))}" for c in utf8]
        return mended, ("most of the file is Windows-1252, so bytes here that would be "
                        "UTF-8 were read as Windows-1252 too: " + self._listed(parts))

    def _listed(self, parts: list[str]) -> str:
        more = len(parts) - self._LIMIT
        shown = ", ".join(parts[:self._LIMIT]) + (f" and {more} more" if more > 0 else "")
        return f"{shown}; check the value and correct it in the back office if it is wrong"

    def report(self, table: Table, problems: Problems) -> None:
        for number, index, note in self.notes:
            column = table.headers[index] if index < len(table.headers) else ""
            problems.warning(table.file, number, column, "", "mixed-encoding", note)


def _unescape(escaped: str) -> bytes:
    return bytes([ord(escaped) - 0xDC00])


# --- delimiters ----------------------------------------------------------------------


def _canonical_delimiter(name: str, delimiter: str) -> str:
    key = _DELIMITER_ALIASES.get(delimiter.strip().lower(), delimiter)
    if key == "auto" or (len(key) == 1 and key not in "\"\r\n"):
        return key
    _fatal(name, "wrong-delimiter", f"the mapping sets `delimiter: {delimiter!r}`, which "
           "cannot be used; use auto or one character such as , ; | or a tab")


def _sample_records(text: str, delimiter: str) -> list[list[str]]:
    """The first non-blank records of the file's start, parsed with `delimiter`."""
    sample = text[:_SNIFF_CHARS]
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    try:
        records = [r for r in islice(reader, _SNIFF_RECORDS) if any(c.strip() for c in r)]
    except csv.Error:
        return []
    if len(sample) < len(text) and len(records) > 1:
        records.pop()  # may be cut in the middle by the sample's end
    return records


def _sniff_delimiter(text: str) -> str | None:
    """The candidate giving the header most columns, preferring consistent row widths."""
    best: tuple[bool, int] | None = None
    chosen = None
    for candidate in CANDIDATE_DELIMITERS:
        records = _sample_records(text, candidate)
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        body = records[1:]
        same = sum(len(r) == width for r in body)
        score = (not body or same >= 0.8 * len(body), width)
        if best is None or score > best:
            best, chosen = score, candidate
    return chosen


def _resolve_delimiter(name: str, text: str, delimiter: str) -> str:
    delimiter = _canonical_delimiter(name, delimiter)
    if delimiter == "auto":
        return _sniff_delimiter(text) or ","
    header = next(iter(_sample_records(text, delimiter)), [])
    if len(header) == 1:
        seems = _sniff_delimiter(text)
        if seems is not None and seems != delimiter:
            shown = "\\t" if seems == "\t" else seems
            _fatal(name, "wrong-delimiter", f"the header has only one column, but the file "
                   f"seems to use {_DELIMITER_NAMES[seems]} between columns; set "
                   f'`delimiter: "{shown}"` (or `delimiter: auto`) in the mapping')
    return delimiter


# --- CSV -----------------------------------------------------------------------------


def _read_csv(name: str, data: bytes, encoding: str, delimiter: str,
              problems: Problems) -> Table:
    _check_binary(name, data)
    decoded = _decode(name, data, encoding)
    text = decoded.text
    if not text.strip():
        _fatal(name, "file-empty", "the file is empty: the export produced no data")
    # One newline convention, so values spanning lines read the same from every system
    # (and the csv reader never meets a lone CR).
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    delimiter = _resolve_delimiter(name, text, delimiter)
    records = _csv_records(name, text, delimiter)
    if decoded.mender is not None:
        records = decoded.mender.records(records)
    table = _build(name, records, xlsx=False, problems=problems)
    table.encoding, table.delimiter = decoded.encoding, delimiter
    if decoded.mender is not None:
        decoded.mender.report(table, problems)
    return table


def _csv_records(name: str, text: str, delimiter: str) -> Iterator[tuple[int, list[str], bool]]:
    """(row number, cells, truncated) for every record, blank ones included."""
    # The reader ends a record at the end of each line it is given (unless inside quotes),
    # so the sentinel as one more line is its own record. chain() rather than
    # text + _SENTINEL: no second copy of a large file in memory.
    lines = chain(io.StringIO(text, newline=""), [_SENTINEL])
    reader = csv.reader(lines, delimiter=delimiter)
    held: list[str] | None = None  # one record of look-ahead to recognise the sentinel
    number = 0
    # The csv module's limit on one value is the whole process's, and libraries change
    # it (frictionless raises it on import): while reading, the reader's own applies.
    previous = csv.field_size_limit(MAX_VALUE_CHARS)
    try:
        for cells in reader:
            if held is not None:
                yield number, held, False
            held = cells
            number += 1
    except csv.Error:
        # In practice only "field larger than field limit": a quote opened and never closed.
        _fatal(name, "unclosed-quote", f"a quoted value starting on this row runs on for "
               f"more than {MAX_VALUE_CHARS:,} characters; a closing quote (\") is "
               "probably missing", row=number + 1)
    finally:
        csv.field_size_limit(previous)
    if held is None or held == [_SENTINEL]:
        return
    # The sentinel was swallowed by an open quote: the file ends inside a quoted value.
    held[-1] = held[-1].removesuffix(_SENTINEL)
    yield number, held, True


# --- XLSX ----------------------------------------------------------------------------


def _read_xlsx(name: str, data: bytes, sheet: str | None, problems: Problems) -> Table:
    import openpyxl  # only workbooks need it; keeps CSV-only runs light

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        _fatal(name, "bad-xlsx", f"the workbook could not be read ({type(exc).__name__}); "
               "open it in Excel, save it again as .xlsx and re-run")
    try:
        worksheet = _pick_sheet(name, workbook, sheet)
        # Exporters often write a wrong used range; read-only mode would trust it and cut
        # columns or rows, so forget it and read the cells that are really there.
        worksheet.reset_dimensions()
        records = _xlsx_records(name, worksheet.iter_rows(values_only=True))
        table = _build(name, records, xlsx=True, problems=problems,
                       empty=f"sheet '{worksheet.title}' is empty: the export produced no data")
    finally:
        workbook.close()
    table.encoding, table.delimiter, table.sheet = "xlsx", "", worksheet.title
    _report_blanked(name, data, worksheet, table, problems)
    return table


def _report_blanked(name: str, data: bytes, worksheet: Any, table: Table,
                    problems: Problems) -> None:
    """Warn about cells the read gave as blank although the workbook shows a value."""
    from generator.ingest import xlsx_blanks

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # openpyxl keeps where in the workbook the sheet's XML is stored here.
            blanked = xlsx_blanks.find_blanked(archive, worksheet._worksheet_path)
    except Exception as exc:  # zipfile, the XML parser and openpyxl raise many types
        _fatal(name, "bad-xlsx", f"sheet '{worksheet.title}' could not be read "
               f"({type(exc).__name__}); open it in Excel, save it again and re-run")
    last = table.blank_rows + 1 + len(table.rows)  # every row read: blank ones count
    xlsx_blanks.report(blanked, name, worksheet.title, table.headers,
                       range(table.header_row, last + 1), problems)


def _pick_sheet(name: str, workbook: Any, sheet: str | None) -> Any:
    sheets = list(workbook.worksheets)
    if not sheets:
        _fatal(name, "file-empty", "the workbook has no worksheets: the export produced no "
               "data")
    if sheet is None:
        return sheets[0]
    wanted = sheet.strip().casefold()
    for candidate in sheets:
        if candidate.title == sheet or candidate.title.strip().casefold() == wanted:
            return candidate
    listed = ", ".join(f"'{s.title}'" for s in sheets)
    _fatal(name, "sheet-missing", f"there is no sheet called '{sheet}'; the workbook has "
           f"{listed}", value=sheet)


def _xlsx_records(name: str, rows: Iterable[Iterable[object]]
                  ) -> Iterator[tuple[int, list[str], bool]]:
    iterator = iter(rows)
    number = 0
    while True:
        try:
            row = next(iterator)
        except StopIteration:
            return
        except Exception as exc:  # a damaged sheet fails mid-stream
            _fatal(name, "bad-xlsx", f"the worksheet could not be read after row {number} "
                   f"({type(exc).__name__}); open it in Excel, save it again and re-run")
        number += 1
        yield number, [cell_text(value) for value in row], False


def cell_text(value: object) -> str:
    """A workbook cell as the text a CSV export of it would hold (UK dates)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):  # before int: bool is an int
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.date):  # datetime too: the time of day is dropped
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds" if value.second else "minutes")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 430000.0 -> "430000", as the officer typed it
    return str(value)


# --- shared: header and rows ---------------------------------------------------------


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def column_letter(number: int) -> str:
    """1 -> A, 27 -> AA: how a spreadsheet names a column."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class _Header:
    names: list[str]
    row: int
    spare: int  # trailing blank header cells dropped: data may leave those cells empty


def _build(name: str, records: Iterable[tuple[int, list[str], bool]], *, xlsx: bool,
           problems: Problems, empty: str = "") -> Table:
    stream = iter(records)
    blank = 0
    header: _Header | None = None
    for number, cells, truncated in stream:
        cells = [c.strip() for c in cells]
        if any(cells):
            header = _header(name, number, cells, truncated, xlsx, problems)
            break
        blank += 1
    if header is None:
        _fatal(name, "file-empty", empty or "the file has only blank lines: the export "
               "produced no data")
    rows, blank_after = _rows(name, header, stream, xlsx, problems)
    if not rows:
        _fatal(name, "file-no-rows", "the file has a header row but no data rows: the "
               "export produced no records")
    return Table(name, header.names, rows, "", "", blank + blank_after, header.row)


def _header(name: str, number: int, cells: list[str], truncated: bool, xlsx: bool,
            problems: Problems) -> _Header:
    if truncated:
        _fatal(name, "truncated-row", "the header row opens a quote (\") that is never "
               "closed, so the whole file ran into it", row=number)
    width = len(cells)
    while not cells[width - 1]:
        width -= 1
    spare = len(cells) - width
    # Trailing blank headers are an export artefact (a trailing comma); in a workbook they
    # are merely formatted cells, not worth a warning.
    if spare and not xlsx:
        span = column_letter(width + 1)
        if spare > 1:
            span += f" to {column_letter(len(cells))}"
        problems.warning(name, number, "", "", "blank-header",
                         f"the header ends with {_count(spare, 'column')} without a name "
                         f"({span}), which were ignored")
    names = cells[:width]
    for index, header in enumerate(names):
        if not header:
            _fatal(name, "blank-header", f"column {column_letter(index + 1)} of the header "
                   "is empty, but later columns have names; every column needs a name",
                   row=number)
    seen: dict[str, int] = {}
    for index, header in enumerate(names):
        if header in seen:
            _fatal(name, "duplicate-header", f"two columns are called '{header}' (columns "
                   f"{column_letter(seen[header] + 1)} and {column_letter(index + 1)}); "
                   "every column needs a different name", row=number, column=header,
                   value=header)
        seen[header] = index
    return _Header(names, number, spare)


def _rows(name: str, header: _Header, stream: Iterator[tuple[int, list[str], bool]],
          xlsx: bool, problems: Problems) -> tuple[list[tuple[int, dict[str, str]]], int]:
    names = header.names
    width = len(names)
    rows: list[tuple[int, dict[str, str]]] = []
    blank = 0
    strip = str.strip
    for number, raw, truncated in stream:
        cells = list(map(strip, raw))
        if truncated:
            problems.error(name, number, "", "", "truncated-row", "the file ends inside a "
                           "quoted value that starts on this row; the last line looks "
                           "truncated (or a closing quote \" is missing)")
        if not any(cells):
            blank += 1
            continue
        if len(cells) != width:
            _check_width(name, number, cells, header, xlsx, truncated, problems)
            cells = (cells + [""] * width)[:width]
        # strict=False: the width is already equal, and checking it again costs time
        # on every row of the largest exports
        rows.append((number, dict(zip(names, cells, strict=False))))
    return rows, blank


def _check_width(name: str, number: int, cells: list[str], header: _Header, xlsx: bool,
                 truncated: bool, problems: Problems) -> None:
    width = len(header.names)
    extra = cells[width:]
    if extra:
        # An empty cell under a dropped blank header is harmless (trailing commas, or
        # formatted workbook cells); anything else cannot be matched to a column.
        allowed = len(extra) if xlsx else header.spare
        if any(extra) or len(extra) > allowed:
            _extra_cells(name, number, len(cells), extra, width, xlsx, problems)
    elif not xlsx and not truncated:
        # A workbook has no cell count: a short row just has empty cells at the end.
        problems.error(name, number, "", "", "missing-cells",
                       f"this row has {_count(len(cells), 'value')} but the header has "
                       f"{width} columns; the missing values were treated as empty and the row is "
                       "rejected")


def _extra_cells(name: str, number: int, count: int, extra: list[str], width: int,
                 xlsx: bool, problems: Problems) -> None:
    if xlsx:
        first = width + next(i for i, c in enumerate(extra) if c) + 1
        message = (f"this row has a value in column {column_letter(first)}, which has no "
                   "header; the row is rejected")
    else:
        message = (f"this row has {_count(count, 'value')} but the header has {width} columns, so "
                   "they cannot be matched to columns (often a separator inside a value "
                   "that is not in quotes); the row is rejected")
    problems.error(name, number, "", "", "extra-cells", message)
