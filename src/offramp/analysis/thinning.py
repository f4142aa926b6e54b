"""Thinning a Pareto set to an epsilon-Pareto set of bounded size, with its error measured.

An epsilon-Pareto set of a point set S (Papadimitriou and Yannakakis 2000, with an
additive epsilon per coordinate) is a subset T such that every point u of S has some v
in T with ``v_p >= u_p - eps_p`` for every party p. ``thin`` builds one on a grid: the
first P-1 coordinates are cut into cells of width ``g * span_p`` and each occupied cell
keeps its point with the largest last coordinate (ties: the first row, so the row order,
lexicographic in packages, decides). A point is then covered by its cell's keeper with a
deficit below one cell width in the first P-1 coordinates and none in the last. The
grid is coarsened until at most ``target`` cells are occupied.

The error returned is the one actually incurred, ``max over u of (u_p - keeper_p)^+``
per party, not the cell width: it is what the certificate adds up.

Errors compose through a Minkowski sum: if T covers S within e and T' covers T + C
within e', then T' covers S + C within e + e' (adding the same contribution to a point
and its keeper keeps the deficit; weak dominance only helps). ``frontier.py`` adds the
error of every thinning step to get its certified epsilon.

Reference
---------
Papadimitriou, C. H., and Yannakakis, M. (2000). On the approximability of trade-offs
and optimal access of Web sources. FOCS 2000, 86-92.
"""

from __future__ import annotations

import numpy as np

from offramp.analysis.space import FloatArray, IntArray

#: Each round coarsens the grid by at least this factor.
_MIN_COARSEN = 1.05


def _cells(points: FloatArray, low: FloatArray, width: FloatArray) -> IntArray:
    cells: IntArray = np.floor((points - low) / width).astype(np.int64)
    return cells


def _keepers(cells: IntArray, last: FloatArray) -> tuple[IntArray, IntArray]:
    """Per occupied cell, the row with the largest ``last`` (first row on ties).

    Returns the keepers, ascending, and each row's keeper.
    """
    n = last.size
    columns = tuple(cells[:, c] for c in range(cells.shape[1] - 1, -1, -1))
    order = np.lexsort((np.arange(n), -last, *columns))
    sorted_cells = cells[order]
    first = np.ones(n, dtype=bool)
    first[1:] = (sorted_cells[1:] != sorted_cells[:-1]).any(axis=1)
    heads = order[first]
    keeper = np.empty(n, dtype=np.int64)
    keeper[order] = heads[np.cumsum(first) - 1]
    return np.sort(heads), keeper


def _thin_two(points: FloatArray, target: int) -> tuple[IntArray, IntArray]:
    """``thin`` for two coordinates: the same cells and keepers, with one sort.

    Sorted by the first coordinate, a cell is a run; its keeper is the run's largest
    second coordinate, the smallest row among equal ones. Returns keepers and each row's.
    """
    n = points.shape[0]
    order = np.argsort(points[:, 0], kind="stable")
    first, second = points[order, 0], points[order, 1]
    low = first[0]
    span = first[-1] - low
    span = span if span > 0 else 1.0
    grid = float(target) ** -1.0  # the same widths, to the bit, as ``_thin_grid``
    while True:
        cells = np.floor((first - low) / (grid * span))
        head = np.ones(n, dtype=bool)
        np.not_equal(cells[1:], cells[:-1], out=head[1:])
        starts = np.flatnonzero(head)
        if starts.size <= target:
            break
        grid *= max(_MIN_COARSEN, (starts.size / target) ** 1.0)
    run = np.cumsum(head) - 1
    best = np.maximum.reduceat(second, starts)
    heads = np.minimum.reduceat(np.where(second == best[run], order, n), starts)
    keeper = np.empty(n, dtype=np.int64)
    keeper[order] = heads[run]
    return np.sort(heads), keeper


def thin(points: FloatArray, target: int) -> tuple[IntArray, FloatArray]:
    """Rows of ``points`` (K, P) to keep, at most ``max(target, 1)``, and the error per party.

    ``points`` are expected to be mutually non-dominated (a Pareto set) but any rows work:
    every row is covered by a kept row within the returned error, coordinate by
    coordinate. Returns the kept row indices (ascending) and the (P,) error.
    """
    n, p = points.shape
    target = max(int(target), 1)
    if n <= target:
        return np.arange(n), np.zeros(p)
    if p == 1:
        best = int(np.argmax(points[:, 0]))
        return np.array([best]), np.zeros(1)
    if p == 2:
        keep, keeper = _thin_two(points, target)
    else:
        keep, keeper = _thin_grid(points, target)
    error = np.maximum(points - points[keeper], 0.0).max(axis=0)
    return keep, error


def _thin_grid(points: FloatArray, target: int) -> tuple[IntArray, IntArray]:
    """Keepers of the coarsest-needed grid on the first P-1 coordinates, and each row's."""
    p = points.shape[1]
    head = points[:, : p - 1]
    low = head.min(axis=0)
    span = head.max(axis=0) - low
    span = np.where(span > 0, span, 1.0)
    grid = float(target) ** (-1.0 / (p - 1))
    while True:
        keep, keeper = _keepers(_cells(head, low, grid * span), points[:, p - 1])
        if keep.size <= target:
            return keep, keeper
        grid *= max(_MIN_COARSEN, (keep.size / target) ** (1.0 / (p - 1)))
