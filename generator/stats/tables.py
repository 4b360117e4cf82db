"""Stage: published statistics, computed from case and notice facts.

Every table here is about cases that are not public, so counts go through
`suppress`; register notices are public and are counted as they are.
"""

from __future__ import annotations

import datetime as dt
import statistics as pystats
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from generator.config.schema import Config
from generator.core.model import (
    BREACH_CATEGORY_LABELS,
    CLOSURE_REASON_LABELS,
    AppealOutcome,
    BreachCategory,
    ClosureReason,
    NoticeType,
)
from generator.ingest.geo import WardMap
from generator.privacy.anonymise import CaseFact, PublicData
from generator.stats.periods import (
    Period,
    closed_quarters,
    quarters,
    recent_years,
    working_days_many,
)
from generator.stats.suppress import CountTable, suppress

NOT_KNOWN = "Ward not known"


@dataclass
class Table:
    """A published table: what it shows in one sentence, and its cells as text."""

    slug: str
    title: str
    summary: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class Statistics:
    tables: list[Table] = field(default_factory=list)
    figures: dict[str, dict[str, int | None]] = field(default_factory=dict)  # name->period
    ward_counts: dict[str, dict[str, int | None]] = field(default_factory=dict)
    ward_period: str = ""
    periods: dict[str, Period] = field(default_factory=dict)

    def table(self, slug: str) -> Table:
        return next(t for t in self.tables if t.slug == slug)


def _show(value: int | None) -> str:
    return "[c]" if value is None else f"{value:,}"


def _hide_small(value: int, threshold: int) -> int | None:
    return None if 0 < value < threshold else value


def _from_count_table(slug: str, summary: str, table: CountTable) -> Table:
    rows = table.as_rows()
    return Table(slug, table.title, summary, rows[0], rows[1:])


class _Dates:
    """Dates sorted once, so that counting those in a period is two bisections rather
    than a pass over every case (periods x cases at the largest councils)."""

    def __init__(self, dates: Iterable[dt.date | None]):
        self.dates = sorted(d for d in dates if d is not None)

    def within(self, period: Period) -> int:
        return bisect_right(self.dates, period.end) - bisect_left(self.dates, period.start)

    def up_to(self, day: dt.date) -> int:
        return bisect_right(self.dates, day)


def _by_period(cases: list[CaseFact], periods: list[Period],
               day_of: Callable[[CaseFact], dt.date | None]) -> dict[Period, list[CaseFact]]:
    """The cases whose `day_of` falls in each of `periods` (which do not overlap), in
    one pass: not a pass over every case for each period."""
    ordered = sorted(periods)
    starts = [p.start for p in ordered]
    found: dict[Period, list[CaseFact]] = {p: [] for p in periods}
    for case in cases:
        day = day_of(case)
        if day is None:
            continue
        i = bisect_right(starts, day) - 1
        if i >= 0 and day <= ordered[i].end:
            found[ordered[i]].append(case)
    return found


@dataclass
class _CaseDates:
    received: _Dates
    closed: _Dates
    # A case is no longer open at the end of a period once it was both received and
    # closed by then: the later of its two dates (a closure typed before the receipt
    # must not count as open-then-closed).
    settled: _Dates

    @classmethod
    def of(cls, cases: list[CaseFact]) -> _CaseDates:
        return cls(_Dates(c.received for c in cases), _Dates(c.closed for c in cases),
                   _Dates(max(c.received, c.closed) for c in cases if c.closed))

    def open_at(self, day: dt.date) -> int:
        return self.received.up_to(day) - self.settled.up_to(day)


def _activity(dates: _CaseDates, periods: list[Period], threshold: int) -> Table:
    rows = []
    for p in periods:
        received = dates.received.within(p)
        closed = dates.closed.within(p)
        open_end = dates.open_at(p.end)
        rows.append([p.label, *(_show(_hide_small(v, threshold))
                                for v in (received, closed, open_end))])
    return Table("cases-by-quarter", "Cases received, closed and open by quarter",
                 "How many reports of a breach we received and closed in each quarter, "
                 "and how many were still open at its end.",
                 ["Quarter", "Received", "Closed", "Open at end of quarter"], rows)


def _timings(cases: list[CaseFact], years: list[Period], config: Config,
             threshold: int) -> Table:
    rows = []
    targets = [("Log the report", None, config.charter.acknowledge_working_days)] + [
        (p.label, p.code, p.first_visit_working_days) for p in config.charter.priorities]
    received = _by_period(cases, years, lambda c: c.received)
    for year in years:
        in_year = received[year]
        for label, priority, target in targets:
            if priority is None:
                pairs = [(c.received, c.logged) for c in in_year if c.logged]
            else:
                pairs = [(c.received, c.first_visit) for c in in_year
                         if c.first_visit and c.priority == priority]
            days = [d for d in working_days_many([a for a, _ in pairs],
                                                 [b for _, b in pairs]) if d >= 0]
            what = "Log the report" if priority is None else f"First site visit: {label}"
            if not days:
                rows.append([year.label, what, f"{target}", "0", "-", "-", "-"])
                continue
            if len(days) < threshold:
                rows.append([year.label, what, f"{target}", "[c]", "[c]", "[c]", "-"])
                continue
            within = sum(1 for d in days if d <= target)
            share = round(100 * within / len(days))
            met = "Yes" if share >= config.charter.target_percent else "No"
            rows.append([year.label, what, f"{target}", f"{len(days):,}",
                         f"{pystats.median(days):g}", f"{share}%", met])
    return Table("response-times", "Response times against our targets",
                 "How quickly we logged reports and made the first site visit, in working "
                 f"days, and whether at least {config.charter.target_percent}% met the "
                 "target.",
                 ["Year", "Step", "Target (working days)", "Cases", "Median working days",
                  "Within target", "Target met"], rows)


CLOSE_BANDS = ((28, "Within 4 weeks"), (91, "4 to 13 weeks"), (182, "13 to 26 weeks"),
               (365, "26 to 52 weeks"), (None, "Over 52 weeks"))


def _time_to_close(closed: dict[Period, list[CaseFact]], years: list[Period],
                   threshold: int) -> Table:
    rows = []
    counts = []
    for year in years:
        durations = _days_open(closed[year])
        band_counts = [0] * len(CLOSE_BANDS)
        for d in durations:
            for i, (limit, _) in enumerate(CLOSE_BANDS):
                if limit is None or d <= limit:
                    band_counts[i] += 1
                    break
        counts.append(band_counts)
        rows.append(year.label)
    table = suppress("Time taken to close cases", "Year closed", rows,
                     [label for _, label in CLOSE_BANDS], counts, threshold)
    return _from_count_table(
        "time-to-close", "How long cases closed in each year had been open.", table)


def _days_open(closed: list[CaseFact]) -> list[int]:
    """Days from receipt to closure of closed cases (not those closed 'before' they
    were received: a typing error)."""
    return [(c.closed - c.received).days for c in closed
            if c.closed and c.closed >= c.received]


def _median_time_to_close(closed: dict[Period, list[CaseFact]], years: list[Period],
                          config: Config, threshold: int) -> Table:
    limit = config.charter.resolve_weeks * 7
    rows = []
    for year in years:
        durations = _days_open(closed[year])
        if len(durations) < max(threshold, 1):
            rows.append([year.label, _show(_hide_small(len(durations), threshold)), "-",
                         "-", "-"])
            continue
        share = round(100 * sum(d <= limit for d in durations) / len(durations))
        met = "Yes" if share >= config.charter.resolve_percent else "No"
        rows.append([year.label, f"{len(durations):,}",
                     f"{pystats.median(durations) / 7:.1f}", f"{share}%", met])
    return Table("median-time-to-close", "Median time to close a case",
                 "The middle value of how long closed cases had been open, and the share "
                 f"closed within our target of {config.charter.resolve_weeks} weeks "
                 f"({config.charter.resolve_percent}% of cases).",
                 ["Year closed", "Cases closed", "Median weeks",
                  f"Closed within {config.charter.resolve_weeks} weeks", "Target met"], rows)


def _two_way(title: str, summary: str, slug: str, row_label: str,
             cases: list[CaseFact], row_of: Callable[[CaseFact], str],
             col_of: Callable[[CaseFact], str], rows: list[str], columns: list[str],
             threshold: int) -> tuple[Table, CountTable]:
    index_r = {r: i for i, r in enumerate(rows)}
    index_c = {c: j for j, c in enumerate(columns)}
    counts = [[0] * len(columns) for _ in rows]
    for c in cases:
        r, k = row_of(c), col_of(c)
        if r in index_r and k in index_c:
            counts[index_r[r]][index_c[k]] += 1
    table = suppress(title, row_label, rows, columns, counts, threshold)
    return _from_count_table(slug, summary, table), table


def _by_grid_square(cases: list[CaseFact], quarter: Period, metres: int,
                    threshold: int) -> tuple[Table, CountTable]:
    """Cases received in a closed quarter per grid square: for councils whose wards are
    large, a finer picture than wards without a point for any case."""
    per_cell = Counter(c.grid_cell for c in cases if c.grid_cell)
    cells = sorted(per_cell, key=lambda cell: tuple(int(v) for v in cell.split("-")))
    labels = [_square_label(cell) for cell in cells]
    counts = suppress("", "", labels, ["Cases received"], [[per_cell[c]] for c in cells],
                      threshold)
    rows = [row[:2] for row in counts.as_rows()[1:]]  # one column: its total repeats it
    size = f"{metres / 1000:g} km"
    return Table("cases-by-grid-square",
                 f"Cases received by {size} grid square, {quarter.label}",
                 f"Reports received in {quarter.label} in each {size} square of the "
                 "British National Grid that had any (squares without a case are not "
                 "listed), named by the square's south-west corner.",
                 ["Grid square (south-west corner)", "Cases received"], rows), counts


def _square_label(cell: str) -> str:
    easting, northing = (int(v) for v in cell.split("-"))
    return f"easting {easting:,}, northing {northing:,}"


def _notices_by_type(data: PublicData, years: list[Period]) -> Table:
    present = {n.notice_type for n in data.notices}
    types = [t for t in NoticeType if t in present]
    served = {t: _Dates(n.served for n in data.notices if n.notice_type == t)
              for t in types}
    rows = []
    for t in types:
        row = [t.label + ("" if t.on_register else " (not on the register)")]
        row.extend(f"{served[t].within(y):,}" for y in years)
        rows.append(row)
    return Table("notices-by-type", "Notices served by type",
                 "Formal notices served in each financial year, by type. Quashed and "
                 "withdrawn notices are not counted.",
                 ["Notice type", *[y.label for y in years]], rows)


def _appeals(data: PublicData, years: list[Period]) -> Table:
    rows = []
    for y in years:
        lodged = sum(1 for n in data.notices if n.appeal_lodged and y.contains(n.appeal_lodged))
        decided = Counter(n.appeal_outcome for n in data.notices
                          if n.appeal_decided and y.contains(n.appeal_decided))
        rows.append([y.label, f"{lodged}",
                     *[f"{decided.get(o, 0)}" for o in (AppealOutcome.DISMISSED,
                                                        AppealOutcome.VARIED,
                                                        AppealOutcome.ALLOWED,
                                                        AppealOutcome.WITHDRAWN)]])
    return Table("appeals", "Appeals against notices",
                 "Appeals lodged against our notices in each year, and the decisions made.",
                 ["Year", "Lodged", "Dismissed", "Varied and upheld", "Allowed",
                  "Withdrawn"], rows)


def _open_by_age(cases: list[CaseFact], today: dt.date, bands: list[int],
                 threshold: int) -> Table:
    limits = [*bands, None]
    labels = []
    lower = 0
    for upper in limits:
        labels.append(f"Under {upper} months" if lower == 0 and upper else
                      f"{lower} to {upper} months" if upper else f"Over {lower} months")
        lower = upper or lower
    counts = [0] * len(limits)
    for c in cases:
        if c.closed is not None and c.closed <= today:
            continue
        months = (today.year - c.received.year) * 12 + today.month - c.received.month
        for i, upper in enumerate(limits):
            if upper is None or months < upper:
                counts[i] += 1
                break
    rows = [[label, _show(_hide_small(n, threshold))] for label, n in zip(labels, counts,
                                                                         strict=True)]
    return Table("open-by-age", "Open cases by age",
                 f"Cases still open on {today:%-d %B %Y}, by how long ago they were "
                 "reported.", ["Age", "Open cases"], rows)


def compute(data: PublicData, config: Config, wards: WardMap) -> Statistics:
    threshold = config.privacy.suppression_threshold
    today = data.export_date
    years = recent_years(today, config.statistics.years)
    all_quarters = [q for y in years for q in quarters(y) if q.start <= today]
    cases = data.cases
    case_dates = _CaseDates.of(cases)
    stats = Statistics()
    stats.tables.append(_activity(case_dates, all_quarters, threshold))
    stats.tables.append(_open_by_age(cases, today, config.statistics.age_bands_months,
                                     threshold))
    stats.tables.append(_timings(cases, years, config, threshold))
    closed = _by_period(cases, years, lambda c: c.closed)  # cases closed in each year
    stats.tables.append(_time_to_close(closed, years, threshold))
    stats.tables.append(_median_time_to_close(closed, years, config, threshold))
    reasons = [r for r in ClosureReason]
    closed_years = [y for y in years]
    reason_table, _ = _two_way(
        "Why cases were closed", "The reasons cases closed in each year were closed.",
        "closure-reasons", "Reason", cases,
        lambda c: c.closure_reason.value if c.closure_reason else "",
        lambda c: next((y.label for y in closed_years if c.closed and y.contains(c.closed)),
                       ""),
        [r.value for r in reasons], [y.label for y in closed_years], threshold)
    labels = {r.value: CLOSURE_REASON_LABELS[r] for r in reasons}
    for row in reason_table.rows:
        row[0] = labels.get(row[0], row[0])
    stats.tables.append(reason_table)
    stats.tables.append(_notices_by_type(data, years))
    stats.tables.append(_appeals(data, years))
    # Small areas only for closed periods, so nightly rebuilds cannot be differenced.
    done = closed_quarters(today, years)
    ward_names = {w.code: w.name for w in sorted(wards.wards, key=lambda w: w.name)}
    if done:
        last = done[-1]
        in_q = [c for c in cases if last.contains(c.received)]
        categories = [b for b in BreachCategory]
        ward_table, counts = _two_way(
            f"Cases received by ward and type of breach, {last.label}",
            f"Reports received in {last.label} in each ward, by type of breach.",
            "ward-by-breach", "Ward", in_q,
            lambda c: c.ward if c.ward in ward_names else NOT_KNOWN,
            lambda c: c.breach_category.value, [*ward_names, NOT_KNOWN],
            [b.value for b in categories], threshold)
        for row in ward_table.rows:
            row[0] = ward_names.get(row[0], row[0])
        ward_table.header = ["Ward", *[BREACH_CATEGORY_LABELS[b] for b in categories],
                             "Total"]
        stats.tables.append(ward_table)
        stats.ward_counts = {name: {"total": total}
                             for name, total in zip(counts.rows, counts.row_totals,
                                                    strict=True)}
        stats.ward_period = last.label
        stats.periods["last_quarter"] = last
        if config.privacy.grid_cell_metres:
            grid_table, grid_counts = _by_grid_square(in_q, last, config.privacy.grid_cell_metres,
                                                      threshold)
            stats.tables.append(grid_table)
    stats.periods["this_year"] = years[-1]
    if len(years) > 1:
        stats.periods["last_year"] = years[-2]
    stats.periods["last_12_months"] = Period(today - dt.timedelta(days=365), today,
                                             "the last 12 months")
    stats.periods["all"] = Period(dt.date.min, today, "all time")
    stats.figures = _figures(data, case_dates, stats.periods, threshold)
    return stats


FIGURES: dict[str, str] = {
    "cases_received": "cases received",
    "cases_closed": "cases closed",
    "cases_open": "cases open at the end of the period",
    "notices_served": "notices served",
    "register_entries": "entries on the register served in the period",
}


def _figures(data: PublicData, case_dates: _CaseDates, periods: dict[str, Period],
             threshold: int) -> dict[str, dict[str, int | None]]:
    figures: dict[str, dict[str, int | None]] = {name: {} for name in FIGURES}
    served = _Dates(n.served for n in data.notices)
    entries = _Dates(n.event_date for n in data.register)
    for key, p in periods.items():
        figures["cases_received"][key] = _hide_small(case_dates.received.within(p), threshold)
        figures["cases_closed"][key] = _hide_small(case_dates.closed.within(p), threshold)
        figures["cases_open"][key] = _hide_small(case_dates.open_at(p.end), threshold)
        figures["notices_served"][key] = served.within(p)
        figures["register_entries"][key] = entries.within(p)
    return figures
