"""Enlarge the problem: which linked issues, added to the table, open a zone of agreement.

A linked issue (a side payment, a reconstruction fund, a prisoner exchange) is given in
the base problem's utility units: its weights and values add to each party's utility
with no renormalisation. Adding issues only adds a Minkowski summand, so the frontier of
the base problem plus a set S of linked issues is the pruned merge of the base frontier
with each issue of S; every subset is evaluated from its parent subset by one merge.

The search, in order of goals:

1. No zone of agreement in the base problem: the smallest set that opens one; among
   sets of that size, the one with the largest Nash product.
2. If no set opens a zone: the set that most reduces the opening concession (see
   ``offramp.analysis.zone``).
3. A zone already exists: the set that most raises the Nash product (possibly none).

Ties go to the smaller set, then to the lexicographically smallest list of candidate
positions. The result also reports, separately, the set with the largest Nash product
over all sets that have a zone (it may be larger than the smallest opening set).

With at most ``exact_limit`` candidates (12 by default, 4096 subsets) the search is
exhaustive and exact. Beyond that it is greedy: add, one at a time, the candidate that
best serves the current goal (opens the zone with the largest Nash product, else most
reduces the concession, or once open most raises the Nash product) while it strictly
improves; greedy results carry no optimality guarantee.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from offramp.analysis.bargaining import nash_products
from offramp.analysis.frontier import merge, pareto_frontier, prune_dominated
from offramp.analysis.space import BargainingProblem, FloatArray
from offramp.analysis.zone import concession_shortfalls, zone_mask

#: Up to this many candidates, every subset is evaluated.
EXACT_LIMIT = 12

Goal = Literal["open_zone", "reduce_concession", "raise_nash"]


@dataclass(frozen=True)
class LinkedIssue:
    """A candidate issue to link to the negotiation, in the base problem's utility units.

    Attributes
    ----------
    id : str
    options : tuple of str
    weights : (P,) float array
    values : (P, n) float array, n = len(options)
    """

    id: str
    options: tuple[str, ...]
    weights: FloatArray
    values: FloatArray

    def __post_init__(self) -> None:
        n_parties = self.weights.shape[0] if self.weights.ndim == 1 else -1
        if self.values.shape != (n_parties, len(self.options)) or not self.options:
            raise ValueError(
                f"linked issue {self.id!r}: weights {self.weights.shape} and values "
                f"{self.values.shape} do not fit {len(self.options)} options"
            )

    def contribution(self) -> FloatArray:
        """Per-option utility contributions, shape (n, P)."""
        return (self.weights[:, None] * self.values).T


def enlarged(problem: BargainingProblem, linked: Sequence[LinkedIssue]) -> BargainingProblem:
    """The base problem with the linked issues appended, in the given order."""
    for issue in linked:
        if issue.weights.shape != (problem.n_parties,):
            raise ValueError(
                f"linked issue {issue.id!r} has {issue.weights.shape[0]} weights, "
                f"the problem has {problem.n_parties} parties"
            )
    return BargainingProblem(
        parties=problem.parties,
        issues=problem.issues + tuple(i.id for i in linked),
        options=problem.options + tuple(i.options for i in linked),
        weights=np.column_stack([problem.weights, *(i.weights for i in linked)]),
        values=problem.values + tuple(i.values for i in linked),
        reservation=problem.reservation,
    )


@dataclass(frozen=True)
class _Score:
    """What one subset achieves: zone size, best Nash product, opening concession."""

    subset: tuple[int, ...]
    zone: int
    nash: float  # -inf without a zone
    concession: float


def _score(subset: tuple[int, ...], utilities: FloatArray, reservation: FloatArray) -> _Score:
    products = nash_products(utilities, reservation)
    return _Score(
        subset=subset,
        zone=int(zone_mask(utilities, reservation).sum()),
        nash=float(products.max()),
        concession=float(concession_shortfalls(utilities, reservation).sum(axis=1).min()),
    )


def _order_key(s: _Score) -> tuple[int, tuple[int, ...]]:
    return (len(s.subset), s.subset)


def _pick(scores: Sequence[_Score], base: _Score) -> tuple[_Score, Goal]:
    """The chosen subset and the goal it serves, by the rules in the module docstring."""
    if base.zone:
        best = min(scores, key=lambda s: (-s.nash, *_order_key(s)))
        return best, "raise_nash"
    opening = [s for s in scores if s.zone]
    if opening:
        smallest = min(len(s.subset) for s in opening)
        candidates = [s for s in opening if len(s.subset) == smallest]
        return min(candidates, key=lambda s: (-s.nash, s.subset)), "open_zone"
    return min(scores, key=lambda s: (s.concession, *_order_key(s))), "reduce_concession"


def _best_nash(scores: Sequence[_Score]) -> _Score | None:
    with_zone = [s for s in scores if s.zone]
    return min(with_zone, key=lambda s: (-s.nash, *_order_key(s))) if with_zone else None


def _exhaustive(
    base: FloatArray, options: Sequence[FloatArray], reservation: FloatArray
) -> tuple[list[_Score], int]:
    """Score every subset, each frontier from its parent's by one merge (depth first)."""
    scores = [_score((), base, reservation)]

    def visit(front: FloatArray, subset: tuple[int, ...]) -> None:
        start = subset[-1] + 1 if subset else 0
        for j in range(start, len(options)):
            extended = merge(front, options[j])[0]
            scores.append(_score((*subset, j), extended, reservation))
            visit(extended, (*subset, j))

    visit(base, ())
    return scores, len(scores)


def _improves(new: _Score, old: _Score) -> bool:
    if not old.zone:
        return new.zone > 0 or new.concession < old.concession
    return new.zone > 0 and new.nash > old.nash


def _greedy(
    base: FloatArray, options: Sequence[FloatArray], reservation: FloatArray
) -> tuple[list[_Score], int]:
    """Scores along a greedy path (each step adds the candidate serving the goal best)."""
    current = _score((), base, reservation)
    front = base
    path = [current]
    evaluated = 1
    while len(current.subset) < len(options):
        steps = []
        for j in range(len(options)):
            if j in current.subset:
                continue
            extended = merge(front, options[j])[0]
            steps.append((_score(tuple(sorted((*current.subset, j))), extended, reservation), j))
            evaluated += 1
        if current.zone:
            best, j = min(steps, key=lambda t: (-t[0].nash, t[1]))
        elif any(s.zone for s, _ in steps):
            best, j = min(((s, k) for s, k in steps if s.zone), key=lambda t: (-t[0].nash, t[1]))
        else:
            best, j = min(steps, key=lambda t: (t[0].concession, t[1]))
        if not _improves(best, current):
            break
        front = merge(front, options[j])[0]
        current = best
        path.append(current)
    return path, evaluated


@dataclass(frozen=True)
class Enlargement:
    """The linked issues to add, and what they change.

    Attributes
    ----------
    chosen : tuple of str
        Ids of the linked issues to add (possibly none), in candidate order.
    goal : {"open_zone", "reduce_concession", "raise_nash"}
        What ``chosen`` achieves (see the module docstring).
    method : {"exact", "greedy"}
    subsets_evaluated : int
    zone_before, zone_after : int
        Frontier points in the zone of agreement without and with ``chosen``.
    nash_before, nash_after : float or None
        Largest Nash product (None without a zone).
    concession_before, concession_after : float
        Smallest total concession that opens a zone (0 with a zone).
    best_nash_set : tuple of str or None
        The set with the largest Nash product among sets that have a zone.
    best_nash : float or None
    """

    chosen: tuple[str, ...]
    goal: Goal
    method: Literal["exact", "greedy"]
    subsets_evaluated: int
    zone_before: int
    zone_after: int
    nash_before: float | None
    nash_after: float | None
    concession_before: float
    concession_after: float
    best_nash_set: tuple[str, ...] | None
    best_nash: float | None

    @property
    def opens_zone(self) -> bool:
        """True when there was no zone of agreement and ``chosen`` opens one."""
        return self.zone_before == 0 and self.zone_after > 0

    def explain(self) -> str:
        """One sentence a mediator can read."""
        linked = ", ".join(self.chosen)
        if self.goal == "open_zone":
            return (
                f"Linking {linked} opens a zone of agreement ({self.zone_after} efficient "
                f"package{'s' if self.zone_after != 1 else ''}; Nash product "
                f"{self.nash_after:.3g}) where there was none."
            )
        if self.goal == "reduce_concession":
            if not self.chosen:
                return (
                    "No set of linked issues opens a zone of agreement or reduces the "
                    f"concession needed to open one ({self.concession_before:.3g})."
                )
            return (
                f"No set of linked issues opens a zone of agreement; linking {linked} cuts "
                f"the concession needed from {self.concession_before:.3g} to "
                f"{self.concession_after:.3g}."
            )
        if not self.chosen:
            return "A zone of agreement exists, and no linked issue raises its Nash product."
        return (
            f"Linking {linked} raises the Nash product from {self.nash_before:.3g} "
            f"to {self.nash_after:.3g}."
        )


def enlarge(
    problem: BargainingProblem,
    candidates: Sequence[LinkedIssue],
    *,
    exact_limit: int = EXACT_LIMIT,
) -> Enlargement:
    """Find the linked issues whose addition opens a zone, or helps most.

    Parameters
    ----------
    problem : BargainingProblem
    candidates : sequence of LinkedIssue
        In the problem's utility units (weights of shape (P,)).
    exact_limit : int
        Search every subset when there are at most this many candidates, else greedily.

    Examples
    --------
    One issue, each side wants its own option and 0.6 of it to settle: no zone. A fund
    that costs A 0.3 and is worth 0.7 to B opens one.

    >>> import numpy as np
    >>> from offramp.analysis.space import BargainingProblem
    >>> problem = BargainingProblem(("A", "B"), ("x",), (("a", "b"),), np.ones((2, 1)),
    ...     (np.array([[1.0, 0.0], [0.0, 1.0]]),), np.array([0.6, 0.6]))
    >>> fund = LinkedIssue("fund", ("none", "paid"), np.ones(2),
    ...     np.array([[0.0, -0.3], [0.0, 0.7]]))
    >>> result = enlarge(problem, [fund])
    >>> result.chosen, result.opens_zone, round(result.nash_after, 6)
    (('fund',), True, 0.01)
    >>> print(result.explain())  # doctest: +NORMALIZE_WHITESPACE
    Linking fund opens a zone of agreement (1 efficient package; Nash product 0.01)
    where there was none.
    """
    enlarged(problem, candidates)  # validates shapes
    reservation = problem.reservation
    base = pareto_frontier(problem).utilities
    options = []
    for c in candidates:
        contribution = c.contribution()
        options.append(contribution[prune_dominated(contribution)])
    exact = len(candidates) <= exact_limit
    scores, evaluated = (_exhaustive if exact else _greedy)(base, options, reservation)
    before = scores[0]
    chosen, goal = _pick(scores, before)
    best = _best_nash(scores)

    def nash_or_none(s: _Score) -> float | None:
        return s.nash if s.zone else None

    def ids(subset: tuple[int, ...]) -> tuple[str, ...]:
        return tuple(candidates[j].id for j in subset)

    return Enlargement(
        chosen=ids(chosen.subset),
        goal=goal,
        method="exact" if exact else "greedy",
        subsets_evaluated=evaluated,
        zone_before=before.zone,
        zone_after=chosen.zone,
        nash_before=nash_or_none(before),
        nash_after=nash_or_none(chosen),
        concession_before=before.concession,
        concession_after=chosen.concession,
        best_nash_set=ids(best.subset) if best else None,
        best_nash=best.nash if best else None,
    )
