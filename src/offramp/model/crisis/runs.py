"""Playbook runs: one incident's playbook with due times, and each step's status.

Starting an incident's playbook instantiates its steps with due times
(:mod:`offramp.model.deadlines`); each step then moves

    pending -> due -> overdue            (by the clock, while nobody acts)
    pending | due | overdue -> done | done late | waived      (by the desk)

and the run closes with an outcome once every step is done or waived.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from offramp.errors import Conflict
from offramp.model.crisis.incidents import Incident
from offramp.model.crisis.playbooks import Playbook, StepSpec
from offramp.model.crisis.records import NO_PROVENANCE, Provenance
from offramp.model.deadlines import format_duration, require_aware


class StepStatus(StrEnum):
    PENDING = "pending"  # waiting for a step it comes after; deadline not passed
    DUE = "due"  # ready to do; deadline not passed
    OVERDUE = "overdue"  # deadline passed, not done
    DONE = "done"  # done by its deadline
    DONE_LATE = "done_late"  # done after its deadline
    WAIVED = "waived"  # not needed; the reason is recorded


@dataclass(frozen=True)
class StepRun:
    """A step instantiated for one incident, with its due time and who did it."""

    spec: StepSpec
    due_at: datetime
    done_by: str = ""
    done_at: datetime | None = None
    channel: str | None = None
    note: str = ""
    waived: str = ""
    waived_at: datetime | None = None
    provenance: Provenance = NO_PROVENANCE

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def finished(self) -> bool:
        return self.done_at is not None or self.waived_at is not None

    def finished_by(self, now: datetime) -> bool:
        """Done or waived at or before ``now``."""
        when = self.done_at if self.done_at is not None else self.waived_at
        return when is not None and when <= now


@dataclass(frozen=True)
class StepView:
    """A step as the desk shows it at one instant."""

    id: str
    title: str
    status: StepStatus
    due_at: datetime
    done_by: str = ""
    done_at: datetime | None = None
    overdue_by: timedelta | None = None
    late_by: timedelta | None = None
    waiting_on: tuple[str, ...] = ()

    def describe(self) -> str:
        """``overdue by 1 h``, ``done late by 2 h 30 min``, ``due``, ..."""
        if self.status is StepStatus.OVERDUE and self.overdue_by is not None:
            return f"overdue by {format_duration(self.overdue_by)}"
        if self.status is StepStatus.DONE_LATE and self.late_by is not None:
            return f"done late by {format_duration(self.late_by)}"
        if self.status is StepStatus.PENDING:
            if not self.waiting_on:
                return "pending (not started)"
            return "pending (after " + ", ".join(self.waiting_on) + ")"
        return self.status.value.replace("_", " ")


@dataclass(frozen=True)
class PlaybookRun:
    """One incident's playbook, started at ``started_at`` (default: its first arrival)."""

    incident: str
    playbook: str
    title: str
    started_at: datetime
    steps: tuple[StepRun, ...]
    outcome: str = ""
    closed_at: datetime | None = None
    closed_by: str = ""
    note: str = ""

    @classmethod
    def start(
        cls, playbook: Playbook, incident: Incident, at: datetime | None = None, note: str = ""
    ) -> PlaybookRun:
        """Instantiate the playbook's steps with due times counted from ``at``."""
        if playbook.incident_type is not incident.type:
            raise Conflict(
                f"Playbook {playbook.id} is for {playbook.incident_type.replace('_', ' ')} "
                f"incidents; incident {incident.id} is {incident.type.replace('_', ' ')}."
            )
        start = incident.first_arrival if at is None else require_aware(at, "start")
        if start < incident.first_arrival:
            raise Conflict(
                f"Incident {incident.id} first arrived at {incident.first_arrival.isoformat()}; "
                "its playbook cannot start before that."
            )
        steps = tuple(StepRun(s, s.due(start)) for s in playbook.steps)
        return cls(incident.id, playbook.id, playbook.title, start, steps, note=note)

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    def step(self, step_id: str) -> StepRun:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise Conflict(f"Playbook {self.playbook} has no step {step_id!r}.")

    def complete(
        self,
        step_id: str,
        by: str,
        at: datetime,
        *,
        channel: str | None = None,
        note: str = "",
        provenance: Provenance = NO_PROVENANCE,
    ) -> PlaybookRun:
        """Record that ``by`` did the step at ``at``."""
        at = require_aware(at, "time the step was done")
        step = self._open_step(step_id, at)
        if not by.strip():
            raise Conflict(f"Say who did step {step_id}.")
        for a in step.spec.after:
            before = self.step(a)
            if not before.finished:
                raise Conflict(
                    f"Step {step_id} comes after {a}, which is not done yet; "
                    f"do {a} first or waive it."
                )
            if before.done_at is not None and at < before.done_at:
                raise Conflict(
                    f"Step {step_id} comes after {a}, done at {before.done_at.isoformat()}; "
                    f"it cannot be done earlier, at {at.isoformat()}."
                )
        done = replace(
            step, done_by=by, done_at=at, channel=channel, note=note, provenance=provenance
        )
        return self._with(done)

    def waive(self, step_id: str, by: str, at: datetime, reason: str) -> PlaybookRun:
        """Mark a step as not needed, with the reason (a waived step unblocks its successors)."""
        at = require_aware(at, "time the step was waived")
        step = self._open_step(step_id, at)
        if not reason.strip():
            raise Conflict(f"Give the reason step {step_id} is waived.")
        return self._with(replace(step, waived=reason, waived_at=at, done_by=by))

    def close(self, by: str, at: datetime, outcome: str) -> PlaybookRun:
        """Close the run with its outcome; every step must be done or waived."""
        at = require_aware(at, "closing time")
        if self.closed_at is not None:
            raise Conflict(
                f"The playbook of incident {self.incident} was already closed by "
                f"{self.closed_by} at {self.closed_at.isoformat()}."
            )
        if not outcome.strip():
            raise Conflict(f"Say how incident {self.incident} ended before closing it.")
        open_steps = [s.id for s in self.steps if not s.finished]
        if open_steps:
            raise Conflict(
                f"Incident {self.incident} still has open steps ({', '.join(open_steps)}); "
                "do or waive them before closing."
            )
        last = max((s.done_at for s in self.steps if s.done_at is not None), default=None)
        if last is not None and at < last:
            raise Conflict(
                f"Incident {self.incident} cannot close at {at.isoformat()}, before its last "
                f"step was done at {last.isoformat()}."
            )
        return replace(self, outcome=outcome, closed_at=at, closed_by=by)

    # -- what the desk shows -------------------------------------------------------------
    def view(self, step_id: str, now: datetime) -> StepView:
        """The step's status at ``now``."""
        now = require_aware(now, "time")
        s = self.step(step_id)
        base = StepView(s.id, s.spec.title, StepStatus.PENDING, s.due_at, s.done_by, s.done_at)
        if s.waived_at is not None and s.waived_at <= now:
            return replace(base, status=StepStatus.WAIVED)
        if s.done_at is not None and s.done_at <= now:
            if s.done_at > s.due_at:
                return replace(base, status=StepStatus.DONE_LATE, late_by=s.done_at - s.due_at)
            return replace(base, status=StepStatus.DONE)
        base = replace(base, done_by="", done_at=None)
        if now < self.started_at:
            return base
        if now > s.due_at:
            return replace(base, status=StepStatus.OVERDUE, overdue_by=now - s.due_at)
        waiting = tuple(a for a in s.spec.after if not self.step(a).finished_by(now))
        if waiting:
            return replace(base, waiting_on=waiting)
        return replace(base, status=StepStatus.DUE)

    def board(self, now: datetime) -> tuple[StepView, ...]:
        """Every step's status at ``now``, in playbook order."""
        return tuple(self.view(s.id, now) for s in self.steps)

    def overdue(self, now: datetime) -> tuple[StepView, ...]:
        return tuple(v for v in self.board(now) if v.status is StepStatus.OVERDUE)

    def next_due(self, now: datetime) -> StepView | None:
        """The open step with the earliest deadline, or None when all are finished."""
        open_views = [
            v
            for v in self.board(now)
            if v.status in (StepStatus.PENDING, StepStatus.DUE, StepStatus.OVERDUE)
        ]
        return min(open_views, key=lambda v: v.due_at, default=None)

    # -- helpers --------------------------------------------------------------------------
    def _open_step(self, step_id: str, at: datetime) -> StepRun:
        if self.closed_at is not None:
            raise Conflict(f"The playbook of incident {self.incident} is closed.")
        step = self.step(step_id)
        if step.waived_at is not None:
            raise Conflict(f"Step {step_id} was waived: {step.waived}.")
        if step.done_at is not None:
            raise Conflict(
                f"Step {step_id} was already done by {step.done_by} at {step.done_at.isoformat()}."
            )
        if at < self.started_at:
            raise Conflict(
                f"Step {step_id} cannot be done at {at.isoformat()}, before the incident's "
                f"playbook started at {self.started_at.isoformat()}."
            )
        return step

    def _with(self, step: StepRun) -> PlaybookRun:
        return replace(self, steps=tuple(step if s.id == step.id else s for s in self.steps))
