"""One branch-and-bound search that serves several bargaining solutions on a thinned frontier.

When the frontier had to be thinned, a solution is looked for again inside the merge
(``pareto_frontier`` with a ``restrict``): partial packages are dropped when they cannot
reach the zone of agreement, or when no *goal* could still gain from them. A goal is an
objective f that is non-decreasing in every party's utility, an ``optimistic`` bound on
what any completion of a partial point can score, and an incumbent, the best score a
known zone package already has. A partial point is kept while some goal's optimistic
bound reaches its incumbent, so one search answers every goal at once: each goal's
optimum passes its own test at every step, hence is covered by a kept row within the
search's epsilon, and

    f(optimum) <= max over kept v with v + eps in the zone of f(v + eps).

Nash, Kalai-Smorodinsky, egalitarian and utilitarian then cost one pass of the merge
together instead of one (or two) each; the price is a search that keeps the union of
what each goal needs, under the same ``max_points``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from offramp.analysis.frontier import Frontier, pareto_frontier
from offramp.analysis.space import BargainingProblem, FloatArray, IntArray
from offramp.analysis.zone import BoolArray, reachable, zone_mask

#: Scores rows (K, P) of utilities; higher is better.
Score = Callable[[FloatArray], FloatArray]
#: ``optimistic(points, merged)``: no completion of these partial points scores higher.
Optimistic = Callable[[FloatArray, int], FloatArray]


@dataclass(frozen=True)
class Goal:
    """An objective to search for: its score, an optimistic bound, the best score known.

    ``incumbent`` is ``-inf`` when no zone package is known; the goal then keeps every
    partial point that can reach the zone.
    """

    score: Score
    optimistic: Optimistic
    incumbent: float

    def wants(self, relaxed: FloatArray, merged: int) -> BoolArray:
        """Which partial points (already raised by the error so far) may still beat it."""
        if not np.isfinite(self.incumbent):
            return np.ones(relaxed.shape[0], dtype=bool)
        tolerance = 1e-9 * (1.0 + abs(self.incumbent))
        return np.asarray(self.optimistic(relaxed, merged) >= self.incumbent - tolerance)


def best_known(front: Frontier, reservation: FloatArray, score: Score) -> float:
    """The best ``score`` among the frontier's zone rows, ``-inf`` when it has none."""
    inside = zone_mask(front.utilities, reservation)
    return float(score(front.utilities[inside]).max()) if inside.any() else -np.inf


def joint_search(
    problem: BargainingProblem, goals: Sequence[Goal], max_points: int | None
) -> Frontier:
    """The frontier's part that can reach the zone and still matters to some goal."""
    reach = reachable(problem)
    if any(not np.isfinite(goal.incumbent) for goal in goals):
        return pareto_frontier(problem, max_points=max_points, restrict=reach)

    def restrict(points: FloatArray, merged: int, slack: FloatArray) -> BoolArray:
        ok = reach(points, merged, slack)
        rows = np.flatnonzero(ok)
        relaxed = points[rows] + slack
        pending = np.arange(rows.size)
        for goal in goals:  # each goal only asked about the rows no earlier goal wants
            if not pending.size:
                break
            pending = pending[~goal.wants(relaxed[pending], merged)]
        ok[rows[pending]] = False
        return ok

    return pareto_frontier(problem, max_points=max_points, restrict=restrict)


@dataclass(frozen=True)
class Pick:
    """The best zone package found for one score, and how far the optimum can be above."""

    package: IntArray
    utilities: FloatArray
    value: float
    error_bound: float
    exact: bool


def pick(
    problem: BargainingProblem, front: Frontier, search: Frontier, score: Score
) -> Pick | None:
    """The zone package with the best ``score`` in ``search`` or ``front``; None if neither has one.

    ``search`` must come from ``joint_search`` with a goal whose optimum is this score's
    (or one that keeps a superset): the bound is then certified by its epsilon.
    """
    r = problem.reservation
    s_inside = zone_mask(search.utilities, r)
    inside = zone_mask(front.utilities, r)
    found = np.where(s_inside, score(search.utilities), -np.inf)
    known = np.where(inside, score(front.utilities), -np.inf)
    if s_inside.any() and (not inside.any() or float(found.max()) >= float(known.max())):
        row = int(np.argmax(found))
        package, utilities, value = search.packages[row], search.utilities[row], float(found[row])
    elif inside.any():
        row = int(np.argmax(known))
        package, utilities, value = front.packages[row], front.utilities[row], float(known[row])
    else:
        return None
    if search.exact:
        return Pick(package, utilities, value, 0.0, True)
    relaxed = search.utilities + search.epsilon_vector
    possible = zone_mask(relaxed, r)
    upper = float(score(relaxed[possible]).max()) if possible.any() else value
    return Pick(package, utilities, value, max(upper - value, 0.0), False)
