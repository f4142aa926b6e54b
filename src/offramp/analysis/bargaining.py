"""Bargaining solutions on the Pareto frontier: Nash, Kalai-Smorodinsky, egalitarian, utilitarian.

All four maximise an objective that is non-decreasing in every party's utility, so the
maximum over all packages is attained on the frontier, and they are computed there.
Gains are measured from the reservation values ``r`` (the disagreement point).

- Nash (1950): maximise the product of gains ``prod_p (u_p - r_p)`` over the zone of
  agreement (every ``u_p >= r_p``).
- Kalai-Smorodinsky (1975), discrete version: with ``ideal_p`` party p's best utility
  within the zone, maximise ``min_p (u_p - r_p) / (ideal_p - r_p)`` over the zone, the
  largest common fraction of each party's best attainable gain. A party whose
  ``ideal_p == r_p`` gets exactly ``r_p`` everywhere in the zone; its ratio is taken as 1.
- Egalitarian (Kalai 1977): maximise ``min_p (u_p - r_p)`` over the zone.
- Utilitarian: maximise ``sum_p u_p`` over the zone when it is non-empty, else over the
  whole frontier (``Solution.in_zone`` says which); it never returns None.

Nash, Kalai-Smorodinsky and egalitarian return None when the zone is empty (or, on a
thinned frontier, when no zone package was found: ``zone.ripeness`` says whether that is
certain). Ties are
broken by the lexicographically smallest package (the first maximiser in the frontier's
row order, which is lexicographic). Objectives are computed in floating point with no
tolerance; the Nash product is a plain product, so with many parties and tiny gains it
can underflow to 0 (the parties and issues of a mediation are few).

On an exact frontier the answer is read off its rows. On a thinned one (``Frontier.exact``
is False) each solution runs its own search (``_solve``): a branch and bound inside the
merge that drops partial packages which cannot reach the zone or cannot beat the best
package known so far (their optimistic completion, each party's best on the issues left,
scores below it). When that search fits in ``max_points`` the answer is exact; otherwise
``Solution.error_bound`` certifies how far the optimum can be above the value returned,
``max over kept v of f(v + epsilon) - f(answer)`` (f is non-decreasing in every utility
and every wanted package has a kept row within epsilon of it). The utilitarian optimum
over all packages is separable, one best option per issue, and needs no frontier.

References
----------
Nash, J. F. (1950). The bargaining problem. Econometrica 18(2), 155-162.
Kalai, E., and Smorodinsky, M. (1975). Other solutions to Nash's bargaining problem.
Econometrica 43(3), 513-518.
Kalai, E. (1977). Proportional solutions to bargaining situations: interpersonal utility
comparisons. Econometrica 45(7), 1623-1630.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from offramp.analysis.frontier import Frontier, pareto_frontier
from offramp.analysis.space import BargainingProblem, FloatArray, IntArray
from offramp.analysis.zone import BoolArray, reachable, remaining_best, zone_mask

#: Scores rows (K, P) of utilities; higher is better.
Score = Callable[[FloatArray], FloatArray]
#: ``optimistic(points, merged)``: no completion of these partial points scores higher.
Optimistic = Callable[[FloatArray, int], FloatArray]


@dataclass(frozen=True)
class Solution:
    """A bargaining solution: which package, what each party gets, the objective value.

    Attributes
    ----------
    name : str
        ``"nash"``, ``"kalai_smorodinsky"``, ``"egalitarian"`` or ``"utilitarian"``.
    package : (I,) int64 array
        Option index per issue.
    utilities : (P,) float array
    value : float
        The maximised objective (Nash product, KS ratio, smallest gain, utility sum).
    row : int
        Row of the frontier it was computed from, or -1 when a search found a package
        that frontier (thinned) does not hold.
    in_zone : bool
        Whether the package is in the zone of agreement (False only for a utilitarian
        point computed over the whole frontier because the zone is empty).
    exact : bool
        The package is an optimum (ties aside). When False, ``error_bound`` holds.
    error_bound : float
        The optimum is at most ``value + error_bound`` (0.0 when exact).
    """

    name: str
    package: IntArray
    utilities: FloatArray
    value: float
    row: int
    in_zone: bool
    exact: bool = True
    error_bound: float = 0.0


def nash_products(utilities: FloatArray, reservation: FloatArray) -> FloatArray:
    """Product of gains per row, ``-inf`` outside the zone of agreement, shape (K,)."""
    gains = utilities - reservation
    return np.where(zone_mask(utilities, reservation), gains.prod(axis=1), -np.inf)


def zone_ideal(utilities: FloatArray, reservation: FloatArray) -> FloatArray:
    """Each party's best utility within the zone of agreement (P,); needs a non-empty zone."""
    inside = utilities[zone_mask(utilities, reservation)]
    return np.asarray(inside.max(axis=0))


def _ks_scores(utilities: FloatArray, reservation: FloatArray, ideal: FloatArray) -> FloatArray:
    """``min_p (u_p - r_p) / (ideal_p - r_p)`` per row, ratio 1 for a flat party."""
    span = ideal - reservation
    flat = span <= 0
    ratios = (utilities - reservation) / np.where(flat, 1.0, span)
    ratios[:, flat] = 1.0
    return np.asarray(ratios.min(axis=1)) if ratios.shape[1] else np.ones(len(utilities))


def ks_ratios(utilities: FloatArray, reservation: FloatArray) -> FloatArray:
    """Smallest fraction of a party's best zone gain, per row; ``-inf`` outside the zone.

    Needs a non-empty zone. A party whose best zone utility equals its reservation gets
    ratio 1 (it is at ``r_p`` throughout the zone).
    """
    inside = zone_mask(utilities, reservation)
    scores = _ks_scores(utilities, reservation, zone_ideal(utilities, reservation))
    return np.where(inside, scores, -np.inf)


def egalitarian_levels(utilities: FloatArray, reservation: FloatArray) -> FloatArray:
    """Smallest gain per row, ``-inf`` outside the zone of agreement, shape (K,)."""
    smallest = (utilities - reservation).min(axis=1)
    return np.where(zone_mask(utilities, reservation), smallest, -np.inf)


def _best(name: str, front: Frontier, scores: FloatArray, in_zone: bool) -> Solution:
    row = int(np.argmax(scores))  # first maximum: lexicographically smallest package
    return Solution(
        name=name,
        package=front.packages[row],
        utilities=front.utilities[row],
        value=float(scores[row]),
        row=row,
        in_zone=in_zone,
    )


def _row_of(front: Frontier, package: IntArray) -> int:
    match = np.flatnonzero((front.packages == package).all(axis=1))
    return int(match[0]) if match.size else -1


def _solve(
    name: str,
    problem: BargainingProblem,
    front: Frontier,
    score: Score,
    optimistic: Optimistic,
    max_points: int | None,
) -> Solution | None:
    """The zone package maximising ``score``: read off an exact frontier, else searched.

    ``optimistic`` bounds from above the score of any completion of a partial point and
    is non-decreasing in it. Returns None when no zone package was found.
    """
    r = problem.reservation
    inside = zone_mask(front.utilities, r)
    if front.exact:
        if not inside.any():
            return None
        return _best(name, front, np.where(inside, score(front.utilities), -np.inf), True)
    known = score(front.utilities[inside]) if inside.any() else np.zeros(0)
    incumbent = float(known.max()) if known.size else -np.inf
    tolerance = 1e-9 * (1.0 + abs(incumbent)) if np.isfinite(incumbent) else 0.0
    reach = reachable(problem)

    def restrict(points: FloatArray, merged: int, slack: FloatArray) -> BoolArray:
        ok = reach(points, merged, slack)
        if np.isfinite(incumbent):
            ok &= optimistic(points + slack, merged) >= incumbent - tolerance
        return ok

    search = pareto_frontier(problem, max_points=max_points, restrict=restrict)
    s_inside = zone_mask(search.utilities, r)
    found = np.where(s_inside, score(search.utilities), -np.inf)
    if s_inside.any() and float(found.max()) >= incumbent:
        row = int(np.argmax(found))
        package, utilities, value = search.packages[row], search.utilities[row], float(found[row])
    elif inside.any():
        row = int(np.flatnonzero(inside)[int(np.argmax(known))])
        package, utilities, value = front.packages[row], front.utilities[row], incumbent
    else:
        return None
    if search.exact:
        return Solution(name, package, utilities, value, _row_of(front, package), True)
    eps = search.epsilon_vector
    relaxed = search.utilities + eps
    possible = zone_mask(relaxed, r)
    upper = float(score(relaxed[possible]).max()) if possible.any() else value
    return Solution(
        name,
        package,
        utilities,
        value,
        _row_of(front, package),
        True,
        exact=False,
        error_bound=max(upper - value, 0.0),
    )


def _front(
    problem: BargainingProblem, frontier: Frontier | None, max_points: int | None
) -> Frontier:
    return pareto_frontier(problem, max_points=max_points) if frontier is None else frontier


def nash_point(
    problem: BargainingProblem, frontier: Frontier | None = None, *, max_points: int | None = None
) -> Solution | None:
    """Nash bargaining solution: the zone package with the largest product of gains.

    Examples
    --------
    Three units, each worth 1 to whichever party gets it, no deal worth 0: the products
    of the splits (3, 0), (2, 1), (1, 2), (0, 3) are 0, 2, 2, 0, and the tie goes to the
    lexicographically smaller package, (A, A, B).

    >>> import numpy as np
    >>> from offramp.analysis.space import BargainingProblem
    >>> split = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> problem = BargainingProblem(("A", "B"), ("u1", "u2", "u3"), (("A", "B"),) * 3,
    ...     np.ones((2, 3)), (split, split, split), np.array([0.0, 0.0]))
    >>> point = nash_point(problem)
    >>> point.utilities.tolist(), point.package.tolist(), point.value
    ([2.0, 1.0], [0, 0, 1], 2.0)
    """
    r = problem.reservation
    rem = remaining_best(problem)

    def score(u: FloatArray) -> FloatArray:
        return np.asarray((u - r).prod(axis=1))

    def optimistic(points: FloatArray, merged: int) -> FloatArray:
        return np.asarray(np.maximum(points + rem[merged] - r, 0.0).prod(axis=1))

    front = _front(problem, frontier, max_points)
    return _solve("nash", problem, front, score, optimistic, max_points)


def _zone_best_per_party(
    problem: BargainingProblem, max_points: int | None
) -> tuple[FloatArray, FloatArray] | None:
    """Each party's best zone utility, as (attained, upper bound); None without a zone.

    One search for the frontier's zone part (``zone.reachable``): its zone rows give
    what is attained, and its rows raised by epsilon bound what is not seen.
    """
    r = problem.reservation
    search = pareto_frontier(problem, max_points=max_points, restrict=reachable(problem))
    inside = zone_mask(search.utilities, r)
    if not inside.any():
        return None
    low = np.asarray(search.utilities[inside].max(axis=0))
    if search.exact:
        return low, low
    relaxed = search.utilities + search.epsilon_vector
    possible = zone_mask(relaxed, r)
    return low, np.maximum(low, relaxed[possible].max(axis=0))


def kalai_smorodinsky_point(
    problem: BargainingProblem, frontier: Frontier | None = None, *, max_points: int | None = None
) -> Solution | None:
    """Discrete Kalai-Smorodinsky point: the largest common fraction of each best zone gain.

    The ideal point is each party's best utility over the zone of agreement, not over
    all packages (``docs/analysis.md`` compares this with NegMAS's ``ks_points``).
    """
    front = _front(problem, frontier, max_points)
    r = problem.reservation
    if front.exact:
        inside = zone_mask(front.utilities, r)
        if not inside.any():
            return None
        return _best("kalai_smorodinsky", front, ks_ratios(front.utilities, r), True)
    ideal = _zone_best_per_party(problem, max_points)
    if ideal is None:
        return None
    low, high = ideal
    rem = remaining_best(problem)

    def score(u: FloatArray) -> FloatArray:
        return _ks_scores(u, r, low)

    def optimistic(points: FloatArray, merged: int) -> FloatArray:
        return _ks_scores(points + rem[merged], r, low)

    point = _solve("kalai_smorodinsky", problem, front, score, optimistic, max_points)
    if point is None or (high == low).all():
        return point
    # The true ideal lies in [low, high]: the chosen package's true ratio is at least its
    # ratio against ``high``, and no package's exceeds the bound computed against ``low``.
    floor = float(_ks_scores(point.utilities[None, :], r, high)[0])
    return Solution(
        point.name,
        point.package,
        point.utilities,
        point.value,
        point.row,
        True,
        exact=False,
        error_bound=point.error_bound + point.value - floor,
    )


def egalitarian_point(
    problem: BargainingProblem, frontier: Frontier | None = None, *, max_points: int | None = None
) -> Solution | None:
    """Egalitarian point: the zone package whose smallest gain is largest."""
    r = problem.reservation
    rem = remaining_best(problem)

    def score(u: FloatArray) -> FloatArray:
        return np.asarray((u - r).min(axis=1))

    def optimistic(points: FloatArray, merged: int) -> FloatArray:
        return np.asarray((points + rem[merged] - r).min(axis=1))

    front = _front(problem, frontier, max_points)
    return _solve("egalitarian", problem, front, score, optimistic, max_points)


def separable_utilitarian(problem: BargainingProblem) -> IntArray:
    """The package maximising ``sum_p u_p`` over all packages: per issue, the best option.

    The sum is separable over issues, so no frontier is needed; ties go to the smallest
    option index, which makes the package the lexicographically smallest maximiser.
    """
    return np.array(
        [int(np.argmax(problem.contribution(i).sum(axis=1))) for i in range(problem.n_issues)],
        dtype=np.int64,
    )


def utilitarian_point(
    problem: BargainingProblem, frontier: Frontier | None = None, *, max_points: int | None = None
) -> Solution:
    """Utilitarian point: the largest sum of utilities, over the zone if it is non-empty."""
    front = _front(problem, frontier, max_points)
    r = problem.reservation
    if front.exact:
        has_zone = bool(zone_mask(front.utilities, r).any())
        totals = front.utilities.sum(axis=1)
        if has_zone:
            totals = np.where(zone_mask(front.utilities, r), totals, -np.inf)
        return _best("utilitarian", front, totals, has_zone)
    best = separable_utilitarian(problem)
    utilities = problem.utility(best.tolist())
    if (utilities >= r).all():
        value = float(utilities.sum())
        return Solution("utilitarian", best, utilities, value, _row_of(front, best), True)
    steps = np.array([problem.contribution(i).sum(axis=1).max() for i in range(problem.n_issues)])
    tail = np.concatenate([np.cumsum(steps[::-1])[::-1], [0.0]]) if steps.size else np.zeros(1)

    def score(u: FloatArray) -> FloatArray:
        return np.asarray(u.sum(axis=1))

    def optimistic(points: FloatArray, merged: int) -> FloatArray:
        return np.asarray(points.sum(axis=1) + tail[merged])

    point = _solve("utilitarian", problem, front, score, optimistic, max_points)
    if point is not None:
        return point
    # No zone package found: the optimum over all packages, flagged out of the zone.
    return Solution(
        "utilitarian", best, utilities, float(utilities.sum()), _row_of(front, best), False
    )


def bargaining_solutions(
    problem: BargainingProblem, frontier: Frontier | None = None, *, max_points: int | None = None
) -> dict[str, Solution | None]:
    """All four solutions, keyed by name, computing the frontier at most once."""
    front = _front(problem, frontier, max_points)
    return {
        "nash": nash_point(problem, front, max_points=max_points),
        "kalai_smorodinsky": kalai_smorodinsky_point(problem, front, max_points=max_points),
        "egalitarian": egalitarian_point(problem, front, max_points=max_points),
        "utilitarian": utilitarian_point(problem, front, max_points=max_points),
    }
