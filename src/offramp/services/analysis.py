"""The analysis of a stored case, for members allowed to read it. A thin layer.

It builds the bargaining problem with ``offramp.analysis.problem.problem_from_case``
and, when the outcome space is small enough to enumerate, finds the zone of
agreement and the Nash package with ``offramp.analysis.montecarlo.zone_and_nash``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from offramp.analysis.montecarlo import MAX_PACKAGES, zone_and_nash
from offramp.analysis.problem import problem_from_case
from offramp.model.access import Action
from offramp.services.access import AccessPolicy, Actor
from offramp.store.uow import UowFactory


@dataclass(frozen=True)
class AnalysisView:
    at: date
    parties: tuple[str, ...]
    issues: tuple[str, ...]
    ideal: tuple[float, ...]
    reservation: tuple[float, ...]
    packages: int
    zone: bool | None
    nash: dict[str, str] | None
    nash_utility: tuple[float, ...] | None
    warnings: tuple[str, ...]


class AnalysisService:
    def __init__(self, uow: UowFactory, policy: AccessPolicy) -> None:
        self.uow = uow
        self.policy = policy

    def analyse(self, actor: Actor | None, slug: str, at: date | None = None) -> AnalysisView:
        with self.uow() as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            self.policy.require(scope, Action.ANALYSIS_READ, shared=scope.shared("analysis"))
            case = uow.repo.get_case(scope.case)
        day = at or max(case.dates(), default=date.today())  # noqa: DTZ011
        cp = problem_from_case(case, day)
        bp = cp.problem
        zone: bool | None = None
        nash: dict[str, str] | None = None
        util: tuple[float, ...] | None = None
        if bp.size <= MAX_PACKAGES:
            z, n, u = zone_and_nash(
                [v[None] for v in bp.values], bp.weights[None], bp.reservation[None]
            )
            zone = bool(z[0])
            if zone:
                idx = np.unravel_index(int(n[0]), tuple(len(o) for o in bp.options))
                nash = {bp.issues[i]: bp.options[i][int(k)] for i, k in enumerate(idx)}
                util = tuple(float(x) for x in u[0])
        return AnalysisView(
            day,
            bp.parties,
            bp.issues,
            tuple(float(x) for x in bp.ideal()),
            tuple(float(x) for x in bp.reservation),
            bp.size,
            zone,
            nash,
            util,
            cp.warnings,
        )
