"""Financial years, quarters and working days (bank holidays of England and Wales)."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.stats.periods import financial_year, quarters, working_days, working_days_many

D = dt.date


@pytest.mark.parametrize(
    ("day", "label", "start", "end"),
    [
        (D(2026, 4, 1), "2026/27", D(2026, 4, 1), D(2027, 3, 31)),
        (D(2026, 3, 31), "2025/26", D(2025, 4, 1), D(2026, 3, 31)),
        (D(2025, 12, 25), "2025/26", D(2025, 4, 1), D(2026, 3, 31)),
    ],
)
def test_financial_year(day, label, start, end):
    year = financial_year(day)
    assert (year.label, year.start, year.end) == (label, start, end)


def test_quarters_cover_the_year_without_gaps():
    year = financial_year(D(2025, 6, 1))
    qs = quarters(year)
    assert [q.label for q in qs] == ["2025/26 Q1", "2025/26 Q2", "2025/26 Q3", "2025/26 Q4"]
    assert qs[0].start == year.start and qs[-1].end == year.end
    for a, b in zip(qs, qs[1:], strict=False):
        assert b.start == a.end + dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 9, 7), D(2026, 9, 7), 0),  # same day
        (D(2026, 9, 4), D(2026, 9, 7), 1),  # Friday to Monday
        (D(2026, 9, 7), D(2026, 9, 14), 5),  # a whole week
        # Friday 22 May 2026 to Tuesday 26 May: Monday 25 May is the spring bank holiday.
        (D(2026, 5, 22), D(2026, 5, 26), 1),
        # Christmas 2025: Thu 25 and Fri 26 December are bank holidays.
        (D(2025, 12, 24), D(2025, 12, 29), 1),
        # Easter 2026: Good Friday 3 April and Easter Monday 6 April.
        (D(2026, 4, 2), D(2026, 4, 7), 1),
    ],
)
def test_working_days(start, end, expected):
    assert working_days(start, end) == expected
    assert working_days_many([start], [end]) == [expected]


def test_working_days_of_many_intervals_are_those_of_each():
    starts = [D(1999, 12, 31) + dt.timedelta(days=7 * i) for i in range(400)]
    ends = [s + dt.timedelta(days=i % 40) for i, s in enumerate(starts)]
    assert working_days_many(starts, ends) == [working_days(s, e)
                                               for s, e in zip(starts, ends, strict=True)]
