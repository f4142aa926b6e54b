"""The analysis of a stored case, for members allowed to read it. A thin layer.

:meth:`AnalysisService.report` checks ``analysis.read`` (the mediator, the analyst, or
a member the analysis was shared with) and returns the same
:class:`~offramp.analysis.report.AnalysisReport` the CLI's ``analyze`` prints:
``offramp.analysis.report.analyze(case, at, parties)``. Reports are kept per case
version, date and parties (a few dozen, least recently used first out): a case
changes only through a new version, so a kept report is never stale.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date
from threading import Lock

from offramp.analysis.report import AnalysisReport, analyze
from offramp.errors import InputError
from offramp.model.access import Action
from offramp.model.deadlines import Clock
from offramp.services.access import AccessPolicy, Actor
from offramp.services.base import UseCases
from offramp.services.stored_case import read_case
from offramp.store.uow import UowFactory

KEEP = 64


class AnalysisService(UseCases):
    def __init__(self, uow: UowFactory, policy: AccessPolicy, clock: Clock) -> None:
        super().__init__(uow, policy, clock)
        self._kept: OrderedDict[tuple[int, int, date, tuple[str, ...] | None], AnalysisReport]
        self._kept = OrderedDict()
        self._lock = Lock()

    def report(
        self,
        actor: Actor | None,
        slug: str,
        at: date | None = None,
        parties: tuple[str, ...] | None = None,
    ) -> AnalysisReport:
        """The deal-space analysis of case ``slug`` on ``at`` (default: its last date)."""
        with self.uow() as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            self.policy.require(scope, Action.ANALYSIS_READ, shared=scope.shared("analysis"))
            case = read_case(uow, scope.case)
        negotiating = case.negotiating_parties()
        known = {p.id for p in case.parties}  # an unknown party is the analysis' own error
        for p in parties or ():
            if p in known and p not in negotiating:  # a mediator is not a side of a deal
                raise InputError(
                    "parties",
                    f"{p!r} is not a negotiating party; the case has {', '.join(negotiating)}",
                )
        day = at or max(case.dates(), default=self.clock.now().date())
        key = (scope.case.id, scope.case.version, day, parties or None)
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
                return kept
        report = analyze(case, day, parties or None)
        with self._lock:
            self._kept[key] = report
            while len(self._kept) > KEEP:
                self._kept.popitem(last=False)
        return report
