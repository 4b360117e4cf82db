"""Reporting periods (UK financial years and their quarters) and working days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import holidays
import numpy as np


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    label: str

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def financial_year(day: dt.date) -> Period:
    """April to March, labelled like '2025/26'."""
    first = day.year if day.month >= 4 else day.year - 1
    return Period(dt.date(first, 4, 1), dt.date(first + 1, 3, 31),
                  f"{first}/{str(first + 1)[-2:]}")


def quarters(year: Period) -> list[Period]:
    out = []
    for q in range(4):
        month = 4 + 3 * q
        start = dt.date(year.start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
        end_month = month + 3
        end = dt.date(year.start.year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1) \
            - dt.timedelta(days=1)
        out.append(Period(start, end, f"{year.label} Q{q + 1}"))
    return out


def recent_years(today: dt.date, count: int) -> list[Period]:
    """The financial year containing `today` and the `count - 1` before it, oldest first."""
    current = financial_year(today)
    return [financial_year(dt.date(current.start.year - k, 6, 1))
            for k in range(count - 1, -1, -1)]


def closed_quarters(today: dt.date, years: list[Period]) -> list[Period]:
    return [q for y in years for q in quarters(y) if q.end < today]


@cache
def _bank_holidays(first_year: int, last_year: int) -> np.ndarray:
    # England and Wales share their bank holidays; Scotland and Northern Ireland differ.
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year,
                                                                     last_year + 1))
    return np.array(sorted(days), dtype="datetime64[D]")


def working_days(start: dt.date, end: dt.date) -> int:
    """Working days from `start` to `end`: a report on Friday visited on Monday is 1."""
    bank = _bank_holidays(min(start.year, end.year) - 1, max(start.year, end.year) + 1)
    one = dt.timedelta(days=1)
    return int(np.busday_count(start + one, end + one, holidays=bank))


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The first day `count` working days after `start` (by `working_days`' count): a
    target of 3 working days from a report on Friday is the Wednesday after."""
    bank = _bank_holidays(start.year - 1, start.year + 2)
    # A day off rolls back to the working day before it, which working_days counts from.
    day = np.busday_offset(np.datetime64(start, "D"), count, roll="backward",
                           holidays=bank)
    return dt.date.fromisoformat(str(day))


def working_days_many(starts: list[dt.date], ends: list[dt.date]) -> list[int]:
    """Vectorised `working_days` for many intervals (statistics on every case)."""
    if not starts:
        return []
    years = [d.year for d in starts + ends]
    bank = _bank_holidays(min(years) - 1, max(years) + 1)
    return np.busday_count(_days(starts) + 1, _days(ends) + 1, holidays=bank).tolist()


_EPOCH = dt.date(1970, 1, 1).toordinal()


def _days(dates: list[dt.date]) -> np.ndarray:
    # From day numbers: numpy converts a list of date objects much more slowly.
    return (np.array([d.toordinal() for d in dates], dtype=np.int64) - _EPOCH).astype(
        "datetime64[D]")
