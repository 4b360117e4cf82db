"""Statistical disclosure control for counts about cases that are not public.

Primary suppression hides counts from 1 to threshold-1 (0 stays 0: it tells nobody
anything about a person). Secondary suppression then hides more cells until no row or
column of the table (totals included) has exactly one hidden entry, because a single
hidden cell could be recovered by subtracting the others from the total.
"""

from __future__ import annotations

from dataclasses import dataclass

HIDDEN = None  # what a suppressed cell holds


@dataclass
class CountTable:
    """A two-way table of counts with row and column totals, after suppression."""

    title: str
    row_label: str
    rows: list[str]
    columns: list[str]
    cells: list[list[int | None]]  # rows x columns; None = suppressed
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None
    suppressed: int = 0

    def as_rows(self) -> list[list[str]]:
        """Header row and body rows as text, with totals."""
        def show(v: int | None) -> str:
            return "[c]" if v is None else str(v)

        out = [[self.row_label, *self.columns, "Total"]]
        for name, cells, total in zip(self.rows, self.cells, self.row_totals, strict=True):
            out.append([name, *[show(c) for c in cells], show(total)])
        out.append(["Total", *[show(c) for c in self.column_totals], show(self.total)])
        return out


def suppress(title: str, row_label: str, rows: list[str], columns: list[str],
             counts: list[list[int]], threshold: int) -> CountTable:
    """Suppress a rows x columns table of counts (totals are computed here)."""
    n_rows, n_cols = len(rows), len(columns)
    # Work on an (n_rows+1) x (n_cols+1) grid whose last row and column are the totals.
    grid = [list(r) + [sum(r)] for r in counts]
    grid.append([sum(counts[i][j] for i in range(n_rows)) for j in range(n_cols)]
                + [sum(map(sum, counts))])
    hidden = [[0 < grid[i][j] < threshold for j in range(n_cols + 1)]
              for i in range(n_rows + 1)]
    _secondary(grid, hidden)
    suppressed = sum(hidden[i][j] for i in range(n_rows) for j in range(n_cols))
    cells: list[list[int | None]] = [
        [HIDDEN if hidden[i][j] else grid[i][j] for j in range(n_cols)] for i in range(n_rows)]
    return CountTable(
        title=title, row_label=row_label, rows=rows, columns=columns, cells=cells,
        row_totals=[HIDDEN if hidden[i][n_cols] else grid[i][n_cols] for i in range(n_rows)],
        column_totals=[HIDDEN if hidden[n_rows][j] else grid[n_rows][j]
                       for j in range(n_cols)],
        total=HIDDEN if hidden[n_rows][n_cols] else grid[n_rows][n_cols],
        suppressed=suppressed,
    )


def _lines(n_rows: int, n_cols: int) -> list[list[tuple[int, int]]]:
    """Every row and column of the grid, totals included: each sums to its last entry."""
    return ([[(i, j) for j in range(n_cols)] for i in range(n_rows)]
            + [[(i, j) for i in range(n_rows)] for j in range(n_cols)])


def _secondary(grid: list[list[int]], hidden: list[list[bool]]) -> None:
    n_rows, n_cols = len(grid), len(grid[0])
    changed = True
    while changed:
        changed = False
        for line in _lines(n_rows, n_cols):
            if sum(hidden[i][j] for i, j in line) != 1:
                continue
            # Hide the smallest other entry, preferring non-zero body cells, so the
            # total is hidden only when nothing else can protect the line.
            candidates = [(i, j) for i, j in line if not hidden[i][j]]
            body = [(i, j) for i, j in candidates
                    if i < n_rows - 1 and j < n_cols - 1]
            pool = [c for c in body if grid[c[0]][c[1]] > 0] or body or candidates
            if not pool:
                continue
            i, j = min(pool, key=lambda c: (grid[c[0]][c[1]], c))
            hidden[i][j] = True
            changed = True
