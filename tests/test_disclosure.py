"""The intruder audit: the issue's attacks rebuilt as small tables whose answers are
worked out by hand, then the published statistics of generated councils of every size
checked by the audit and by an independent solver written here."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from conftest import REPO
from generator.config.schema import load_config
from generator.core.model import BreachCategory, CaseStatus, ClosureReason, Priority
from generator.core.sensitive import Sensitive
from generator.ingest.geo import load_wards
from generator.privacy.anonymise import Audit, CaseFact, PublicData
from generator.stats.disclosure import Model, audit, interval, protect
from generator.stats.tables import compute

D = dt.date
T = 5  # the default threshold: 1 to 4 is what must not be narrowed


def _hide(model: Model, *keys: str, at_least: int = 0) -> None:
    for key in keys:
        model.quantities[key].hidden = True
        model.quantities[key].at_least = at_least


# ---- the attacks, as the old method published them ---------------------------------


def test_a_ward_whose_five_hidden_cells_add_up_to_five():
    """Old method: 1 to 4 hidden, zeros shown, so each [c] is at least 1; a ward with
    five [c] and a total of 5 more than its shown cells: each hidden cell is exactly 1."""
    m = Model()
    cells = [m.count(f"cell{j}", 1, "ward") for j in range(5)]
    shown = m.count("shown", 20, "ward")
    total = m.count("total", 25, "ward", level=1)
    m.sums_to([*cells, shown], total)
    _hide(m, *cells, at_least=1)  # a [c] next to shown zeros means 1 to 4
    assert interval(m, "cell0") == (1, 1)
    found = audit(m, T)
    assert {f.key for f in found.findings} == set(cells)
    # Zeros hidden too, nothing else known: each is 0 to 5 (the other four can be 0).
    _hide(m, *cells, at_least=0)
    assert interval(m, "cell0") == (0, 5)
    assert audit(m, T).passed


def test_a_total_hidden_in_one_table_and_published_in_another():
    """Time to close hides a year's total; the median table publishes the same count
    (1 case closed). With the other bands shown as 0, the hidden band is exactly 1."""
    m = Model()
    bands = [m.count(f"band{j}", 1 if j == 4 else 0, "time-to-close") for j in range(5)]
    total = m.count("total", 1, "time-to-close", level=1)
    median_count = m.count("median count", 1, "median-time-to-close")
    m.sums_to(bands, total)
    m.relation({total: 1, median_count: -1})
    _hide(m, "band4", total, at_least=1)
    assert interval(m, "band4") == (1, 1)
    assert [f.key for f in audit(m, T).findings] == ["band4", "total"]
    # protect() hides the published copy as well (the constraint pinning it), and the
    # zeros: then 'band4' can be anything from 0 up.
    for q in m.quantities.values():
        q.hidden, q.at_least = False, 0
    assert protect(m, T).passed
    assert m.quantities[median_count].hidden
    assert interval(m, "band4") == (0, np.inf)


def test_received_worked_out_from_open_at_the_end_of_two_quarters():
    """Open 20 at the end of Q1, 18 at the end of Q2, 5 closed in Q2: 18 = 20 + r - 5,
    so a hidden 'received in Q2' is 3."""
    m = Model()
    o1 = m.count("open Q1", 20, "q")
    r2 = m.count("received Q2", 3, "q")
    c2 = m.count("closed Q2", 5, "q")
    o2 = m.count("open Q2", 18, "q")
    m.relation({o1: 1, r2: 1, c2: -1, o2: -1})
    _hide(m, r2)
    assert interval(m, r2) == (3, 3)
    assert [f.reason for f in audit(m, T).findings] == ["known not to be zero"]
    assert protect(m, T).passed
    lo, hi = interval(m, r2)
    assert lo == 0 and hi >= T


def test_open_cases_by_age_against_the_home_page_figure():
    """30 open cases on the home page, age bands 10, 9, 10 and [c]: 30 - 29 = 1."""
    m = Model()
    bands = [m.count(f"age{j}", v, "open-by-age") for j, v in enumerate((10, 9, 10, 1))]
    tile = m.count("home: open cases", 30, "home page figures", level=1)
    m.sums_to(bands, tile)
    _hide(m, "age3")
    assert interval(m, "age3") == (1, 1)
    assert not audit(m, T).passed
    assert protect(m, T).passed  # another band goes too: 0 to 10 each
    assert interval(m, "age3") == (0, 10)


def test_only_non_empty_grid_squares_listed():
    """Listing only the squares with cases makes each [c] square 'at least 1'; listing
    every square (and hiding zeros) leaves each one from 0 to the hidden total."""
    m = Model()
    squares = [m.count(f"sq{j}", v, "grid") for j, v in enumerate((2, 12, 3))]
    total = m.count("total", 17, "grid", level=1)
    m.sums_to(squares, total)
    _hide(m, "sq0", "sq2", at_least=1)
    assert interval(m, "sq0") == (1, 4)
    assert not audit(m, T).passed
    m.count("sq3", 0, "grid")  # the empty squares listed too
    m.equal[0]["sq3"] = 1
    _hide(m, "sq0", "sq2", "sq3", at_least=0)
    assert interval(m, "sq0") == (0, 5)
    assert audit(m, T).passed


def test_a_count_hidden_only_to_protect_another_may_be_narrowed():
    """The rule protects counts of 1 to 4: a 12 hidden beside a 3 may be known to be
    7 to 15 (it is not small), as long as the 3 is 0 to 8."""
    m = Model()
    a, b, c = (m.count(k, v, "t") for k, v in (("a", 3), ("b", 12), ("c", 7)))
    total = m.count("total", 22, "t", level=1)
    m.sums_to([a, b, c], total)
    _hide(m, a, b)
    assert interval(m, a) == (0, 15)
    assert audit(m, T).passed


# ---- the published statistics of generated councils ---------------------------------


_PREPARED: dict[tuple[int, int], tuple] = {}


def _statistics(tmp_path: Path, cases: int, seed: int, threshold: int = 5,
                grid: int = 0):
    """The statistics of a generated council of `cases` cases (over ten years), read
    once per council (for the test session) and worked out for each threshold."""
    from conftest import make_project
    from generator.app.prepare import prepare
    from generator.dev.sample import write_sample

    if (cases, seed) not in _PREPARED:
        export = tmp_path / f"export-{cases}-{seed}"
        write_sample(export, seed=seed, cases=cases, notices=5)
        project = make_project(tmp_path / f"p-{cases}-{seed}", export)
        config = load_config(project.config)
        config = dataclasses.replace(config, privacy=dataclasses.replace(
            config.privacy, grid_cell_metres=1000))  # each case's square, kept or not
        built = prepare(config, D(2026, 10, 1))
        _PREPARED[(cases, seed)] = (built.public, config, built.wards)
    public, config, wards = _PREPARED[(cases, seed)]
    config = dataclasses.replace(config, privacy=dataclasses.replace(
        config.privacy, suppression_threshold=threshold, grid_cell_metres=grid))
    return compute(public, config, wards)


def _independent_intervals(rows: list[list[str]]) -> dict[tuple[int, int], tuple[float, float]]:
    """An intruder's own solver for one published two-way table with totals (last row
    and column): every [c] an unknown of at least 0, each line adding up to its total.
    Returns the interval of each [c] by (row, column)."""
    grid = [[None if c == "[c]" else float(c.replace(",", "")) for c in r[1:]] for r in rows]
    unknowns = [(i, j) for i, r in enumerate(grid) for j, v in enumerate(r) if v is None]
    index = {u: k for k, u in enumerate(unknowns)}
    n_rows, n_cols = len(grid), len(grid[0])
    a_eq, b_eq = [], []
    lines = ([[(i, j) for j in range(n_cols)] for i in range(n_rows)]
             + [[(i, j) for i in range(n_rows)] for j in range(n_cols)])
    for line in lines:
        *parts, whole = line
        row = [0.0] * len(unknowns)
        known = 0.0
        for cell, sign in [*((p, 1.0) for p in parts), (whole, -1.0)]:
            value = grid[cell[0]][cell[1]]
            if value is None:
                row[index[cell]] += sign
            else:
                known += sign * value
        a_eq.append(row)
        b_eq.append(-known)
    out = {}
    for u in unknowns:
        c = np.zeros(len(unknowns))
        c[index[u]] = 1
        low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        out[u] = (low.fun, np.inf if high.status == 3 else -high.fun)
    return out


@pytest.mark.parametrize(("cases", "seed"), [(50, 1), (50, 2), (200, 1), (200, 2),
                                             (200, 3), (2000, 1), (2000, 2)])
def test_councils_of_every_size_pass_the_audit(tmp_path, cases, seed):
    stats = _statistics(tmp_path, cases, seed, grid=1000)
    assert stats.audit.passed, stats.audit.findings[:5]
    truth = _statistics(tmp_path, cases, seed, threshold=0, grid=1000)
    # The independent intruder, on each two-way table alone, with the true counts
    # (from a build that hides nothing) to say which hidden ones are small.
    for slug in ("time-to-close", "closure-reasons", "ward-by-breach"):
        published, real = stats.table(slug), truth.table(slug)
        if published.header != real.header:
            continue  # the ward table published as totals only
        for (i, j), (low, high) in _independent_intervals(published.rows).items():
            value = int(real.rows[i][j + 1].replace(",", ""))
            if 0 < value < T:
                assert low <= 1e-6 and high >= T - 1e-6, (slug, i, j)


@pytest.mark.slow
def test_a_council_of_20000_passes_the_audit(tmp_path):
    stats = _statistics(tmp_path, 20_000, 1, grid=1000)
    assert stats.audit.passed, stats.audit.findings[:5]


def test_small_councils_get_ward_and_type_totals_with_a_note(tmp_path):
    stats = _statistics(tmp_path, 200, 1)
    ward = stats.table("ward-by-breach")
    assert ward.header == ["Ward or type of breach", "Total"]
    assert "Too few reports" in ward.note


def test_grid_lists_the_same_squares_whatever_the_cases(tmp_path):
    a = _statistics(tmp_path, 200, 1, grid=1000).table("cases-by-grid-square")
    b = _statistics(tmp_path, 200, 2, grid=1000).table("cases-by-grid-square")
    assert [r[0] for r in a.rows] == [r[0] for r in b.rows]


# ---- two nights ----------------------------------------------------------------------


def _next_night(public, late: list):
    """The same export a day later, with `late` cases added."""
    return dataclasses.replace(public, export_date=public.export_date + dt.timedelta(days=1),
                               cases=[*public.cases, *late])


def _late_case(received: dt.date, logged: dt.date | None, ward: str):
    return CaseFact(received=received, status=CaseStatus.OPEN, priority=Priority.HIGH,
                    breach_category=BreachCategory.DEMOLITION, closure_reason=None,
                    ward=ward, logged=logged, first_visit=None, closed=None)


def _two_nights(tmp_path, late_logged: bool):
    from conftest import make_project
    from generator.app.prepare import prepare
    from generator.config.schema import load_config
    from generator.dev.sample import write_sample
    from generator.stats.disclosure import across_nights

    write_sample(tmp_path / "export", seed=4, cases=1000, notices=50)
    project = make_project(tmp_path / "p", tmp_path / "export")
    config = load_config(project.config)
    prepared = prepare(config, D(2026, 10, 1))
    wards = prepared.wards
    public = dataclasses.replace(prepared.public, export_date=D(2026, 10, 1))
    first = compute(public, config, wards)  # night 1: the export of 1 October
    ward = wards.wards[0].code
    # Night 2: a case reported on 15 August (in Q2, published on night 1) but logged
    # only on 2 October, and one reported and logged that day.
    late = [_late_case(D(2026, 8, 15), D(2026, 10, 2) if late_logged else None, ward),
            _late_case(D(2026, 10, 2), D(2026, 10, 2), ward)]
    second = compute(_next_night(public, late), config, wards)
    combined, revisions = across_nights([first.model, second.model])
    return first, second, combined, revisions


def test_two_nights_together_pass_the_audit(tmp_path):
    first, second, combined, revisions = _two_nights(tmp_path, late_logged=True)
    assert first.audit.passed and second.audit.passed
    # The late case counts in the quarter it was logged in: Q2's tables are unchanged.
    assert first.table("ward-by-breach").rows == second.table("ward-by-breach").rows
    q2 = [r for r in first.table("cases-by-quarter").rows if r[0] == "2026/27 Q2"]
    assert q2 == [r for r in second.table("cases-by-quarter").rows if r[0] == "2026/27 Q2"]
    assert revisions == []
    assert audit(combined, T).passed


def test_a_case_counted_by_the_day_reported_would_revise_a_published_quarter(tmp_path):
    """Without a logged date the case counts on the day reported, in Q2, which night 1
    published: the audit across the two nights reports the revision."""
    _, _, _, revisions = _two_nights(tmp_path, late_logged=False)
    assert "received|2026/27 Q2" in {f.key for f in revisions}
    assert {f.reason for f in revisions} == {"revised after it was published"}


# ---- any cases at all ----------------------------------------------------------------


_SETUP: list = []


def _sample_setup():
    if not _SETUP:
        _SETUP.extend([load_config(REPO / "enforcement-site.yml"),
                       load_wards(REPO / "data" / "export" / "wards.geojson", "code",
                                  "name")])
    return _SETUP[0], _SETUP[1]


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 900), st.none() | st.integers(-5, 40),
                          st.none() | st.integers(-10, 400), st.integers(0, 3),
                          st.sampled_from(list(BreachCategory)),
                          st.none() | st.sampled_from(list(ClosureReason))),
                max_size=60))
def test_the_equations_hold_for_any_cases(cases):
    """The equations are true of the real figures whatever the dates (a closure typed
    before the receipt, one after the export, a case logged before it was received...):
    the audit always finds a solution, and passes."""
    config, wards = _sample_setup()
    today = D(2026, 10, 1)
    start = D(2024, 4, 1)
    facts = [CaseFact(received=start + dt.timedelta(days=r), status=CaseStatus.OPEN,
                      priority=Priority.HIGH, breach_category=category,
                      closure_reason=reason, ward=wards.wards[w].code,
                      logged=None if lg is None else start + dt.timedelta(days=r + lg),
                      first_visit=None,
                      closed=None if cl is None else start + dt.timedelta(days=r + cl))
             for r, lg, cl, w, category, reason in cases]
    data = PublicData(today, [], [], facts, [], Sensitive(), Audit())
    assert compute(data, config, wards).audit.passed


# ---- the build ----------------------------------------------------------------------


def _old_method(model: Model, threshold: int):
    """What the site did before: 1 to 4 hidden, zeros shown (so a [c] is at least 1),
    and nothing hidden for the sums linking the tables."""
    for q in model.quantities.values():
        if 0 < q.value < threshold:
            q.hidden, q.at_least = True, 1
    return audit(model, threshold)


def test_a_build_that_fails_the_audit_publishes_nothing(project, monkeypatch):
    import csv

    import generator.stats.tables as tables

    assert project.build().exit_code == 0
    before = (project.site / "statistics" / "index.html").read_bytes()
    monkeypatch.setattr(tables, "protect_across_nights", _old_method)
    result = project.build()
    assert result.exit_code == 1
    assert "intruder audit" in result.stderr and "disclosure-audit.csv" in result.stderr
    assert (project.site / "statistics" / "index.html").read_bytes() == before
    with (project.reports / "disclosure-audit.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    # Names and verdicts only: no column for a value or an interval.
    assert rows[0] == ["table", "hidden count", "result"]
    verdicts = {r[2] for r in rows[1:]}
    assert verdicts <= {"protected", "known not to be zero", "narrowed below the threshold"}
    assert "narrowed below the threshold" in verdicts or "known not to be zero" in verdicts
    assert "- passed: no" in (project.reports / "audit.md").read_text()
