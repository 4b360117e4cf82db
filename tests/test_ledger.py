"""The reconciliation ledger: every row ends with exactly one outcome."""

from __future__ import annotations

import pytest

from generator.core.ledger import Ledger, LedgerError, Outcome
from generator.core.model import Source


def test_marking_many_rows_counts_them_as_marking_each_does():
    one, many = Ledger(), Ledger()
    rows = [Source("cases.csv", n) for n in range(2, 7)] + [Source("notices.csv", 2)]
    for ledger in (one, many):
        ledger.count_read("cases.csv", 5)
        ledger.count_read("notices.csv", 1)
    for source in rows:
        one.mark(source, Outcome.COUNTED)
    many.mark_all(rows, Outcome.COUNTED)
    assert many.summary() == one.summary()
    assert many.outcomes == one.outcomes
    many.check()


@pytest.mark.parametrize("rows", [
    [Source("cases.csv", 2), Source("cases.csv", 2)],  # listed twice
    [Source("cases.csv", 3)],  # already marked below
])
def test_a_row_cannot_be_marked_twice(rows):
    ledger = Ledger()
    ledger.mark(Source("cases.csv", 3), Outcome.REJECTED)
    with pytest.raises(LedgerError, match="already had an outcome"):
        ledger.mark_all(rows, Outcome.COUNTED)
