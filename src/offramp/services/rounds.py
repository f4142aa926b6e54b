"""Rounds of secret acceptances: open a round, mark in private, reveal the overlap.

The rules (see :mod:`offramp.model.rounds`): the mediator opens a round on packages it
types or takes from the deal space (the frontier, the bargaining solutions); each
addressed party's delegates mark the packages their party could accept; the last
answer reveals the packages every party marked, or that none was. A sealed round shows
nobody but the party its own marks; a round open to the mediator shows them to the
mediator too. What anyone else can observe (views, lists, versions, audit payloads,
errors) depends on the marks only through the overlap: the audit chain records *that*
a party answered, never what. "Now" is the injected clock's; a round whose deadline
has passed is expired when read, and shows nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from offramp.analysis.report import AnalysisReport
from offramp.errors import Conflict, InputError, NotFound
from offramp.model.access import Action
from offramp.model.deadlines import Clock
from offramp.model.rounds import (
    MAX_PACKAGES,
    Answer,
    Round,
    RoundPackage,
    RoundState,
    Visibility,
    check_round,
    number_packages,
)
from offramp.services.access import AccessPolicy, Actor, Scope
from offramp.services.analysis import AnalysisService
from offramp.services.base import UseCases
from offramp.services.stored_case import read_case
from offramp.store.repository import Versioned
from offramp.store.uow import UnitOfWork, UowFactory

NO_ROUND = "No such round."


class PackageSource(StrEnum):
    """Where a round's packages come from."""

    TYPED = "typed"
    FRONTIER = "frontier"
    SOLUTIONS = "solutions"


@dataclass(frozen=True)
class RoundView:
    """A round as one member sees it.

    ``mine`` is the reader's own party's marks (its delegates only); ``marks`` every
    party's, for the mediator of a round open to the mediator; ``overlap`` the keys of
    the revealed packages (None until revealed).
    """

    id: int
    version: int
    title: str
    packages: tuple[RoundPackage, ...]
    parties: tuple[str, ...]
    visibility: Visibility
    opened_by: str
    opened_at: datetime
    deadline: datetime | None
    state: RoundState
    answered: tuple[str, ...]
    revealed_at: datetime | None
    overlap: tuple[str, ...] | None
    mine: tuple[str, ...] | None
    marks: Mapping[str, tuple[str, ...] | None] | None


class RoundService(UseCases):
    """Use cases of rounds of secret acceptances."""

    def __init__(
        self, uow: UowFactory, policy: AccessPolicy, clock: Clock, analysis: AnalysisService
    ) -> None:
        super().__init__(uow, policy, clock)
        self.analysis = analysis

    def _can_read(self, scope: Scope, r: Round) -> bool:
        return self.policy.can(
            scope, Action.ROUND_READ, resource=f"round/{r.id}", parties=frozenset(r.parties)
        )

    def _round(self, uow: UnitOfWork, scope: Scope, round_id: int) -> Versioned[Round]:
        got = uow.rounds.get_round(scope.case.id, round_id)
        if got is None or not self._can_read(scope, got.value):
            raise NotFound(NO_ROUND)
        return got

    def _view(self, scope: Scope, got: Versioned[Round]) -> RoundView:
        r = got.value
        now = self.clock.now()
        state = r.state_at(now)
        own = scope.party if scope.party in r.parties else None
        mine: tuple[str, ...] | None = None
        if own is not None and self.policy.can(
            scope, Action.ROUND_MARK, resource=f"round/{r.id}", parties=frozenset({own})
        ):
            mine = _ordered(r, r.answer_of(own))
        marks = None
        if r.visibility is Visibility.OPEN_TO_MEDIATOR and self.policy.can(
            scope, Action.ROUND_MARKS, resource=f"round/{r.id}"
        ):
            marks = {a.party: _ordered(r, a) for a in r.answers}
        return RoundView(
            id=r.id,
            version=got.version,
            title=r.title,
            packages=r.packages,
            parties=r.parties,
            visibility=r.visibility,
            opened_by=r.opened_by,
            opened_at=r.opened_at,
            deadline=r.deadline,
            state=state,
            answered=r.answered(),
            revealed_at=r.revealed_at,
            overlap=r.overlap if state is RoundState.REVEALED else None,
            mine=mine,
            marks=marks,
        )

    # -- the mediator opens a round ---------------------------------------------------
    def open_round(
        self,
        actor: Actor | None,
        slug: str,
        title: str,
        *,
        packages: Sequence[Mapping[str, str]] = (),
        source: PackageSource = PackageSource.TYPED,
        at: date | None = None,
        parties: tuple[str, ...] | None = None,
        deadline: datetime | None = None,
        open_to_mediator: bool = False,
    ) -> RoundView:
        """Open a round on typed ``packages`` or on those of the deal space on ``at``."""
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            self.policy.require(scope, Action.ROUND_OPEN)
        chosen: list[tuple[Mapping[str, str], str]] = [(p, "typed") for p in packages]
        if source is not PackageSource.TYPED:
            if packages:
                raise InputError("packages", f"give packages or source {source.value}, not both")
            report = self.analysis.report(actor, slug, at, parties)
            chosen = _from_report(report, source)
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            self.policy.require(scope, Action.ROUND_OPEN)
            case = read_case(uow, scope.case)
            now = self.clock.now()
            numbered = number_packages(chosen)
            to = tuple(parties) if parties else case.negotiating_parties()
            problems = check_round(case, title, numbered, to, now, deadline)
            if problems:
                raise InputError.of(problems)
            r = Round(
                id=0,
                title=title.strip(),
                packages=numbered,
                answers=tuple(Answer(p) for p in to),
                visibility=Visibility.OPEN_TO_MEDIATOR if open_to_mediator else Visibility.SEALED,
                opened_by=scope.actor.name,
                opened_at=now,
                deadline=deadline,
            )
            got = uow.rounds.add_round(scope.case.id, r)
            uow.audit(
                slug,
                scope.actor.name,
                "round.open",
                {
                    "round": got.id,
                    "title": r.title,
                    "packages": {p.key: dict(p.options) for p in r.packages},
                    "parties": list(to),
                    "visibility": r.visibility.value,
                    "deadline": deadline.isoformat() if deadline else None,
                },
            )
            uow.commit()
        return self._view(scope, got)

    # -- reading ----------------------------------------------------------------------
    def list_rounds(self, actor: Actor | None, slug: str) -> list[RoundView]:
        """The rounds the member may see, newest first."""
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            every = self.policy.can(scope, Action.ROUND_READ, resource="rounds")
            if not every and not scope.party:
                return []
            rows = uow.rounds.list_rounds(scope.case.id, None if every else scope.party)
            visible = [g for g in rows if self._can_read(scope, g.value)]
        return [self._view(scope, g) for g in visible]

    def get_round(self, actor: Actor | None, slug: str, round_id: int) -> RoundView:
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            return self._view(scope, self._round(uow, scope, round_id))

    # -- a party marks ------------------------------------------------------------------
    def mark(
        self, actor: Actor | None, slug: str, round_id: int, accepted: Sequence[str]
    ) -> RoundView:
        """Record, for the actor's own party, the packages it could accept.

        Replaces the party's earlier marks while the round is open; the last addressed
        party to answer reveals the overlap. The audit event says only that it answered.
        """
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            got = self._round(uow, scope, round_id)
            self.policy.require(
                scope,
                Action.ROUND_MARK,
                resource=f"round/{round_id}",
                parties=frozenset(got.value.parties),
            )
            assert scope.party is not None
            now = self.clock.now()
            new = got.value.mark(scope.party, accepted, now)
            if not uow.rounds.save_round(scope.case.id, new, got.version):
                raise Conflict(f"Round {round_id} changed meanwhile; send the marks again.")
            uow.audit(
                slug, scope.actor.name, "round.answer", {"round": round_id, "party": scope.party}
            )
            if new.state is RoundState.REVEALED:
                uow.audit(
                    slug,
                    scope.actor.name,
                    "round.reveal",
                    {"round": round_id, "overlap": list(new.overlap or ())},
                )
            uow.commit()
        return self._view(scope, Versioned(got.id, got.version + 1, new))


def _ordered(r: Round, a: Answer) -> tuple[str, ...] | None:
    if a.accepted is None:
        return None
    return tuple(k for k in r.keys if k in a.accepted)


def _from_report(
    report: AnalysisReport, source: PackageSource
) -> list[tuple[Mapping[str, str], str]]:
    """The packages of the deal space: every frontier point, or the four solutions."""
    p = report.problem

    def options(package: Iterable[Any]) -> dict[str, str]:
        return {
            issue: p.options[i][int(o)]
            for i, (issue, o) in enumerate(zip(p.issues, package, strict=True))
        }

    if source is PackageSource.SOLUTIONS:
        return [(options(s.package), name) for name, s in report.solutions.items() if s is not None]
    front = report.frontier
    if len(front) > MAX_PACKAGES:
        raise InputError(
            "source",
            f"the frontier has {len(front)} packages, more than a round's {MAX_PACKAGES}: "
            "type the ones to put to the parties",
        )
    return [(options(row), "frontier") for row in front.packages]
