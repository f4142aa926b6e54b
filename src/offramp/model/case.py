"""The case: actors and their roles, people, issues, statements, positions, tracks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from offramp.model.crisis import CrisisDesk
from offramp.model.issues import Issue
from offramp.model.lookup import by_id
from offramp.model.positions import Position, Reservation
from offramp.model.spans import within
from offramp.model.statements import Source, Statement


class Role(StrEnum):
    """An actor's role in the case (not a user's role on the desk)."""

    PARTY = "party"
    MEDIATOR = "mediator"
    FACILITATOR = "facilitator"
    HOST = "host"
    STAKEHOLDER = "stakeholder"
    IMPARTIAL_BODY = "impartial_body"
    FORUM = "forum"
    OBSERVER = "observer"


@dataclass(frozen=True)
class Party:
    """An actor: a state, an organisation, a forum. Ids are upper case (``UA``)."""

    id: str
    name: str
    role: Role
    aliases: tuple[str, ...] = ()
    capability: float | None = None
    note: str = ""


@dataclass(frozen=True)
class Person:
    """Someone who speaks for an actor, in a role held between two dates."""

    id: str
    name: str
    party: str
    title: str = ""
    aliases: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None

    def serves_on(self, day: date) -> bool:
        """Whether the person held the role on that day."""
        return within(day, self.since, self.until)


@dataclass(frozen=True)
class Track:
    """A dated strand of the case: a mediation, a crisis between two powers."""

    id: str
    title: str
    start: date
    end: date | None = None
    parties: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Case:
    """One conflict and everything known about it. Lookups raise ``KeyError``.

    Invariants (ids unique, every reference resolves, values cover every option) are
    checked by :func:`offramp.model.checks.check_case`, which returns every problem
    with its path so a case file can point at the line.
    """

    id: str
    title: str
    parties: tuple[Party, ...]
    issues: tuple[Issue, ...]
    description: str = ""
    people: tuple[Person, ...] = ()
    sources: tuple[Source, ...] = ()
    statements: tuple[Statement, ...] = ()
    positions: tuple[Position, ...] = ()
    reservations: tuple[Reservation, ...] = ()
    tracks: tuple[Track, ...] = ()
    stance_cues: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    sensitivity: dict[str, float] = field(default_factory=dict, hash=False)
    notes: str = ""
    crisis: CrisisDesk | None = field(default=None, hash=False)

    # -- lookups -------------------------------------------------------------------
    def party(self, party_id: str) -> Party:
        return by_id(self.parties, party_id, "party")

    def issue(self, issue_id: str) -> Issue:
        return by_id(self.issues, issue_id, "issue")

    def statement(self, statement_id: str) -> Statement:
        return by_id(self.statements, statement_id, "statement")

    def negotiating_parties(self) -> tuple[str, ...]:
        """Ids of the actors whose role is ``party``."""
        return tuple(p.id for p in self.parties if p.role is Role.PARTY)

    def table_issues(self) -> tuple[Issue, ...]:
        """Issues on the table (not candidates for enlargement)."""
        return tuple(i for i in self.issues if not i.candidate)

    def candidate_issues(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.candidate)

    # -- positions over time ---------------------------------------------------------
    def position_at(self, party: str, issue: str, at: date) -> Position | None:
        """The party's latest position on the issue dated on or before ``at``."""
        found = [
            p for p in self.positions if p.party == party and p.issue == issue and p.date <= at
        ]
        return max(found, key=lambda p: p.date, default=None)

    def reservation_at(self, party: str, at: date) -> Reservation | None:
        """The party's latest reservation value dated on or before ``at``."""
        found = [r for r in self.reservations if r.party == party and r.date <= at]
        return max(found, key=lambda r: r.date, default=None)

    def statements_between(self, start: date | None, end: date | None) -> tuple[Statement, ...]:
        """Statements dated within [start, end], in date order."""
        chosen = [s for s in self.statements if within(s.date, start, end)]
        return tuple(sorted(chosen, key=lambda s: (s.date, s.id)))

    def dates(self) -> tuple[date, ...]:
        """Every date on which some position or reservation changed, in order."""
        return tuple(sorted({p.date for p in self.positions} | {r.date for r in self.reservations}))
