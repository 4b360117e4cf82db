"""Small-count suppression: no hidden cell can be recovered from the totals."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.stats.suppress import suppress


def _grid(table):
    """Body, row totals and column totals with None for hidden, as one grid with totals."""
    rows = [list(r) + [t] for r, t in zip(table.cells, table.row_totals, strict=True)]
    rows.append(list(table.column_totals) + [table.total])
    return rows


def _recoverable(grid) -> bool:
    """True if some line (row or column, totals included) has exactly one hidden entry."""
    n_rows, n_cols = len(grid), len(grid[0])
    lines = [[grid[i][j] for j in range(n_cols)] for i in range(n_rows)]
    lines += [[grid[i][j] for i in range(n_rows)] for j in range(n_cols)]
    return any(sum(v is None for v in line) == 1 for line in lines)


@pytest.mark.parametrize(
    ("counts", "threshold", "hidden_cells"),
    [
        ([[10, 20], [30, 40]], 5, 0),  # nothing small
        ([[0, 20], [30, 40]], 5, 0),  # zero stays zero
        ([[3, 20], [30, 40]], 5, 4),  # one small cell needs three partners in a 2x2
        ([[3, 20, 7], [30, 40, 9]], 5, 4),
        ([[1, 2], [3, 4]], 5, 4),  # everything small
        ([[4, 50]], 5, 2),  # one row: the other cell must go too
        ([[5, 50]], 5, 0),  # threshold itself is shown
        ([[3, 20]], 0, 0),  # threshold 0 turns suppression off
    ],
)
def test_suppression_table(counts, threshold, hidden_cells):
    table = suppress("t", "r", [f"r{i}" for i in range(len(counts))],
                     [f"c{j}" for j in range(len(counts[0]))], counts, threshold)
    assert table.suppressed == hidden_cells
    assert not _recoverable(_grid(table))
    for row, original in zip(table.cells, counts, strict=True):
        for shown, value in zip(row, original, strict=True):
            assert shown is None or shown == value
            if 0 < value < threshold:
                assert shown is None


def test_zero_row_with_one_small_cell_hides_the_total():
    table = suppress("t", "r", ["a", "b"], ["x", "y"], [[2, 0], [10, 10]], 5)
    assert table.cells[0][0] is None
    assert not _recoverable(_grid(table))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5).flatmap(lambda r: st.integers(1, 5).flatmap(
    lambda c: st.lists(st.lists(st.integers(0, 12), min_size=c, max_size=c),
                       min_size=r, max_size=r))))
def test_no_hidden_cell_is_recoverable_from_one_line(counts):
    table = suppress("t", "r", [str(i) for i in range(len(counts))],
                     [str(j) for j in range(len(counts[0]))], counts, 5)
    grid = _grid(table)
    assert not _recoverable(grid)
    for (i, j) in itertools.product(range(len(counts)), range(len(counts[0]))):
        if 0 < counts[i][j] < 5:
            assert grid[i][j] is None
