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
is False) the solutions are searched for again inside the merge (``solution_search``): a
branch and bound that drops partial packages which cannot reach the zone or cannot beat
the best package known so far (their optimistic completion, each party's best on the
issues left, scores below it). ``bargaining_solutions`` runs one such search for all
four. When the search fits in ``max_points`` the answers are exact; otherwise
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

from dataclasses import dataclass

import numpy as np

from offramp.analysis.frontier import Frontier, pareto_frontier
from offramp.analysis.hull_bounds import (
    Hull,
    egalitarian_bound,
    ks_bound,
    nash_bound,
    utilitarian_bound,
    zone_ideal_bound,
)
from offramp.analysis.objectives import (
    egalitarian_objective,
    ks_objective,
    ks_scores,
    nash_objective,
    party_objective,
    utilitarian_objective,
)
from offramp.analysis.solution_search import (
    Goal,
    Optimistic,
    Pick,
    Score,
    best_known,
    joint_search,
    pick,
)
from offramp.analysis.space import BargainingProblem, FloatArray, IntArray
from offramp.analysis.zone import zone_mask

#: The four solutions, in the order ``bargaining_solutions`` returns them.
SOLUTION_NAMES = ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian")


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


def ks_ratios(utilities: FloatArray, reservation: FloatArray) -> FloatArray:
    """Smallest fraction of a party's best zone gain, per row; ``-inf`` outside the zone.

    Needs a non-empty zone. A party whose best zone utility equals its reservation gets
    ratio 1 (it is at ``r_p`` throughout the zone).
    """
    inside = zone_mask(utilities, reservation)
    scores = ks_scores(utilities, reservation, zone_ideal(utilities, reservation))
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


def _zone_ideal_bounds(
    problem: BargainingProblem, front: Frontier
) -> tuple[FloatArray, FloatArray]:
    """Bounds (low, high) on each party's best zone utility, read off a frontier with a zone row.

    ``low`` is attained by a zone row. Every Pareto-optimal package has a row within the
    frontier's epsilon, so no zone package gives party p more than the largest ``v_p +
    eps_p`` over rows ``v`` with ``v + eps`` in the zone (and never more than its ideal).
    """
    r = problem.reservation
    low = np.asarray(front.utilities[zone_mask(front.utilities, r)].max(axis=0))
    relaxed = front.utilities + front.epsilon_vector
    high = np.minimum(relaxed[zone_mask(relaxed, r)].max(axis=0), problem.ideal())
    return low, np.maximum(low, high)


def _separable_in_zone(problem: BargainingProblem, front: Frontier) -> Solution | None:
    """The utilitarian optimum over all packages, when it is in the zone (then it is exact)."""
    best = separable_utilitarian(problem)
    utilities = problem.utility(best.tolist())
    if not (utilities >= problem.reservation).all():
        return None
    value = float(utilities.sum())
    return Solution("utilitarian", best, utilities, value, _row_of(front, best), True)


#: The hull bound (``hull_bounds``) of each objective searched for with ``_searched``.
_HULL_BOUNDS = {
    "nash": nash_bound,
    "egalitarian": egalitarian_bound,
    "utilitarian": utilitarian_bound,
}


def _from_pick(
    name: str, problem: BargainingProblem, front: Frontier, found: Pick | None, hull: Hull
) -> Solution | None:
    """A searched solution, its error bound the tighter of the search's and the hull's."""
    if found is None:
        return None
    error = found.error_bound
    if not found.exact:
        upper = _HULL_BOUNDS[name](hull, problem.reservation)
        error = min(error, max(upper - found.value, 0.0))
    return Solution(
        name,
        found.package,
        found.utilities,
        found.value,
        _row_of(front, found.package),
        True,
        exact=found.exact,
        error_bound=error,
    )


def _searched(
    problem: BargainingProblem, front: Frontier, names: tuple[str, ...], max_points: int | None
) -> dict[str, Solution | None]:
    """The ``names`` solutions on a thinned frontier, from one joint search.

    Kalai-Smorodinsky needs the zone's ideal point, which a thinned frontier only
    brackets: its goal keeps what could be the KS optimum under any ideal between the
    bounds, and one goal per party keeps what could raise that party's best zone utility.
    """
    r = problem.reservation
    objectives: dict[str, tuple[Score, Optimistic]] = {}
    if "nash" in names:
        objectives["nash"] = nash_objective(problem)
    if "egalitarian" in names:
        objectives["egalitarian"] = egalitarian_objective(problem)
    direct = _separable_in_zone(problem, front) if "utilitarian" in names else None
    if "utilitarian" in names and direct is None:
        objectives["utilitarian"] = utilitarian_objective(problem)
    goals = [Goal(s, o, best_known(front, r, s)) for s, o in objectives.values()]
    bounds = None
    if "kalai_smorodinsky" in names:
        has_zone = bool(zone_mask(front.utilities, r).any())
        bounds = _zone_ideal_bounds(problem, front) if has_zone else None
        if bounds is None:
            goals.append(Goal(*ks_objective(problem, problem.ideal()), -np.inf))
        else:
            low, high = bounds
            # Under any ideal in [low, high] the optimum scores, against ``low``, at
            # least the best known package scores against ``high``.
            floor = best_known(front, r, ks_objective(problem, high)[0])
            goals.append(Goal(*ks_objective(problem, low), floor))
            goals += [
                Goal(*party_objective(problem, p), float(low[p])) for p in range(problem.n_parties)
            ]
    search = joint_search(problem, goals, max_points) if goals else front
    hull = Hull.of(problem)
    out: dict[str, Solution | None] = {
        name: _from_pick(name, problem, front, pick(problem, front, search, score), hull)
        for name, (score, _) in objectives.items()
    }
    if "utilitarian" in names:
        out["utilitarian"] = direct or out["utilitarian"] or _utilitarian_outside(problem, front)
    if "kalai_smorodinsky" in names:
        out["kalai_smorodinsky"] = _ks_searched(problem, front, search, bounds, hull)
    return {name: out[name] for name in names}


def _ks_searched(
    problem: BargainingProblem,
    front: Frontier,
    search: Frontier,
    bounds: tuple[FloatArray, FloatArray] | None,
    hull: Hull,
) -> Solution | None:
    """KS from a joint search: the ideal bracketed, the error bound covering the bracket."""
    r = problem.reservation
    zone_rows = [u[zone_mask(u, r)] for u in (front.utilities, search.utilities)]
    upper_ideal, met = (None, []) if search.exact else zone_ideal_bound(hull, r)
    if met:  # packages the hull's search met: their exact utilities, where in the zone
        exact_met = np.array([problem.utility(x.tolist()) for x in met])
        zone_rows.append(exact_met[zone_mask(exact_met, r)])
    seen = np.concatenate(zone_rows)
    if seen.shape[0] == 0:
        return None
    low = np.asarray(seen.max(axis=0))
    if upper_ideal is None:
        high = low
    else:
        relaxed = search.utilities + search.epsilon_vector
        possible = relaxed[zone_mask(relaxed, r)]
        high = np.maximum(low, possible.max(axis=0)) if possible.size else low
        if bounds is not None:
            high = np.minimum(high, bounds[1])
        high = np.maximum(low, np.minimum(high, upper_ideal))
    found = pick(problem, front, search, ks_objective(problem, low)[0])
    if found is None:
        return None
    # The true ideal lies in [low, high]: the chosen package's true ratio is at least its
    # ratio against ``high``, and no package's exceeds the bound computed against ``low``.
    floor = float(ks_scores(found.utilities[None, :], r, high)[0])
    top = found.value + found.error_bound
    if not found.exact:
        top = min(top, ks_bound(hull, r, low))
    error = top - floor
    exact = found.exact and error <= 0.0
    return Solution(
        "kalai_smorodinsky",
        found.package,
        found.utilities,
        found.value,
        _row_of(front, found.package),
        True,
        exact=exact,
        error_bound=0.0 if exact else max(error, 0.0),
    )


def _utilitarian_outside(problem: BargainingProblem, front: Frontier) -> Solution:
    """No zone package found: the optimum over all packages, flagged out of the zone."""
    best = separable_utilitarian(problem)
    utilities = problem.utility(best.tolist())
    value = float(utilities.sum())
    return Solution("utilitarian", best, utilities, value, _row_of(front, best), False)


def _front(
    problem: BargainingProblem, frontier: Frontier | None, max_points: int | None
) -> Frontier:
    return pareto_frontier(problem, max_points=max_points) if frontier is None else frontier


def _on_rows(name: str, problem: BargainingProblem, front: Frontier) -> Solution | None:
    """A solution read off an exact frontier's rows."""
    r = problem.reservation
    inside = zone_mask(front.utilities, r)
    if name == "utilitarian":
        totals = front.utilities.sum(axis=1)
        has_zone = bool(inside.any())
        return _best(
            name, front, np.where(inside, totals, -np.inf) if has_zone else totals, has_zone
        )
    if not inside.any():
        return None
    if name == "kalai_smorodinsky":
        return _best(name, front, ks_ratios(front.utilities, r), True)
    score = (nash_objective if name == "nash" else egalitarian_objective)(problem)[0]
    return _best(name, front, np.where(inside, score(front.utilities), -np.inf), True)


def _one(
    name: str, problem: BargainingProblem, frontier: Frontier | None, max_points: int | None
) -> Solution | None:
    front = _front(problem, frontier, max_points)
    if front.exact:
        return _on_rows(name, problem, front)
    return _searched(problem, front, (name,), max_points)[name]


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
    return _one("nash", problem, frontier, max_points)


def kalai_smorodinsky_point(
    problem: BargainingProblem, frontier: Frontier | None = None, *, max_points: int | None = None
) -> Solution | None:
    """Discrete Kalai-Smorodinsky point: the largest common fraction of each best zone gain.

    The ideal point is each party's best utility over the zone of agreement, not over
    all packages (``docs/analysis.md`` compares this with NegMAS's ``ks_points``).
    """
    return _one("kalai_smorodinsky", problem, frontier, max_points)


def egalitarian_point(
    problem: BargainingProblem, frontier: Frontier | None = None, *, max_points: int | None = None
) -> Solution | None:
    """Egalitarian point: the zone package whose smallest gain is largest."""
    return _one("egalitarian", problem, frontier, max_points)


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
    point = _one("utilitarian", problem, frontier, max_points)
    assert point is not None  # the utilitarian point always exists
    return point


def bargaining_solutions(
    problem: BargainingProblem, frontier: Frontier | None = None, *, max_points: int | None = None
) -> dict[str, Solution | None]:
    """All four solutions, keyed by name: the frontier computed at most once, and on a
    thinned one a single joint search (``solution_search``) for the four."""
    front = _front(problem, frontier, max_points)
    if front.exact:
        return {name: _on_rows(name, problem, front) for name in SOLUTION_NAMES}
    return _searched(problem, front, SOLUTION_NAMES, max_points)
