"""Stage: refuse to replace the published site with one that lost much of its data.

A renamed column, a truncated download or a wrong mapping makes every row of a file an
error, and the build would otherwise publish an empty register over a full one. Two
checks, each against a share set in the configuration (`publish`):

- the register would lose more than `max_register_drop_percent` of the entries the
  published site has (its build recorded how many, see publish.py);
- more than `max_rejected_percent` of any file's rows have errors.

The message names the likely cause (the most frequent problems in the file) and how to
publish the change deliberately (`--accept-drop`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from generator.config.schema import Publish
from generator.core.ledger import Ledger, Outcome
from generator.core.problems import Problem, Problems

SHOWN_KINDS = 3  # the most frequent kinds of problem named in the message


class DropRefused(Exception):
    """The build would drop too much; the message says why and what to do."""


def check_drop(limits: Publish, ledger: Ledger, problems: Problems, register_entries: int,
               last: dict[str, Any] | None) -> None:
    """Raise DropRefused naming every limit passed, or return."""
    reasons = []
    summary = ledger.summary()
    for file, counts in summary.items():
        read, rejected = counts["read"], counts[Outcome.REJECTED.value]
        if read and rejected * 100 > limits.max_rejected_percent * read:
            reasons.append(
                f"{rejected:,} of the {read:,} rows of {file} have errors "
                f"({_percent(rejected, read)}; at most {limits.max_rejected_percent}% "
                f"may). {_likely_cause(problems, file)}")
    before = last.get("register entries") if last else None
    if isinstance(before, int) and before > 0:
        lost = before - register_entries
        if lost * 100 > limits.max_register_drop_percent * before:
            reasons.append(
                f"the register would go from {before:,} entries to {register_entries:,} "
                f"(down {_percent(lost, before)}; at most "
                f"{limits.max_register_drop_percent}% may go in one build)")
    if reasons:
        raise DropRefused(
            "the export looks incomplete or wrongly mapped, so the site was not replaced:\n"
            + "\n".join(f"  - {reason}" for reason in reasons)
            + "\nIf the change is real, build once with --accept-drop (or change "
            "'publish' in the configuration).")


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%"


def _likely_cause(problems: Problems, file: str) -> str:
    errors = [p for p in problems.errors if p.file == file]
    if not errors:
        return ""
    kinds = Counter(p.kind for p in errors)
    first: dict[str, Problem] = {}
    for p in errors:
        first.setdefault(p.kind, p)
    shown = "; ".join(f"{kind} ({count:,}): {first[kind]}"
                      for kind, count in kinds.most_common(SHOWN_KINDS))
    return f"Most common problems: {shown}"
