"""The crisis desk: channels, incidents, playbook runs, commitments, notifications,
assurances and escalation. Plain typed classes; no I/O.

An incident may arrive through several channels; the desk keeps it as one record with
many arrivals. Starting an incident's playbook instantiates its steps with due times
(:mod:`offramp.model.deadlines`); each step then moves

    pending -> due -> overdue            (by the clock, while nobody acts)
    pending | due | overdue -> done | done late | waived      (by the desk)

and the run closes with an outcome once every step is done or waived. A notification
moves ``sent -> acknowledged``; an acknowledgement that is not in by its deadline raises
a ``notification_missed`` incident. Escalation scores place incidents, threats and
statements on a documented ladder (:data:`KAHN_1965_CONDENSED`); an
:class:`AlertRule` fires when a dyad's level jumps.

Construction invariants raise ``ValueError``; illegal transitions raise
:class:`offramp.errors.Conflict` with a sentence saying why.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from offramp.errors import Conflict
from offramp.model.deadlines import WallDeadline, due_after, format_duration, require_aware
from offramp.model.issues import Issue, IssueKind, Option
from offramp.model.positions import Position

Dyad = tuple[str, str]


def dyad(a: str, b: str) -> Dyad:
    """The unordered pair of two distinct parties, as a sorted tuple."""
    if a == b:
        raise ValueError(f"a dyad needs two different parties, not {a} twice")
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True)
class Provenance:
    """Where a record comes from: the quote, its source id, how its date was resolved."""

    quote: str = ""
    source: str = ""
    date_basis: str = ""
    note: str = ""


NO_PROVENANCE = Provenance()


# -- channels -----------------------------------------------------------------------------


class ChannelLevel(StrEnum):
    """The level at which two counterparts talk, from the top down."""

    HEADS_OF_STATE = "heads_of_state"
    FOREIGN_MINISTERS = "foreign_ministers"
    DEFENCE_MINISTERS = "defence_ministers"
    CHIEFS_OF_STAFF = "chiefs_of_staff"
    SENIOR_OFFICIALS = "senior_officials"
    UN_SECURITY_COUNCIL = "un_security_council"
    HOTLINE = "hotline"
    BACK_CHANNEL = "back_channel"
    PUBLIC = "public"


ARRIVAL_CHANNEL = "arrival"
"""In a playbook step, "the channel(s) the incident came through"."""


@dataclass(frozen=True)
class Channel:
    """A channel between two counterparts at one level.

    ``endpoints`` names who holds each end (party id -> person id or title).
    """

    id: str
    dyad: Dyad
    level: ChannelLevel
    endpoints: Mapping[str, str] = field(default_factory=dict, hash=False)
    last_used: datetime | None = None
    provenance: Provenance = NO_PROVENANCE

    def __post_init__(self) -> None:
        if len(self.dyad) != 2 or self.dyad != dyad(*self.dyad):
            raise ValueError(f"channel {self.id!r}: the dyad must be two sorted party ids")
        for party in self.endpoints:
            if party not in self.dyad:
                raise ValueError(f"channel {self.id!r}: {party} is not one of {self.dyad}")
        if self.last_used is not None:
            object.__setattr__(self, "last_used", require_aware(self.last_used, "last use"))

    def used(self, at: datetime) -> Channel:
        """The channel with ``last_used`` moved to ``at`` if that is later."""
        at = require_aware(at, "use")
        if self.last_used is not None and self.last_used >= at:
            return self
        return replace(self, last_used=at)


# -- incidents ----------------------------------------------------------------------------


class IncidentType(StrEnum):
    ALLEGATION = "allegation"
    THREAT = "threat"
    VIOLATION = "violation"
    ACCIDENT = "accident"
    NOTIFICATION_MISSED = "notification_missed"


@dataclass(frozen=True)
class Arrival:
    """The incident reaching the desk through one channel at one instant."""

    channel: str
    at: datetime
    provenance: Provenance = NO_PROVENANCE

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", require_aware(self.at, "arrival"))


@dataclass(frozen=True)
class Incident:
    """An allegation, threat, violation, accident or missed notification.

    ``raised_by`` is the party that raised it (the accuser, the one threatening, the
    one reporting); ``against`` the party it is directed at. ``level`` is the rung of
    the escalation ladder the desk gives it. Arrivals are kept in time order.
    """

    id: str
    type: IncidentType
    title: str
    raised_by: str
    against: str
    claim: str
    arrivals: tuple[Arrival, ...]
    level: int
    evidence: tuple[str, ...] = ()
    provenance: Provenance = NO_PROVENANCE

    def __post_init__(self) -> None:
        if not self.arrivals:
            raise ValueError(f"incident {self.id!r} has no arrival")
        seen = {(a.channel, a.at) for a in self.arrivals}
        if len(seen) != len(self.arrivals):
            raise ValueError(f"incident {self.id!r} lists the same arrival twice")
        ordered = tuple(sorted(self.arrivals, key=lambda a: (a.at, a.channel)))
        object.__setattr__(self, "arrivals", ordered)

    @property
    def first_arrival(self) -> datetime:
        return self.arrivals[0].at

    @property
    def channels(self) -> tuple[str, ...]:
        """The channels it came through, in order of first arrival, each once."""
        return tuple(dict.fromkeys(a.channel for a in self.arrivals))

    def arrive(self, arrival: Arrival) -> Incident:
        """The same incident, arriving once more (another channel, or again)."""
        if any((a.channel, a.at) == (arrival.channel, arrival.at) for a in self.arrivals):
            raise Conflict(
                f"Incident {self.id} already arrived through {arrival.channel} "
                f"at {arrival.at.isoformat()}."
            )
        return replace(self, arrivals=(*self.arrivals, arrival))

    def merge(self, other: Incident) -> Incident:
        """Fold ``other``, logged separately, into this incident: the desk shows one."""
        if other.id == self.id:
            raise Conflict(f"Incident {self.id} cannot be merged into itself.")
        same = (other.type, other.raised_by, other.against) == (
            self.type,
            self.raised_by,
            self.against,
        )
        if not same:
            raise Conflict(
                f"Incident {other.id} ({other.type} by {other.raised_by} against "
                f"{other.against}) is not the same incident as {self.id} ({self.type} by "
                f"{self.raised_by} against {self.against}); only the same claim can be merged."
            )
        known = {(a.channel, a.at) for a in self.arrivals}
        extra = tuple(a for a in other.arrivals if (a.channel, a.at) not in known)
        evidence = tuple(dict.fromkeys((*self.evidence, *other.evidence)))
        return replace(
            self,
            arrivals=(*self.arrivals, *extra),
            evidence=evidence,
            level=max(self.level, other.level),
        )


# -- the escalation ladder ----------------------------------------------------------------


@dataclass(frozen=True)
class Rung:
    """One level of a condensed ladder and the rungs of the original it stands for."""

    level: int
    name: str
    covers: str
    description: str


@dataclass(frozen=True)
class EscalationLadder:
    """A documented escalation ladder: levels from 0 (lowest) upward."""

    id: str
    title: str
    source: str
    rungs: tuple[Rung, ...]

    def __post_init__(self) -> None:
        if [r.level for r in self.rungs] != list(range(len(self.rungs))):
            raise ValueError(f"ladder {self.id!r}: levels must run 0, 1, 2, ... without gaps")

    @property
    def top(self) -> int:
        return len(self.rungs) - 1

    def rung(self, level: int) -> Rung:
        if not 0 <= level <= self.top:
            raise ValueError(f"level {level} is not on the ladder {self.id!r} (0 to {self.top})")
        return self.rungs[level]


KAHN_1965_CONDENSED = EscalationLadder(
    id="kahn-1965-condensed",
    title="Kahn's escalation ladder, condensed to ten levels",
    source=(
        "Herman Kahn, On Escalation: Metaphors and Scenarios (New York: Praeger, 1965), "
        "the 44 rungs and six thresholds. Condensed by offramp: level 0 is the base below "
        "rung 1 ('disagreement, cold war'); levels 1-5 take rungs 1-9 in pairs (rung 9 "
        "alone); levels 6 and 7 split rungs 10-20 before rung 15, 'barely nuclear war'; "
        "level 8 is rungs 21-25, between the no-nuclear-use and central-sanctuary "
        "thresholds; level 9 is rungs 26-44, every attack on the homelands."
    ),
    rungs=(
        Rung(0, "routine", "base", "Disagreement conducted by ordinary diplomacy."),
        Rung(
            1,
            "gestures",
            "rungs 1-2",
            "Ostensible crisis; political, economic and diplomatic gestures.",
        ),
        Rung(
            2,
            "declarations",
            "rungs 3-4",
            "Solemn and formal declarations, allegations and threats; hardening of positions.",
        ),
        Rung(3, "shows of force", "rungs 5-6", "Shows of force; significant mobilization."),
        Rung(
            4,
            "harassment",
            "rungs 7-8",
            "Legal harassment and retortions; harassing acts of violence.",
        ),
        Rung(
            5,
            "confrontation",
            "rung 9",
            "Dramatic military confrontations; below the "
            "threshold where nuclear war stops being unthinkable.",
        ),
        Rung(
            6,
            "intense crisis",
            "rungs 10-14",
            "Breaking off relations, super-ready "
            "status, large conventional war, declared limited conventional war.",
        ),
        Rung(
            7,
            "nuclear brink",
            "rungs 15-20",
            "Barely nuclear war, nuclear ultimatums, "
            "evacuations, demonstrations of force, blockade; below the no-nuclear-use "
            "threshold.",
        ),
        Rung(
            8,
            "limited nuclear use",
            "rungs 21-25",
            "Local or declared limited nuclear war; nuclear use outside the homelands.",
        ),
        Rung(
            9,
            "central nuclear war",
            "rungs 26-44",
            "Attacks on the homelands, from exemplary attacks to general war.",
        ),
    ),
)


class ScoreKind(StrEnum):
    """What was scored."""

    INCIDENT = "incident"
    THREAT = "threat"
    STATEMENT = "statement"
    ACTION = "action"


@dataclass(frozen=True)
class EscalationScore:
    """A dyad's level on the ladder at one instant, and what put it there."""

    id: str
    dyad: Dyad
    at: datetime
    level: int
    kind: ScoreKind
    subject: str = ""
    rationale: str = ""
    scored_by: str = ""
    provenance: Provenance = NO_PROVENANCE

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", require_aware(self.at, "score time"))
        if self.dyad != dyad(*self.dyad):
            raise ValueError(f"score {self.id!r}: the dyad must be two sorted party ids")
        if self.level < 0:
            raise ValueError(f"score {self.id!r}: level {self.level} is below the ladder")


@dataclass(frozen=True)
class EscalationAlert:
    """A jump on the ladder: ``score`` rose ``to_level - from_level`` over the baseline."""

    dyad: Dyad
    at: datetime
    from_level: int
    to_level: int
    score: str

    @property
    def jump(self) -> int:
        return self.to_level - self.from_level

    def describe(self) -> str:
        a, b = self.dyad
        return (
            f"{a}-{b} escalated from level {self.from_level} to {self.to_level} "
            f"(+{self.jump}) at {self.at.isoformat()}"
        )


@dataclass(frozen=True)
class AlertRule:
    """Fire when a dyad's level rises by ``jump`` or more.

    The baseline is the previous score of the dyad; with ``window`` set, it is the
    lowest score of the dyad in the ``window`` before (so two steps of 1 within the
    window add up to a jump of 2).
    """

    jump: int = 2
    window: timedelta | None = None

    def __post_init__(self) -> None:
        if self.jump < 1:
            raise ValueError("an alert needs a jump of at least one level")

    def alerts(self, scores: Iterable[EscalationScore]) -> tuple[EscalationAlert, ...]:
        """Every alert the scores raise, in time order."""
        out: list[EscalationAlert] = []
        for pair in sorted({s.dyad for s in scores}):
            history = timeline(scores, pair)
            for k, score in enumerate(history):
                earlier = history[:k]
                if self.window is not None:
                    earlier = tuple(s for s in earlier if score.at - s.at <= self.window)
                    base = min((s.level for s in earlier), default=None)
                else:
                    base = earlier[-1].level if earlier else None
                if base is not None and score.level - base >= self.jump:
                    out.append(EscalationAlert(pair, score.at, base, score.level, score.id))
        return tuple(sorted(out, key=lambda a: (a.at, a.dyad)))


def timeline(scores: Iterable[EscalationScore], pair: Dyad) -> tuple[EscalationScore, ...]:
    """One dyad's scores in time order (ties by id): the series a timeline chart draws."""
    pair = dyad(*pair)
    return tuple(sorted((s for s in scores if s.dyad == pair), key=lambda s: (s.at, s.id)))


# -- commitments --------------------------------------------------------------------------


class CommitmentKind(StrEnum):
    RESTRAINT = "restraint"
    RED_LINE = "red_line"
    RULE_OF_ENGAGEMENT = "rule_of_engagement"


@dataclass(frozen=True)
class Commitment:
    """A declared restraint, red line or rule of engagement, and its reported violations."""

    id: str
    kind: CommitmentKind
    text: str
    declared_by: str
    to: tuple[str, ...]
    date: date
    channel: str | None = None
    violations: tuple[str, ...] = ()
    provenance: Provenance = NO_PROVENANCE

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ValueError(f"commitment {self.id!r} has no text")
        if not self.to:
            raise ValueError(f"commitment {self.id!r} is declared to nobody")
        if self.declared_by in self.to:
            raise ValueError(f"commitment {self.id!r}: {self.declared_by} declares it to itself")

    def report_violation(self, incident: Incident) -> Commitment:
        """Link a violation incident to the commitment."""
        if incident.type is not IncidentType.VIOLATION:
            raise Conflict(
                f"Incident {incident.id} is {incident.type.replace('_', ' ')}, not a violation; "
                f"log a violation to link it to commitment {self.id}."
            )
        if incident.id in self.violations:
            raise Conflict(f"Incident {incident.id} is already linked to commitment {self.id}.")
        return replace(self, violations=(*self.violations, incident.id))


# -- notifications ------------------------------------------------------------------------


class NotificationKind(StrEnum):
    EXERCISE = "exercise"
    MISSILE_LAUNCH = "missile_launch"


class AckStatus(StrEnum):
    AWAITED = "awaited"
    ACKNOWLEDGED = "acknowledged"
    ACKNOWLEDGED_LATE = "acknowledged_late"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Notification:
    """A structured notice of an exercise or launch, sent to a counterpart to acknowledge.

    ``what`` / ``where`` / ``size`` are free text ("strategic nuclear forces exercise",
    "Plesetsk", "ICBM and SLBM launches"); ``starts``/``ends`` are when it happens.
    """

    id: str
    kind: NotificationKind
    sender: str
    to: str
    what: str
    where: str
    starts: datetime
    size: str
    channel: str
    sent_at: datetime
    ack_due: datetime
    ends: datetime | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str = ""
    provenance: Provenance = NO_PROVENANCE

    def __post_init__(self) -> None:
        for name in ("starts", "sent_at", "ack_due", "ends", "acknowledged_at"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, require_aware(value, name.replace("_", " ")))
        if self.sender == self.to:
            raise ValueError(f"notification {self.id!r} is addressed to its sender")
        if self.ack_due < self.sent_at:
            raise ValueError(f"notification {self.id!r}: acknowledgement due before it was sent")
        if self.ends is not None and self.ends < self.starts:
            raise ValueError(f"notification {self.id!r} ends before it starts")

    @classmethod
    def send(
        cls,
        id: str,
        kind: NotificationKind,
        *,
        sender: str,
        to: str,
        what: str,
        where: str,
        starts: datetime,
        size: str,
        channel: str,
        sent_at: datetime,
        ack_hours: float,
        ends: datetime | None = None,
        provenance: Provenance = NO_PROVENANCE,
    ) -> Notification:
        """A new notification whose acknowledgement is due ``ack_hours`` after sending."""
        return cls(
            id, kind, sender, to, what, where, starts, size, channel, sent_at,
            due_after(sent_at, ack_hours), ends, provenance=provenance,
        )  # fmt: skip

    def acknowledge(self, by: str, at: datetime) -> Notification:
        """Record the counterpart's acknowledgement."""
        at = require_aware(at, "acknowledgement")
        if self.acknowledged_at is not None:
            raise Conflict(
                f"Notification {self.id} was already acknowledged by {self.acknowledged_by} "
                f"at {self.acknowledged_at.isoformat()}."
            )
        if at < self.sent_at:
            raise Conflict(
                f"Notification {self.id} cannot be acknowledged at {at.isoformat()}, "
                f"before it was sent at {self.sent_at.isoformat()}."
            )
        return replace(self, acknowledged_at=at, acknowledged_by=by)

    def status(self, now: datetime) -> AckStatus:
        now = require_aware(now, "time")
        if self.acknowledged_at is not None and self.acknowledged_at <= now:
            late = self.acknowledged_at > self.ack_due
            return AckStatus.ACKNOWLEDGED_LATE if late else AckStatus.ACKNOWLEDGED
        return AckStatus.OVERDUE if now > self.ack_due else AckStatus.AWAITED

    @property
    def missed_incident_id(self) -> str:
        return f"ack-missed-{self.id}"

    def missed_incident(self, now: datetime) -> Incident | None:
        """The incident a missed acknowledgement raises, or None if none is missed by ``now``.

        Missed means: the deadline passed before ``now`` with no acknowledgement by then
        (a late acknowledgement still leaves the incident on record).
        """
        now = require_aware(now, "time")
        if now <= self.ack_due:
            return None
        if self.acknowledged_at is not None and self.acknowledged_at <= self.ack_due:
            return None
        return Incident(
            id=self.missed_incident_id,
            type=IncidentType.NOTIFICATION_MISSED,
            title=f"{self.to} has not acknowledged notification {self.id}",
            raised_by=self.sender,
            against=self.to,
            claim=(
                f"{self.to} did not acknowledge {self.sender}'s notification of {self.what} "
                f"by {self.ack_due.isoformat()}."
            ),
            arrivals=(Arrival(self.channel, self.ack_due),),
            level=1,
            evidence=(f"notification {self.id}",),
        )


def missed_acknowledgements(
    notifications: Iterable[Notification], now: datetime, known: Iterable[str] = ()
) -> tuple[Incident, ...]:
    """Incidents for acknowledgements overdue at ``now``, leaving out ids already ``known``."""
    skip = set(known)
    found = (n.missed_incident(now) for n in notifications)
    return tuple(i for i in found if i is not None and i.id not in skip)


# -- assurances ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Stake:
    """One party's values over an assurance's options (analyst judgement)."""

    party: str
    salience: float
    values: Mapping[str, float] = field(hash=False)
    acceptable: tuple[str, ...] = ()

    @property
    def ideal(self) -> str:
        return max(self.values, key=lambda o: self.values[o])


@dataclass(frozen=True)
class Assurance:
    """A proposed mutual security assurance, codable as a candidate issue.

    ``to_issue`` gives an :class:`~offramp.model.Issue` with ``candidate=True``;
    ``positions`` gives each party's position on it, so "enlarge the problem" can
    weigh it like any other linked issue.
    """

    id: str
    title: str
    proposed_by: str
    to: tuple[str, ...]
    options: tuple[Option, ...]
    stakes: tuple[Stake, ...]
    precedent: str = ""
    provenance: Provenance = NO_PROVENANCE

    def __post_init__(self) -> None:
        ids = [o.id for o in self.options]
        if len(ids) < 2 or len(set(ids)) != len(ids):
            raise ValueError(f"assurance {self.id!r} needs two or more distinct options")
        object.__setattr__(self, "stakes", tuple(sorted(self.stakes, key=lambda s: s.party)))
        for stake in self.stakes:
            if set(stake.values) != set(ids):
                raise ValueError(
                    f"assurance {self.id!r}: {stake.party}'s values must cover "
                    f"exactly the options {', '.join(ids)}"
                )

    def to_issue(self) -> Issue:
        return Issue(
            id=self.id,
            title=self.title,
            kind=IssueKind.SECURITY,
            options=self.options,
            description=f"A mutual security assurance proposed by {self.proposed_by}.",
            candidate=True,
        )

    def positions(self, on: date, statements: tuple[str, ...] = ()) -> tuple[Position, ...]:
        """Each stakeholder's position on the candidate issue from ``on``."""
        return tuple(
            Position(
                party=s.party,
                issue=self.id,
                date=on,
                ideal=s.ideal,
                acceptable=tuple(dict.fromkeys((s.ideal, *s.acceptable))),
                salience=s.salience,
                values=dict(s.values),
                statements=statements,
                note="analyst judgement, from the crisis desk's assurance record",
            )
            for s in self.stakes
        )


# -- playbooks ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StepSpec:
    """One step of a playbook: what, where, and by when after the run starts.

    Exactly one of ``hours`` (absolute hours after the start) and ``by`` (a wall-clock
    deadline in a zone) is set. ``channel`` is ``arrival`` (the channels the incident
    came through), a :class:`ChannelLevel` value, or None. ``after`` lists steps that
    must be done (or waived) before this one.
    """

    id: str
    title: str
    hours: float | None = None
    by: WallDeadline | None = None
    after: tuple[str, ...] = ()
    channel: str | None = None
    owner: str = ""
    description: str = ""

    def due(self, start: datetime) -> datetime:
        if self.hours is not None:
            return due_after(start, self.hours)
        if self.by is not None:
            return self.by.due(start)
        raise ValueError(f"step {self.id!r} has no deadline")

    def deadline_text(self) -> str:
        if self.hours is not None:
            return f"within {self.hours:g} h"
        return self.by.describe() if self.by is not None else "no deadline"


@dataclass(frozen=True)
class Playbook:
    """Ordered response steps for one type of incident. See :func:`playbook_problems`."""

    id: str
    title: str
    incident_type: IncidentType
    steps: tuple[StepSpec, ...]
    description: str = ""

    def __post_init__(self) -> None:
        problems = list(playbook_problems(self.steps))
        if problems:
            raise ValueError("; ".join(f"steps[{k}].{f}: {m}" for k, f, m in problems))

    def step(self, step_id: str) -> StepSpec:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(f"playbook {self.id!r} has no step {step_id!r}")


def playbook_problems(steps: Sequence[StepSpec]) -> Iterator[tuple[int, str, str]]:
    """Everything wrong with a playbook's steps, as (step index, field, message).

    A step with no deadline or two, duplicate step ids, an unknown channel level,
    ``after`` naming an unknown step, a cycle among the ``after`` links (named in
    full), and a step due before a step it comes after (when both count hours).
    """
    if not steps:
        yield (0, "steps", "the playbook has no steps")
        return
    levels = {str(v) for v in ChannelLevel} | {ARRIVAL_CHANNEL}
    ids = {s.id for s in steps}
    first: dict[str, int] = {}
    for k, s in enumerate(steps):
        if s.id in first:
            yield (k, "id", f"duplicate step id {s.id!r} (first used by step {first[s.id] + 1})")
        first.setdefault(s.id, k)
        if s.hours is None and s.by is None:
            yield (k, "id", f"step {s.id!r} has no deadline: give `hours:` or `by:`")
        elif s.hours is not None and s.by is not None:
            yield (k, "id", f"step {s.id!r} has two deadlines: give `hours:` or `by:`, not both")
        elif s.hours is not None and s.hours < 0:
            yield (k, "hours", f"step {s.id!r} is due {s.hours:g} hours before the arrival")
        if s.channel is not None and s.channel not in levels:
            yield (
                k,
                "channel",
                f"unknown channel level {s.channel!r}: use {ARRIVAL_CHANNEL} or one of "
                + ", ".join(v.value for v in ChannelLevel),
            )
        for a in s.after:
            if a == s.id:
                yield (k, "after", f"step {s.id!r} comes after itself")
            elif a not in ids:
                yield (k, "after", f"step {s.id!r} comes after unknown step {a!r}")
    cycle = _find_cycle(steps)
    if cycle:
        yield (
            first[cycle[0]],
            "after",
            "a cycle in step dependencies: "
            + " -> ".join(cycle)
            + " (each step comes after the next)",
        )
        return
    for k, s in enumerate(steps):
        for a in s.after:
            before = steps[first[a]] if a in first else None
            if (
                before is not None
                and before is not s
                and s.hours is not None
                and before.hours is not None
                and s.hours < before.hours
            ):
                yield (
                    k,
                    "hours",
                    f"step {s.id!r} is due at {s.hours:g} h, before step {a!r} "
                    f"({before.hours:g} h) that it comes after",
                )


def _find_cycle(steps: Sequence[StepSpec]) -> list[str]:
    """One cycle of ``after`` links (longer than a self-loop) as [a, b, ..., a], or []."""
    edges = {s.id: [a for a in s.after if a != s.id] for s in steps}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in edges.get(node, []):
            if nxt not in edges:
                continue
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :]
                # read it as "a must come after b": a -> b -> ... -> a
                return [*cycle, nxt]
            if state.get(nxt) is None:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return []

    for s in steps:
        if state.get(s.id) is None:
            found = visit(s.id)
            if found:
                return found
    return []


# -- playbook runs ------------------------------------------------------------------------


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


# -- the desk -----------------------------------------------------------------------------


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

    channels: tuple[Channel, ...] = ()
    incidents: tuple[Incident, ...] = ()
    runs: tuple[PlaybookRun, ...] = ()
    commitments: tuple[Commitment, ...] = ()
    notifications: tuple[Notification, ...] = ()
    assurances: tuple[Assurance, ...] = ()
    scores: tuple[EscalationScore, ...] = ()
    ladder: EscalationLadder = KAHN_1965_CONDENSED
    alert_rule: AlertRule = AlertRule()
    date_basis: str = ""
    note: str = ""

    def channel(self, channel_id: str) -> Channel:
        for c in self.channels:
            if c.id == channel_id:
                return c
        raise KeyError(f"no channel {channel_id!r}")

    def incident(self, incident_id: str) -> Incident:
        for i in self.incidents:
            if i.id == incident_id:
                return i
        raise KeyError(f"no incident {incident_id!r}")

    def run(self, incident_id: str) -> PlaybookRun | None:
        return next((r for r in self.runs if r.incident == incident_id), None)

    def channels_between(self, a: str, b: str) -> tuple[Channel, ...]:
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
