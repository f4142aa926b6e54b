"""The shuttle: channels, messages with handling marks, relays, claims and proposals.

A mediator keeps one private channel with each party and a plenary channel for all of
them. Every message carries a handling mark chosen by its author, and a relay must obey
the mark of the message it comes from. A public statement becomes a *claim* that the
mediator verifies before relaying it:

    stated -> assurance_requested -> assured | denied
    assured -> relayed (affirmed) -> acknowledged
    stated | assurance_requested -> relayed (unverified) -> acknowledged

A proposal is a package (issue -> option) tabled to parties; each addressed party
accepts or rejects it for itself. Illegal moves raise :class:`offramp.errors.Conflict`
with a sentence saying why. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from offramp.errors import Conflict, Problem
from offramp.model.case import Case
from offramp.model.positions import Position, distance_values
from offramp.model.statements import Stance, Statement

PLENARY = "plenary"


class ChannelKind(StrEnum):
    """A private channel between the mediator and one party, or the plenary."""

    PARTY = "party"
    PLENARY = "plenary"


@dataclass(frozen=True)
class Channel:
    """A channel of a case. ``key`` is ``plenary`` or the party id (``UA``)."""

    key: str
    kind: ChannelKind
    party: str | None = None

    def parties(self, negotiating: tuple[str, ...]) -> frozenset[str]:
        """The parties whose delegates may read this channel."""
        if self.kind is ChannelKind.PLENARY:
            return frozenset(negotiating)
        assert self.party is not None
        return frozenset({self.party})


def channels_for(case: Case) -> tuple[Channel, ...]:
    """One channel per negotiating party, then the plenary."""
    own = tuple(Channel(p, ChannelKind.PARTY, p) for p in case.negotiating_parties())
    return (*own, Channel(PLENARY, ChannelKind.PLENARY))


class HandlingMark(StrEnum):
    """What the author allows the mediator to do with a message."""

    MEDIATOR_ONLY = "mediator-only"
    MAY_RELAY = "may-relay"
    RELAY_VERBATIM = "relay-verbatim"


class RelayMode(StrEnum):
    VERBATIM = "verbatim"
    PARAPHRASE = "paraphrase"


class RelayLabel(StrEnum):
    """How a relayed claim is presented to its recipient."""

    AFFIRMED = "affirmed"
    UNVERIFIED = "unverified"


@dataclass(frozen=True)
class Message:
    """A message in a channel. ``relay_of`` links a relay to its origin (mediator only)."""

    id: int
    channel: str
    author: str
    body: str
    mark: HandlingMark
    at: datetime
    relay_of: int | None = None
    relay_mode: RelayMode | None = None
    label: RelayLabel | None = None
    claim: int | None = None


def relay_body(
    origin: Message, *, to_channel: str, mode: RelayMode, paraphrase: str | None = None
) -> str:
    """The text a relay of ``origin`` into ``to_channel`` will carry, or Conflict.

    The origin's mark decides: ``mediator-only`` is never relayed, ``relay-verbatim`` only
    word for word, ``may-relay`` verbatim or paraphrased.
    """
    if to_channel == origin.channel:
        raise Conflict(
            f"Message {origin.id} is already in channel {to_channel}; relay it elsewhere."
        )
    if origin.mark is HandlingMark.MEDIATOR_ONLY:
        raise Conflict(f"Message {origin.id} is marked mediator-only; it cannot be relayed.")
    if mode is RelayMode.VERBATIM:
        if paraphrase is not None and paraphrase != origin.body:
            raise Conflict("A verbatim relay carries the original text; leave the body out.")
        return origin.body
    if origin.mark is HandlingMark.RELAY_VERBATIM:
        raise Conflict(
            f"Message {origin.id} is marked relay-verbatim; it may be relayed only word for word."
        )
    if not paraphrase or not paraphrase.strip():
        raise Conflict("A paraphrased relay needs the paraphrase text.")
    return paraphrase


# -- claims: verify, then relay -------------------------------------------------------


class ClaimState(StrEnum):
    STATED = "stated"
    ASSURANCE_REQUESTED = "assurance_requested"
    ASSURED = "assured"
    DENIED = "denied"
    RELAYED = "relayed"
    ACKNOWLEDGED = "acknowledged"


# state -> the states it may move to
CLAIM_TRANSITIONS: Mapping[ClaimState, frozenset[ClaimState]] = {
    ClaimState.STATED: frozenset({ClaimState.ASSURANCE_REQUESTED, ClaimState.RELAYED}),
    ClaimState.ASSURANCE_REQUESTED: frozenset(
        {ClaimState.ASSURED, ClaimState.DENIED, ClaimState.RELAYED}
    ),
    ClaimState.ASSURED: frozenset({ClaimState.RELAYED}),
    ClaimState.DENIED: frozenset(),
    ClaimState.RELAYED: frozenset({ClaimState.ACKNOWLEDGED}),
    ClaimState.ACKNOWLEDGED: frozenset(),
}


@dataclass(frozen=True)
class ClaimStep:
    """One dated, attributed step in a claim's history."""

    state: ClaimState
    actor: str
    at: datetime
    note: str = ""
    label: RelayLabel | None = None
    party: str | None = None


@dataclass(frozen=True)
class Claim:
    """A statement by ``party`` that the mediator verifies before relaying it."""

    id: int
    party: str
    text: str
    history: tuple[ClaimStep, ...]
    statement: str | None = None
    relayed_to: str | None = None
    label: RelayLabel | None = None

    @classmethod
    def state_new(
        cls, id: int, party: str, text: str, actor: str, at: datetime, statement: str | None = None
    ) -> Claim:
        if not text.strip():
            raise Conflict("A claim needs the text of what was stated.")
        return cls(id, party, text, (ClaimStep(ClaimState.STATED, actor, at),), statement)

    @property
    def state(self) -> ClaimState:
        return self.history[-1].state

    def _step(self, to: ClaimState, why: str) -> None:
        if to not in CLAIM_TRANSITIONS[self.state]:
            raise Conflict(f"Claim {self.id} is {self.state.replace('_', ' ')}; {why}")

    def request_assurance(self, actor: str, at: datetime, note: str = "") -> Claim:
        self._step(
            ClaimState.ASSURANCE_REQUESTED,
            "an assurance can be requested only once, before a relay.",
        )
        return self._with(ClaimStep(ClaimState.ASSURANCE_REQUESTED, actor, at, note))

    def assure(self, actor: str, at: datetime, note: str = "") -> Claim:
        self._step(ClaimState.ASSURED, "only a requested assurance can be given.")
        return self._with(ClaimStep(ClaimState.ASSURED, actor, at, note, party=self.party))

    def deny(self, actor: str, at: datetime, note: str = "") -> Claim:
        self._step(ClaimState.DENIED, "only a requested assurance can be denied.")
        return self._with(ClaimStep(ClaimState.DENIED, actor, at, note, party=self.party))

    def relay(self, actor: str, at: datetime, to_party: str, label: RelayLabel) -> Claim:
        """Relay to ``to_party``: ``affirmed`` needs an assurance, else say ``unverified``."""
        if to_party == self.party:
            raise Conflict(f"Claim {self.id} is {self.party}'s own; relay it to another party.")
        if self.state is ClaimState.DENIED:
            raise Conflict(f"Claim {self.id} was denied by {self.party}; it cannot be relayed.")
        self._step(ClaimState.RELAYED, "it has already been relayed.")
        if label is RelayLabel.AFFIRMED and self.state is not ClaimState.ASSURED:
            raise Conflict(
                f"Claim {self.id} is not confirmed by {self.party}; relay it as unverified "
                "or request an assurance first."
            )
        step = ClaimStep(ClaimState.RELAYED, actor, at, label=label, party=to_party)
        return replace(self._with(step), relayed_to=to_party, label=label)

    def acknowledge(self, actor: str, at: datetime, party: str) -> Claim:
        if self.state is ClaimState.RELAYED and party != self.relayed_to:
            raise Conflict(f"Claim {self.id} was relayed to {self.relayed_to}, not {party}.")
        self._step(ClaimState.ACKNOWLEDGED, "only a relayed claim can be acknowledged, once.")
        return self._with(ClaimStep(ClaimState.ACKNOWLEDGED, actor, at, party=party))

    def _with(self, step: ClaimStep) -> Claim:
        return replace(self, history=(*self.history, step))


# -- proposals ---------------------------------------------------------------------------


class Response(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class ProposalStatus(StrEnum):
    OPEN = "open"
    AGREED = "agreed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class PartyResponse:
    """A party's answer to a proposal, given by one of its own members."""

    party: str
    response: Response = Response.PENDING
    actor: str | None = None
    at: datetime | None = None
    note: str = ""


@dataclass(frozen=True)
class Proposal:
    """A package (issue -> option) tabled to some parties, each answering for itself."""

    id: int
    title: str
    package: Mapping[str, str] = field(hash=False)
    responses: tuple[PartyResponse, ...]
    tabled_by: str
    at: datetime
    withdrawn: bool = False

    @property
    def parties(self) -> tuple[str, ...]:
        return tuple(r.party for r in self.responses)

    @property
    def status(self) -> ProposalStatus:
        if self.withdrawn:
            return ProposalStatus.WITHDRAWN
        answers = {r.response for r in self.responses}
        if Response.REJECTED in answers:
            return ProposalStatus.REJECTED
        if answers == {Response.ACCEPTED}:
            return ProposalStatus.AGREED
        return ProposalStatus.OPEN

    def response_of(self, party: str) -> PartyResponse:
        for r in self.responses:
            if r.party == party:
                return r
        raise Conflict(f"Proposal {self.id} was not tabled to {party}.")

    def respond(
        self, party: str, response: Response, actor: str, at: datetime, note: str = ""
    ) -> Proposal:
        """Record ``party``'s answer; the caller has checked that ``actor`` belongs to it."""
        current = self.response_of(party)
        if response is Response.PENDING:
            raise Conflict("A response is either accepted or rejected.")
        if self.withdrawn:
            raise Conflict(f"Proposal {self.id} was withdrawn; it can no longer be answered.")
        if current.response is not Response.PENDING:
            raise Conflict(f"{party} has already {current.response} proposal {self.id}.")
        new = PartyResponse(party, response, actor, at, note)
        return replace(
            self, responses=tuple(new if r.party == party else r for r in self.responses)
        )

    def withdraw(self) -> Proposal:
        if self.status is not ProposalStatus.OPEN:
            raise Conflict(
                f"Proposal {self.id} is {self.status}; only an open one can be withdrawn."
            )
        return replace(self, withdrawn=True)


def check_package(case: Case, package: Mapping[str, str]) -> list[Problem]:
    """Problems with a package: unknown issues or options, or an empty package."""
    problems: list[Problem] = []
    if not package:
        problems.append(Problem("package", "a package needs at least one issue"))
    issues = {i.id: i for i in case.issues}
    for issue, option in package.items():
        if issue not in issues:
            problems.append(Problem(f"package.{issue}", f"the case has no issue {issue!r}"))
        elif option not in issues[issue].option_ids:
            problems.append(
                Problem(f"package.{issue}", f"issue {issue!r} has no option {option!r}")
            )
    return problems


def check_addressees(case: Case, parties: tuple[str, ...]) -> list[Problem]:
    """Problems with the parties a proposal is tabled to."""
    negotiating = case.negotiating_parties()
    problems = [
        Problem("parties", f"{p} is not a negotiating party of the case")
        for p in parties
        if p not in negotiating
    ]
    if not parties:
        problems.append(Problem("parties", "a proposal is tabled to at least one party"))
    if len(set(parties)) != len(parties):
        problems.append(Problem("parties", "a party is listed twice"))
    return problems


# -- confirmed statements update positions -------------------------------------------------


def position_from_statement(case: Case, statement: Statement) -> Position | None:
    """The position a confirmed statement implies, or None if it implies none.

    A ``demand`` makes the option the party's ideal; ``offer``, ``accept`` and
    ``consider`` add it to what the party accepts; ``reject`` removes it (never the
    ideal). The new position is dated on the statement and cites it.
    """
    if statement.party is None or statement.issue is None or statement.option is None:
        return None
    if statement.stance not in {
        Stance.DEMAND,
        Stance.OFFER,
        Stance.ACCEPT,
        Stance.CONSIDER,
        Stance.REJECT,
    }:
        return None
    issue = case.issue(statement.issue)
    before = case.position_at(statement.party, statement.issue, statement.date)
    option = statement.option
    if before is None:
        ideal, salience = option, 0.5
        acceptable: tuple[str, ...] = (option,)
        values = distance_values(issue.option_ids, option)
        if statement.stance is Stance.REJECT:
            return None
    else:
        ideal, acceptable, salience, values = (
            before.ideal,
            before.acceptable,
            before.salience,
            dict(before.values),
        )
        if statement.stance is Stance.DEMAND:
            ideal = option
            acceptable = tuple(dict.fromkeys((*acceptable, option)))
            values = distance_values(issue.option_ids, option)
        elif statement.stance is Stance.REJECT:
            if option == ideal:
                return None
            acceptable = tuple(o for o in acceptable if o != option)
        else:
            acceptable = tuple(dict.fromkeys((*acceptable, option)))
    acceptable = tuple(o for o in issue.option_ids if o in acceptable)
    cites = (
        (*before.statements, statement.id)
        if before and before.date == statement.date
        else (statement.id,)
    )
    return Position(
        party=statement.party,
        issue=statement.issue,
        date=statement.date,
        ideal=ideal,
        acceptable=acceptable,
        salience=salience,
        values=values,
        statements=tuple(dict.fromkeys(cites)),
    )
