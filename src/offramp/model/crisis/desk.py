"""The crisis desk: every record of one case, and the board it shows at an instant."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from offramp.errors import Conflict
from offramp.model.crisis.assurances import Assurance
from offramp.model.crisis.channels import ChannelLevel, CrisisChannel
from offramp.model.crisis.commitments import Commitment
from offramp.model.crisis.incidents import Incident
from offramp.model.crisis.ladder import (
    DEFAULT_ALERT_RULE,
    KAHN_1965_CONDENSED,
    AlertRule,
    EscalationAlert,
    EscalationLadder,
    EscalationScore,
    timeline,
)
from offramp.model.crisis.notifications import Notification, missed_acknowledgements
from offramp.model.crisis.records import Dyad, dyad
from offramp.model.crisis.runs import PlaybookRun, StepStatus, StepView
from offramp.model.issues import Issue
from offramp.model.lookup import by_id
from offramp.model.positions import Position


@dataclass(frozen=True)
class IncidentBoard:
    """One incident on the desk at an instant: its arrivals and its steps' status."""

    incident: Incident
    run: PlaybookRun | None
    steps: tuple[StepView, ...]

    @property
    def overdue(self) -> tuple[StepView, ...]:
        return tuple(v for v in self.steps if v.status is StepStatus.OVERDUE)


@dataclass(frozen=True)
class CrisisDesk:
    """Everything the crisis desk keeps for one case. Lookups raise ``KeyError``."""

    channels: tuple[CrisisChannel, ...] = ()
    incidents: tuple[Incident, ...] = ()
    runs: tuple[PlaybookRun, ...] = ()
    commitments: tuple[Commitment, ...] = ()
    notifications: tuple[Notification, ...] = ()
    assurances: tuple[Assurance, ...] = ()
    scores: tuple[EscalationScore, ...] = ()
    ladder: EscalationLadder = KAHN_1965_CONDENSED
    alert_rule: AlertRule = DEFAULT_ALERT_RULE
    date_basis: str = ""
    note: str = ""

    def channel(self, channel_id: str) -> CrisisChannel:
        return by_id(self.channels, channel_id, "channel")

    def incident(self, incident_id: str) -> Incident:
        return by_id(self.incidents, incident_id, "incident")

    def run(self, incident_id: str) -> PlaybookRun | None:
        return next((r for r in self.runs if r.incident == incident_id), None)

    def channels_between(self, a: str, b: str) -> tuple[CrisisChannel, ...]:
        """The channels of one pair of counterparts, from the highest level down."""
        order = list(ChannelLevel)
        pair = dyad(a, b)
        found = (c for c in self.channels if c.dyad == pair)
        return tuple(sorted(found, key=lambda c: (order.index(c.level), c.id)))

    def last_used(self, channel_id: str) -> datetime | None:
        """The latest of the recorded last use, arrivals through it and steps done on it."""
        times = [self.channel(channel_id).last_used]
        times += [a.at for i in self.incidents for a in i.arrivals if a.channel == channel_id]
        times += [s.done_at for r in self.runs for s in r.steps if s.channel == channel_id]
        return max((t for t in times if t is not None), default=None)

    def board(self, now: datetime) -> tuple[IncidentBoard, ...]:
        """Every incident that had arrived by ``now``, with its steps' status, newest first."""
        boards = []
        for incident in self.incidents:
            if incident.first_arrival > now:
                continue
            run = self.run(incident.id)
            views = run.board(now) if run is not None else ()
            boards.append(IncidentBoard(incident, run, views))
        return tuple(sorted(boards, key=lambda b: b.incident.first_arrival, reverse=True))

    def alerts(self) -> tuple[EscalationAlert, ...]:
        return self.alert_rule.alerts(self.scores)

    def timeline(self, a: str, b: str) -> tuple[EscalationScore, ...]:
        return timeline(self.scores, dyad(a, b))

    def dyads(self) -> tuple[Dyad, ...]:
        return tuple(sorted({c.dyad for c in self.channels} | {s.dyad for s in self.scores}))

    def missed_acknowledgements(self, now: datetime) -> tuple[Incident, ...]:
        """Incidents to raise now for overdue acknowledgements not already on the desk."""
        return missed_acknowledgements(self.notifications, now, (i.id for i in self.incidents))

    def candidate_issues(self) -> tuple[Issue, ...]:
        return tuple(a.to_issue() for a in self.assurances)

    def candidate_positions(self, on: date) -> tuple[Position, ...]:
        return tuple(p for a in self.assurances for p in a.positions(on))

    def with_incident(self, incident: Incident) -> CrisisDesk:
        """The desk with a new incident (an existing id is a conflict: use ``arrive``)."""
        if any(i.id == incident.id for i in self.incidents):
            raise Conflict(f"Incident {incident.id} is already on the desk; add an arrival.")
        return replace(self, incidents=(*self.incidents, incident))

    def with_run(self, run: PlaybookRun) -> CrisisDesk:
        """The desk with ``run`` replacing the incident's previous run, if any."""
        self.incident(run.incident)
        others = tuple(r for r in self.runs if r.incident != run.incident)
        return replace(self, runs=(*others, run))
