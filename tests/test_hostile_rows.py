"""Hostile rows through `enforcement-site validate`: whatever a row holds, the command
ends with exit code 0 or 1, a clear report, and every row read accounted for.

Each example takes a small generated export, appends rows made from its own rows with
some cells replaced by hostile values (random text with control characters and lone
surrogates, huge cells, odd references, dates and numbers), saves it in one of the
encodings exports come in, and validates it in-process.
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Project, make_project
from generator.dev.sample import write_sample

TODAY = "2026-10-01"
FILES = ("cases.csv", "notices.csv")
OUTCOMES = ("published", "counted", "withheld", "merged", "rejected")

ODD_REFERENCES = ["", "N/A", "0", "-", "///", "A" * 300, "ENF/1\n2", "ENF\r\n2", "ENF\x07/1",
                  "ENF\u202e/1", "ENF\xa0/1", "\u2028", "ЖЖЖ", "INDEX", "X/2020/1",
                  "X-2020-1", "x/2020/1", "../../etc/passwd", "<script>alert(1)</script>",
                  "=HYPERLINK(\"http://x\")", "😀/1", "  spaced  "]
ODD_DATES = ["31/02/2024", "29/02/2023", "00/00/0000", "1/1/1", "01/01/0001",
             "31/12/9999", "2024-13-01", "45292", "99999", "-1", "1e9", "today",
             "12/31/2024", "01-Jan-00", "٠١/٠١/٢٠٢٤"]
ODD_NUMBERS = ["NaN", "-inf", "1e999", "-0", "１２３４５６", "1,2,3", "0x10", "٣٤٥٦٧٨",
               "1e-400", "9" * 400, "430000.0.0", "−430000"]
ODD_TEXT = ["\x00", "\ufeff", "\udc92", "\r", '"', '""', "\\", "\t\t", "%s%n", "{{ x }}",
            "{% raw %}", "<!--", "]]>", "\u0301", "x" * 40_000]

cell = st.one_of(
    st.text(max_size=40),  # any code point: control characters and lone surrogates too
    st.sampled_from(ODD_REFERENCES + ODD_DATES + ODD_NUMBERS + ODD_TEXT),
)
# (row to copy, cells to replace by column number)
hostile_row = st.tuples(st.integers(min_value=0),
                        st.dictionaries(st.integers(min_value=0, max_value=40), cell,
                                        min_size=1, max_size=6))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, dict[str, bytes]]:
    root = tmp_path_factory.mktemp("hostile")
    write_sample(root / "export", seed=11, cases=40, notices=12)
    project = make_project(root / "project", root / "export")
    return project, {f: (project.export / f).read_bytes() for f in FILES}


def reconciliation(project: Project) -> dict[str, dict[str, int]]:
    with (project.reports / "reconciliation.csv").open(encoding="utf-8", newline="") as h:
        return {row.pop("file"): {k: int(v) for k, v in row.items()}
                for row in csv.DictReader(h)}


@settings(max_examples=30, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(rows=st.lists(st.tuples(st.sampled_from(FILES), hostile_row), min_size=1, max_size=4),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_hostile_rows_are_reported_never_crash(base: tuple[Project, dict[str, bytes]],
                                               rows: list, encoding: str) -> None:
    project, original = base
    tables = {f: list(csv.reader(io.StringIO(original[f].decode("cp1252"), newline="")))
              for f in FILES}
    for file, (copied, replaced) in rows:
        header, *records = tables[file]
        row = list(records[copied % len(records)])
        for column, value in replaced.items():
            row[column % len(header)] = value
        tables[file].append(row)
    for file, table in tables.items():
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(table)
        # UTF-8 keeps lone surrogates as the invalid bytes they would be on disk.
        errors = "replace" if encoding == "cp1252" else "surrogatepass"
        (project.export / file).write_bytes(out.getvalue().encode(encoding, errors))
    for report in project.reports.glob("*"):
        report.unlink()

    result = project.validate("--today", TODAY)

    assert result.exit_code in (0, 1), result.output
    for crash in ("Traceback", "Unexpected error", "Internal error"):
        assert crash not in result.output, result.output
    if result.stderr.startswith("Cannot read the export:"):
        return  # a whole file refused (e.g. a NUL byte: binary), with its reason
    counts = reconciliation(project)
    assert set(counts) == set(FILES)
    for file, row in counts.items():
        assert row["read"] == sum(row[o] for o in OUTCOMES), (file, row)
