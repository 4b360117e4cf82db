"""Reconciliation: every input row ends with exactly one outcome.

Stages mark rows as they remove them (rejected, merged, withheld); the publishing
decision marks the rest. `check()` proves rows read = sum of outcomes for each file,
so a row can never be lost silently.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from generator.core.errors import InternalError
from generator.core.model import Source


class Outcome(StrEnum):
    PUBLISHED = "published"  # an individual entry on the site
    COUNTED = "counted"  # reaches the site only inside statistics
    WITHHELD = "withheld"  # kept off the site by policy (reason recorded)
    MERGED = "merged"  # an exact duplicate of another row
    REJECTED = "rejected"  # an error in the row (see reports/issues.csv)


class LedgerError(InternalError):
    """A bug: some row has no outcome, or two. Never a data problem."""


@dataclass
class Ledger:
    read: Counter[str] = field(default_factory=Counter)  # file -> data rows read
    outcomes: dict[Source, tuple[Outcome, str]] = field(default_factory=dict)
    counts: Counter[tuple[str, Outcome]] = field(default_factory=Counter)  # kept in step
    # The reference of each row withheld, for reports/withheld.csv (internal).
    labels: dict[Source, str] = field(default_factory=dict)

    def count_read(self, file: str, rows: int) -> None:
        self.read[file] += rows

    def mark(self, source: Source, outcome: Outcome, reason: str = "",
             label: str = "") -> None:
        if source in self.outcomes:
            raise LedgerError(f"{source} already has outcome {self.outcomes[source][0]}")
        self.outcomes[source] = (outcome, reason)
        self.counts[source.file, outcome] += 1
        if label:
            self.labels[source] = label

    def withheld(self) -> list[tuple[Source, str, str]]:
        """Every row withheld: (where, its reference, why), in file and row order."""
        return sorted((source, self.labels.get(source, ""), reason)
                      for source, (outcome, reason) in self.outcomes.items()
                      if outcome is Outcome.WITHHELD)

    def mark_all(self, sources: list[Source], outcome: Outcome, reason: str = "") -> None:
        """`mark` for many rows at once (every counted case of a large export)."""
        marked = self.outcomes
        before = len(marked)
        marked.update(dict.fromkeys(sources, (outcome, reason)))
        if len(marked) != before + len(sources):
            raise LedgerError(f"{before + len(sources) - len(marked)} of the rows marked "
                              f"{outcome} already had an outcome, or were listed twice")
        for file, n in Counter(source.file for source in sources).items():
            self.counts[file, outcome] += n

    def summary(self) -> dict[str, dict[str, int]]:
        files = sorted(set(self.read) | {file for file, _ in self.counts})
        return {file: {"read": self.read[file],
                       **{o.value: self.counts[file, o] for o in Outcome}}
                for file in files}

    def reasons(self) -> dict[str, dict[str, int]]:
        """Why rows were withheld or merged, by file; never any value from the row."""
        out: dict[str, Counter[str]] = {}
        for source, (outcome, reason) in self.outcomes.items():
            if reason:
                out.setdefault(source.file, Counter())[f"{outcome}: {reason}"] += 1
        return {f: dict(sorted(c.items())) for f, c in sorted(out.items())}

    def check(self) -> None:
        for file, row in self.summary().items():
            accounted = sum(v for k, v in row.items() if k != "read")
            if accounted != row["read"]:
                raise LedgerError(f"{file}: {row['read']} rows read but {accounted} "
                                  "accounted for")

    def table(self) -> str:
        header = ["file", "read", *[o.value for o in Outcome]]
        rows = [[file, *[str(v) for v in counts.values()]]
                for file, counts in self.summary().items()]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        lines = ["  ".join(c.rjust(w) if i else c.ljust(w)
                           for i, (c, w) in enumerate(zip(r, widths, strict=True)))
                 for r in [header, *rows]]
        return "\n".join(lines)
