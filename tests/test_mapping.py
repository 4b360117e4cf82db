"""Loading the mapping file: every unknown or malformed option is a problem, all listed
at once, with the nearest valid key suggested."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO
from generator.config.mapping import load_mapping
from generator.config.schema import ConfigError
from generator.core.model import Source
from generator.core.problems import Problems, Severity
from generator.ingest.read import Table
from generator.ingest.rows import RowMapper


def mapping_with(tmp_path: Path, *changes: Callable[[dict[str, Any]], object]) -> Path:
    data = yaml.safe_load((REPO / "data" / "mapping.yml").read_text())
    for change in changes:
        change(data)
    path = tmp_path / "mapping.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_mapping(path)
    assert caught.value.file == "mapping.yml"
    return caught.value.problems


def cases(data: dict[str, Any]) -> dict[str, Any]:
    return data["files"]["cases"]


def rename(section: Callable[[dict[str, Any]], dict[str, Any]], old: str, new: str
           ) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target = section(data)
        target[new] = target.pop(old)
    return change


def add(section: Callable[[dict[str, Any]], dict[str, Any]], key: str, value: object
        ) -> Callable[[dict[str, Any]], None]:
    return lambda data: section(data).update({key: value})


def top(data: dict[str, Any]) -> dict[str, Any]:
    return data


@pytest.mark.parametrize(("change", "expected"), [
    # misspelt keys, at every level
    (rename(top, "date_formats", "date_fromats"),
     "unknown option 'date_fromats' (did you mean 'date_formats'?)"),
    (add(top, "encoding", "utf-8"), "unknown option 'encoding'"),
    (rename(lambda d: d["exclude"], "values", "valus"),
     "unknown option 'exclude.valus' (did you mean 'values'?)"),
    (add(lambda d: d["exclude"], "colum", "Authority"),
     "unknown option 'exclude.colum' (did you mean 'column'?)"),
    (rename(lambda d: d["files"], "notices", "notice"),
     # (a cases-only export is allowed: the misspelt file is the one problem)
     "unknown file 'files.notice' (did you mean 'notices'?): only 'cases', 'notices' "
     "and 'appeals' are known"),
    (rename(cases, "delimiter", "delimeter"),
     "unknown option 'files.cases.delimeter' (did you mean 'delimiter'?)"),
    (add(cases, "shet", "Cases"), "unknown option 'files.cases.shet' (did you mean 'sheet'?)"),
    (add(cases, "Encoding", "cp1252"),
     "unknown option 'files.cases.Encoding' (did you mean 'encoding'?)"),
    (add(lambda d: d["files"]["notices"], "header_row", 2),
     "unknown option 'files.notices.header_row'"),
    (add(lambda d: cases(d)["columns"], "recieved", "Date Received"),
     "'files.cases.columns.recieved' is not a field of cases (did you mean 'received'?)"),
    (add(lambda d: cases(d)["codes"], "prority", {"P1": "high"}),
     "'files.cases.codes.prority': that field takes no codes (did you mean 'priority'?)"),
    # sections of the wrong shape
    (lambda d: d.update(exclude="NPA"), "'exclude' must be a list of rules, each with "
     "'columns' and 'pattern' (or a section with 'column' and 'values'), not 'NPA'"),
    (lambda d: d["exclude"].update(values="NPA"), "'exclude.values' must be a list, e.g. [NPA]"),
    (lambda d: cases(d).update(columns=["Case Ref"]),
     ["'files.cases.columns' must be a section of options, not ['Case Ref']",
      "'files.cases.columns.reference' is required", "'files.cases.columns.received' is required",
      "'files.cases.columns.status' is required"]),
    (lambda d: cases(d)["codes"].update(priority=["P1"]),
     "'files.cases.codes.priority' must be a section of options, not ['P1']"),
    (lambda d: cases(d)["columns"].update(reference=None),
     "'files.cases.columns.reference' must be the header of a column in the file"),
])
def test_a_mapping_problem_is_named_with_the_nearest_key(
        tmp_path: Path, change: Callable[[dict[str, Any]], None],
        expected: str | list[str]) -> None:
    problems = problems_of(mapping_with(tmp_path, change))
    assert problems == ([expected] if isinstance(expected, str) else expected)


def test_every_unknown_key_is_listed_at_once(tmp_path: Path) -> None:
    problems = problems_of(mapping_with(
        tmp_path, rename(cases, "delimiter", "delimeter"),
        rename(lambda d: d["files"]["notices"], "columns", "colums"),
        add(lambda d: d["exclude"], "valeus", ["X"]), add(top, "shet", "Cases")))
    assert problems == [
        "unknown option 'shet'",
        "unknown option 'exclude.valeus' (did you mean 'values'?)",
        "unknown option 'files.cases.delimeter' (did you mean 'delimiter'?)",
        "unknown option 'files.notices.colums' (did you mean 'columns'?)",
        "'files.notices.columns.reference' is required",
        "'files.notices.columns.notice_type' is required",
    ]


def test_a_sheet_named_by_a_number_is_text(tmp_path: Path) -> None:
    mapping = load_mapping(mapping_with(tmp_path, add(cases, "sheet", 2024)))
    assert mapping.files["cases"].sheet == "2024"


def test_the_sample_mapping_has_no_problem(tmp_path: Path) -> None:
    assert load_mapping(mapping_with(tmp_path)).files.keys() == {"cases", "notices"}


# --- references ----------------------------------------------------------------------

TOO_LONG = ("the reference is {n} characters long, but a reference has at most 100 (is the "
            "mapping's reference column the right one?); correct it in the back office")
UNSEEN = ("the reference holds {what}, but a reference is one line of characters that can be "
          "seen; correct it in the back office")


@pytest.mark.parametrize(("reference", "problem"), [
    ("23/00456/ENF", None),
    ("APP/X1234/C/21/3271234", None),  # a Planning Inspectorate appeal reference
    ("ENF 2024 7", None),
    ("Ж/1", None),  # a letter is a letter in any alphabet
    ("A" * 100, None),
    ("A" * 101, ("reference-too-long", "A" * 60 + "…", TOO_LONG.format(n=101))),
    ("E/" + "9" * 298, ("reference-too-long", "E/" + "9" * 58 + "…", TOO_LONG.format(n=300))),
    ("ENF/1\n2", ("bad-reference", "ENF/1\\n2", UNSEEN.format(what="a line break (U+000A)"))),
    ("ENF/1\r\n2", ("bad-reference", "ENF/1\\r\\n2",
                    UNSEEN.format(what="a line break (U+000D)"))),
    ("ENF\u2028X", ("bad-reference", "ENF\\u2028X",
                    UNSEEN.format(what="a line break (U+2028)"))),
    ("ENF\tX", ("bad-reference", "ENF\\tX", UNSEEN.format(what="a tab (U+0009)"))),
    ("ENF\x07X", ("bad-reference", "ENF\\x07X",
                  UNSEEN.format(what="a control character (U+0007)"))),
    ("ENF\u200bX", ("bad-reference", "ENF\\u200bX",
                    UNSEEN.format(what="an invisible formatting character (U+200B)"))),
    ("ENF\u202eX", ("bad-reference", "ENF\\u202eX",
                    UNSEEN.format(what="an invisible formatting character (U+202E)"))),
    ("ENF\xa0X", ("bad-reference", "ENF\\xa0X",
                  UNSEEN.format(what="a space that is not an ordinary space (U+00A0)"))),
    ("///", ("bad-reference", "///",
             "the reference has no letter or digit; correct it in the back office")),
    ("__ --", ("bad-reference", "__ --",
               "the reference has no letter or digit; correct it in the back office")),
    # Blank and placeholder references have a problem of their own, and only that one.
    ("-", ("missing-reference", "-", "the reference is '-': every row needs its own "
           "reference")),
    ("N/A", ("missing-reference", "N/A", "the reference is 'N/A': every row needs its own "
             "reference")),
])
def test_odd_references_are_row_errors(tmp_path: Path, reference: str,
                                       problem: tuple[str, str, str] | None) -> None:
    mapping = load_mapping(mapping_with(tmp_path))
    fm = mapping.files["cases"]
    headers = list(fm.columns.values())
    row = dict.fromkeys(headers, "")
    row.update({"Case Ref": reference, "Date Received": "05/03/2024", "Status": "CLOSED"})
    problems = Problems()
    mapper = RowMapper(mapping, fm, Table("cases.csv", headers, [(7, row)], "utf-8", ","),
                       problems)

    mapped = mapper.map_row(Source("cases.csv", 7), row)

    if problem is None:
        assert mapped is not None and not problems
        return
    assert mapped is None
    assert [(p.file, p.row, p.column, p.kind, p.severity, p.value, p.message)
            for p in problems] == [("cases.csv", 7, "Case Ref", problem[0], Severity.ERROR,
                                    problem[1], problem[2])]
