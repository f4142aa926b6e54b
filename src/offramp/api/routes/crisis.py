"""The crisis services under ``/cases/{case}/crisis``: channels, incidents and their arrivals,
playbook runs (start, complete or waive a step, close), commitments and violations,
notifications and acknowledgements, assurances, escalation scores and alerts, and the
board at an instant (``?at=``, default the server's clock).

Times in bodies and queries must carry an offset (a naive time is a 422 naming the
field); times given for things that happened (``at``) may not be later than the
server's clock. Reading needs ``crisis.read``, changing ``crisis.write``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, field_validator

from offramp.api.bodies import record_out
from offramp.api.deps import MaybeActor, ServicesDep
from offramp.api.routes import PROBLEMS, CaseSlug
from offramp.api.routes.crisis_kit import (
    Key,
    Party,
    PathKey,
    Read,
    Short,
    StepId,
    Target,
    Text,
    Who,
    Write,
    add_reads,
    add_writes,
    hours,
)
from offramp.api.schemas import plain_text
from offramp.files.crisis import MAX_HOURS, MIN_WINDOW_HOURS, Moment
from offramp.model.crisis import (
    KAHN_1965_CONDENSED,
    AlertRule,
    ChannelLevel,
    Commitment,
    CommitmentKind,
    EscalationAlert,
    EscalationScore,
    IncidentBoard,
    IncidentType,
    NotificationKind,
    PlaybookRun,
    Provenance,
    ScoreKind,
    StepView,
)
from offramp.services.crisis import (
    ArrivalIn,
    AssuranceView,
    CrisisBoard,
    CrisisService,
    DyadChannels,
    NotificationView,
)

router = APIRouter(prefix="/cases/{case}/crisis", responses=PROBLEMS, tags=["crisis"])

Pair = Annotated[list[Party], Field(min_length=2, max_length=2)]
Level = Annotated[int, Field(ge=0, le=KAHN_1965_CONDENSED.top)]


# -- bodies -------------------------------------------------------------------------------


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    _plain_text = field_validator("*")(plain_text)


class SourcedIn(_In):
    quote: str = Field("", max_length=20_000)
    source: str = Field("", max_length=200)
    date_basis: str = Field("", max_length=2_000)
    note: str = Field("", max_length=20_000)

    def provenance(self) -> Provenance:
        return Provenance(self.quote, self.source, self.date_basis, self.note)


class ChannelIn(SourcedIn):
    id: Key
    between: Pair
    level: ChannelLevel
    endpoints: dict[Party, Short] = {}


class ArrivalBody(SourcedIn):
    channel: Key
    at: Moment | None = Field(None, description="When it arrived (default: now).")

    def arrival(self) -> ArrivalIn:
        return ArrivalIn(self.channel, self.at, self.provenance())


class IncidentIn(SourcedIn):
    id: Key
    type: IncidentType
    title: Text
    raised_by: Party
    against: Party
    claim: Text
    level: Level
    evidence: list[Text] = []
    arrivals: Annotated[list[ArrivalBody], Field(min_length=1, max_length=100)]


class MergeIn(_In):
    other: Key = Field(description="The incident logged separately, folded into this one.")


class PlaybookStartIn(_In):
    playbook: Key
    at: Moment | None = Field(None, description="Start (default: the first arrival).")
    note: str = Field("", max_length=20_000)


class StepDoneIn(SourcedIn):
    by: str = Field("", max_length=200, description="Who did it (default: you).")
    at: Moment | None = Field(None, description="When (default: now).")
    channel: Key | None = None


class StepWaiveIn(_In):
    reason: Text
    at: Moment | None = None


class CloseIn(_In):
    outcome: Text
    at: Moment | None = None


class CommitmentIn(SourcedIn):
    id: Key
    kind: CommitmentKind
    text: Text
    declared_by: Party
    to: Annotated[list[Party], Field(min_length=1, max_length=50)]
    date: dt.date
    channel: Key | None = None


class ViolationIn(_In):
    incident: Key


class NotificationIn(SourcedIn):
    id: Key
    kind: NotificationKind
    sender: Party
    to: Party
    what: Text
    where: Text
    starts: Moment
    ends: Moment | None = None
    size: Text
    channel: Key
    ack_hours: Annotated[float, Field(ge=0, le=MAX_HOURS)]
    sent_at: Moment | None = Field(None, description="When it was sent (default: now).")


class AcknowledgeIn(_In):
    by: Short
    at: Moment | None = None


class OptionIn(_In):
    id: Key
    label: Short


class StakeIn(_In):
    salience: Annotated[float, Field(ge=0, le=1)]
    values: dict[Key, Annotated[float, Field(ge=0, le=1)]]
    acceptable: list[Key] = []


class AssuranceIn(SourcedIn):
    id: Key
    title: Text
    proposed_by: Party
    to: Annotated[list[Party], Field(min_length=1, max_length=50)]
    options: Annotated[list[OptionIn], Field(min_length=2, max_length=50)]
    stakes: dict[Party, StakeIn] = {}
    precedent: str = Field("", max_length=20_000)


class PromoteIn(_In):
    on: dt.date | None = Field(None, description="Date of the parties' positions (default today).")


class ScoreIn(SourcedIn):
    id: Key
    between: Pair
    level: Level
    kind: ScoreKind
    at: Moment | None = None
    subject: str = Field("", max_length=80)
    rationale: str = Field("", max_length=20_000)


class AlertRuleIn(_In):
    jump: Annotated[int, Field(ge=1, le=KAHN_1965_CONDENSED.top)]
    window_hours: Annotated[float, Field(ge=MIN_WINDOW_HOURS, le=MAX_HOURS)] | None = None


# -- responses ----------------------------------------------------------------------------


class StepOut(BaseModel):
    id: str
    title: str
    status: str
    text: str
    due_at: dt.datetime
    done_by: str
    done_at: dt.datetime | None
    overdue_hours: float | None
    late_hours: float | None
    waiting_on: list[str]


class RunOut(BaseModel):
    playbook: str
    title: str
    started_at: dt.datetime
    outcome: str
    closed_at: dt.datetime | None
    closed_by: str
    steps: list[StepOut]


class ArrivalOut(BaseModel):
    channel: str
    at: dt.datetime


class IncidentOut(BaseModel):
    id: str
    type: str
    title: str
    raised_by: str
    against: str
    claim: str
    evidence: list[str]
    level: int
    level_name: str
    channels: list[str]
    arrivals: list[ArrivalOut]
    run: RunOut | None
    overdue: int


class ChannelOut(BaseModel):
    id: str
    between: list[str]
    level: str
    endpoints: dict[str, str]
    last_used: dt.datetime | None


class DyadOut(BaseModel):
    between: list[str]
    channels: list[ChannelOut]


class CommitmentOut(BaseModel):
    id: str
    kind: str
    text: str
    declared_by: str
    to: list[str]
    date: dt.date
    channel: str | None
    violations: list[str]


class NotificationOut(BaseModel):
    id: str
    kind: str
    sender: str
    to: str
    what: str
    where: str
    starts: dt.datetime
    size: str
    channel: str
    sent_at: dt.datetime
    ack_due: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_by: str
    status: str
    overdue_hours: float | None
    raised: str | None


class AssuranceOut(BaseModel):
    id: str
    title: str
    proposed_by: str
    to: list[str]
    options: list[str]
    precedent: str
    promoted_at: dt.datetime | None
    promoted_by: str


class ScoreOut(BaseModel):
    id: str
    between: list[str]
    at: dt.datetime
    level: int
    kind: str
    subject: str
    rationale: str
    scored_by: str


class AlertOut(BaseModel):
    between: list[str]
    at: dt.datetime
    from_level: int
    to_level: int
    jump: int
    score: str
    text: str


class AlertRuleOut(BaseModel):
    jump: int
    window_hours: float | None


class ScoredOut(BaseModel):
    score: ScoreOut
    alerts: list[AlertOut]


class BoardOut(BaseModel):
    case: str
    at: dt.datetime
    now: dt.datetime
    overdue_steps: int
    can_write: bool
    alert_rule: AlertRuleOut
    alerts: list[AlertOut]
    incidents: list[IncidentOut]
    channels: list[DyadOut]
    commitments: list[CommitmentOut]
    notifications: list[NotificationOut]
    assurances: list[AssuranceOut]


def step_out(v: StepView) -> StepOut:
    return record_out(
        StepOut,
        v,
        text=v.describe(),
        overdue_hours=hours(v.overdue_by),
        late_hours=hours(v.late_by),
    )


def run_out(run: PlaybookRun, views: tuple[StepView, ...]) -> RunOut:
    return record_out(RunOut, run, steps=[step_out(v) for v in views])


def incident_out(board: IncidentBoard) -> IncidentOut:
    i = board.incident
    return record_out(
        IncidentOut,
        i,
        level_name=KAHN_1965_CONDENSED.rung(i.level).name,
        channels=list(i.channels),
        arrivals=[record_out(ArrivalOut, a) for a in i.arrivals],
        run=run_out(board.run, board.steps) if board.run is not None else None,
        overdue=len(board.overdue),
    )


def dyad_out(d: DyadChannels) -> DyadOut:
    return DyadOut(
        between=list(d.dyad),
        channels=[
            ChannelOut(
                id=c.channel.id,
                between=list(c.channel.dyad),
                level=c.channel.level.value,
                endpoints=dict(c.channel.endpoints),
                last_used=c.last_used,
            )
            for c in d.channels
        ],
    )


def commitment_out(c: Commitment) -> CommitmentOut:
    return record_out(CommitmentOut, c)


def notification_out(v: NotificationView) -> NotificationOut:
    return record_out(NotificationOut, v.notification, v, overdue_hours=hours(v.overdue_by))


def assurance_out(v: AssuranceView) -> AssuranceOut:
    a = v.assurance
    return record_out(AssuranceOut, a, v, options=[o.id for o in a.options])


def score_out(s: EscalationScore) -> ScoreOut:
    return record_out(ScoreOut, s, between=list(s.dyad))


def alert_out(a: EscalationAlert) -> AlertOut:
    return record_out(AlertOut, a, between=list(a.dyad), jump=a.jump, text=a.describe())


def rule_out(rule: AlertRule) -> AlertRuleOut:
    return AlertRuleOut(jump=rule.jump, window_hours=hours(rule.window))


def board_out(b: CrisisBoard) -> BoardOut:
    return record_out(
        BoardOut,
        b,
        overdue_steps=b.overdue_steps,
        alert_rule=rule_out(b.alert_rule),
        alerts=[alert_out(a) for a in b.alerts],
        incidents=[incident_out(i) for i in b.incidents],
        channels=[dyad_out(d) for d in b.channels],
        commitments=[commitment_out(v.commitment) for v in b.commitments],
        notifications=[notification_out(n) for n in b.notifications],
        assurances=[assurance_out(a) for a in b.assurances],
    )


def _incident(services: ServicesDep, actor: MaybeActor, case: str, key: str) -> IncidentOut:
    """The incident ``key`` as it stands now, after a write."""
    return _incident_now(services.crisis, actor, Target(case, key), None)


# -- reads --------------------------------------------------------------------------------

add_reads(
    router,
    Read("/board", "crisis_board", BoardOut,
         lambda c, a, t, at: board_out(c.crisis_board(a, t.case, at)),
         """The crisis board at ``at``: incidents with their steps (due, overdue by how long,
         done by whom) and outcome, channels, commitments, notifications, assurances, alerts."""),
    Read("/channels", "crisis_channel_list", list[DyadOut],
         lambda c, a, t, _: [dyad_out(d) for d in c.channels(a, t.case)],
         "For each pair of counterparts, its channels (highest level first) and last use.",
         at=False),
    Read("/incidents", "crisis_incident_list", list[IncidentOut],
         lambda c, a, t, at: [incident_out(i) for i in c.crisis_board(a, t.case, at).incidents],
         "Incidents that had arrived by ``at``, newest first, with their steps' status."),
    Read("/incidents/{incident}", "crisis_incident_read", IncidentOut,
         lambda c, a, t, at: incident_out(c.incident(a, t.case, t.incident, at)),
         "One incident with its steps' status at ``at``."),
    Read("/commitments", "crisis_commitment_list", list[CommitmentOut],
         lambda c, a, t, _: [commitment_out(v.commitment)
                             for v in c.crisis_board(a, t.case).commitments],
         "Declared restraints, red lines and rules of engagement, with violations linked.",
         at=False),
    Read("/notifications", "crisis_notification_list", list[NotificationOut],
         lambda c, a, t, at: [notification_out(n)
                              for n in c.crisis_board(a, t.case, at).notifications],
         "Notifications sent by ``at`` with their acknowledgement status."),
    Read("/assurances", "crisis_assurance_list", list[AssuranceOut],
         lambda c, a, t, _: [assurance_out(v) for v in c.crisis_board(a, t.case).assurances],
         "Proposed security assurances, and whether each is a candidate issue yet.",
         at=False),
)  # fmt: skip


@router.get("/escalation", name="crisis_escalation_timeline", response_model=list[ScoreOut])
def timeline(
    case: CaseSlug,
    actor: MaybeActor,
    services: ServicesDep,
    between: str = Query(
        ..., pattern=r"^[A-Z][A-Z0-9_]*,[A-Z][A-Z0-9_]*$", description="Two party ids: RU,US"
    ),
) -> list[ScoreOut]:
    """One dyad's escalation scores in time order (the timeline chart's series)."""
    return [score_out(s) for s in services.crisis.timeline(actor, case, between.split(","))]


add_reads(
    router,
    Read("/alerts", "crisis_alert_list", list[AlertOut],
         lambda c, a, t, _: [alert_out(x) for x in c.alerts(a, t.case)],
         "Every jump on the ladder the case's alert rule flags.", at=False),
)  # fmt: skip


# -- writes -------------------------------------------------------------------------------


@router.post("/channels", name="crisis_channel_add", response_model=DyadOut, status_code=201)
def add_channel(
    case: CaseSlug, body: ChannelIn, actor: MaybeActor, services: ServicesDep
) -> DyadOut:
    """Record a channel between two counterparts."""
    ch = services.crisis.add_channel(
        actor, case, body.id, body.between, body.level, dict(body.endpoints), body.provenance()
    )
    return next(dyad_out(d) for d in services.crisis.channels(actor, case) if d.dyad == ch.dyad)


@router.post("/incidents", name="crisis_incident_log", response_model=IncidentOut, status_code=201)
def log_incident(
    case: CaseSlug, body: IncidentIn, actor: MaybeActor, services: ServicesDep
) -> IncidentOut:
    """Log an incident with every arrival known (one incident, many channels)."""
    inc = services.crisis.log_incident(
        actor,
        case,
        key=body.id,
        type=body.type,
        title=body.title,
        raised_by=body.raised_by,
        against=body.against,
        claim=body.claim,
        level=body.level,
        arrivals=[a.arrival() for a in body.arrivals],
        evidence=body.evidence,
        provenance=body.provenance(),
    )
    return _incident(services, actor, case, inc.id)


def _incident_now(crisis: CrisisService, actor: Who, t: Target, at: Moment | None) -> IncidentOut:
    """The incident ``t`` names as it stands at ``at`` (None: now)."""
    return incident_out(crisis.incident(actor, t.case, t.incident, at))


INCIDENT_WRITES = (  # each row typed on its own, so that its body's fields are checked
    Write("/incidents/{incident}/arrivals", "crisis_arrival_add", ArrivalBody,
          lambda c, a, t, body: c.add_arrival(a, t.case, t.incident, body.arrival()),
          "The incident arrived again, through another channel or the same one.",
          status_code=201),
    Write("/incidents/{incident}/merge", "crisis_incident_merge", MergeIn,
          lambda c, a, t, body: c.merge_incidents(a, t.case, t.incident, body.other),
          "Fold an incident logged separately into this one; the services shows one."),
    Write("/incidents/{incident}/playbook", "crisis_playbook_start", PlaybookStartIn,
          lambda c, a, t, body: c.start_playbook(
              a, t.case, t.incident, body.playbook, body.at, body.note),
          "Start a playbook: its steps are instantiated with due times.", status_code=201),
    Write("/incidents/{incident}/steps/{step}/complete", "crisis_step_complete", StepDoneIn,
          lambda c, a, t, body: c.complete_step(
              a, t.case, t.incident, t.step, by=body.by, at=body.at, channel=body.channel,
              note=body.note, provenance=body.provenance()),
          "Record that a step was done, by whom and when.", keys={"step": StepId}),
    Write("/incidents/{incident}/steps/{step}/waive", "crisis_step_waive", StepWaiveIn,
          lambda c, a, t, body: c.waive_step(a, t.case, t.incident, t.step, body.reason, body.at),
          "Mark a step as not needed, with the reason.", keys={"step": StepId}),
    Write("/incidents/{incident}/close", "crisis_incident_close", CloseIn,
          lambda c, a, t, body: c.close_incident(a, t.case, t.incident, body.outcome, body.at),
          "Close the incident with its outcome once every step is done or waived."),
)  # fmt: skip
add_writes(router, IncidentOut, _incident_now, *INCIDENT_WRITES)


@router.post(
    "/commitments", name="crisis_commitment_declare", response_model=CommitmentOut, status_code=201
)
def declare_commitment(
    case: CaseSlug, body: CommitmentIn, actor: MaybeActor, services: ServicesDep
) -> CommitmentOut:
    """Record a restraint, red line or rule of engagement."""
    cm = services.crisis.declare_commitment(
        actor,
        case,
        key=body.id,
        kind=body.kind,
        text=body.text,
        declared_by=body.declared_by,
        to=body.to,
        on=body.date,
        channel=body.channel,
        provenance=body.provenance(),
    )
    return commitment_out(cm)


@router.post(
    "/commitments/{commitment}/violations",
    name="crisis_violation_report",
    response_model=CommitmentOut,
    status_code=201,
)
def report_violation(
    case: CaseSlug, commitment: PathKey, body: ViolationIn, actor: MaybeActor, services: ServicesDep
) -> CommitmentOut:
    """Link a violation incident to the commitment it breaks."""
    return commitment_out(services.crisis.report_violation(actor, case, commitment, body.incident))


@router.post(
    "/notifications",
    name="crisis_notification_send",
    response_model=NotificationOut,
    status_code=201,
)
def send_notification(
    case: CaseSlug, body: NotificationIn, actor: MaybeActor, services: ServicesDep
) -> NotificationOut:
    """Record a notification sent, with its acknowledgement deadline."""
    n = services.crisis.send_notification(
        actor,
        case,
        key=body.id,
        kind=body.kind,
        sender=body.sender,
        to=body.to,
        what=body.what,
        where=body.where,
        starts=body.starts,
        size=body.size,
        channel=body.channel,
        ack_hours=body.ack_hours,
        sent_at=body.sent_at,
        ends=body.ends,
        provenance=body.provenance(),
    )
    return _notification(services, actor, case, n.id)


def _notification(services: ServicesDep, actor: MaybeActor, case: str, key: str) -> NotificationOut:
    views = services.crisis.crisis_board(actor, case).notifications
    return notification_out(next(v for v in views if v.notification.id == key))


@router.post("/notifications/sweep", name="crisis_ack_sweep", response_model=list[IncidentOut])
def sweep(case: CaseSlug, actor: MaybeActor, services: ServicesDep) -> list[IncidentOut]:
    """Raise an incident for every acknowledgement overdue now (once each)."""
    raised = services.crisis.sweep_acknowledgements(actor, case)
    return [_incident(services, actor, case, i.id) for i in raised]


@router.post(
    "/notifications/{notification}/acknowledge",
    name="crisis_notification_acknowledge",
    response_model=NotificationOut,
)
def acknowledge(
    case: CaseSlug,
    notification: PathKey,
    body: AcknowledgeIn,
    actor: MaybeActor,
    services: ServicesDep,
) -> NotificationOut:
    """Record the counterpart's acknowledgement."""
    services.crisis.acknowledge_notification(actor, case, notification, body.by, body.at)
    return _notification(services, actor, case, notification)


@router.post(
    "/assurances", name="crisis_assurance_propose", response_model=AssuranceOut, status_code=201
)
def propose_assurance(
    case: CaseSlug, body: AssuranceIn, actor: MaybeActor, services: ServicesDep
) -> AssuranceOut:
    """Record a proposed mutual security assurance and each party's stake in it."""
    a = services.crisis.propose_assurance(
        actor,
        case,
        key=body.id,
        title=body.title,
        proposed_by=body.proposed_by,
        to=body.to,
        options=[(o.id, o.label) for o in body.options],
        stakes={p: (s.salience, dict(s.values), s.acceptable) for p, s in body.stakes.items()},
        precedent=body.precedent,
        provenance=body.provenance(),
    )
    return assurance_out(AssuranceView(a, None, ""))


@router.post(
    "/assurances/{assurance}/promote", name="crisis_assurance_promote", response_model=AssuranceOut
)
def promote(
    case: CaseSlug, assurance: PathKey, body: PromoteIn, actor: MaybeActor, services: ServicesDep
) -> AssuranceOut:
    """Make the assurance a candidate issue of the case, so "enlarge the problem" sees it."""
    services.crisis.promote_assurance(actor, case, assurance, body.on)
    views = services.crisis.crisis_board(actor, case).assurances
    return assurance_out(next(v for v in views if v.assurance.id == assurance))


@router.post(
    "/escalation", name="crisis_escalation_score", response_model=ScoredOut, status_code=201
)
def score(case: CaseSlug, body: ScoreIn, actor: MaybeActor, services: ServicesDep) -> ScoredOut:
    """Score a dyad on the ladder; the answer lists the alerts the score raises."""
    s, alerts = services.crisis.score_escalation(
        actor,
        case,
        key=body.id,
        between=body.between,
        level=body.level,
        kind=body.kind,
        at=body.at,
        subject=body.subject,
        rationale=body.rationale,
        provenance=body.provenance(),
    )
    return ScoredOut(score=score_out(s), alerts=[alert_out(a) for a in alerts])


@router.put("/alert-rule", name="crisis_alert_rule", response_model=AlertRuleOut)
def set_alert_rule(
    case: CaseSlug, body: AlertRuleIn, actor: MaybeActor, services: ServicesDep
) -> AlertRuleOut:
    """Set the jump (and optional window) at which an escalation alert fires."""
    return rule_out(services.crisis.set_alert_rule(actor, case, body.jump, body.window_hours))
