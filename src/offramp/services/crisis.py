"""The crisis desk's use cases: incidents and their playbooks, commitments, notifications,
assurances and escalation, on the stored desk of one case.

Every use case takes ``actor`` first, reads the clock it was given (never the system's
directly), applies the access policy (``crisis.read`` to see the desk, ``crisis.write``
to change it; a member who may not read it gets the same 404 as for a missing case),
checks the move with the model's state machines, writes through the unit of work and
records an audit event in the case's chain.

Times a caller gives (``at``: when a step was done, an arrival came in) default to the
clock's now and may not be later than it: the desk records what has happened.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TypeVar

from offramp.errors import Conflict, InputError, NotFound
from offramp.files.case import checked_issue, checked_position, position_record
from offramp.files.playbooks import builtin_playbooks
from offramp.model import Case
from offramp.model.access import Action
from offramp.model.checks import Known, second_position
from offramp.model.crisis import (
    NO_PROVENANCE,
    AckStatus,
    AlertRule,
    Arrival,
    Assurance,
    ChannelLevel,
    Commitment,
    CommitmentKind,
    CrisisChannel,
    CrisisDesk,
    Dyad,
    EscalationAlert,
    EscalationScore,
    Incident,
    IncidentBoard,
    IncidentType,
    Notification,
    NotificationKind,
    PlaybookRun,
    Provenance,
    ScoreKind,
    Stake,
    dyad,
)
from offramp.model.issues import Issue, Option
from offramp.model.lookup import Identified, by_id
from offramp.model.positions import Position
from offramp.services.access import Actor
from offramp.services.crisis_desk import as_input
from offramp.services.crisis_oncall import OncallCases
from offramp.services.crisis_sweep import notification_subject, step_subject
from offramp.services.stored_case import read_case
from offramp.services.stored_case import replace_case as store_replacement
from offramp.store.uow import UnitOfWork

NO_COMMITMENT = "No such commitment."
NO_NOTIFICATION = "No such notification."
NO_ASSURANCE = "No such assurance."


def import_crisis(uow: UnitOfWork, case: Case) -> None:
    """Store a newly created case's ``crisis:`` section (called by case import)."""
    if case.crisis is None:
        return
    row = uow.repo.get_case_row(case.id)
    assert row is not None, "import the case before its crisis section"
    uow.crisis.import_desk(row.id, case.crisis)


def replace_crisis(uow: UnitOfWork, case_id: int, case: Case) -> None:
    """Make the desk what a replacing case file says (called by case replace)."""
    repo = uow.crisis
    repo.clear(case_id)
    if case.crisis is not None:
        repo.import_desk(case_id, case.crisis)


def with_live_desk(uow: UnitOfWork, case_id: int, case: Case) -> Case:
    """The case with its ``crisis:`` section as the desk holds it now (for export).

    The case row keeps the section as imported; incidents, steps, commitments and
    scores recorded since live in the crisis tables. A case that never had a crisis
    section and has nothing on its desk keeps none, so its round trip stays exact.
    """
    desk = uow.crisis.load(case_id)
    recorded = (
        desk.channels, desk.incidents, desk.runs, desk.commitments,
        desk.notifications, desk.assurances, desk.scores,
    )  # fmt: skip
    if case.crisis is None and not any(recorded):
        return case
    return replace(case, crisis=desk)


# -- views ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelView:
    """A channel and when it was last used (its record, arrivals through it, steps on it)."""

    channel: CrisisChannel
    last_used: datetime | None


@dataclass(frozen=True)
class DyadChannels:
    dyad: Dyad
    channels: tuple[ChannelView, ...]


@dataclass(frozen=True)
class NotificationView:
    notification: Notification
    status: AckStatus
    overdue_by: timedelta | None
    raised: str | None  # the incident its missed acknowledgement raised, if on the desk


@dataclass(frozen=True)
class CommitmentView:
    commitment: Commitment
    violations: tuple[Incident, ...]


@dataclass(frozen=True)
class AssuranceView:
    assurance: Assurance
    promoted_at: datetime | None
    promoted_by: str


@dataclass(frozen=True)
class CrisisBoard:
    """The crisis desk of one case at one instant, as the board shows it."""

    case: str
    at: datetime
    now: datetime
    incidents: tuple[IncidentBoard, ...]
    channels: tuple[DyadChannels, ...]
    commitments: tuple[CommitmentView, ...]
    notifications: tuple[NotificationView, ...]
    assurances: tuple[AssuranceView, ...]
    scores: tuple[EscalationScore, ...]
    alerts: tuple[EscalationAlert, ...]
    alert_rule: AlertRule
    can_write: bool

    @property
    def overdue_steps(self) -> int:
        return sum(len(b.overdue) for b in self.incidents)


@dataclass(frozen=True)
class ArrivalIn:
    """An arrival as a caller gives it."""

    channel: str
    at: datetime | None = None
    provenance: Provenance = NO_PROVENANCE


class CrisisService(OncallCases):
    """Use cases of the crisis desk (and, from :class:`OncallCases`, the desk on call)."""

    # -- helpers -------------------------------------------------------------------------
    @staticmethod
    def _channel(desk: CrisisDesk, key: str, where: str) -> CrisisChannel:
        try:
            return desk.channel(key)
        except KeyError:
            known = ", ".join(c.id for c in desk.channels) or "none yet"
            raise InputError(where, f"unknown channel {key!r} (known: {known})") from None

    @staticmethod
    def _party(case: Case, party: str, where: str) -> str:
        if party not in {p.id for p in case.parties}:
            known = ", ".join(p.id for p in case.parties)
            raise InputError(where, f"unknown party {party!r} (parties of the case: {known})")
        return party

    @classmethod
    def _each_party(cls, case: Case, parties: Sequence[str], where: str) -> None:
        for k, p in enumerate(parties):
            cls._party(case, p, f"{where}[{k}]")

    @staticmethod
    def _level(desk: CrisisDesk, level: int, where: str = "level") -> int:
        if not 0 <= level <= desk.ladder.top:
            raise InputError(
                where,
                f"level {level} is not on the ladder {desk.ladder.id} (0 to {desk.ladder.top})",
            )
        return level

    # -- reads ---------------------------------------------------------------------------
    def crisis_board(
        self, actor: Actor | None, slug: str, at: datetime | None = None
    ) -> CrisisBoard:
        """The board at ``at`` (default now): incidents that had arrived, their steps (due,
        overdue by how long, done by whom), outcomes, channels, commitments,
        notifications with their acknowledgement status, assurances, scores and alerts."""
        now = self._now()
        when = now if at is None else self._when(at, "at")
        with self._reading(actor, slug) as (scope, repo, desk):
            promoted = repo.promotions(scope.case.id)
            can_write = self.policy.can(scope, Action.CRISIS_WRITE, resource="crisis")
        on_desk = {i.id for i in desk.incidents if i.first_arrival <= when}
        notes = []
        for n in desk.notifications:
            if n.sent_at > when:
                continue
            status = n.status(when)
            late = when - n.ack_due if status is AckStatus.OVERDUE else None
            notes.append(
                NotificationView(
                    n,
                    status,
                    late,
                    n.missed_incident_id if n.missed_incident_id in on_desk else None,
                )
            )
        incidents = {i.id: i for i in desk.incidents}
        scores = tuple(s for s in desk.scores if s.at <= when)
        return CrisisBoard(
            case=slug,
            at=when,
            now=now,
            incidents=tuple(_as_of(b, when) for b in desk.board(when)),
            channels=_channels(desk),
            commitments=tuple(
                CommitmentView(c, tuple(incidents[v] for v in c.violations if v in incidents))
                for c in desk.commitments
            ),
            notifications=tuple(notes),
            assurances=tuple(
                AssuranceView(a, *promoted.get(a.id, (None, ""))) for a in desk.assurances
            ),
            scores=scores,
            alerts=desk.alert_rule.alerts(scores),
            alert_rule=desk.alert_rule,
            can_write=can_write,
        )

    def channels(self, actor: Actor | None, slug: str) -> tuple[DyadChannels, ...]:
        """For each pair of counterparts, its channels (highest level first) and last use."""
        return _channels(self._load(actor, slug))

    def incident(
        self, actor: Actor | None, slug: str, incident: str, at: datetime | None = None
    ) -> IncidentBoard:
        """One incident with its steps' status at ``at`` (default now)."""
        when = self._when(at, "at")
        with self._reading(actor, slug) as (scope, repo, desk):
            inc = self._incident(repo, scope, desk, incident)
        run = desk.run(inc.id)
        return IncidentBoard(inc, run, run.board(when) if run is not None else ())

    def timeline(
        self, actor: Actor | None, slug: str, pair: Sequence[str]
    ) -> tuple[EscalationScore, ...]:
        """One dyad's escalation scores in time order."""
        if len(pair) != 2:
            raise InputError("between", "give two party ids, like RU,US")
        desk = self._load(actor, slug)
        with as_input("between"):
            return desk.timeline(pair[0], pair[1])

    def alerts(self, actor: Actor | None, slug: str) -> tuple[EscalationAlert, ...]:
        """Every jump on the ladder the case's alert rule flags, in time order."""
        return self._load(actor, slug).alerts()

    def playbooks(self) -> dict[str, str]:
        """The playbooks a run can use: id -> title."""
        return {k: p.title for k, p in sorted(builtin_playbooks().items())}

    # -- channels ------------------------------------------------------------------------
    def add_channel(
        self,
        actor: Actor | None,
        slug: str,
        key: str,
        between: Sequence[str],
        level: ChannelLevel,
        endpoints: dict[str, str] | None = None,
        provenance: Provenance = NO_PROVENANCE,
    ) -> CrisisChannel:
        """Record a channel between two counterparts."""
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            case = read_case(uow, scope.case)
            if len(between) != 2:
                raise InputError("between", "give the two parties the channel joins")
            self._each_party(case, between, "between")
            _new_key(desk.channels, key, "a channel")
            with as_input("between"):
                ch = CrisisChannel(
                    key, dyad(*between), level, dict(endpoints or {}), None, provenance
                )
            repo.add_channel(scope.case.id, ch)
            self._audit(
                uow, scope, "crisis.channel.add", {"channel": key, "between": list(ch.dyad)}
            )
            uow.commit()
        return ch

    # -- incidents -----------------------------------------------------------------------
    def log_incident(
        self,
        actor: Actor | None,
        slug: str,
        *,
        key: str,
        type: IncidentType,
        title: str,
        raised_by: str,
        against: str,
        claim: str,
        level: int,
        arrivals: Sequence[ArrivalIn],
        evidence: Sequence[str] = (),
        provenance: Provenance = NO_PROVENANCE,
    ) -> Incident:
        """Log an incident with the arrivals it came in by (one or more channels)."""
        if not arrivals:
            raise InputError("arrivals", "give at least one arrival (channel and time)")
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            case = read_case(uow, scope.case)
            self._party(case, raised_by, "raised_by")
            self._party(case, against, "against")
            self._level(desk, level)
            got = []
            for k, a in enumerate(arrivals):
                self._channel(desk, a.channel, f"arrivals[{k}].channel")
                got.append(Arrival(a.channel, self._when(a.at, f"arrivals[{k}].at"), a.provenance))
            with as_input("arrivals"):
                inc = Incident(
                    key, type, title, raised_by, against, claim, tuple(got), level,
                    tuple(evidence), provenance,
                )  # fmt: skip
            desk.with_incident(inc)
            repo.add_incident(scope.case.id, inc)
            self._audit(
                uow,
                scope,
                "crisis.incident.log",
                {"incident": key, "type": type.value, "channels": list(inc.channels)},
            )
            uow.commit()
        return inc

    def add_arrival(
        self, actor: Actor | None, slug: str, incident: str, arrival: ArrivalIn
    ) -> Incident:
        """The incident arrived once more (another channel, or the same again)."""
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            inc = self._incident(repo, scope, desk, incident)
            self._channel(desk, arrival.channel, "channel")
            a = Arrival(arrival.channel, self._when(arrival.at), arrival.provenance)
            inc = inc.arrive(a)
            repo.add_arrival(scope.case.id, incident, a)
            self._audit(
                uow,
                scope,
                "crisis.incident.arrival",
                {"incident": incident, "channel": a.channel, "at": a.at.isoformat()},
            )
            uow.commit()
        return inc

    def merge_incidents(
        self, actor: Actor | None, slug: str, incident: str, other: str
    ) -> Incident:
        """Fold ``other``, logged separately, into ``incident``: the desk shows one."""
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            target = self._incident(repo, scope, desk, incident)
            try:
                source = desk.incident(other)
            except KeyError:
                raise InputError("other", f"no incident {other!r} on the desk") from None
            if desk.run(other) is not None:
                raise Conflict(f"Incident {other} has a playbook run; it cannot be merged away.")
            merged = target.merge(source)
            repo.merge_incident(scope.case.id, merged, source)
            self._audit(
                uow, scope, "crisis.incident.merge", {"incident": incident, "merged": other}
            )
            uow.commit()
        return merged

    def start_playbook(
        self,
        actor: Actor | None,
        slug: str,
        incident: str,
        playbook: str,
        at: datetime | None = None,
        note: str = "",
    ) -> PlaybookRun:
        """Instantiate the playbook's steps for the incident, due from ``at`` (default: its
        first arrival)."""
        books = builtin_playbooks()
        if playbook not in books:
            raise InputError(
                "playbook", f"unknown playbook {playbook!r}: use one of {', '.join(sorted(books))}"
            )
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            inc = self._incident(repo, scope, desk, incident)
            if desk.run(incident) is not None:
                raise Conflict(f"Incident {incident} already has a playbook run.")
            start = None if at is None else self._when(at)
            run = PlaybookRun.start(books[playbook], inc, start, note=note)
            stored = None if run.started_at == inc.first_arrival else run.started_at
            repo.add_run(scope.case.id, incident, playbook, stored, note)
            self._audit(
                uow,
                scope,
                "crisis.playbook.start",
                {"incident": incident, "playbook": playbook, "at": run.started_at.isoformat()},
            )
            uow.commit()
        return run

    def complete_step(
        self,
        actor: Actor | None,
        slug: str,
        incident: str,
        step: str,
        *,
        by: str = "",
        at: datetime | None = None,
        channel: str | None = None,
        note: str = "",
        provenance: Provenance = NO_PROVENANCE,
    ) -> PlaybookRun:
        """Record that ``by`` (default: the actor) did the step at ``at`` (default: now)."""
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            run = self._incident_run(repo, scope, desk, incident)
            if channel is not None:
                self._channel(desk, channel, "channel")
            when = self._when(at)
            who = by.strip() or scope.actor.name
            named = repo.recipients(scope.case.id).get(step_subject(incident, step))
            waiting = () if named is None else named.pending(when)
            if waiting:
                raise Conflict(f"Step {step} waits for {', '.join(waiting)} to acknowledge it.")
            run = run.complete(step, who, when, channel=channel, note=note, provenance=provenance)
            repo.add_step_record(scope.case.id, incident, run.step(step))
            self._audit(
                uow,
                scope,
                "crisis.step.complete",
                {"incident": incident, "step": step, "by": who, "at": when.isoformat()},
            )
            uow.commit()
        return run

    def waive_step(
        self,
        actor: Actor | None,
        slug: str,
        incident: str,
        step: str,
        reason: str,
        at: datetime | None = None,
    ) -> PlaybookRun:
        """Mark a step as not needed, with the reason."""
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            run = self._incident_run(repo, scope, desk, incident)
            when = self._when(at)
            run = run.waive(step, scope.actor.name, when, reason)
            repo.add_step_record(scope.case.id, incident, run.step(step))
            self._audit(
                uow,
                scope,
                "crisis.step.waive",
                {"incident": incident, "step": step, "reason": reason},
            )
            uow.commit()
        return run

    def close_incident(
        self,
        actor: Actor | None,
        slug: str,
        incident: str,
        outcome: str,
        at: datetime | None = None,
    ) -> PlaybookRun:
        """Close the incident's run with its outcome (every step done or waived)."""
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            run = self._incident_run(repo, scope, desk, incident)
            when = self._when(at)
            run = run.close(scope.actor.name, when, outcome)
            repo.close_run(scope.case.id, incident, outcome, when, scope.actor.name)
            self._audit(
                uow, scope, "crisis.incident.close", {"incident": incident, "outcome": outcome}
            )
            uow.commit()
        return run

    # -- commitments ---------------------------------------------------------------------
    def declare_commitment(
        self,
        actor: Actor | None,
        slug: str,
        *,
        key: str,
        kind: CommitmentKind,
        text: str,
        declared_by: str,
        to: Sequence[str],
        on: date,
        channel: str | None = None,
        provenance: Provenance = NO_PROVENANCE,
    ) -> Commitment:
        """Record a restraint, red line or rule of engagement one party declared."""
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            case = read_case(uow, scope.case)
            self._party(case, declared_by, "declared_by")
            self._each_party(case, to, "to")
            if channel is not None:
                self._channel(desk, channel, "channel")
            _new_key(desk.commitments, key, "a commitment")
            with as_input("to"):
                cm = Commitment(
                    key, kind, text, declared_by, tuple(to), on, channel, (), provenance
                )
            repo.add_commitment(scope.case.id, cm)
            self._audit(
                uow, scope, "crisis.commitment.declare", {"commitment": key, "kind": kind.value}
            )
            uow.commit()
        return cm

    def report_violation(
        self, actor: Actor | None, slug: str, commitment: str, incident: str
    ) -> Commitment:
        """Link a violation incident to the commitment it breaks."""
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            cm = _find(desk.commitments, commitment, NO_COMMITMENT)
            try:
                inc = desk.incident(incident)
            except KeyError:
                raise InputError("incident", f"no incident {incident!r} on the desk") from None
            cm = cm.report_violation(inc)
            repo.add_violation(scope.case.id, commitment, incident)
            self._audit(
                uow,
                scope,
                "crisis.commitment.violation",
                {"commitment": commitment, "incident": incident},
            )
            uow.commit()
        return cm

    # -- notifications -------------------------------------------------------------------
    def send_notification(
        self,
        actor: Actor | None,
        slug: str,
        *,
        key: str,
        kind: NotificationKind,
        sender: str,
        to: str,
        what: str,
        where: str,
        starts: datetime,
        size: str,
        channel: str,
        ack_hours: float,
        sent_at: datetime | None = None,
        ends: datetime | None = None,
        provenance: Provenance = NO_PROVENANCE,
    ) -> Notification:
        """Record a notification sent to a counterpart, due to be acknowledged in
        ``ack_hours``."""
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            case = read_case(uow, scope.case)
            self._party(case, sender, "sender")
            self._party(case, to, "to")
            self._channel(desk, channel, "channel")
            _new_key(desk.notifications, key, "a notification")
            sent = self._when(sent_at, "sent_at")
            with as_input("ack_hours"):
                n = Notification.send(
                    key, kind, sender=sender, to=to, what=what, where=where, starts=starts,
                    size=size, channel=channel, sent_at=sent, ack_hours=ack_hours, ends=ends,
                    provenance=provenance,
                )  # fmt: skip
            repo.add_notification(scope.case.id, n)
            self._audit(
                uow,
                scope,
                "crisis.notification.send",
                {"notification": key, "to": to, "ack_due": n.ack_due.isoformat()},
            )
            uow.commit()
        return n

    def acknowledge_notification(
        self, actor: Actor | None, slug: str, notification: str, by: str, at: datetime | None = None
    ) -> Notification:
        """Record the counterpart's acknowledgement (``by`` names who acknowledged)."""
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            n = _find(desk.notifications, notification, NO_NOTIFICATION)
            if not by.strip():
                raise InputError("by", "say who acknowledged it")
            named = repo.recipients(scope.case.id).get(notification_subject(notification))
            if named is not None and n.acknowledged_at is None:
                raise Conflict(
                    f"Notification {notification} names recipients "
                    f"({', '.join(named.recipients)}); each acknowledges on its own."
                )
            n = n.acknowledge(by, self._when(at))
            repo.save_acknowledgement(scope.case.id, n)
            self._audit(
                uow,
                scope,
                "crisis.notification.acknowledge",
                {"notification": notification, "by": by},
            )
            uow.commit()
        return n

    def sweep_acknowledgements(self, actor: Actor | None, slug: str) -> tuple[Incident, ...]:
        """Raise a ``notification_missed`` incident for every acknowledgement overdue now
        and not raised before; returns the incidents raised."""
        now = self._now()
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            raised = desk.missed_acknowledgements(now)
            for inc in raised:
                repo.add_incident(scope.case.id, inc)
                self._audit(
                    uow,
                    scope,
                    "crisis.incident.log",
                    {"incident": inc.id, "type": inc.type.value, "sweep": True},
                )
            uow.commit()
        return raised

    # -- assurances ----------------------------------------------------------------------
    def propose_assurance(
        self,
        actor: Actor | None,
        slug: str,
        *,
        key: str,
        title: str,
        proposed_by: str,
        to: Sequence[str],
        options: Sequence[tuple[str, str]],
        stakes: dict[str, tuple[float, dict[str, float], Sequence[str]]],
        precedent: str = "",
        provenance: Provenance = NO_PROVENANCE,
    ) -> Assurance:
        """Record a proposed mutual security assurance with each party's stake in it."""
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            case = read_case(uow, scope.case)
            self._party(case, proposed_by, "proposed_by")
            self._each_party(case, to, "to")
            for p in stakes:
                self._party(case, p, f"stakes.{p}")
            _new_key(desk.assurances, key, "an assurance")
            with as_input("stakes"):
                a = Assurance(
                    key, title, proposed_by, tuple(to),
                    tuple(Option(i, label) for i, label in options),
                    tuple(Stake(p, s, dict(v), tuple(acc)) for p, (s, v, acc) in stakes.items()),
                    precedent, provenance,
                )  # fmt: skip
                for st in a.stakes:
                    st_ok = [o for o in st.acceptable if o not in st.values]
                    if st_ok:
                        raise ValueError(f"{st.party}'s acceptable options {st_ok} are not options")
            repo.add_assurance(scope.case.id, a)
            self._audit(uow, scope, "crisis.assurance.propose", {"assurance": key})
            uow.commit()
        return a

    def promote_assurance(
        self, actor: Actor | None, slug: str, assurance: str, on: date | None = None
    ) -> Case:
        """Add the assurance to the stored case as a candidate issue, with each party's
        position on it dated ``on`` (default today), so "enlarge the problem" weighs it."""
        day = on or self._now().date()
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            a = _find(desk.assurances, assurance, NO_ASSURANCE)
            if assurance in repo.promotions(scope.case.id):
                raise Conflict(f"Assurance {assurance} is already a candidate issue.")
            case = read_case(uow, scope.case)
            if any(i.id == a.id for i in case.issues):
                raise Conflict(f"The case already has an issue {a.id}.")
            issue = a.to_issue()
            positions = a.positions(day)
            _check_candidate(case, issue, positions)
            new = replace(
                case, issues=(*case.issues, issue), positions=(*case.positions, *positions)
            )
            store_replacement(uow, scope.case.id, new)
            repo.mark_promoted(scope.case.id, assurance, self._now(), scope.actor.name)
            self._audit(
                uow,
                scope,
                "crisis.assurance.promote",
                {"assurance": assurance, "on": day.isoformat()},
            )
            uow.commit()
        return new

    # -- escalation ----------------------------------------------------------------------
    def score_escalation(
        self,
        actor: Actor | None,
        slug: str,
        *,
        key: str,
        between: Sequence[str],
        level: int,
        kind: ScoreKind,
        at: datetime | None = None,
        subject: str = "",
        rationale: str = "",
        provenance: Provenance = NO_PROVENANCE,
    ) -> tuple[EscalationScore, tuple[EscalationAlert, ...]]:
        """Score a dyad on the ladder; returns the score and the alerts it raises."""
        with self._writing(actor, slug) as (uow, scope, repo, desk):
            case = read_case(uow, scope.case)
            if len(between) != 2:
                raise InputError("between", "give the two parties of the dyad")
            self._each_party(case, between, "between")
            self._level(desk, level)
            known = {i.id for i in desk.incidents} | {s.id for s in case.statements}
            if subject and subject not in known:
                raise InputError(
                    "subject", f"unknown subject {subject!r}: name an incident or a statement"
                )
            _new_key(desk.scores, key, "a score")
            when = self._when(at)
            with as_input("between"):
                score = EscalationScore(
                    key, dyad(*between), when, level, kind, subject, rationale,
                    scored_by=scope.actor.name, provenance=provenance,
                )  # fmt: skip
            before = set(desk.alert_rule.alerts(desk.scores))
            after = desk.alert_rule.alerts((*desk.scores, score))
            raised = tuple(a for a in after if a not in before and a.score == key)
            repo.add_score(scope.case.id, score)
            self._audit(
                uow,
                scope,
                "crisis.escalation.score",
                {"score": key, "between": list(score.dyad), "level": level, "alerts": len(raised)},
            )
            uow.commit()
        return score, raised

    def set_alert_rule(
        self, actor: Actor | None, slug: str, jump: int, window_hours: float | None = None
    ) -> AlertRule:
        """Set the jump (and window) at which the case's escalation alert fires."""
        with as_input("jump"):
            rule = AlertRule(jump, timedelta(hours=window_hours) if window_hours else None)
        with self.uow(write=True) as uow:
            scope = self._write(uow, actor, slug)
            uow.crisis.put_settings(scope.case.id, rule)
            self._audit(
                uow, scope, "crisis.alert.rule", {"jump": jump, "window_hours": window_hours}
            )
            uow.commit()
        return rule


_R = TypeVar("_R", bound=Identified)


def _new_key(records: Iterable[Identified], key: str, noun: str) -> None:
    """Refuse ``key`` if a record of the desk has it (``noun``: "a channel")."""
    if any(r.id == key for r in records):
        raise Conflict(f"There is already {noun} {key}.")


def _find(records: Iterable[_R], key: str, missing: str) -> _R:
    """The record ``key`` of the desk, or NotFound(``missing``)."""
    try:
        return by_id(records, key, "record")
    except KeyError:
        raise NotFound(missing) from None


def _check_candidate(case: Case, issue: Issue, positions: Sequence[Position]) -> None:
    """An assurance's issue and its stakes' positions can join ``case`` (the rules of a
    case file, checked for these records alone)."""
    known = Known.of(case)
    try:
        checked_issue(issue, known, "issue")
        known = known.with_issue(issue.id, issue.option_ids)
        taken = {(p.party, p.issue, p.date) for p in case.positions}
        for k, p in enumerate(positions):
            where = f"positions[{k}]"
            checked_position(position_record(p), known, where)
            for _, message in second_position(p.party, p.issue, p.date, taken):
                raise InputError(where, message)
            taken.add((p.party, p.issue, p.date))
    except InputError as exc:
        raise InputError("assurance", f"it cannot join the case: {exc}") from None


def _as_of(board: IncidentBoard, when: datetime) -> IncidentBoard:
    """The incident as the desk knew it at ``when``: only the arrivals in by then."""
    arrivals = tuple(a for a in board.incident.arrivals if a.at <= when)
    return replace(board, incident=replace(board.incident, arrivals=arrivals))


def _channels(desk: CrisisDesk) -> tuple[DyadChannels, ...]:
    pairs = sorted({c.dyad for c in desk.channels})
    return tuple(
        DyadChannels(
            pair,
            tuple(ChannelView(c, desk.last_used(c.id)) for c in desk.channels_between(*pair)),
        )
        for pair in pairs
    )
