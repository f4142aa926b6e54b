"""What the sweep applies for the desk on call, in one case inside its lease: every
escalation action due under the escalation policies, exactly once, and a
``heartbeat_missed`` incident for every heartbeat a channel missed.

An action is due when its instant has come and its subject (a notification's
acknowledgement, a playbook step) was not acknowledged or done before that instant.
"Exactly once" rests on a unique row per (subject, policy, action key).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from offramp.model.crisis import ChannelLevel, CrisisDesk, IncidentType
from offramp.model.crisis.escalation import DueAction, EscalationPolicy, PolicyAction, choose_policy
from offramp.model.crisis.recipients import Acknowledgements
from offramp.store.crisis_oncall import AppliedAction
from offramp.store.crisis_repository import CrisisRepository
from offramp.store.uow import UnitOfWork

SWEEPER = "sweep"
_ESCALATION_EVENTS = {
    PolicyAction.RESEND: "crisis.escalation.resend",
    PolicyAction.ESCALATE: "crisis.escalation.escalate",
}


def notification_subject(notification: str) -> str:
    return f"notification:{notification}"


def step_subject(incident: str, step: str) -> str:
    return f"step:{incident}:{step}"


def late_subjects(
    desk: CrisisDesk, acks: dict[str, Acknowledgements], policies: Sequence[EscalationPolicy]
) -> list[tuple[str, EscalationPolicy, datetime, Any, datetime | None]]:
    """Every late-able subject with its policy: (subject, policy, late since, channel
    level, stopped at or None)."""
    out: list[tuple[str, EscalationPolicy, datetime, Any, datetime | None]] = []
    for n in desk.notifications:
        policy = choose_policy(policies, kind=n.kind.value)
        if policy is None:
            continue
        level = _channel_level(desk, n.channel)
        stopped = n.acknowledged_at  # set when the last named recipient acknowledged
        out.append((notification_subject(n.id), policy, n.ack_due, level, stopped))
    for run in desk.runs:
        for s in run.steps:
            policy = choose_policy(policies, playbook=run.playbook, step=s.id)
            if policy is None:
                continue
            stopped = s.done_at or s.waived_at or run.closed_at
            level = _channel_level(desk, s.spec.channel)
            out.append((step_subject(run.incident, s.id), policy, s.due_at, level, stopped))
    return out


def _channel_level(desk: CrisisDesk, channel: str | None) -> Any:
    if channel is None:
        return None
    try:
        return desk.channel(channel).level
    except KeyError:
        pass
    try:
        return ChannelLevel(channel)
    except ValueError:
        return None


def due_actions(
    desk: CrisisDesk,
    acks: dict[str, Acknowledgements],
    policies: Sequence[EscalationPolicy],
    now: datetime,
) -> list[tuple[str, str, DueAction]]:
    """(subject, policy, action) for every action due by ``now`` and not stopped before it."""
    out = []
    for subject, policy, late, level, stopped in late_subjects(desk, acks, policies):
        for action in policy.schedule(late, level):
            if action.at > now:
                break
            if stopped is not None and stopped <= action.at:
                break
            out.append((subject, policy.id, action))
    return out


def sweep_oncall(
    uow: UnitOfWork,
    case_id: int,
    slug: str,
    desk: CrisisDesk,
    now: datetime,
    policies: Sequence[EscalationPolicy],
) -> tuple[list[str], list[str]]:
    """Apply every escalation action due by ``now`` exactly once, and raise a
    ``heartbeat_missed`` incident for every heartbeat missed; returns (actions, incidents)."""
    repo = uow.crisis
    done = {(a.subject, a.policy, a.key) for a in repo.actions(case_id)}
    applied = []
    named = repo.recipients(case_id)
    for subject, policy, action in due_actions(desk, named, policies, now):
        if (subject, policy, action.key) in done:
            continue
        data = {
            "action": action.action.value,
            "level": action.level.value if action.level is not None else None,
            "step": action.step,
            "repetition": action.repetition,
            "to": list(named[subject].pending(action.at)) if subject in named else [],
        }
        repo.add_action(case_id, AppliedAction(subject, policy, action.key, action.at, now, data))
        uow.audit(
            slug,
            SWEEPER,
            _ESCALATION_EVENTS[action.action],
            {"subject": subject, "policy": policy, "action": action.key,
             "due_at": action.at.isoformat(), **data},
        )  # fmt: skip
        applied.append(f"{subject} {policy} {action.key}")
    raised = []
    known = {i.id for i in desk.incidents}
    beats = channel_messages(repo, case_id, desk)
    for hb in repo.heartbeats(case_id):
        channel = desk.channel(hb.channel)
        for missed in hb.missed(beats.get(hb.channel, []), now):
            inc = hb.incident(channel, missed)
            if inc.id in known:
                continue
            repo.add_incident(case_id, inc)
            known.add(inc.id)
            uow.audit(
                slug,
                SWEEPER,
                "crisis.incident.log",
                {"incident": inc.id, "type": inc.type.value, "sweep": True},
            )
            raised.append(inc.id)
    return applied, raised


_RAISED_BY_THE_DESK = (IncidentType.HEARTBEAT_MISSED, IncidentType.NOTIFICATION_MISSED)


def channel_messages(
    repo: CrisisRepository, case_id: int, desk: CrisisDesk
) -> dict[str, list[datetime]]:
    """Messages on each channel: recorded messages and incidents arriving through it."""
    out: dict[str, list[datetime]] = {}
    for channel, at, _, _ in repo.messages(case_id):
        out.setdefault(channel, []).append(at)
    for inc in desk.incidents:
        if inc.type in _RAISED_BY_THE_DESK:
            continue  # the desk's own incidents arrive at a deadline: not a message
        for a in inc.arrivals:
            out.setdefault(a.channel, []).append(a.at)
    return out
