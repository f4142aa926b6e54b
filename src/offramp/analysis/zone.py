"""Zone of agreement and ripeness.

The zone of agreement is the set of packages that give every party at least its
reservation value, ``u_p(x) >= r_p`` for every p. The inequality is weak on purpose: a
party indifferent between a package and no deal counts as accepting it. With that
definition, lowering each reservation value to a package's utility (the smallest
concession that makes that package acceptable) puts the package in the zone; with a
strict inequality there would be no smallest concession, only an infimum.

A problem is *ripe* (Zartman's term) when the zone is non-empty. When it is not, the
smallest total concession that would open it is

    min over packages x of  sum_p max(0, r_p - u_p(x)),

reported per party (how far each party must lower its reservation value) with the
package that achieves it. The minimum is attained on the Pareto frontier: the summand is
non-increasing in every ``u_p`` (also in floating point, where rounding is monotone), so
a frontier point that weakly dominates a package needs no more concession than it.
Ties are broken by the lexicographically smallest frontier package.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from offramp.analysis.frontier import Frontier, Restriction, pareto_frontier
from offramp.analysis.space import BargainingProblem, FloatArray, IntArray

BoolArray = NDArray[np.bool_]


def zone_mask(utilities: FloatArray, reservation: FloatArray) -> BoolArray:
    """Which rows of ``utilities`` (K, P) give every party at least ``reservation`` (P,)."""
    return np.asarray((utilities >= reservation).all(axis=1))


def remaining_best(problem: BargainingProblem) -> FloatArray:
    """``rem[j, p]``: the most party p can still gain from issues j, j+1, ..., shape (I+1, P).

    The optimistic completion of a partial package after ``j`` issues: no completion gives
    party p more than ``partial_p + rem[j, p]``.
    """
    best = np.zeros((problem.n_issues + 1, problem.n_parties))
    for issue in range(problem.n_issues - 1, -1, -1):
        best[issue] = best[issue + 1] + problem.contribution(issue).max(axis=0)
    return best


def reachable(problem: BargainingProblem) -> Restriction:
    """A ``pareto_frontier`` restriction: partial points that can still reach the zone."""
    rem = remaining_best(problem)
    r = problem.reservation

    def restrict(points: FloatArray, merged: int, slack: FloatArray) -> BoolArray:
        # ``(points + slack + rem[merged] >= r).all(axis=1)``, a column at a time.
        ok = np.ones(points.shape[0], dtype=bool)
        for p in range(points.shape[1]):
            ok &= points[:, p] + slack[p] + rem[merged, p] >= r[p]
        return ok

    return restrict


def zone_frontier(problem: BargainingProblem, max_points: int | None = None) -> Frontier:
    """The frontier's part inside the zone of agreement, searched for directly.

    Partial packages that cannot reach every reservation value are dropped during the
    merge (``reachable``), so the search is often far smaller than the whole frontier,
    and exact whenever the zone's part fits in ``max_points``. Every row is in the zone.
    """
    front = pareto_frontier(problem, max_points=max_points, restrict=reachable(problem))
    inside = np.flatnonzero(zone_mask(front.utilities, problem.reservation))
    if inside.size == len(front):
        return front
    return replace(front, utilities=front.utilities[inside], packages=front.packages[inside])


def concession_shortfalls(utilities: FloatArray, reservation: FloatArray) -> FloatArray:
    """Per row and party, how far the reservation must drop: ``max(0, r_p - u_p)``, (K, P)."""
    return np.maximum(reservation - utilities, 0.0)


def zone_of_agreement(problem: BargainingProblem, frontier: Frontier | None = None) -> IntArray:
    """Rows of the frontier in the zone of agreement, ascending (lexicographic package order).

    The zone of the whole outcome space is non-empty exactly when this is: a package in
    the zone is weakly dominated by a frontier point, which is then in the zone too.
    """
    front = pareto_frontier(problem) if frontier is None else frontier
    return np.flatnonzero(zone_mask(front.utilities, problem.reservation))


def zone_exists(problem: BargainingProblem, frontier: Frontier | None = None) -> bool:
    """True when some package gives every party at least its reservation value."""
    return bool(zone_of_agreement(problem, frontier).size)


@dataclass(frozen=True)
class Ripeness:
    """Whether a zone of agreement exists and, if not, the cheapest way to open one.

    Attributes
    ----------
    ripe : bool
        The zone of agreement is non-empty.
    zone_size_on_frontier : int
        Frontier points in the zone (distinct utility vectors).
    opening_concession : float
        Smallest total concession ``min_x sum_p max(0, r_p - u_p(x))``; 0 when ripe.
    concessions : (P,) float array
        How much each party lowers its reservation value, ``r_p - reservation_after[p]``.
    reservation_after : (P,) float array
        ``min(r_p, u_p(package))``: with these reservation values ``package`` is in the
        zone (exactly, with no rounding from a subtraction).
    package : (I,) int64 array
        The package achieving the smallest concession (when ripe: the lexicographically
        smallest frontier package in the zone).
    utilities : (P,) float array
        Each party's utility for ``package``.
    parties, labels : tuple of str
        Party names, and the package as ``issue=option`` labels, for sentences.
    exact : bool
        Computed on an exact frontier. When False (a thinned one), ``ripe`` is certain if
        True (a real package is in the zone), ``zone_size_on_frontier`` counts kept
        points, and ``opening_concession`` is attained by ``package`` but may not be
        the smallest.
    """

    ripe: bool
    zone_size_on_frontier: int
    opening_concession: float
    concessions: FloatArray
    reservation_after: FloatArray
    package: IntArray
    utilities: FloatArray
    parties: tuple[str, ...]
    labels: tuple[str, ...]
    exact: bool = True

    def explain(self) -> str:
        """One sentence a mediator can read."""
        if self.ripe:
            plural = self.zone_size_on_frontier != 1
            return (
                f"Ripe: {self.zone_size_on_frontier} Pareto-efficient "
                f"{'packages give' if plural else 'package gives'} every party at least "
                "its no-deal value."
            )
        shares = ", ".join(
            f"{party} {amount:.3g}"
            for party, amount in zip(self.parties, self.concessions, strict=True)
            if amount > 0
        )
        return (
            "Not ripe: no package gives every party its no-deal value; the smallest opening "
            f"needs a total concession of {self.opening_concession:.3g} ({shares}) "
            f"on the package {', '.join(self.labels) or '(no issues)'}."
        )


def package_labels(problem: BargainingProblem, package: IntArray) -> tuple[str, ...]:
    """``issue=option`` for each issue of a package."""
    return tuple(
        f"{issue}={options[int(o)]}"
        for issue, options, o in zip(problem.issues, problem.options, package, strict=True)
    )


def ripeness(problem: BargainingProblem, frontier: Frontier | None = None) -> Ripeness:
    """Zone of agreement, or the smallest total concession that would open one.

    Examples
    --------
    >>> import numpy as np
    >>> from offramp.analysis.space import BargainingProblem
    >>> problem = BargainingProblem(
    ...     parties=("A", "B"), issues=("x",), options=(("a", "b"),),
    ...     weights=np.ones((2, 1)), values=(np.array([[1.0, 0.0], [0.0, 1.0]]),),
    ...     reservation=np.array([0.5, 0.75]))
    >>> r = ripeness(problem)
    >>> r.ripe, r.opening_concession, r.concessions.tolist(), r.package.tolist()
    (False, 0.5, [0.5, 0.0], [1])
    """
    front = pareto_frontier(problem) if frontier is None else frontier
    short = concession_shortfalls(front.utilities, problem.reservation)
    totals = short.sum(axis=1)
    row = int(np.argmin(totals))  # first minimum: lexicographically smallest package
    in_zone = zone_mask(front.utilities, problem.reservation)
    reservation_after = np.minimum(problem.reservation, front.utilities[row])
    package = front.packages[row]
    return Ripeness(
        ripe=bool(in_zone.any()),
        zone_size_on_frontier=int(in_zone.sum()),
        opening_concession=float(totals[row]),
        concessions=problem.reservation - reservation_after,
        reservation_after=reservation_after,
        package=package,
        utilities=front.utilities[row],
        parties=problem.parties,
        labels=package_labels(problem, package),
        exact=front.exact,
    )
