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

Nash, Kalai-Smorodinsky and egalitarian return None when the zone is empty. Ties are
broken by the lexicographically smallest package (the first maximiser in the frontier's
row order, which is lexicographic). Objectives are computed in floating point with no
tolerance; the Nash product is a plain product, so with many parties and tiny gains it
can underflow to 0 (the parties and issues of a mediation are few).

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
from offramp.analysis.space import BargainingProblem, FloatArray, IntArray
from offramp.analysis.zone import zone_mask


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
        Row of the frontier.
    in_zone : bool
        Whether the package is in the zone of agreement (False only for a utilitarian
        point computed over the whole frontier because the zone is empty).
    """

    name: str
    package: IntArray
    utilities: FloatArray
    value: float
    row: int
    in_zone: bool


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
    span = zone_ideal(utilities, reservation) - reservation
    flat = span <= 0
    ratios = (utilities - reservation) / np.where(flat, 1.0, span)
    ratios[:, flat] = 1.0
    return np.where(inside, ratios.min(axis=1), -np.inf)


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


def _front_and_zone(problem: BargainingProblem, frontier: Frontier | None) -> tuple[Frontier, bool]:
    front = pareto_frontier(problem) if frontier is None else frontier
    return front, bool(zone_mask(front.utilities, problem.reservation).any())


def nash_point(problem: BargainingProblem, frontier: Frontier | None = None) -> Solution | None:
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
    front, has_zone = _front_and_zone(problem, frontier)
    if not has_zone:
        return None
    return _best("nash", front, nash_products(front.utilities, problem.reservation), True)


def kalai_smorodinsky_point(
    problem: BargainingProblem, frontier: Frontier | None = None
) -> Solution | None:
    """Discrete Kalai-Smorodinsky point: the largest common fraction of each best zone gain."""
    front, has_zone = _front_and_zone(problem, frontier)
    if not has_zone:
        return None
    scores = ks_ratios(front.utilities, problem.reservation)
    return _best("kalai_smorodinsky", front, scores, True)


def egalitarian_point(
    problem: BargainingProblem, frontier: Frontier | None = None
) -> Solution | None:
    """Egalitarian point: the zone package whose smallest gain is largest."""
    front, has_zone = _front_and_zone(problem, frontier)
    if not has_zone:
        return None
    scores = egalitarian_levels(front.utilities, problem.reservation)
    return _best("egalitarian", front, scores, True)


def utilitarian_point(problem: BargainingProblem, frontier: Frontier | None = None) -> Solution:
    """Utilitarian point: the largest sum of utilities, over the zone if it is non-empty."""
    front, has_zone = _front_and_zone(problem, frontier)
    totals = front.utilities.sum(axis=1)
    if has_zone:
        totals = np.where(zone_mask(front.utilities, problem.reservation), totals, -np.inf)
    return _best("utilitarian", front, totals, has_zone)


def bargaining_solutions(
    problem: BargainingProblem, frontier: Frontier | None = None
) -> dict[str, Solution | None]:
    """All four solutions, keyed by name, computing the frontier at most once."""
    front = pareto_frontier(problem) if frontier is None else frontier
    return {
        "nash": nash_point(problem, front),
        "kalai_smorodinsky": kalai_smorodinsky_point(problem, front),
        "egalitarian": egalitarian_point(problem, front),
        "utilitarian": utilitarian_point(problem, front),
    }
