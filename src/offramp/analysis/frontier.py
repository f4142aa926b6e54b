"""The exact Pareto frontier of an additive bargaining problem, by issue-wise merge and prune.

Utilities are additive over issues, so the set of utility vectors of all packages is the
Minkowski sum of the per-issue contribution sets ``C_i = {w[:, i] * v[:, i, o]}``. A point
of a sum that is Pareto-optimal is a sum of Pareto-optimal points of the summands, so
the frontier is computed in four named steps, never enumerating the outcome space:

1. ``issue_contributions``: each issue's (n_i, P) contribution vectors;
2. ``prune_dominated``: drop each issue's dominated and duplicated options;
3. ``merge``: Minkowski sum of the current frontier with the next issue's pruned
   options, pruned again, with a back-pointer (parent point, option) per survivor;
4. ``recover_packages``: follow the back-pointers from the last issue to the first.

The cost is about the number of candidates, ``sum_i |F_{i-1}| * |C_i|``, times a log
factor, and never the size of the outcome space.

Dominance is exact on floats, with no tolerance: ``u`` dominates ``v`` when
``u >= v`` in every coordinate and ``u != v``. Every package's utility is accumulated in
issue order, ``((c_0 + c_1) + c_2) + ...``, the same sum ``BargainingProblem.utility``
takes, so a point of the frontier is bit-for-bit the utility of its package. Two
packages whose utilities differ only by rounding are kept as two points.

Duplicates: when several packages have exactly the same utility vector, the frontier
keeps one representative, the lexicographically smallest package (smallest option index
on the first issue, then the second, ...). Every function that returns indices here keeps,
among equal rows, the first one, and candidates are generated in lexicographic order of
their partial packages, which makes the rule hold for whole packages (see ``merge``).

Non-dominated filtering ("maxima of a point set"):

- 1 party: the maximum.
- 2 parties: sort by the first coordinate descending and keep the points whose second
  coordinate beats the running maximum, O(n log n) (Kung, Luccio & Preparata 1975).
- 3+ parties: sort lexicographically descending, so a point can only be dominated by an
  earlier one; then decide "is some earlier point >= this one in the other coordinates"
  by divide and conquer on the position in that order (the multidimensional divide and
  conquer of Bentley 1980, following Kung, Luccio & Preparata 1975), with every level of
  the recursion processed at once as numpy sorts and cumulative maxima, O(n log^(P-1) n).
  Small blocks are compared pairwise by broadcasting.

References
----------
Kung, H. T., Luccio, F., and Preparata, F. P. (1975). On finding the maxima of a set of
vectors. Journal of the ACM 22(4), 469-476.
Bentley, J. L. (1980). Multidimensional divide-and-conquer. Communications of the ACM
23(4), 214-229.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from offramp.analysis.space import BargainingProblem, FloatArray, IntArray
from offramp.analysis.thinning import thin

BoolArray = NDArray[np.bool_]

#: Positions are compared pairwise inside aligned blocks of this many points before the
#: divide and conquer takes over (levels below log2(_BLOCK) are done by broadcasting).
_BLOCK = 32
#: Block sizes of the local passes that drop rows before the divide and conquer.
_PREFILTER_BLOCKS = (32, 128)
#: Up to this many rows, compare all pairs at once instead of dividing and conquering.
_DIRECT = 1024


@dataclass(frozen=True)
class Frontier:
    """The Pareto frontier of a bargaining problem, exact or certified.

    Attributes
    ----------
    utilities : (K, P) float array
        One row per frontier point, each party's utility; rows are in lexicographic
        order of their packages.
    packages : (K, I) int64 array
        Option index per issue of the representative package of each row (the
        lexicographically smallest package with that utility vector).
    outcome_space_size : int
        How many packages the outcome space holds (a Python int: it may be huge).
    candidates_examined : int
        How many candidate points the merges generated, the work actually done.
    exact : bool
        True when the rows are the whole Pareto frontier. False when the frontier was
        larger than ``max_points`` and was thinned: the rows are then an epsilon-Pareto
        set, real packages with their true utilities such that every Pareto-optimal
        package has a row within ``epsilon_by_party[p]`` of it for every party p.
    epsilon_by_party : (P,) float array
        The certified coverage error per party (zeros when exact).
    frontier_size : int or None
        The true frontier's size (distinct utility vectors) when known: ``len(self)``
        when exact, else None.
    frontier_size_bound : int
        An upper bound on the true frontier's size, computed without enumerating it.
    pareto_packages : int or None
        How many packages are Pareto-optimal, when it is known without enumeration:
        the whole outcome space when every package is (see ``every_package_efficient``).
    """

    utilities: FloatArray
    packages: IntArray
    outcome_space_size: int
    candidates_examined: int
    exact: bool = True
    epsilon_by_party: FloatArray = field(default_factory=lambda: np.zeros(0))
    frontier_size: int | None = None
    frontier_size_bound: int = 0
    pareto_packages: int | None = None

    def __len__(self) -> int:
        return int(self.utilities.shape[0])

    @property
    def size(self) -> int:
        """Number of rows K (the frontier points kept)."""
        return len(self)

    @property
    def epsilon(self) -> float:
        """The largest certified coverage error over the parties (0.0 when exact)."""
        return float(self.epsilon_by_party.max()) if self.epsilon_by_party.size else 0.0

    @property
    def epsilon_vector(self) -> FloatArray:
        """``epsilon_by_party`` with the right shape even on a hand-built frontier."""
        if self.epsilon_by_party.shape == (self.utilities.shape[1],):
            return self.epsilon_by_party
        return np.zeros(self.utilities.shape[1])


# --- step 1 -----------------------------------------------------------------------------


def issue_contributions(problem: BargainingProblem, issue: int) -> FloatArray:
    """Per-option contributions ``w[p, i] * v[p, i, o]`` of one issue, shape (n_i, P)."""
    return problem.contribution(issue)


# --- step 2: maxima of a point set ------------------------------------------------------


def _dense_ranks(points: FloatArray) -> IntArray:
    """Replace each coordinate by its dense rank (equal values, equal ranks), exactly."""
    ranks = np.empty(points.shape, dtype=np.int64)
    for p in range(points.shape[1]):
        ranks[:, p] = np.unique(points[:, p], return_inverse=True)[1].reshape(-1)
    return ranks


def _pairwise_dominated_in_blocks(ranks: IntArray, block: int = _BLOCK) -> BoolArray:
    """Within aligned blocks of ``block`` rows, is row j weakly below an earlier row?

    ``ranks`` holds the coordinates that still matter (rows already in an order where
    "earlier" settles the remaining coordinate).
    """
    n, k = ranks.shape
    n_blocks = -(-n // block)
    padded = np.full((n_blocks * block, k), -1, dtype=np.int64)
    padded[:n] = ranks
    blocks = padded.reshape(n_blocks, block, k)
    earlier = np.tri(block, block, -1, dtype=bool).T  # earlier[i, j]: i < j
    out = np.zeros(n_blocks * block, dtype=bool)
    step = max(1, (1 << 22) // (block * block * k))
    for start in range(0, n_blocks, step):
        b = blocks[start : start + step]
        ge = earlier & (b[:, :, None, 0] >= b[:, None, :, 0])  # ge[., i, j]: i < j, i >= j
        for c in range(1, k):
            ge &= b[:, :, None, c] >= b[:, None, :, c]
        dom = ge.any(axis=1)
        out[start * block : (start + b.shape[0]) * block] = dom.reshape(-1)
    return out[:n]


def _dominance_query(
    data: IntArray, data_group: IntArray, query: IntArray, query_group: IntArray
) -> BoolArray:
    """For each query row, is there a data row of the same group that is >= it everywhere?

    Groups are non-negative integers below ``len(data) + len(query)``; coordinates are
    dense integer ranks. Two coordinates: a sweep with a per-group running maximum.
    More: divide and conquer on the first coordinate, all levels vectorised.
    """
    nd, nq = data.shape[0], query.shape[0]
    if nd == 0 or nq == 0:
        return np.zeros(nq, dtype=bool)
    k = data.shape[1]
    first = np.concatenate([data[:, 0], query[:, 0]])
    group = np.concatenate([data_group, query_group])
    is_query = np.concatenate([np.zeros(nd, dtype=np.int64), np.ones(nq, dtype=np.int64)])
    span = int(first.max()) + 1
    # Sort by group ascending, first coordinate descending, data before queries on ties.
    key = group * (2 * span) + (span - 1 - first) * 2 + is_query
    order = np.argsort(key, kind="stable")
    g_sorted = group[order]
    boundary = np.empty(order.size, dtype=bool)
    boundary[0] = True
    np.not_equal(g_sorted[1:], g_sorted[:-1], out=boundary[1:])
    dense = np.cumsum(boundary) - 1
    q_sorted = is_query[order].astype(bool)
    result = np.zeros(nq, dtype=bool)
    if k == 1:
        # Any data row of the group at or before the query in this order is >= it.
        seen = np.maximum.accumulate(np.where(q_sorted, -1, dense))
        result[order[q_sorted] - nd] = seen[q_sorted] == dense[q_sorted]
        return result
    if k == 2:
        second = np.concatenate([data[:, 1], query[:, 1]])[order]
        width = int(second.max()) + 2
        base = dense * width
        running = np.maximum.accumulate(np.where(q_sorted, base, base + second + 1))
        hit = running[q_sorted] >= base[q_sorted] + second[q_sorted] + 1
        result[order[q_sorted] - nd] = hit
        return result
    rest = np.concatenate([data[:, 1:], query[:, 1:]])[order]
    starts = np.flatnonzero(boundary)
    pos = np.arange(order.size) - starts[dense]
    longest = int(pos.max()) + 1
    level = 0
    while (1 << level) < longest:
        segment = pos >> (level + 1)
        left = ((pos >> level) & 1) == 0
        take_d = left & ~q_sorted
        take_q = ~left & q_sorted
        if take_d.any() and take_q.any():
            # (group, segment) is non-decreasing in this order: densify by boundaries.
            sub = dense * longest + segment
            sub_b = np.empty(sub.size, dtype=bool)
            sub_b[0] = True
            np.not_equal(sub[1:], sub[:-1], out=sub_b[1:])
            sub_dense = np.cumsum(sub_b) - 1
            hit = _dominance_query(rest[take_d], sub_dense[take_d], rest[take_q], sub_dense[take_q])
            result[order[take_q][hit] - nd] = True
        level += 1
    return result


def _dominated_by_earlier(ranks: IntArray) -> BoolArray:
    """Is row j weakly below some earlier row in every coordinate of ``ranks``?"""
    n = ranks.shape[0]
    dominated = _pairwise_dominated_in_blocks(ranks)
    pos = np.arange(n)
    level = _BLOCK.bit_length() - 1
    while (1 << level) < n:
        segment = pos >> (level + 1)
        left = ((pos >> level) & 1) == 0
        hit = _dominance_query(ranks[left], segment[left], ranks[~left], segment[~left])
        dominated[np.flatnonzero(~left)[hit]] = True
        level += 1
    return dominated


def _staircase(second: FloatArray) -> BoolArray:
    """Rows sorted by first coordinate descending: keep those above every earlier second."""
    best_before = np.empty(second.size)
    best_before[:1] = -np.inf
    np.maximum.accumulate(second[:-1], out=best_before[1:])
    return np.asarray(second > best_before)


def _merge_two_parties(frontier: FloatArray, options: FloatArray) -> IntArray:
    """``prune_dominated`` of the parent-major candidates of ``merge``, for 2 parties.

    The frontier sorted by its first coordinate, shifted by each option, is one sorted
    run per option, so a stable sort merges the runs in O(n log m) (Timsort); tied first
    coordinates are then ordered by second coordinate descending and candidate index.
    Returns the kept parent-major candidate indices, ascending.
    """
    m = options.shape[0]
    by_first = np.argsort(-frontier[:, 0], kind="stable")
    shifted = frontier[by_first][None, :, :] + options[:, None, :]  # (m, K, 2), runs
    first = shifted[:, :, 0].reshape(-1)
    second = shifted[:, :, 1].reshape(-1)
    index = (by_first[None, :] * m + np.arange(m)[:, None]).reshape(-1)
    order = np.argsort(-first, kind="stable")
    tie = first[order][1:] == first[order][:-1]
    if tie.any():
        tied = np.zeros(order.size, dtype=bool)
        tied[1:] |= tie
        tied[:-1] |= tie
        where = np.flatnonzero(tied)
        group = np.cumsum(np.concatenate([[True], ~tie]))[where]
        rows = order[where]
        order[where] = rows[np.lexsort((index[rows], -second[rows], group))]
    return np.sort(index[order[_staircase(second[order])]])


def prune_dominated(points: FloatArray) -> IntArray:
    """Indices of the non-dominated rows of ``points``, ascending, one per distinct row.

    Exact: row ``a`` dominates row ``b`` when ``a >= b`` everywhere and ``a != b``.
    Among equal rows the first (smallest index) is kept.

    Parameters
    ----------
    points : (n, P) float array

    Returns
    -------
    (m,) int64 array of row indices, sorted.
    """
    n, p = points.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if p == 0:
        return np.zeros(1, dtype=np.int64)
    # Lexicographically descending, equal rows by index: any dominator, and any equal row
    # with a smaller index, comes earlier, so "weakly below an earlier row" is exactly
    # "dominated, or a repeat of a row already kept".
    if p == 1:
        return np.flatnonzero(points[:, 0] == points[:, 0].max())[:1]
    if p == 2:
        order = np.lexsort((np.arange(n), -points[:, 1], -points[:, 0]))
        return np.sort(order[_staircase(points[order, 1])])
    ranks = _dense_ranks(points)
    keys = (np.arange(n), *(-ranks[:, c] for c in range(p - 1, -1, -1)))
    order = np.lexsort(keys)
    ranked = ranks[order]
    # Cheap local passes first: a row weakly below a nearby earlier row is out for
    # good (whatever dominates it is dominated in turn by a survivor), and dropping
    # it shrinks the divide and conquer.
    alive = np.arange(order.size)
    for block in _PREFILTER_BLOCKS:
        alive = alive[~_pairwise_dominated_in_blocks(ranked[alive, 1:], block)]
    rest = ranked[alive, 1:]
    if alive.size <= _DIRECT:  # one block: every earlier row, by broadcasting
        keep = alive[~_pairwise_dominated_in_blocks(rest, max(alive.size, 1))]
    else:
        keep = alive[~_dominated_by_earlier(rest)]
    return np.sort(order[keep])


# --- step 3 and 4 -----------------------------------------------------------------------


def merge(frontier: FloatArray, options: FloatArray) -> tuple[FloatArray, IntArray, IntArray]:
    """Minkowski sum of a frontier with one issue's options, pruned.

    Candidates are generated parent-major (``frontier[k] + options[o]`` at ``k * m + o``),
    so if the rows of ``frontier`` are in lexicographic order of their partial packages
    and ``options`` in ascending option order, candidates are in lexicographic order of
    the extended partial packages, and keeping the first of equal rows keeps the
    lexicographically smallest. The lexicographically smallest package with a given
    frontier utility has, at every step, the smallest partial package with its partial
    utility (else swapping that prefix in would give a smaller package), so it survives.

    Returns
    -------
    utilities : (K', P) the pruned sum, still in lexicographic order
    parent : (K',) row of ``frontier`` each point extends
    option : (K',) row of ``options`` each point adds
    """
    k, p = frontier.shape
    m = options.shape[0]
    if p == 2:
        keep = _merge_two_parties(frontier, options)
    else:
        keep = prune_dominated((frontier[:, None, :] + options[None, :, :]).reshape(k * m, p))
    parent, option = keep // m, keep % m
    return frontier[parent] + options[option], parent, option


def recover_packages(parents: list[IntArray], choices: list[IntArray]) -> IntArray:
    """Follow back-pointers from the last merge to the first: (K, I) option indices."""
    n_issues = len(parents)
    k = parents[-1].size if n_issues else 1
    packages = np.zeros((k, n_issues), dtype=np.int64)
    row = np.arange(k)
    for issue in range(n_issues - 1, -1, -1):
        packages[:, issue] = choices[issue][row]
        row = parents[issue][row]
    return packages


#: The default ``max_points`` per number of parties (more parties: costlier pruning).
DEFAULT_MAX_POINTS = {1: 1, 2: 20_000, 3: 4_000, 4: 2_000}
#: ... for five parties or more.
DEFAULT_MAX_POINTS_MANY = 1_000
#: A merge generates at most ``max_points * CANDIDATE_FACTOR`` candidates: the current
#: frontier is thinned first when an issue has more options than that allows.
CANDIDATE_FACTOR = 8
#: Candidates over one run, per number of parties: with many issues or options the
#: frontier is held smaller so that the merges together fit the time bar (pruning costs
#: about 0.3, 1.2 and 9 microseconds per candidate for 2, 3 and 4 parties here). The
#: deal space makes two runs: the frontier, and the solutions' joint search.
CANDIDATE_BUDGET = {1: 10**9, 2: 600_000, 3: 250_000, 4: 60_000}
#: ... for five parties or more.
CANDIDATE_BUDGET_MANY = 10_000
#: ``default_max_points`` never goes below this.
MIN_MAX_POINTS = 16

#: ``restrict(points, merged, slack)``: which partial points (after ``merged`` issues)
#: may still lead to a wanted package. It must be upward closed (a point above an
#: admissible one is admissible) and is asked about ``points + slack``, the error so far,
#: so that thinning and restricting together keep the certificate.
Restriction = Callable[[FloatArray, int, FloatArray], BoolArray]


def default_max_points(problem: BargainingProblem) -> int:
    """The frontier size above which ``pareto_frontier`` thins, for this problem.

    Chosen so that the deal space (frontier, solutions, ripeness) of any problem answers
    in about a second and under 200 MB on a two-core machine (``benchmarks/frontier.py``).
    """
    p = problem.n_parties
    cap = DEFAULT_MAX_POINTS.get(p, DEFAULT_MAX_POINTS_MANY)
    options = sum(len(o) for o in problem.options)
    if options:
        budget = CANDIDATE_BUDGET.get(p, CANDIDATE_BUDGET_MANY)
        cap = min(cap, max(budget // options, MIN_MAX_POINTS))
    return max(cap, 1)


def every_package_efficient(problem: BargainingProblem) -> bool:
    """True when every package is Pareto-optimal (the frontier is the whole space).

    That holds when some strictly positive weighting ``lam`` gives every option of an
    issue the same weighted contribution (constant-sum utilities and their rescalings):
    then every package has the same ``lam . u`` and none can dominate another. Decided
    by a linear feasibility problem, ``D lam = 0, lam >= 1``, over the option differences.
    """
    if problem.n_parties < 2:
        return False
    rows = [c[1:] - c[:1] for c in (problem.contribution(i) for i in range(problem.n_issues))]
    diffs = np.concatenate([r for r in rows if r.size] or [np.zeros((0, problem.n_parties))])
    if diffs.shape[0] == 0:
        return True
    if not diffs.any():
        return True
    # The weightings that equalise every issue form the null space of ``diffs``; with
    # one dimension (the usual case) the question is whether it points into the
    # positive orthant; otherwise it is a linear feasibility problem.
    scale = float(np.abs(diffs).max())
    # Only the right singular vectors are needed (the full left ones would be (n, n)).
    _, singular, vt = np.linalg.svd(diffs / scale, full_matrices=diffs.shape[0] < diffs.shape[1])
    rank = int((singular > 1e-9 * max(diffs.shape)).sum())
    null = vt[rank:]
    if null.shape[0] == 0:
        return False
    if null.shape[0] == 1:
        lam = null[0] * np.sign(null[0][np.argmax(np.abs(null[0]))])
        return bool((lam > 1e-12).all())
    from scipy.optimize import linprog  # imported here: scipy.optimize is slow to import

    result = linprog(
        np.zeros(problem.n_parties),
        A_eq=diffs / scale,
        b_eq=np.zeros(diffs.shape[0]),
        bounds=[(1.0, None)] * problem.n_parties,
        method="highs",
    )
    return bool(result.status == 0)


def _thin_balanced(
    points: FloatArray, target: int, error: FloatArray
) -> tuple[IntArray, FloatArray]:
    """``thin`` with the party whose error is largest so far as the coordinate kept exact.

    ``thin`` adds no error to its last coordinate, so rotating which party that is
    spreads the error over the parties instead of piling it on the first P-1 of them.
    """
    order = np.argsort(error, kind="stable")  # the largest error last
    keep, step = thin(points[:, order], target)
    added = np.empty_like(step)
    added[order] = step
    return keep, added


def _thinned_merge(
    current: FloatArray,
    options: FloatArray,
    cap: int,
    restrict: Restriction | None,
    merged: int,
    slack: FloatArray,
) -> tuple[FloatArray, IntArray, IntArray, FloatArray]:
    """``merge`` followed by thinning to ``cap``, done in the cheaper order once inexact.

    The candidates are thinned first (``thinning.thin`` covers every candidate, so also
    the Pareto-optimal ones) and only the at most ``cap`` keepers are pruned: a keeper
    dominated by another keeper is dropped, and whatever it covered that one covers
    with no more error. Rows come out in candidate order, as ``merge``'s do.
    """
    k, p = current.shape
    m = options.shape[0]
    candidates = (current[:, None, :] + options[None, :, :]).reshape(k * m, p)
    index = np.arange(k * m)
    if restrict is not None:
        index = np.flatnonzero(restrict(candidates, merged, slack))
        candidates = candidates[index]
    keep, added = _thin_balanced(candidates, cap, slack)
    keep = keep[prune_dominated(candidates[keep])]
    rows = index[keep]
    return candidates[keep], rows // m, rows % m, added


def pareto_frontier(
    problem: BargainingProblem,
    *,
    max_points: int | None = None,
    restrict: Restriction | None = None,
) -> Frontier:
    """The Pareto frontier of ``problem``: exact up to ``max_points``, certified beyond.

    Works for any number of parties >= 1 (with one party the frontier is the single
    best utility, represented by the lexicographically smallest best package) and any
    number of issues (with none, the empty package). While the frontier has at most
    ``max_points`` points (default ``default_max_points(problem)``) it is exact; past
    that, each merge's result is thinned to ``max_points`` (``thinning.thin``, keeping
    exact the party with the largest error so far; once thinned, candidates are thinned
    before they are pruned, ``_thinned_merge``) and the errors add up into
    ``epsilon_by_party``, a certificate that every Pareto-optimal package has a kept row
    within epsilon of it for every party. ``restrict`` drops
    partial points that cannot lead to a wanted package (used by the bargaining
    solutions, for example to keep only what can still reach the zone of agreement).

    Examples
    --------
    >>> import numpy as np
    >>> from offramp.analysis.space import BargainingProblem
    >>> problem = BargainingProblem(
    ...     parties=("A", "B"), issues=("x", "y"), options=(("a", "b"), ("a", "b")),
    ...     weights=np.ones((2, 2)),
    ...     values=(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])),
    ...     reservation=np.zeros(2))
    >>> front = pareto_frontier(problem)
    >>> front.utilities.tolist(), front.packages.tolist(), front.exact
    ([[2.0, 0.0], [1.0, 1.0], [0.0, 2.0]], [[0, 0], [0, 1], [1, 1]], True)
    """
    p = problem.n_parties
    cap = default_max_points(problem) if max_points is None else max(int(max_points), 1)
    current = np.zeros((1, p))
    parents: list[IntArray] = []
    choices: list[IntArray] = []
    examined = 0
    error = np.zeros(p)
    exact = True
    bound = 1  # upper bound on the true partial frontier's size
    for issue in range(problem.n_issues):
        contributions = issue_contributions(problem, issue)
        kept_options = prune_dominated(contributions)
        options = contributions[kept_options]
        m = kept_options.size
        if parents and current.shape[0] * m > cap * CANDIDATE_FACTOR:
            rows, step = _thin_balanced(current, max(cap * CANDIDATE_FACTOR // m, 1), error)
            current, error, exact = current[rows], error + step, False
            parents[-1], choices[-1] = parents[-1][rows], choices[-1][rows]
        examined += current.shape[0] * m
        if not exact and current.shape[0] * m > cap:
            current, parent, option, step = _thinned_merge(
                current, options, cap, restrict, issue + 1, error
            )
            error, bound = error + step, bound * m
        else:
            current, parent, option = merge(current, options)
            bound = current.shape[0] if exact else bound * m
            if restrict is not None:
                alive = np.flatnonzero(restrict(current, issue + 1, error))
                current, parent, option = current[alive], parent[alive], option[alive]
                bound = current.shape[0] if exact else bound
            if current.shape[0] > cap:
                rows, step = _thin_balanced(current, cap, error)
                current, parent, option = current[rows], parent[rows], option[rows]
                error, exact = error + step, False
        parents.append(parent)
        choices.append(kept_options[option])
    every = (not exact) and restrict is None and every_package_efficient(problem)
    size_bound = min(bound, problem.size) if restrict is None else bound
    return Frontier(
        utilities=current,
        packages=recover_packages(parents, choices),
        outcome_space_size=problem.size,
        candidates_examined=examined,
        exact=exact,
        epsilon_by_party=error,
        frontier_size=len(current) if exact else None,
        frontier_size_bound=len(current) if exact else size_bound,
        pareto_packages=problem.size if every else None,
    )
