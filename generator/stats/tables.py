"""Stage: published statistics, computed from case and notice facts.

Every count here about cases that are not public is a quantity in one intruder's model
(stats/disclosure.py), with the sums that link it to every other count the site
publishes; the model decides what is hidden (`protect`) and the tables are written from
it afterwards, so a figure shown in two places is hidden in both or in neither. Register
notices are public and are counted as they are.

Dates: a case counts in the quarter it was *recorded*, the later of the day it was
received and the day it was logged, so a case logged late cannot change a quarter that
has already been published; it is closed on the later of its closing date and that day
(a closure typed before the receipt counts as closed the day it was recorded). With
these two dates every identity the tables imply (open at the end of a quarter = open at
the end of the one before + received - closed) is exactly true.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics as pystats
import time
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
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
from generator.stats.disclosure import AuditResult, Model, protect
from generator.stats.grid import grid_squares, square_label
from generator.stats.periods import (
    Period,
    quarters,
    recent_years,
    working_days_many,
)

NOT_KNOWN = "Ward not known"
NO_SQUARE = "No grid square (location not recorded or outside the area)"
NOT_RECORDED = "Not recorded"
# A ward x type of breach table is published only if most of its cells can be shown;
# otherwise only its totals (each ward, each type), which say as much as can be said.
COARSEN_WHEN_HIDDEN = 0.5


@dataclass
class Table:
    """A published table: what it shows in one sentence, and its cells as text."""

    slug: str
    title: str
    summary: str
    header: list[str]
    rows: list[list[str]]
    note: str = ""  # why the table is coarser than usual, if it is


@dataclass
class Statistics:
    tables: list[Table] = field(default_factory=list)
    figures: dict[str, dict[str, int | None]] = field(default_factory=dict)  # name->period
    ward_counts: dict[str, dict[str, int | None]] = field(default_factory=dict)
    ward_period: str = ""
    periods: dict[str, Period] = field(default_factory=dict)
    grid_counts: dict[str, int | None] = field(default_factory=dict)  # square -> count
    model: Model = field(default_factory=Model)
    audit: AuditResult = field(default_factory=AuditResult)
    audit_seconds: float = 0.0

    def table(self, slug: str) -> Table:
        return next(t for t in self.tables if t.slug == slug)


@dataclass(frozen=True)
class Ref:
    """A table cell that is a quantity of the model: its value, or [c]."""

    key: str


@dataclass(frozen=True)
class IfShown:
    """Text derived from a count (a median, a share), shown only if that count is."""

    key: str
    text: str


Cell = str | Ref | IfShown


@dataclass
class _Draft:
    slug: str
    title: str
    summary: str
    header: list[str]
    rows: list[list[Cell]]
    note: str = ""

    def finish(self, model: Model) -> Table:
        def text(cell: Cell) -> str:
            if isinstance(cell, Ref):
                return _show(model.shown(cell.key))
            if isinstance(cell, IfShown):
                return "[c]" if model.quantities[cell.key].hidden else cell.text
            return cell

        return Table(self.slug, self.title, self.summary, self.header,
                     [[text(c) for c in row] for row in self.rows], self.note)


def _show(value: int | None) -> str:
    return "[c]" if value is None else f"{value:,}"


class _Dates:
    """Dates sorted once, so that counting those in a period is two bisections rather
    than a pass over every case (periods x cases at the largest councils)."""

    def __init__(self, dates: Iterable[dt.date | None]):
        self.dates = sorted(d for d in dates if d is not None)

    def within(self, period: Period) -> int:
        return bisect_right(self.dates, period.end) - bisect_left(self.dates, period.start)

    def up_to(self, day: dt.date) -> int:
        return bisect_right(self.dates, day)


def recorded(case: CaseFact) -> dt.date:
    """The day a case counts as received: logged later than received, the later."""
    return max(case.received, case.logged) if case.logged else case.received


def settled(case: CaseFact) -> dt.date | None:
    """The day a case counts as closed: never before it counts as received."""
    return max(recorded(case), case.closed) if case.closed else None


def _as_of(case: CaseFact, today: dt.date) -> CaseFact:
    """The case as it stood on the export date: a closure dated later (a typing error,
    reported as a future date) has not happened yet."""
    if case.closed and case.closed > today:
        return dataclasses.replace(case, closed=None)
    return case


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

    @classmethod
    def of(cls, cases: list[CaseFact]) -> _CaseDates:
        return cls(_Dates(recorded(c) for c in cases), _Dates(settled(c) for c in cases))

    def open_at(self, day: dt.date) -> int:
        return self.received.up_to(day) - self.closed.up_to(day)


@dataclass
class _Context:
    model: Model
    today: dt.date
    threshold: int

    def ended(self, period: Period) -> bool:
        return period.end < self.today

    def count(self, key: str, value: int, table: str, period: Period | None = None,
              level: int = 0) -> Ref:
        fixed = period is not None and self.ended(period)
        return Ref(self.model.count(key, value, table, fixed=fixed, level=level))


def _activity(ctx: _Context, dates: _CaseDates, periods: list[Period]) -> _Draft:
    """Received, closed and open at the end, per quarter, linked: the open count moves
    by exactly received less closed (so hiding one of the three is not enough)."""
    model = ctx.model
    rows: list[list[Cell]] = []
    before = model.unknown("open before the first quarter")
    previous = before
    for p in periods:
        received = ctx.count(f"received|{p.label}", dates.received.within(p),
                             "cases-by-quarter", p)
        closed = ctx.count(f"closed|{p.label}", dates.closed.within(p),
                           "cases-by-quarter", p)
        open_end = ctx.count(f"open|{p.label}", dates.open_at(min(p.end, ctx.today)),
                             "cases-by-quarter", p)
        model.relation({previous: 1, received.key: 1, closed.key: -1, open_end.key: -1})
        previous = open_end.key
        rows.append([p.label, received, closed, open_end])
    return _Draft("cases-by-quarter", "Cases received, closed and open by quarter",
                  "How many reports of a breach we received and closed in each quarter, "
                  "and how many were still open at its end.",
                  ["Quarter", "Received", "Closed", "Open at end of quarter"], rows)


def _in_year(year: Period, periods: Sequence[Period]) -> list[Period]:
    return [q for q in periods if year.contains(q.start)]


def _timings(ctx: _Context, cases: list[CaseFact], years: list[Period],
             all_quarters: list[Period], config: Config) -> _Draft:
    rows: list[list[Cell]] = []
    targets = [("Log the report", None, config.charter.acknowledge_working_days)] + [
        (p.label, p.code, p.first_visit_working_days) for p in config.charter.priorities]
    received = _by_period(cases, years, recorded)
    for year in years:
        in_year = received[year]
        year_total = [f"received|{q.label}" for q in _in_year(year, all_quarters)]
        first_visits = []
        for label, priority, target in targets:
            if priority is None:
                pairs = [(c.received, c.logged) for c in in_year if c.logged]
            else:
                pairs = [(c.received, c.first_visit) for c in in_year
                         if c.first_visit and c.priority == priority]
            days = [d for d in working_days_many([a for a, _ in pairs],
                                                 [b for _, b in pairs]) if d >= 0]
            what = "Log the report" if priority is None else f"First site visit: {label}"
            n = ctx.count(f"timed|{year.label}|{what}", len(days), "response-times", year)
            if priority is None:
                ctx.model.no_more_than([n.key], year_total)
            else:
                first_visits.append(n.key)
            if not days:
                rows.append([year.label, what, f"{target}", n, "-", "-", "-"])
                continue
            within = sum(1 for d in days if d <= target)
            share = round(100 * within / len(days))
            met = "Yes" if share >= config.charter.target_percent else "No"
            rows.append([year.label, what, f"{target}", n,
                         IfShown(n.key, f"{pystats.median(days):g}"),
                         IfShown(n.key, f"{share}%"), IfShown(n.key, met)])
        if first_visits:
            ctx.model.no_more_than(first_visits, year_total)
    return _Draft("response-times", "Response times against our targets",
                  "How quickly we logged reports and made the first site visit, in working "
                  f"days, and whether at least {config.charter.target_percent}% met the "
                  "target.",
                  ["Year", "Step", "Target (working days)", "Cases", "Median working days",
                   "Within target", "Target met"], rows)


CLOSE_BANDS = ((28, "Within 4 weeks"), (91, "4 to 13 weeks"), (182, "13 to 26 weeks"),
               (365, "26 to 52 weeks"), (None, "Over 52 weeks"))


def _days_open(closed: list[CaseFact]) -> list[int]:
    """Days from receipt to closure (0 for a closure typed before the receipt)."""
    return [max(0, (c.closed - c.received).days) for c in closed if c.closed]


def _two_way(ctx: _Context, slug: str, prefix: str, row_names: list[str],
             column_names: list[str], counts: list[list[int]],
             row_periods: list[Period | None], column_periods: list[Period | None],
             column_totals: list[Ref] | None = None, grand: Ref | None = None,
             publish_cells: bool = True) -> tuple[list[list[Ref]], list[Ref], list[Ref], Ref]:
    """Cells, row totals, column totals and the grand total of a table as quantities,
    with the sums linking them. Given `column_totals` (or `grand`), the table reuses
    counts published elsewhere. Without `publish_cells`, the cells are unknowns: only
    the totals are published."""
    model = ctx.model

    def period_of(i: int, j: int) -> Period | None:
        return row_periods[i] or column_periods[j]

    cells: list[list[Ref]] = []
    for i, r in enumerate(row_names):
        row = []
        for j, c in enumerate(column_names):
            key = f"{prefix}|{r}|{c}"
            if publish_cells:
                row.append(ctx.count(key, counts[i][j], slug, period_of(i, j)))
            else:
                row.append(Ref(model.unknown(key)))
        cells.append(row)
    row_totals = [ctx.count(f"{prefix}|{r}|total", sum(counts[i]), slug, row_periods[i], 1)
                  for i, r in enumerate(row_names)]
    if column_totals is None:
        column_totals = [ctx.count(f"{prefix}|total|{c}",
                                   sum(counts[i][j] for i in range(len(row_names))), slug,
                                   column_periods[j], 1)
                         for j, c in enumerate(column_names)]
    if grand is None:
        whole = [p for p in row_periods + column_periods if p is not None]
        last = max(whole, key=lambda p: p.end) if whole and all(
            p is not None for p in row_periods + column_periods) else None
        grand = ctx.count(f"{prefix}|total", sum(map(sum, counts)), slug, last, 2)
    for i in range(len(row_names)):
        model.sums_to([c.key for c in cells[i]], row_totals[i].key)
    for j in range(len(column_names)):
        model.sums_to([cells[i][j].key for i in range(len(row_names))], column_totals[j].key)
    model.sums_to([t.key for t in row_totals], grand.key)
    return cells, row_totals, column_totals, grand


def _as_rows(names: list[str], cells: list[list[Ref]], row_totals: list[Ref],
             column_totals: list[Ref], grand: Ref) -> list[list[Cell]]:
    rows: list[list[Cell]] = [[n, *c, t] for n, c, t in zip(names, cells, row_totals,
                                                            strict=True)]
    rows.append(["Total", *column_totals, grand])
    return rows


def _closed_in_years(ctx: _Context, cases: list[CaseFact], years: list[Period],
                     all_quarters: list[Period], config: Config) -> list[_Draft]:
    """Time to close, median time to close and closure reasons: three tables of the
    same cases (closed in each year), sharing one count per year, itself the sum of the
    quarters' closed counts."""
    closed = _by_period(cases, years, settled)
    counts = []
    for year in years:
        band_counts = [0] * len(CLOSE_BANDS)
        for d in _days_open(closed[year]):
            for i, (limit, _) in enumerate(CLOSE_BANDS):
                if limit is None or d <= limit:
                    band_counts[i] += 1
                    break
        counts.append(band_counts)
    labels = [y.label for y in years]
    bands = [label for _, label in CLOSE_BANDS]
    cells, year_totals, band_totals, grand = _two_way(
        ctx, "time-to-close", "closed", labels, bands, counts, list(years),
        [None] * len(bands))
    for year, total in zip(years, year_totals, strict=True):
        ctx.model.sums_to([f"closed|{q.label}" for q in _in_year(year, all_quarters)],
                          total.key)
    time_to_close = _Draft("time-to-close", "Time taken to close cases",
                           "How long cases closed in each year had been open.",
                           ["Year closed", *bands, "Total"],
                           _as_rows(labels, cells, year_totals, band_totals, grand))

    limit = config.charter.resolve_weeks * 7
    median_rows: list[list[Cell]] = []
    for year, total in zip(years, year_totals, strict=True):
        durations = _days_open(closed[year])
        if not durations:
            median_rows.append([year.label, total, "-", "-", "-"])
            continue
        share = round(100 * sum(d <= limit for d in durations) / len(durations))
        met = "Yes" if share >= config.charter.resolve_percent else "No"
        median_rows.append([year.label, total,
                            IfShown(total.key, f"{pystats.median(durations) / 7:.1f}"),
                            IfShown(total.key, f"{share}%"), IfShown(total.key, met)])
    median = _Draft("median-time-to-close", "Median time to close a case",
                    "The middle value of how long closed cases had been open, and the share "
                    f"closed within our target of {config.charter.resolve_weeks} weeks "
                    f"({config.charter.resolve_percent}% of cases).",
                    ["Year closed", "Cases closed", "Median weeks",
                     f"Closed within {config.charter.resolve_weeks} weeks", "Target met"],
                    median_rows)

    reasons = [CLOSURE_REASON_LABELS[r] for r in ClosureReason] + [NOT_RECORDED]
    index = {r: i for i, r in enumerate(ClosureReason)}
    reason_counts = [[0] * len(years) for _ in reasons]
    for j, year in enumerate(years):
        for c in closed[year]:
            i = index[c.closure_reason] if c.closure_reason else len(reasons) - 1
            reason_counts[i][j] += 1
    r_cells, r_totals, _, _ = _two_way(
        ctx, "closure-reasons", "reason", reasons, labels, reason_counts,
        [None] * len(reasons), list(years), column_totals=year_totals, grand=grand)
    reason_table = _Draft("closure-reasons", "Why cases were closed",
                          "The reasons cases closed in each year were closed.",
                          ["Reason", *labels, "Total"],
                          _as_rows(reasons, r_cells, r_totals, year_totals, grand))
    return [time_to_close, median, reason_table]


def _open_by_age(ctx: _Context, cases: list[CaseFact], bands: list[int],
                 open_now: str) -> _Draft:
    today = ctx.today
    limits = [*bands, None]
    labels = []
    lower = 0
    for upper in limits:
        labels.append(f"Under {upper} months" if lower == 0 and upper else
                      f"{lower} to {upper} months" if upper else f"Over {lower} months")
        lower = upper or lower
    counts = [0] * len(limits)
    for c in cases:
        done = settled(c)
        if recorded(c) > today or (done is not None and done <= today):
            continue
        months = (today.year - c.received.year) * 12 + today.month - c.received.month
        for i, upper in enumerate(limits):
            if upper is None or months < upper:
                counts[i] += 1
                break
    refs = [ctx.count(f"age|{label}", n, "open-by-age") for label, n in zip(labels, counts,
                                                                            strict=True)]
    ctx.model.sums_to([r.key for r in refs], open_now)
    return _Draft("open-by-age", "Open cases by age",
                  f"Cases still open on {today:%-d %B %Y}, by how long ago they were "
                  "reported.", ["Age", "Open cases"],
                  [[label, ref] for label, ref in zip(labels, refs, strict=True)])


def _ward_table(ctx: _Context, cases: list[CaseFact], quarter: Period,
                ward_names: dict[str, str]) -> tuple[_Draft, list[Ref]]:
    in_q = [c for c in cases if quarter.contains(recorded(c))]
    codes = [*ward_names, NOT_KNOWN]
    categories = list(BreachCategory)
    index_r = {r: i for i, r in enumerate(codes)}
    index_c = {c: j for j, c in enumerate(categories)}
    counts = [[0] * len(categories) for _ in codes]
    for c in in_q:
        counts[index_r[c.ward if c.ward in ward_names else NOT_KNOWN]][
            index_c[c.breach_category]] += 1
    small = sum(1 for row in counts for v in row if v < ctx.threshold)
    detailed = small <= COARSEN_WHEN_HIDDEN * len(codes) * len(categories)
    names = [ward_names.get(code, code) for code in codes]
    cells, ward_totals, category_totals, grand = _two_way(
        ctx, "ward-by-breach", f"ward|{quarter.label}", codes,
        [b.value for b in categories], counts, [quarter] * len(codes),
        [quarter] * len(categories), grand=Ref(f"received|{quarter.label}"),
        publish_cells=detailed)
    title = f"Cases received by ward and type of breach, {quarter.label}"
    summary = f"Reports received in {quarter.label} in each ward, by type of breach."
    header = ["Ward", *[BREACH_CATEGORY_LABELS[b] for b in categories], "Total"]
    if detailed:
        return _Draft("ward-by-breach", title, summary, header,
                      _as_rows(names, cells, ward_totals, category_totals, grand)), \
            ward_totals
    rows: list[list[Cell]] = [[n, t] for n, t in zip(names, ward_totals, strict=True)]
    rows += [[f"Type of breach: {BREACH_CATEGORY_LABELS[b]}", t]
             for b, t in zip(categories, category_totals, strict=True)]
    rows.append(["Total", grand])
    note = ("Too few reports were received this quarter to show each ward by type of "
            "breach without revealing small numbers, so this table gives the wards and "
            "the types of breach separately.")
    return _Draft("ward-by-breach", f"Cases received by ward and by type of breach, "
                  f"{quarter.label}", summary, ["Ward or type of breach", "Total"], rows,
                  note), ward_totals


def _grid_table(ctx: _Context, cases: list[CaseFact], quarter: Period, metres: int,
                wards: WardMap) -> tuple[_Draft, dict[str, Ref]]:
    """Cases recorded in a closed quarter per grid square. Every square the area
    touches is listed, with or without cases, so that the list does not say where
    there were some."""
    squares = grid_squares(wards.boundary, metres)
    per_square = Counter(c.grid_cell for c in cases if quarter.contains(recorded(c)))
    outside = sum(n for cell, n in per_square.items() if cell not in set(squares))
    refs = {s: ctx.count(f"grid|{quarter.label}|{s}", per_square.get(s, 0),
                         "cases-by-grid-square", quarter) for s in squares}
    rest = ctx.count(f"grid|{quarter.label}|none", outside, "cases-by-grid-square", quarter)
    ctx.model.sums_to([*(r.key for r in refs.values()), rest.key],
                      f"received|{quarter.label}")
    size = f"{metres / 1000:g} km"
    rows: list[list[Cell]] = [[square_label(s), refs[s]] for s in squares]
    rows.append([NO_SQUARE, rest])
    rows.append(["Total", Ref(f"received|{quarter.label}")])
    return _Draft("cases-by-grid-square", f"Cases received by {size} grid square, "
                  f"{quarter.label}",
                  f"Reports received in {quarter.label} in each {size} square of the "
                  "British National Grid that covers part of our area, named by the "
                  "square's south-west corner.",
                  ["Grid square (south-west corner)", "Cases received"], rows), refs
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


def compute(data: PublicData, config: Config, wards: WardMap) -> Statistics:
    threshold = config.privacy.suppression_threshold
    today = data.export_date
    years = recent_years(today, config.statistics.years)
    all_quarters = [q for y in years for q in quarters(y) if q.start <= today]
    cases = [_as_of(c, today) for c in data.cases if recorded(c) <= today]
    case_dates = _CaseDates.of(cases)
    ctx = _Context(Model(), today, threshold)
    stats = Statistics(model=ctx.model)
    drafts: list[_Draft | Table] = [_activity(ctx, case_dates, all_quarters)]
    open_now = f"open|{all_quarters[-1].label}"
    drafts.append(_open_by_age(ctx, cases, config.statistics.age_bands_months, open_now))
    drafts.append(_timings(ctx, cases, years, all_quarters, config))
    drafts.extend(_closed_in_years(ctx, cases, years, all_quarters, config))
    drafts.append(_notices_by_type(data, years))
    drafts.append(_appeals(data, years))
    # Small areas only for closed periods, so nightly rebuilds cannot be differenced.
    done = [q for q in all_quarters if q.end < today]
    ward_names = {w.code: w.name for w in sorted(wards.wards, key=lambda w: w.name)}
    ward_totals: list[Ref] = []
    squares: dict[str, Ref] = {}
    if done:
        last = done[-1]
        ward_draft, ward_totals = _ward_table(ctx, cases, last, ward_names)
        drafts.append(ward_draft)
        stats.ward_period = last.label
        stats.periods["last_quarter"] = last
        if config.privacy.grid_cell_metres:
            grid_draft, squares = _grid_table(ctx, cases, last,
                                              config.privacy.grid_cell_metres, wards)
            drafts.append(grid_draft)
    stats.periods["this_year"] = years[-1]
    if len(years) > 1:
        stats.periods["last_year"] = years[-2]
    stats.periods["last_12_months"] = Period(today - dt.timedelta(days=365), today,
                                             "the last 12 months")
    stats.periods["all"] = Period(dt.date.min, today, "all time")
    figure_keys = _figures(ctx, data, case_dates, stats.periods, all_quarters)
    started = time.perf_counter()
    stats.audit = protect_across_nights(ctx.model, threshold)
    stats.audit_seconds = round(time.perf_counter() - started, 3)
    model = ctx.model
    stats.tables = [d.finish(model) if isinstance(d, _Draft) else d for d in drafts]
    stats.ward_counts = {code: {"total": model.shown(ref.key)}
                         for code, ref in zip([*ward_names, NOT_KNOWN], ward_totals,
                                              strict=False)}
    stats.grid_counts = {square: model.shown(ref.key) for square, ref in squares.items()}
    stats.figures = {name: {period: (value if isinstance(value, int) else
                                     model.shown(value))
                            for period, value in by_period.items()}
                     for name, by_period in figure_keys.items()}
    return stats


def protect_across_nights(model: Model, threshold: int) -> AuditResult:
    """Decide what is hidden in two steps, so that what is decided about a period that
    has ended depends only on counts about ended periods, which later nights do not
    change: those first, on their own; then the rest, keeping those decisions. Only if
    that cannot pass are the ended periods' decisions reopened."""
    fixed = {k for k, q in model.quantities.items() if q.fixed}
    closed = Model(quantities={k: model.quantities[k] for k in fixed},
                   free=dict(model.free),
                   equal=[t for t in model.equal if all(n in fixed or n in model.free
                                                       for n in t)],
                   at_most=[t for t in model.at_most if all(n in fixed or n in model.free
                                                           for n in t)])
    protect(closed, threshold)
    result = protect(model, threshold, frozen=fixed)
    if not result.passed:
        result = protect(model, threshold)
    return result


FIGURES: dict[str, str] = {
    "cases_received": "cases received",
    "cases_closed": "cases closed",
    "cases_open": "cases open at the end of the period",
    "notices_served": "notices served",
    "register_entries": "entries on the register served in the period",
}


def _figures(ctx: _Context, data: PublicData, case_dates: _CaseDates,
             periods: dict[str, Period], all_quarters: list[Period]
             ) -> dict[str, dict[str, int | str]]:
    """The home page's figures and `stat()`: counts about cases are quantities linked
    to the quarters they are made of (a period that starts inside a quarter takes an
    unknown part of it); notices are public and counted as they are."""
    model = ctx.model
    figures: dict[str, dict[str, int | str]] = {name: {} for name in FIGURES}
    served = _Dates(n.served for n in data.notices)
    entries = _Dates(n.event_date for n in data.register)
    first = all_quarters[0]
    for key, p in periods.items():
        end = min(p.end, ctx.today)
        for name, what, dates in (("cases_received", "received", case_dates.received),
                                  ("cases_closed", "closed", case_dates.closed)):
            ref = ctx.count(f"figure|{name}|{key}", dates.within(p), "home page figures",
                            p, 1)
            figures[name][key] = ref.key
            # Nothing is dated after the export, so a period running past it holds
            # the whole of the quarter it is in.
            last_day = max(p.end, all_quarters[-1].end) if p.end >= ctx.today else p.end
            parts = [f"{what}|{q.label}" for q in all_quarters
                     if p.start <= q.start and q.end <= last_day]
            partial = [q for q in all_quarters if q.start <= last_day and p.start <= q.end
                       and not (p.start <= q.start and q.end <= last_day)]
            for q in partial:
                piece = model.unknown(f"{what}|{q.label}|part in {key}")
                model.no_more_than([piece], [f"{what}|{q.label}"])
                parts.append(piece)
            if p.start < first.start:
                parts.append(model.unknown(f"{what}|before {first.label}|part in {key}"))
            model.sums_to(parts, ref.key)
        quarter = next(q for q in all_quarters if q.contains(end))
        ref = ctx.count(f"figure|cases_open|{key}", case_dates.open_at(end),
                        "home page figures", p, 1)
        figures["cases_open"][key] = ref.key
        model.relation({ref.key: 1, f"open|{quarter.label}": -1})
        figures["notices_served"][key] = served.within(p)
        figures["register_entries"][key] = entries.within(p)
    return figures
