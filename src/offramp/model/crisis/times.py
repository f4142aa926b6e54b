"""Response times: how long each step of an incident's playbook took, against its target.

For one incident with a run, every step is measured twice: from the incident's *first
arrival* (how long the desk took since it first heard) and from the *run's start* (the
playbook's own clock, which the targets count from). A step's target is its deadline
less the start, so a wall-clock deadline ("by 18:00 New York the next day") has a target
in hours too. Over many incidents, :func:`desk_times` gives, per playbook step, the
median and the worst time from the start, and how many were late.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from offramp.model.crisis.incidents import Incident
from offramp.model.crisis.runs import PlaybookRun, StepRun
from offramp.model.deadlines import require_aware


class TimeStatus(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    OPEN = "open"  # not done, deadline not passed
    OVERDUE = "overdue"  # not done, deadline passed
    WAIVED = "waived"


@dataclass(frozen=True)
class StepTime:
    """One step of one incident: its target, and how long it took (None while open)."""

    step: str
    title: str
    target: timedelta
    due_at: datetime
    done_at: datetime | None
    since_arrival: timedelta | None
    since_start: timedelta | None
    status: TimeStatus

    @property
    def margin(self) -> timedelta | None:
        """How long before its deadline it was done (negative: how late)."""
        return None if self.done_at is None else self.due_at - self.done_at


@dataclass(frozen=True)
class IncidentTimes:
    """Every step's time for one incident's run."""

    incident: str
    title: str
    playbook: str
    first_arrival: datetime
    started_at: datetime
    steps: tuple[StepTime, ...]

    def step(self, step_id: str) -> StepTime:
        for s in self.steps:
            if s.step == step_id:
                return s
        raise KeyError(f"incident {self.incident!r} has no step {step_id!r}")


def _status(s: StepRun, now: datetime) -> TimeStatus:
    if s.waived_at is not None and s.waived_at <= now:
        return TimeStatus.WAIVED
    if s.done_at is not None and s.done_at <= now:
        return TimeStatus.LATE if s.done_at > s.due_at else TimeStatus.ON_TIME
    return TimeStatus.OVERDUE if now > s.due_at else TimeStatus.OPEN


def response_times(incident: Incident, run: PlaybookRun, now: datetime) -> IncidentTimes:
    """The incident's step times as known at ``now`` (steps done later count as open)."""
    now = require_aware(now, "time")
    first = incident.first_arrival
    steps = []
    for s in run.steps:
        status = _status(s, now)
        done = s.done_at if status in (TimeStatus.ON_TIME, TimeStatus.LATE) else None
        steps.append(
            StepTime(
                s.id,
                s.spec.title,
                s.due_at - run.started_at,
                s.due_at,
                done,
                None if done is None else done - first,
                None if done is None else done - run.started_at,
                status,
            )
        )
    return IncidentTimes(incident.id, incident.title, run.playbook, first, run.started_at,
                         tuple(steps))  # fmt: skip


@dataclass(frozen=True)
class StepSummary:
    """One playbook step over every incident that ran it: times from the run's start."""

    playbook: str
    step: str
    title: str
    incidents: int  # runs that have the step
    done: int  # of which done (on time or late)
    late: int  # done late, or overdue and still open
    median: timedelta | None
    worst: timedelta | None
    worst_incident: str
    target: timedelta | None  # the same for every run with an hours target, else None


def desk_times(times: Iterable[IncidentTimes]) -> tuple[StepSummary, ...]:
    """Per (playbook, step), in playbook order: the median and the worst time taken."""
    groups: dict[tuple[str, str], list[tuple[str, StepTime]]] = {}
    for t in times:
        for s in t.steps:
            groups.setdefault((t.playbook, s.step), []).append((t.incident, s))
    out = []
    for (playbook, step), rows in groups.items():
        taken = [(s.since_start, inc) for inc, s in rows if s.since_start is not None]
        seconds = [d.total_seconds() for d, _ in taken]
        worst = max(taken, default=None, key=lambda p: p[0])
        targets = {s.target for _, s in rows}
        out.append(
            StepSummary(
                playbook,
                step,
                rows[0][1].title,
                len(rows),
                len(taken),
                sum(s.status in (TimeStatus.LATE, TimeStatus.OVERDUE) for _, s in rows),
                timedelta(seconds=statistics.median(seconds)) if seconds else None,
                worst[0] if worst else None,
                worst[1] if worst else "",
                targets.pop() if len(targets) == 1 else None,
            )
        )
    return tuple(out)
