"""Sweeps that run themselves: acknowledgement and step deadlines, checked on a schedule.

For each case, one write transaction under the case's sweep lease
(``store.events.sweep_lease``: an advisory lock on PostgreSQL; SQLite's write lock):

- every notification whose acknowledgement is overdue at the clock's now and not raised
  before becomes a ``notification_missed`` incident (the same incidents, the same audit
  event, as the desk's "check overdue acknowledgements" button,
  ``CrisisService.sweep_acknowledgements``);
- every playbook step that became due or overdue is recorded once, as a
  ``crisis.step.due`` or ``crisis.step.overdue`` event of the case's chain (what the
  live desk shows as ``step.due`` and ``step.overdue``).

- every escalation action due under the escalation policies (re-send, escalate) for a
  late acknowledgement or step is applied once, as a ``crisis.escalation.resend`` or
  ``crisis.escalation.escalate`` event (``services.crisis_oncall.sweep_oncall``);
- every heartbeat a channel missed raises a ``heartbeat_missed`` incident, once.

"Once" holds across processes: a process that does not get the lease skips the case
this round, and the one that does reads, inside the lease, what was raised before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from offramp.files.escalation import builtin_policies
from offramp.model.crisis.escalation import EscalationPolicy
from offramp.model.crisis.runs import StepStatus
from offramp.model.deadlines import Clock, require_aware
from offramp.services.crisis_sweep import sweep_oncall
from offramp.store import events as store_events
from offramp.store.uow import UowFactory

SWEEPER = "sweep"  # the audit actor of what the sweeps raise
STEP_ACTIONS = {StepStatus.DUE: "crisis.step.due", StepStatus.OVERDUE: "crisis.step.overdue"}


@dataclass(frozen=True)
class SweepReport:
    """What one round raised, and the cases another process was sweeping."""

    incidents: tuple[tuple[str, str], ...] = ()  # (case, incident)
    steps: tuple[tuple[str, str, str, str], ...] = ()  # (case, incident, step, due|overdue)
    skipped: tuple[str, ...] = ()
    escalations: tuple[tuple[str, str], ...] = ()  # (case, "subject policy action")


class SweepService:
    """Runs the deadline sweeps of every case at the injected clock's now."""

    def __init__(
        self, uow: UowFactory, clock: Clock, policies: Sequence[EscalationPolicy] | None = None
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.policies = tuple(builtin_policies().values()) if policies is None else policies
        self._escalated: list[str] = []

    def run(self) -> SweepReport:
        with self.uow() as uow:
            slugs = store_events.case_slugs(uow.conn)
        incidents: list[tuple[str, str]] = []
        steps: list[tuple[str, str, str, str]] = []
        skipped: list[str] = []
        escalations: list[tuple[str, str]] = []
        for slug in slugs:
            self._escalated = []
            got = self.sweep_case(slug)
            if got is None:
                skipped.append(slug)
                continue
            incidents += [(slug, i) for i in got[0]]
            steps += [(slug, *s) for s in got[1]]
            escalations += [(slug, e) for e in self._escalated]
        return SweepReport(tuple(incidents), tuple(steps), tuple(skipped), tuple(escalations))

    def sweep_case(self, slug: str) -> tuple[list[str], list[tuple[str, str, str]]] | None:
        """Raise what is due in case ``slug``; None if another process holds its lease."""
        now = require_aware(self.clock.now(), "clock time")
        with self.uow(write=True) as uow:
            if not store_events.sweep_lease(uow.conn, slug):
                return None
            row = uow.repo.get_case_row(slug)
            if row is None:
                return [], []
            desk = uow.crisis.load(row.id)
            raised = []
            for inc in desk.missed_acknowledgements(now):
                uow.crisis.add_incident(row.id, inc)
                uow.audit(
                    slug,
                    SWEEPER,
                    "crisis.incident.log",
                    {"incident": inc.id, "type": inc.type.value, "sweep": True},
                )
                raised.append(inc.id)
            done = {
                (action, str(p["incident"]), str(p["step"]))
                for action, payloads in (
                    (a, store_events.recorded(uow.conn, slug, [a])) for a in STEP_ACTIONS.values()
                )
                for p in payloads
            }
            marked = []
            for run in desk.runs:
                if run.closed:
                    continue
                for view in run.board(now):
                    action = STEP_ACTIONS.get(view.status)
                    if action is None or (action, run.incident, view.id) in done:
                        continue
                    uow.audit(
                        slug,
                        SWEEPER,
                        action,
                        {
                            "incident": run.incident,
                            "step": view.id,
                            "due_at": view.due_at.isoformat(),
                        },
                    )
                    marked.append((run.incident, view.id, view.status.value))
            self._escalated, beats = sweep_oncall(uow, row.id, slug, desk, now, self.policies)
            raised += beats
            if raised or marked or self._escalated:
                uow.commit()
        return raised, marked
