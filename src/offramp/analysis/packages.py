"""A package explained as reciprocal concessions, and the best packages to propose.

Each party's reference is its own ideal: on every issue, its best option (the smallest
option index among equally good ones). Against that reference a package costs party p,
on issue i,

    cost[p, i] = w[p, i] * (v[p, i, ideal_p(i)] - v[p, i, x_i])  >= 0,

and the costs sum to ``ideal utility - u_p(x)``. Party p *gives* on issue i when its
cost there is positive (the package moves it off its ideal to an option it values less;
an equally good option is not a concession), and *gets* issue i when it holds its ideal
there (cost 0) while some other party gives on it. A mediator can then say each side's
part in one sentence, "RU gives: armed_forces demilitarized -> capped".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from offramp.analysis.bargaining import nash_products
from offramp.analysis.frontier import Frontier, pareto_frontier
from offramp.analysis.space import BargainingProblem, FloatArray, IntArray
from offramp.analysis.zone import package_labels


def ideal_options(problem: BargainingProblem) -> IntArray:
    """Each party's best option per issue, shape (P, I); ties to the smallest index."""
    ideal = np.zeros((problem.n_parties, problem.n_issues), dtype=np.int64)
    for issue, values in enumerate(problem.values):
        ideal[:, issue] = values.argmax(axis=1)
    return ideal


def concession_costs(problem: BargainingProblem, package: Sequence[int] | IntArray) -> FloatArray:
    """What each party gives up on each issue against its ideal, shape (P, I), all >= 0."""
    costs = np.zeros((problem.n_parties, problem.n_issues))
    for issue, (values, option) in enumerate(zip(problem.values, package, strict=True)):
        costs[:, issue] = problem.weights[:, issue] * (values.max(axis=1) - values[:, int(option)])
    return costs


@dataclass(frozen=True)
class Concession:
    """One party moving off its ideal option on one issue."""

    issue: str
    ideal: str
    chosen: str
    cost: float

    def __str__(self) -> str:
        return f"{self.issue} {self.ideal} -> {self.chosen}"


@dataclass(frozen=True)
class PartyAccount:
    """What one party gives and gets in a package.

    Attributes
    ----------
    party : str
    gives : tuple of Concession
        Issues where the package costs this party something, in issue order.
    gets : tuple of str
        Issues where it holds its ideal while another party gives.
    given_up : float
        Total cost, ``ideal utility - utility``.
    utility, gain : float
        Its utility for the package, and the gain over its reservation value.
    """

    party: str
    gives: tuple[Concession, ...]
    gets: tuple[str, ...]
    given_up: float
    utility: float
    gain: float

    def gives_sentence(self) -> str:
        """``"RU gives: armed_forces demilitarized -> capped"`` (or ``gives: nothing``)."""
        given = ", ".join(str(c) for c in self.gives) if self.gives else "nothing"
        return f"{self.party} gives: {given}"

    def sentence(self) -> str:
        """``"RU gives: armed_forces demilitarized -> capped and gets: alignment"``."""
        got = f" and gets: {', '.join(self.gets)}" if self.gets else ""
        return f"{self.gives_sentence()}{got}"


@dataclass(frozen=True)
class PackageExplanation:
    """A package as reciprocal concessions, one account per party."""

    package: IntArray
    labels: tuple[str, ...]
    utilities: FloatArray
    accounts: tuple[PartyAccount, ...]

    def sentence(self) -> str:
        """What each party gives, ``"RU gives: ...; UA gives: ..."``."""
        return "; ".join(a.gives_sentence() for a in self.accounts)


def explain_package(
    problem: BargainingProblem, package: Sequence[int] | IntArray
) -> PackageExplanation:
    """Explain a package (option index per issue) as what each party gives and gets.

    Examples
    --------
    >>> import numpy as np
    >>> from offramp.analysis.space import BargainingProblem
    >>> problem = BargainingProblem(("RU", "UA"), ("alignment", "armed_forces"),
    ...     (("nato", "neutral"), ("demilitarized", "capped")), np.ones((2, 2)),
    ...     (np.array([[0.0, 1.0], [1.0, 0.5]]), np.array([[1.0, 0.5], [0.0, 1.0]])),
    ...     np.zeros(2))
    >>> explain_package(problem, [1, 1]).sentence()
    'RU gives: armed_forces demilitarized -> capped; UA gives: alignment nato -> neutral'
    """
    chosen = np.asarray(package, dtype=np.int64)
    costs = concession_costs(problem, chosen)
    ideal = ideal_options(problem)
    gives = costs > 0
    someone_else_gives = gives.sum(axis=0)[None, :] - gives > 0
    gets = ~gives & someone_else_gives
    utilities = problem.utility(chosen.tolist())
    accounts = []
    for p, party in enumerate(problem.parties):
        concessions = tuple(
            Concession(
                issue=problem.issues[i],
                ideal=problem.options[i][int(ideal[p, i])],
                chosen=problem.options[i][int(chosen[i])],
                cost=float(costs[p, i]),
            )
            for i in np.flatnonzero(gives[p])
        )
        accounts.append(
            PartyAccount(
                party=party,
                gives=concessions,
                gets=tuple(problem.issues[i] for i in np.flatnonzero(gets[p])),
                given_up=float(costs[p].sum()),
                utility=float(utilities[p]),
                gain=float(utilities[p] - problem.reservation[p]),
            )
        )
    return PackageExplanation(
        package=chosen,
        labels=package_labels(problem, chosen),
        utilities=utilities,
        accounts=tuple(accounts),
    )


@dataclass(frozen=True)
class RankedPackage:
    """One of the best packages: its rank (1 = best), Nash product and explanation."""

    rank: int
    nash_product: float
    row: int
    explanation: PackageExplanation


def best_packages(
    problem: BargainingProblem, frontier: Frontier | None = None, k: int = 5
) -> tuple[RankedPackage, ...]:
    """The ``k`` best frontier packages in the zone of agreement, each explained.

    Ranked by Nash product of gains over the reservation values, largest first; equal
    products keep the frontier's lexicographic package order. Only packages in the zone
    of agreement are ranked, so the result is empty when the zone is (and shorter than
    ``k`` when the zone is small). The first is the Nash point.
    """
    front = pareto_frontier(problem) if frontier is None else frontier
    products = nash_products(front.utilities, problem.reservation)
    inside = np.flatnonzero(np.isfinite(products))
    ranked = inside[np.argsort(-products[inside], kind="stable")][: max(k, 0)]
    return tuple(
        RankedPackage(
            rank=n + 1,
            nash_product=float(products[row]),
            row=int(row),
            explanation=explain_package(problem, front.packages[row]),
        )
        for n, row in enumerate(ranked)
    )
