"""The crisis desk on call, under ``/cases/{case}/crisis``: response times against the
playbook, named recipients and their acknowledgements, escalation actions, jumps and
repeats on a running playbook, channel heartbeats and messages, incident roles, the
shared timeline (and its HTML report), and the review after an incident.

Reading needs ``crisis.read``, changing ``crisis.write``; times carry an offset, and a
time given for something that happened may not be later than the server's clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, TypedDict, Unpack

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from offramp.api.bodies import record_out
from offramp.api.deps import MaybeActor, ServicesDep
from offramp.api.routes import PROBLEMS, CaseSlug
from offramp.api.routes.crisis_kit import At, Key, Party, PathKey, Short, Text, hours
from offramp.api.schemas import plain_text
from offramp.files.crisis import MAX_HOURS, Moment
from offramp.model.crisis import IncidentType, PlaybookRun
from offramp.model.crisis.journal import EntryKind, IncidentRole, Review, TimelineEntry
from offramp.model.crisis.times import IncidentTimes, StepSummary
from offramp.services.crisis_oncall import (
    HeartbeatView,
    OncallView,
    PlannedAction,
    RecipientsView,
)

router = APIRouter(prefix="/cases/{case}/crisis", responses=PROBLEMS, tags=["crisis on call"])

PartyPath = Annotated[str, Path(pattern=r"^[A-Z][A-Z0-9_]*$", max_length=20)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    _plain_text = field_validator("*")(plain_text)


# -- response times -------------------------------------------------------------------------


class StepTimeOut(BaseModel):
    step: str
    title: str
    status: str
    target_hours: float
    due_at: dt.datetime
    done_at: dt.datetime | None
    hours_since_arrival: float | None
    hours_since_start: float | None
    margin_hours: float | None


class IncidentTimesOut(BaseModel):
    incident: str
    title: str
    playbook: str
    first_arrival: dt.datetime
    started_at: dt.datetime
    steps: list[StepTimeOut]


class StepSummaryOut(BaseModel):
    playbook: str
    step: str
    title: str
    incidents: int
    done: int
    late: int
    median_hours: float | None
    worst_hours: float | None
    worst_incident: str
    target_hours: float | None


class DeskTimesOut(BaseModel):
    at: dt.datetime
    incidents: list[IncidentTimesOut]
    steps: list[StepSummaryOut]


def times_out(t: IncidentTimes) -> IncidentTimesOut:
    return record_out(
        IncidentTimesOut,
        t,
        steps=[
            record_out(
                StepTimeOut,
                s,
                target_hours=s.target.total_seconds() / 3600,
                hours_since_arrival=hours(s.since_arrival),
                hours_since_start=hours(s.since_start),
                margin_hours=hours(s.margin),
            )
            for s in t.steps
        ],
    )


def summary_out(s: StepSummary) -> StepSummaryOut:
    return record_out(
        StepSummaryOut,
        s,
        median_hours=hours(s.median),
        worst_hours=hours(s.worst),
        target_hours=hours(s.target),
    )


@router.get("/times", name="crisis_desk_times", response_model=DeskTimesOut)
def desk_times(
    case: CaseSlug,
    actor: MaybeActor,
    services: ServicesDep,
    at: At = None,
    type: Annotated[IncidentType | None, Query(description="Only this type.")] = None,
) -> DeskTimesOut:
    """Every incident's step times against the playbook, and per step the median and worst."""
    d = services.crisis.desk_times(actor, case, type, at)
    return DeskTimesOut(
        at=d.at,
        incidents=[times_out(t) for t in d.incidents],
        steps=[summary_out(s) for s in d.steps],
    )


@router.get(
    "/incidents/{incident}/times", name="crisis_incident_times", response_model=IncidentTimesOut
)
def incident_times(
    case: CaseSlug, incident: PathKey, actor: MaybeActor, services: ServicesDep, at: At = None
) -> IncidentTimesOut:
    """How long each step took, from the first arrival and from the run's start."""
    return times_out(services.crisis.response_times(actor, case, incident, at))


# -- named recipients -----------------------------------------------------------------------


class RecipientsIn(_In):
    recipients: Annotated[list[Party], Field(min_length=1, max_length=50)]


class RecipientAckIn(_In):
    by: str = Field("", max_length=200, description="Who acknowledged (default: the recipient).")
    at: Moment | None = Field(None, description="When (default: now).")
    channel: Key | None = None


class RecipientOut(BaseModel):
    recipient: str
    acknowledged_at: dt.datetime | None
    by: str
    channel: str | None


class RecipientsOut(BaseModel):
    subject: str
    recipients: list[RecipientOut]
    pending: list[str]
    completed_at: dt.datetime | None


def recipients_out(v: RecipientsView) -> RecipientsOut:
    return RecipientsOut(
        subject=v.subject,
        recipients=[
            RecipientOut(
                recipient=a.recipient,
                acknowledged_at=a.at if a.recipient not in v.pending else None,
                by=a.by if a.recipient not in v.pending else "",
                channel=a.channel if a.recipient not in v.pending else None,
            )
            for a in v.acknowledgements.acks
        ],
        pending=list(v.pending),
        completed_at=v.completed_at,
    )


@router.get("/recipients", name="crisis_recipient_list", response_model=list[RecipientsOut])
def list_recipients(
    case: CaseSlug, actor: MaybeActor, services: ServicesDep, at: At = None
) -> list[RecipientsOut]:
    """Every notification and step with named recipients, and who has not acknowledged."""
    return [recipients_out(v) for v in services.crisis.recipients(actor, case, at)]


@router.put(
    "/notifications/{notification}/recipients",
    name="crisis_notification_recipients",
    response_model=RecipientsOut,
)
def name_notification_recipients(
    case: CaseSlug,
    notification: PathKey,
    body: RecipientsIn,
    actor: MaybeActor,
    services: ServicesDep,
) -> RecipientsOut:
    """Name every party who must acknowledge the notification (each on its own)."""
    return recipients_out(
        services.crisis.name_recipients(actor, case, body.recipients, notification=notification)
    )


@router.post(
    "/notifications/{notification}/recipients/{recipient}/acknowledge",
    name="crisis_notification_recipient_acknowledge",
    response_model=RecipientsOut,
)
def acknowledge_notification_recipient(
    case: CaseSlug,
    notification: PathKey,
    recipient: PartyPath,
    body: RecipientAckIn,
    actor: MaybeActor,
    services: ServicesDep,
) -> RecipientsOut:
    """One recipient acknowledged; the last one acknowledges the notification."""
    return _acknowledged(services, actor, case, recipient, body, notification=notification)


@router.put(
    "/incidents/{incident}/steps/{step}/recipients",
    name="crisis_step_recipients",
    response_model=RecipientsOut,
)
def name_step_recipients(
    case: CaseSlug,
    incident: PathKey,
    step: PathKey,
    body: RecipientsIn,
    actor: MaybeActor,
    services: ServicesDep,
) -> RecipientsOut:
    """Name every party who must acknowledge the step; it is done when the last one has."""
    return recipients_out(
        services.crisis.name_recipients(actor, case, body.recipients, incident=incident, step=step)
    )


@router.post(
    "/incidents/{incident}/steps/{step}/recipients/{recipient}/acknowledge",
    name="crisis_step_recipient_acknowledge",
    response_model=RecipientsOut,
)
def acknowledge_step_recipient(
    case: CaseSlug,
    incident: PathKey,
    step: PathKey,
    recipient: PartyPath,
    body: RecipientAckIn,
    actor: MaybeActor,
    services: ServicesDep,
) -> RecipientsOut:
    """One recipient acknowledged the step."""
    return _acknowledged(services, actor, case, recipient, body, incident=incident, step=step)


class _Subject(TypedDict, total=False):
    notification: str
    incident: str
    step: str


def _acknowledged(
    services: ServicesDep,
    actor: MaybeActor,
    case: str,
    recipient: str,
    body: RecipientAckIn,
    **subject: Unpack[_Subject],
) -> RecipientsOut:
    """Record one recipient's acknowledgement of a notification, or of an incident's step."""
    done = services.crisis.acknowledge_recipient(
        actor, case, recipient, by=body.by, at=body.at, channel=body.channel, **subject
    )
    return recipients_out(done)


# -- escalation, jumps and repeats ----------------------------------------------------------


class ActionOut(BaseModel):
    subject: str
    policy: str
    action: str
    key: str
    level: str | None
    due_at: dt.datetime
    applied_at: dt.datetime | None


def action_out(p: PlannedAction) -> ActionOut:
    return ActionOut(
        subject=p.subject,
        policy=p.policy,
        action=p.action.action.value,
        key=p.action.key,
        level=p.action.level.value if p.action.level is not None else None,
        due_at=p.action.at,
        applied_at=p.applied_at,
    )


@router.get("/escalations", name="crisis_escalation_actions", response_model=list[ActionOut])
def escalations(
    case: CaseSlug, actor: MaybeActor, services: ServicesDep, at: At = None
) -> list[ActionOut]:
    """Escalation actions due for late acknowledgements and steps (applied or not yet),
    and the next one to come for each."""
    return [action_out(p) for p in services.crisis.escalations(actor, case, at)]


class DirectiveIn(_In):
    at: Moment | None = Field(None, description="When (default: now).")


class RunStepOut(BaseModel):
    id: str
    due_at: dt.datetime
    done_at: dt.datetime | None
    waived: str


class RunStepsOut(BaseModel):
    incident: str
    playbook: str
    steps: list[RunStepOut]


def run_steps_out(run: PlaybookRun) -> RunStepsOut:
    return RunStepsOut(
        incident=run.incident,
        playbook=run.playbook,
        steps=[RunStepOut(id=s.id, due_at=s.due_at, done_at=s.done_at, waived=s.waived)
               for s in run.steps],
    )  # fmt: skip


@router.post(
    "/incidents/{incident}/steps/{step}/jump", name="crisis_step_jump", response_model=RunStepsOut
)
def jump(
    case: CaseSlug,
    incident: PathKey,
    step: PathKey,
    body: DirectiveIn,
    actor: MaybeActor,
    services: ServicesDep,
) -> RunStepsOut:
    """Jump to the step: every open step before it is waived."""
    return run_steps_out(services.crisis.jump_to_step(actor, case, incident, step, body.at))


@router.post(
    "/incidents/{incident}/steps/{step}/repeat",
    name="crisis_step_repeat",
    response_model=RunStepsOut,
)
def repeat(
    case: CaseSlug,
    incident: PathKey,
    step: PathKey,
    body: DirectiveIn,
    actor: MaybeActor,
    services: ServicesDep,
) -> RunStepsOut:
    """Repeat from the step: it and those after it open again, due from now."""
    return run_steps_out(services.crisis.repeat_from_step(actor, case, incident, step, body.at))


# -- heartbeats and messages ----------------------------------------------------------------


class HeartbeatIn(_In):
    expected_from: Party
    every_hours: Annotated[float, Field(gt=0, le=MAX_HOURS)]
    grace_hours: Annotated[float, Field(ge=0, le=MAX_HOURS)] = 0.0
    since: Moment | None = Field(None, description="From when (default: now).")
    what: Short = "routine message"


class MessageIn(_In):
    sender: Short
    text: Text
    at: Moment | None = None
    incident: Key | None = Field(None, description="Put it on this incident's timeline too.")


class HeartbeatOut(BaseModel):
    channel: str
    expected_from: str
    every_hours: float
    grace_hours: float
    since: dt.datetime
    what: str
    last_message: dt.datetime | None
    next_due: dt.datetime
    missed: list[dt.datetime]


class MessageOut(BaseModel):
    channel: str
    at: dt.datetime


def heartbeat_out(v: HeartbeatView) -> HeartbeatOut:
    return record_out(HeartbeatOut, v.heartbeat, v)


@router.get("/heartbeats", name="crisis_heartbeat_list", response_model=list[HeartbeatOut])
def heartbeats(
    case: CaseSlug, actor: MaybeActor, services: ServicesDep, at: At = None
) -> list[HeartbeatOut]:
    """Each channel's heartbeat: the last message, when the next is due, the misses."""
    return [heartbeat_out(v) for v in services.crisis.heartbeats(actor, case, at)]


@router.put(
    "/channels/{channel}/heartbeat", name="crisis_heartbeat_expect", response_model=HeartbeatOut
)
def expect_heartbeat(
    case: CaseSlug, channel: PathKey, body: HeartbeatIn, actor: MaybeActor, services: ServicesDep
) -> HeartbeatOut:
    """Expect a message on the channel at an interval (a daily hotline test)."""
    services.crisis.expect_heartbeat(
        actor, case, channel, expected_from=body.expected_from, every_hours=body.every_hours,
        grace_hours=body.grace_hours, since=body.since, what=body.what,
    )  # fmt: skip
    views = services.crisis.heartbeats(actor, case)
    return heartbeat_out(next(v for v in views if v.heartbeat.channel == channel))


@router.post(
    "/channels/{channel}/messages",
    name="crisis_channel_message",
    response_model=MessageOut,
    status_code=201,
)
def post_message(
    case: CaseSlug, channel: PathKey, body: MessageIn, actor: MaybeActor, services: ServicesDep
) -> MessageOut:
    """A message passed on the channel (it counts as the channel's heartbeat)."""
    at = services.crisis.record_message(
        actor, case, channel, sender=body.sender, text=body.text, at=body.at,
        incident=body.incident,
    )  # fmt: skip
    return MessageOut(channel=channel, at=at)


# -- roles, the timeline, the review --------------------------------------------------------


class RoleIn(_In):
    holder: Short


class AnswerableIn(_In):
    role: IncidentRole


class RoleOut(BaseModel):
    role: str
    holder: str
    since: dt.datetime
    named_by: str


class DutyOut(BaseModel):
    step: str
    role: str
    holder: str
    pending: list[str] | None


class OncallOut(BaseModel):
    incident: str
    roles: list[RoleOut]
    steps: list[DutyOut]


def oncall_out(v: OncallView) -> OncallOut:
    return OncallOut(
        incident=v.incident,
        roles=[RoleOut(role=r.role.value, holder=r.holder, since=r.since, named_by=r.named_by)
               for r in v.roles.values()],
        steps=[DutyOut(step=d.step, role=d.role.value, holder=d.holder,
                       pending=None if d.recipients is None else list(d.recipients.pending))
               for d in v.steps],
    )  # fmt: skip


@router.get("/incidents/{incident}/oncall", name="crisis_oncall_read", response_model=OncallOut)
def oncall(
    case: CaseSlug, incident: PathKey, actor: MaybeActor, services: ServicesDep, at: At = None
) -> OncallOut:
    """The incident's roles, and per step who answers for it and who has not acknowledged."""
    return oncall_out(services.crisis.oncall(actor, case, incident, at))


@router.put(
    "/incidents/{incident}/roles/{role}", name="crisis_role_assign", response_model=OncallOut
)
def assign_role(
    case: CaseSlug,
    incident: PathKey,
    role: IncidentRole,
    body: RoleIn,
    actor: MaybeActor,
    services: ServicesDep,
) -> OncallOut:
    """Name who holds a role (lead, scribe, ally_liaison, body_liaison) on the incident."""
    services.crisis.assign_role(actor, case, incident, role, body.holder)
    return oncall_out(services.crisis.oncall(actor, case, incident))


@router.put(
    "/incidents/{incident}/steps/{step}/answerable",
    name="crisis_step_answerable",
    response_model=OncallOut,
)
def answerable(
    case: CaseSlug,
    incident: PathKey,
    step: PathKey,
    body: AnswerableIn,
    actor: MaybeActor,
    services: ServicesDep,
) -> OncallOut:
    """Make a role answerable for the step (the lead is, until another is named)."""
    return oncall_out(services.crisis.make_answerable(actor, case, incident, step, body.role))


class NoteIn(_In):
    text: Text
    kind: EntryKind = EntryKind.NOTE
    at: Moment | None = None


class EntryOut(BaseModel):
    at: dt.datetime
    kind: str
    who: str
    text: str
    ref: str


def entry_out(e: TimelineEntry) -> EntryOut:
    return record_out(EntryOut, e)


@router.get(
    "/incidents/{incident}/timeline", name="crisis_timeline_read", response_model=list[EntryOut]
)
def timeline(
    case: CaseSlug, incident: PathKey, actor: MaybeActor, services: ServicesDep, at: At = None
) -> list[EntryOut]:
    """Every arrival, step, acknowledgement, message, decision and note, in order."""
    return [entry_out(e) for e in services.crisis.incident_timeline(actor, case, incident, at)]


@router.post(
    "/incidents/{incident}/timeline",
    name="crisis_timeline_note",
    response_model=EntryOut,
    status_code=201,
)
def add_note(
    case: CaseSlug, incident: PathKey, body: NoteIn, actor: MaybeActor, services: ServicesDep
) -> EntryOut:
    """Write a note, a message or a decision onto the timeline."""
    return entry_out(services.crisis.add_note(actor, case, incident, body.text, body.kind, body.at))


@router.get(
    "/incidents/{incident}/report",
    name="crisis_timeline_report",
    response_model=None,
    responses={
        200: {
            "content": {"text/html": {"schema": {"type": "string"}}},
            "description": "The report, as HTML (errors are problem documents, as elsewhere).",
        }
    },
)
def report(
    case: CaseSlug, incident: PathKey, actor: MaybeActor, services: ServicesDep
) -> HTMLResponse:
    """The timeline and the review as a readable HTML report (print it to PDF)."""
    return HTMLResponse(services.crisis.timeline_report(actor, case, incident))


class FollowUpIn(_In):
    what: Text
    owner: Short
    due: dt.date


class ReviewIn(_In):
    what_happened: Text
    went_right: Annotated[list[Text], Field(max_length=100)] = []
    went_wrong: Annotated[list[Text], Field(max_length=100)] = []
    follow_ups: Annotated[list[FollowUpIn], Field(max_length=100)] = []


class FollowUpOut(BaseModel):
    what: str
    owner: str
    due: dt.date
    done: bool


class ReviewOut(BaseModel):
    incident: str
    what_happened: str
    went_right: list[str]
    went_wrong: list[str]
    follow_ups: list[FollowUpOut]
    written_by: str
    written_at: dt.datetime


def review_out(r: Review) -> ReviewOut:
    return ReviewOut(
        incident=r.incident, what_happened=r.what_happened, went_right=list(r.went_right),
        went_wrong=list(r.went_wrong),
        follow_ups=[FollowUpOut(what=f.what, owner=f.owner, due=f.due, done=f.done)
                    for f in r.follow_ups],
        written_by=r.written_by, written_at=r.written_at,
    )  # fmt: skip


@router.get(
    "/incidents/{incident}/review", name="crisis_review_read", response_model=ReviewOut | None
)
def read_review(
    case: CaseSlug, incident: PathKey, actor: MaybeActor, services: ServicesDep
) -> ReviewOut | None:
    """The review after the incident (null until one is written)."""
    r = services.crisis.review(actor, case, incident)
    return None if r is None else review_out(r)


@router.put("/incidents/{incident}/review", name="crisis_review_write", response_model=ReviewOut)
def write_review(
    case: CaseSlug, incident: PathKey, body: ReviewIn, actor: MaybeActor, services: ServicesDep
) -> ReviewOut:
    """Write the review of a closed incident: what happened, right, wrong, follow-ups."""
    return review_out(
        services.crisis.write_review(
            actor,
            case,
            incident,
            what_happened=body.what_happened,
            went_right=body.went_right,
            went_wrong=body.went_wrong,
            follow_ups=[(f.what, f.owner, f.due) for f in body.follow_ups],
        )
    )
