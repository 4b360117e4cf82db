"""Problems found in the input are records, not exceptions.

Every stage appends `Problem`s to one `Problems` list; the build decides at the end
what to do (errors reject the row, warnings keep it, `--strict` fails on any error).
A problem never carries more of a value than the data officer needs to find it, and
problems about sensitive columns carry no value at all: the reports directory is
internal, but it still should not become a second copy of personal data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from generator.core.kinds import Severity, kind
from generator.core.untrusted import csv_text


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # 1-based as a spreadsheet shows it (header = row 1); None = whole file
    column: str
    value: str
    kind: str  # a code from the catalogue (core/kinds.py): tests and reports rely on it
    severity: Severity
    message: str

    def where(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"


class FatalInputError(Exception):
    """A whole input file cannot be used (missing, empty, binary, wrong shape)."""

    def __init__(self, problem: Problem):
        kind(problem.kind, problem.severity, fatal=True)
        super().__init__(str(problem))
        self.problem = problem


# Kinds whose rows are grouped by value too: each unknown code is its own line.
_GROUPED_BY_VALUE = frozenset({"unknown-code"})


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)
    error_count: int = 0  # kept as problems arrive: stages check it once per row

    def add(self, problem: Problem) -> None:
        kind(problem.kind, problem.severity)  # a kind the catalogue lists, as it lists it
        self.items.append(problem)
        if problem.severity is Severity.ERROR:
            self.error_count += 1

    def error(self, file: str, row: int | None, column: str, value: str, kind: str,
              message: str) -> None:
        self.add(Problem(file, row, column, value, kind, Severity.ERROR, message))

    def warning(self, file: str, row: int | None, column: str, value: str, kind: str,
                message: str) -> None:
        self.add(Problem(file, row, column, value, kind, Severity.WARNING, message))

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.WARNING]

    def by_kind(self) -> Counter[str]:
        return Counter(p.kind for p in self.items)

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.file, p.row or 0, p.column, p.kind))

    def to_csv(self) -> str:
        # Staff open this file in a spreadsheet: the values and messages quote the
        # export, so a cell that would be a formula is made text (csv_text).
        return csv_text([["file", "row", "column", "value", "kind", "severity", "message"],
                         *([p.file, p.row or "", p.column, p.value, p.kind, p.severity,
                            p.message] for p in self.sorted())])

    def write_csv(self, path: Path) -> None:
        path.write_text(self.to_csv(), encoding="utf-8")

    def grouped(self, limit: int = 20, rows_shown: int = 5) -> str:
        """A summary for the terminal: one line per kind of problem in each file and
        column (and per code, for unknown codes), errors first and the most frequent
        first, with its count, the first message and the first rows. A council with
        hundreds of problems sees what matters most first."""
        groups: dict[tuple[str, str, str, str, str], list[Problem]] = {}
        for p in self.sorted():
            value = p.value if p.kind in _GROUPED_BY_VALUE else ""
            groups.setdefault((p.severity.value, p.kind, p.file, p.column, value),
                              []).append(p)
        ordered = sorted(groups.items(), key=lambda kv: (
            kv[0][0] != Severity.ERROR.value, -len(kv[1]), kv[0][1:]))
        lines = []
        for (severity, kind_code, file, column, _), items in ordered[:limit]:
            rows = [str(p.row) for p in items if p.row is not None]
            noun = "line" if file.startswith("site_src/") else "row"  # an editor's page
            where = file + (f", column '{column}'" if column else "")
            count = f"{len(items):,} {noun}{'s' if len(items) != 1 else ''}" if rows \
                else f"{len(items):,} time{'s' if len(items) != 1 else ''}"
            shown = ", ".join(rows[:rows_shown]) + (", ..." if len(rows) > rows_shown
                                                    else "")
            lines.append(f"{severity.upper():7} {count} [{kind_code}] {where}: "
                         f"{items[0].message}" + (f" ({noun}s {shown})" if rows else ""))
        if len(ordered) > limit:
            lines.append(f"... and {len(ordered) - limit} more kinds (see "
                         "reports/issues.csv)")
        return "\n".join(lines)

    def table(self, limit: int = 50) -> str:
        """A plain-text table for the terminal, errors first."""
        rows = sorted(self.sorted(), key=lambda p: p.severity != Severity.ERROR)
        lines = []
        for p in rows[:limit]:
            lines.append(f"{p.severity.upper():7} {p.where()}: {p.message}")
        if len(rows) > limit:
            lines.append(f"... and {len(rows) - limit} more (see reports/issues.csv)")
        return "\n".join(lines)
