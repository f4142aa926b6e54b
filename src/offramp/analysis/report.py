"""One analysis of a case at a date: the deal space, its solutions, ripeness, packages.

``analyze(case, at)`` is what the CLI's ``analyze``, the API and the web desk show;
``AnalysisReport.to_dict()`` is its stable JSON form, documented in ``docs/cli.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from offramp.analysis.bargaining import Solution, bargaining_solutions
from offramp.analysis.enlarge import Enlargement, enlarge
from offramp.analysis.frontier import Frontier, pareto_frontier
from offramp.analysis.packages import RankedPackage, best_packages
from offramp.analysis.problem import CaseProblem, problem_from_case
from offramp.analysis.space import BargainingProblem, FloatArray, IntArray
from offramp.analysis.zone import Ripeness, ripeness, zone_frontier, zone_mask
from offramp.model import Case
from offramp.model.changes import changes_between

#: Bump when a key of ``to_dict()`` changes meaning or disappears.
REPORT_VERSION = 1
#: ``to_dict()`` lists at most this many frontier points (evenly spread over the rows),
#: so that a huge frontier never makes a huge response; ``frontier_listed`` says how many.
FRONTIER_LISTED = 2_000


@dataclass(frozen=True)
class AnalysisReport:
    """Everything the deal-space analysis says about a case on one date."""

    case_id: str
    at: date
    source: CaseProblem
    frontier: Frontier
    solutions: dict[str, Solution | None]
    ripeness: Ripeness
    packages: tuple[RankedPackage, ...]
    enlargement: Enlargement | None
    history: tuple[RipenessPoint, ...] = ()
    why: tuple[str, ...] = ()

    @property
    def problem(self) -> BargainingProblem:
        return self.source.problem

    @property
    def zone_exists(self) -> bool:
        return self.ripeness.ripe

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; keys are stable (see ``docs/cli.md``)."""
        p = self.problem
        front = self.frontier
        listed = _listed_rows(len(front))
        in_zone = zone_mask(front.utilities[listed], p.reservation)
        r = self.ripeness
        return {
            "version": REPORT_VERSION,
            "case": self.case_id,
            "at": self.at.isoformat(),
            "parties": list(p.parties),
            "issues": [
                {"id": i, "options": list(o)} for i, o in zip(p.issues, p.options, strict=True)
            ],
            "reservation": _by_party(p, p.reservation),
            "ideal": _by_party(p, p.ideal()),
            "zone_exists": self.zone_exists,
            "ripe": r.ripe,
            "ripeness": {
                "sentence": r.explain(),
                "zone_size_on_frontier": r.zone_size_on_frontier,
                "opening_concession": float(r.opening_concession),
                "concessions": _by_party(p, r.concessions),
                "package": _options(p, r.package),
                "utilities": _by_party(p, r.utilities),
                "exact": r.exact,
            },
            "outcome_space_size": front.outcome_space_size,
            "frontier_size": len(front),
            "frontier_exact": front.exact,
            "frontier_epsilon": front.epsilon,
            "frontier_epsilon_by_party": _by_party(p, front.epsilon_vector),
            "frontier_true_size": front.frontier_size,
            "frontier_true_size_bound": front.frontier_size_bound or len(front),
            "pareto_packages": front.pareto_packages,
            "frontier_listed": int(listed.size),
            "frontier": [
                {
                    "options": _options(p, pkg),
                    "utilities": _by_party(p, u),
                    "in_zone": bool(z),
                }
                for pkg, u, z in zip(
                    front.packages[listed], front.utilities[listed], in_zone, strict=True
                )
            ],
            **{name: _solution(p, s) for name, s in self.solutions.items()},
            "packages": [_ranked(p, k) for k in self.packages],
            "enlarge": _enlargement(self.enlargement, self.source),
            "history": [h.to_dict() for h in self.history],
            "why": list(self.why),
            "warnings": [*self.source.warnings, *approximation_warnings(self)],
        }


@dataclass(frozen=True)
class RipenessPoint:
    """Ripeness on one date of the case's history."""

    at: date
    ripe: bool
    opening_concession: float
    zone_size_on_frontier: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "ripe": self.ripe,
            "opening_concession": self.opening_concession,
            "zone_size_on_frontier": self.zone_size_on_frontier,
        }


def analyze(
    case: Case, at: date, parties: tuple[str, ...] | None = None, *, top: int = 3
) -> AnalysisReport:
    """Analyse ``case`` on ``at`` for ``parties`` (default: the negotiating parties)."""
    source = problem_from_case(case, at, parties)
    problem = source.problem
    front = pareto_frontier(problem)
    zone = front if front.exact else zone_frontier(problem)
    ripe = ripeness(problem, front if not len(zone) else zone)
    history = ripeness_history(case, source.problem.parties, until=at)
    return AnalysisReport(
        case_id=case.id,
        at=at,
        source=source,
        frontier=front,
        solutions=bargaining_solutions(problem, front),
        ripeness=ripe,
        packages=best_packages(problem, zone, top),
        enlargement=enlarge(problem, source.linked) if source.linked else None,
        history=history,
        why=() if ripe.ripe else why_not_ripe(case, source.problem.parties, at, history),
    )


def approximation_warnings(report: AnalysisReport) -> tuple[str, ...]:
    """Sentences saying what was approximated, for the CLI, API and web to show."""
    front = report.frontier
    if front.exact:
        return ()
    size = (
        f"{front.frontier_size:,}"
        if front.frontier_size is not None
        else f"at most {front.frontier_size_bound:,}"
    )
    out = [
        f"The Pareto frontier ({size} points) is larger than the {len(front):,} kept: every "
        f"Pareto-efficient package is within {front.epsilon:.3g} of a kept one, for every "
        "party."
    ]
    if front.pareto_packages is not None:
        out.append(f"Every one of the {front.pareto_packages:,} packages is Pareto-efficient.")
    for name, s in report.solutions.items():
        if s is not None and not s.exact:
            out.append(
                f"{name} is approximate: the optimum is at most {s.error_bound:.3g} above it."
            )
    return tuple(out)


def _listed_rows(n: int) -> IntArray:
    if n <= FRONTIER_LISTED:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, FRONTIER_LISTED).round().astype(np.int64))


def ripeness_history(
    case: Case, parties: tuple[str, ...], until: date | None = None
) -> tuple[RipenessPoint, ...]:
    """Ripeness on every date some position or reservation changed (up to ``until``).

    Dates on which some party holds no position on any issue on the table are skipped.
    """
    points = []
    for day in case.dates():
        if until is not None and day > until:
            break
        source = problem_from_case(case, day, parties)
        if source.problem.weights.sum(axis=1).min() == 0:
            continue  # some party has no position on the table yet: nothing to judge
        r = ripeness(source.problem)
        points.append(
            RipenessPoint(day, r.ripe, float(r.opening_concession), r.zone_size_on_frontier)
        )
    return tuple(points)


def why_not_ripe(
    case: Case, parties: tuple[str, ...], at: date, history: tuple[RipenessPoint, ...]
) -> tuple[str, ...]:
    """What changed since the last date with a zone of agreement, one sentence each.

    Reservation values that rose (a better no-deal: the battlefield, an annexation)
    come first, with the analyst's note; then the positions that moved.
    """
    ripe_days = [h.at for h in history if h.ripe and h.at < at]
    if not ripe_days:
        return ("No earlier date in the case had a zone of agreement.",)
    since = ripe_days[-1]
    out = [f"There was a zone of agreement on {since.isoformat()}; since then:"]
    for party in parties:
        before, after = case.reservation_at(party, since), case.reservation_at(party, at)
        if before and after and after.value != before.value:
            verb = "rose" if after.value > before.value else "fell"
            note = f" ({after.note})" if after.note else ""
            out.append(
                f"{party}'s no-deal value {verb} from {before.value:.2f} to {after.value:.2f}{note}"
            )
    for shift in changes_between(case, since, at, parties).shifts:
        out.append(shift.sentence())
    return tuple(out)


def _by_party(p: BargainingProblem, values: FloatArray) -> dict[str, float]:
    return {party: float(v) for party, v in zip(p.parties, values, strict=True)}


def _options(p: BargainingProblem, package: IntArray) -> dict[str, str]:
    return {
        issue: opts[int(o)] for issue, opts, o in zip(p.issues, p.options, package, strict=True)
    }


def _solution(p: BargainingProblem, s: Solution | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
        "options": _options(p, s.package),
        "utilities": _by_party(p, s.utilities),
        "value": float(s.value),
        "in_zone": s.in_zone,
        "exact": s.exact,
        "error_bound": float(s.error_bound),
    }


def _ranked(p: BargainingProblem, k: RankedPackage) -> dict[str, Any]:
    e = k.explanation
    return {
        "rank": k.rank,
        "nash_product": k.nash_product,
        "options": _options(p, e.package),
        "utilities": _by_party(p, e.utilities),
        "sentence": e.sentence(),
        "parties": {
            a.party: {
                "gives": [
                    {"issue": c.issue, "from": c.ideal, "to": c.chosen, "cost": c.cost}
                    for c in a.gives
                ],
                "gets": list(a.gets),
                "given_up": a.given_up,
                "utility": a.utility,
                "gain": a.gain,
                "sentence": a.sentence(),
            }
            for a in e.accounts
        },
    }


def _enlargement(e: Enlargement | None, source: CaseProblem) -> dict[str, Any] | None:
    if e is None:
        return None
    return {
        "candidates": [c.id for c in source.linked],
        "chosen": list(e.chosen),
        "goal": e.goal,
        "opens_zone": e.opens_zone,
        "method": e.method,
        "sentence": e.explain(),
        "zone_before": e.zone_before,
        "zone_after": e.zone_after,
        "nash_before": e.nash_before,
        "nash_after": e.nash_after,
        "concession_before": e.concession_before,
        "concession_after": e.concession_after,
    }
