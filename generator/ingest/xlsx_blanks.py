"""Cells a workbook shows but a fast (read-only) read of it gives as blank.

Two kinds, both silent in openpyxl's read-only mode: a formula whose result was never
saved (the workbook was written by a program and never opened and saved in Excel, and
only Excel calculates formulas), and every cell of a merged range but the first.
Finding them means reading the sheet's XML once more, so that is done in full only
when a quick look through it finds a formula or a merged range.
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from openpyxl.utils.cell import (
    column_index_from_string,
    coordinate_from_string,
    get_column_letter,
    range_boundaries,
)
from openpyxl.xml.functions import iterparse  # defusedxml's when it is installed

from generator.core.problems import Problems

# How a formula or a merged range starts in sheet XML, with or without a namespace
# prefix. A false alarm (an attribute that looks like one) only costs the full read.
_MARKERS = (b"<f>", b"<f ", b"<f/", b":f>", b":f ", b":f/", b"<mergeCell ", b":mergeCell ")
_CHUNK = 1 << 20
_LISTED = 8  # cells or ranges named in one warning


@dataclass
class BlankedCells:
    formulas: list[tuple[int, int]] = field(default_factory=list)  # (row, column), 1-based
    # Merged ranges as written ("A2:A4") and their first column, first row, last column
    # and last row.
    merged: list[tuple[str, int, int, int, int]] = field(default_factory=list)


def find_blanked(archive: zipfile.ZipFile, part: str) -> BlankedCells:
    """Formulas with no saved result and merged ranges in the sheet stored at `part`.
    Raises what zipfile and the XML parser raise for a damaged workbook."""
    with archive.open(part) as stream:
        if not _mentions_formulas_or_merges(stream):
            return BlankedCells()
    with archive.open(part) as stream:
        return _scan(stream)


def _mentions_formulas_or_merges(stream: IO[bytes]) -> bool:
    tail = b""
    while chunk := stream.read(_CHUNK):
        window = tail + chunk
        if any(marker in window for marker in _MARKERS):
            return True
        tail = chunk[-16:]  # a marker cut in two by the chunk's end
    return False


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _scan(stream: IO[bytes]) -> BlankedCells:
    found = BlankedCells()
    row = column = 0
    for event, element in iterparse(stream, events=("start", "end")):
        tag = _local(element.tag)
        if event == "start":
            if tag == "row":  # `r` may be left out: then it is the next row
                row = int(element.get("r") or row + 1)
                column = 0
            continue
        if tag == "c":
            reference = element.get("r")
            if reference:
                letters, row = coordinate_from_string(reference)
                column = column_index_from_string(letters)
            else:
                column += 1
            if _formula_without_result(element):
                found.formulas.append((row, column))
        elif tag == "row":
            element.clear()  # a sheet can be large: keep no rows once they are read
        elif tag == "mergeCell":
            merged = element.get("ref", "")
            bounds = range_boundaries(merged)  # ValueError for a damaged range
            if None not in bounds:  # (a whole row or column is never merged in practice)
                found.merged.append((merged, *bounds))
    return found


def _formula_without_result(cell: Any) -> bool:
    formula = saved = False
    for child in cell:
        name = _local(child.tag)
        if name == "f":
            formula = True
        elif name == "v":
            # Programs write an empty <v/> for a result they did not calculate; Excel
            # writes one only for a formula whose result is empty text (t="str").
            saved = bool(child.text) or cell.get("t") == "str"
    return formula and not saved


def report(blanked: BlankedCells, file: str, sheet: str, headers: list[str],
           rows: range, problems: Problems) -> None:
    """One warning per column and kind, naming the cells and what to do. Only the
    cells of `rows` (header to last row read) under a named column are data."""
    def where(column: int) -> str:
        return f"sheet '{sheet}', column {get_column_letter(column)}"

    width = len(headers)
    formulas: dict[int, list[int]] = defaultdict(list)
    for row, column in blanked.formulas:
        if row in rows and column <= width:
            formulas[column].append(row)
    for column, found in sorted(formulas.items()):
        problems.warning(
            file, None, headers[column - 1], "", "formula-not-calculated",
            f"{where(column)}: {_cells(column, found)} "
            f"{_plural(found, 'holds a formula', 'hold formulas')} with no saved result, "
            f"so {_plural(found, 'it was', 'they were')} read as blank. The workbook was "
            "probably written by a program and never opened in Excel: open it in Excel, "
            "save it, and run again")
    hidden: dict[int, list[int]] = defaultdict(list)
    ranges: dict[int, list[str]] = defaultdict(list)
    by_position = sorted(blanked.merged, key=lambda m: (m[2], m[1]))  # row, then column
    for merged, first_column, first_row, last_column, last_row in by_position:
        for column in range(first_column, min(last_column, width) + 1):
            covered = [row for row in range(max(first_row, rows.start),
                                            min(last_row, rows.stop - 1) + 1)
                       if (row, column) != (first_row, first_column)]
            if covered:
                hidden[column].extend(covered)
                ranges[column].append(merged)
    for column, found in sorted(hidden.items()):
        problems.warning(
            file, None, headers[column - 1], "", "merged-cells",
            f"{where(column)}: merged cells ({_listed(ranges[column])}) hold their value "
            f"only in their first cell, so {_cells(column, sorted(found))} "
            f"{_plural(found, 'was', 'were')} read as blank. Unmerge the cells in Excel "
            "(Home, Merge & Center, Unmerge Cells), fill in every value, save, and run "
            "again")


def _plural(cells: list[int], one: str, many: str) -> str:
    return one if len(cells) == 1 else many


def _cells(column: int, rows: list[int]) -> str:
    """C2:C4, C9: the cells of one column, consecutive rows as ranges."""
    letter = get_column_letter(column)
    spans: list[str] = []
    start = previous = rows[0]
    for row in [*rows[1:], None]:
        if row is not None and row == previous + 1:
            previous = row
            continue
        spans.append(f"{letter}{start}" if start == previous
                     else f"{letter}{start}:{letter}{previous}")
        if row is not None:
            start = previous = row
    return _listed(spans)


def _listed(items: Iterable[str]) -> str:
    items = list(items)
    more = len(items) - _LISTED
    return ", ".join(items[:_LISTED]) + (f" and {more} more" if more > 0 else "")
