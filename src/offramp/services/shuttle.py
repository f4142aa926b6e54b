"""The shuttle: channels and messages, relays, verify-then-relay claims, proposals, ledger.

Every read goes through :class:`~offramp.services.access.AccessPolicy`: a channel, a
message, a claim or a proposal the member may not see is :class:`NotFound` with the
same message as a missing one; lists, searches and counts include only what the member
may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TypeVar

from offramp.errors import Conflict, InputError, NotFound, Problem
from offramp.model.access import Action, DeskRole
from offramp.model.concessions import Concession, Direction, concessions_for_package
from offramp.model.shuttle import (
    Claim,
    ClaimState,
    HandlingMark,
    Message,
    PartyResponse,
    Proposal,
    ProposalStatus,
    RelayLabel,
    RelayMode,
    Response,
    check_addressees,
    check_package,
    relay_body,
)
from offramp.services.access import Actor, Scope
from offramp.services.base import UseCases
from offramp.services.cases import confirm_in
from offramp.services.stored_case import changing, read_case
from offramp.store.repository import Repository, Versioned
from offramp.store.uow import UnitOfWork

T = TypeVar("T")

NO_MESSAGE = "No such message."
NO_CLAIM = "No such claim."
NO_PROPOSAL = "No such proposal."


@dataclass(frozen=True)
class ChannelView:
    key: str
    kind: str
    party: str | None
    messages: int


@dataclass(frozen=True)
class MessageView:
    """A message as one member sees it: ``relay_of`` is kept for the mediator only."""

    message: Message
    relay_of: int | None


@dataclass(frozen=True)
class ClaimView:
    """A claim as one member sees it (delegates see their side of the history)."""

    claim: Claim
    version: int


@dataclass(frozen=True)
class ProposalView:
    """A proposal as one member sees it: delegates see only their own party's answer."""

    proposal: Proposal
    version: int
    status: ProposalStatus | None
    responses: tuple[PartyResponse, ...]


@dataclass(frozen=True)
class LedgerEntry:
    id: int
    concession: Concession
    recorded_by: str


class ShuttleService(UseCases):
    """Use cases of the confidential shuttle."""

    # -- channels and messages -------------------------------------------------------
    def _visible_keys(self, repo: Repository, scope: Scope) -> list[str]:
        return [
            c.channel.key
            for c in repo.list_channels(scope.case.id)
            if self.policy.can_read_channel(scope, c.channel)
        ]

    def list_channels(self, actor: Actor | None, slug: str) -> list[ChannelView]:
        """The channels the member may read, with their message counts."""
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            rows = [
                c
                for c in uow.repo.list_channels(scope.case.id)
                if self.policy.can_read_channel(scope, c.channel)
            ]
            counts = uow.repo.count_messages(scope.case.id, [c.channel.key for c in rows])
        return [
            ChannelView(
                c.channel.key, c.channel.kind.value, c.channel.party, counts.get(c.channel.key, 0)
            )
            for c in rows
        ]

    def _view(self, scope: Scope, m: Message) -> MessageView:
        return self._views(scope, [m])[0]

    def _views(self, scope: Scope, msgs: list[Message]) -> list[MessageView]:
        """Messages as the member sees them: the origin of a relay is the mediator's."""
        if not msgs:
            return []
        origin = self.policy.can(scope, Action.MESSAGE_ORIGIN, resource="messages")
        return [MessageView(m, m.relay_of if origin else None) for m in msgs]

    def post(
        self, actor: Actor | None, slug: str, channel: str, body: str, mark: HandlingMark
    ) -> MessageView:
        """Post a message in a channel the member may read and write."""
        if not body.strip():
            raise InputError("body", "a message needs some text")
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            row = self.policy.access_channel(uow.repo, scope, channel)
            self.policy.require(
                scope,
                Action.MESSAGE_POST,
                resource=f"channel/{channel}",
                parties=self.policy.channel_parties(scope, row.channel),
            )
            m = uow.repo.add_message(scope.case.id, row, scope.actor.name, body, mark)
            uow.audit(
                slug,
                scope.actor.name,
                "message.post",
                {"message": m.id, "channel": channel, "mark": mark.value, "body": body},
            )
            uow.commit()
        return self._view(scope, m)

    def list_messages(
        self,
        actor: Actor | None,
        slug: str,
        channel: str,
        *,
        after: int = 0,
        before: int | None = None,
        newest: bool = False,
        limit: int = 100,
    ) -> list[MessageView]:
        """Messages of a channel the member may read, oldest first.

        By default the first ``limit`` with an id above ``after``; with ``newest`` the
        last ``limit`` (below ``before`` if given), for a page that opens on the
        latest messages and pages back.
        """
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            self.policy.access_channel(uow.repo, scope, channel)
            msgs = uow.repo.list_messages(
                scope.case.id, [channel], after=after, before=before, newest=newest, limit=limit
            )
        return self._views(scope, msgs)

    def search_messages(
        self, actor: Actor | None, slug: str, query: str, *, limit: int = 100
    ) -> list[MessageView]:
        """Messages containing ``query`` in the channels the member may read."""
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            keys = self._visible_keys(uow.repo, scope)
            msgs = (
                uow.repo.list_messages(scope.case.id, keys, query=query, limit=limit)
                if keys
                else []
            )
        return self._views(scope, msgs)

    def _message(self, repo: Repository, scope: Scope, message_id: int) -> Message:
        m = repo.get_message(scope.case.id, message_id)
        if m is None:
            raise NotFound(NO_MESSAGE)
        row = repo.get_channel(scope.case.id, m.channel)
        if row is None or not self.policy.can_read_channel(scope, row.channel):
            raise NotFound(NO_MESSAGE)
        return m

    def get_message(self, actor: Actor | None, slug: str, message_id: int) -> MessageView:
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            return self._view(scope, self._message(uow.repo, scope, message_id))

    def relay(
        self,
        actor: Actor | None,
        slug: str,
        message_id: int,
        to_channel: str,
        mode: RelayMode,
        body: str | None = None,
        mark: HandlingMark = HandlingMark.MAY_RELAY,
    ) -> MessageView:
        """Relay a message to another channel, verbatim or paraphrased, as its mark allows."""
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            origin = self._message(uow.repo, scope, message_id)
            self.policy.require(scope, Action.MESSAGE_RELAY, resource=f"message/{message_id}")
            target = uow.repo.get_channel(scope.case.id, to_channel)
            if target is None:
                raise InputError("to_channel", f"case {slug} has no channel {to_channel!r}")
            text = relay_body(origin, to_channel=to_channel, mode=mode, paraphrase=body)
            m = uow.repo.add_message(
                scope.case.id,
                target,
                scope.actor.name,
                text,
                mark,
                relay_of=origin.id,
                relay_mode=mode,
            )
            uow.audit(
                slug,
                scope.actor.name,
                "message.relay",
                {"message": m.id, "origin": origin.id, "channel": to_channel, "mode": mode.value},
            )
            uow.commit()
        return self._view(scope, m)

    # -- claims --------------------------------------------------------------------------
    def _claim_parties(self, claim: Claim) -> frozenset[str]:
        return frozenset({claim.party, *([claim.relayed_to] if claim.relayed_to else [])})

    def _claim(self, repo: Repository, scope: Scope, claim_id: int) -> Versioned[Claim]:
        got = repo.get_claim(scope.case.id, claim_id)
        if got is None:
            raise NotFound(NO_CLAIM)
        self.policy.require_visible(
            scope,
            Action.CLAIM_READ,
            NO_CLAIM,
            resource=f"claim/{claim_id}",
            parties=self._claim_parties(got.value),
        )
        return got

    def _claim_view(self, scope: Scope, got: Versioned[Claim]) -> ClaimView:
        c = got.value
        if self.policy.can(scope, Action.CLAIM_HISTORY, resource=f"claim/{c.id}"):
            return ClaimView(c, got.version)
        if scope.party == c.party:
            steps = tuple(s for s in c.history if s.state is not ClaimState.ACKNOWLEDGED)
        else:  # the recipient sees what reached it
            steps = tuple(
                s for s in c.history if s.state in (ClaimState.RELAYED, ClaimState.ACKNOWLEDGED)
            )
        return ClaimView(replace(c, history=steps), got.version)

    def create_claim(
        self,
        actor: Actor | None,
        slug: str,
        *,
        party: str | None = None,
        text: str | None = None,
        statement: str | None = None,
    ) -> ClaimView:
        """Turn a public statement (or typed-in text) into a claim to verify."""
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            self.policy.require(scope, Action.CLAIM_CREATE)
            if statement is not None:
                row = uow.repo.get_statement(scope.case.id, statement)
                if row is None:
                    raise InputError("statement", f"case {slug} has no statement {statement!r}")
                party = party or row.statement.party
                text = text or row.statement.quote
            if party not in scope.negotiating:
                raise InputError(
                    "party", f"a claim is made by one of the parties {', '.join(scope.negotiating)}"
                )
            if not text or not text.strip():
                raise InputError("text", "a claim needs the text of what was stated")
            now = self.clock.now()
            claim = Claim.state_new(0, party, text, scope.actor.name, now, statement)
            got = uow.repo.add_claim(scope.case.id, claim)
            uow.audit(
                slug,
                scope.actor.name,
                "claim.create",
                {"claim": got.id, "party": party, "statement": statement, "text": text},
            )
            uow.commit()
        return self._claim_view(scope, got)

    def list_claims(self, actor: Actor | None, slug: str) -> list[ClaimView]:
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            every = self.policy.can(scope, Action.CLAIM_READ, resource="claims")
            parties = None if every else frozenset({scope.party} if scope.party else set())
            rows = uow.repo.list_claims(scope.case.id, parties)
            visible = [
                r
                for r in rows
                if self.policy.can(
                    scope,
                    Action.CLAIM_READ,
                    resource=f"claim/{r.id}",
                    parties=self._claim_parties(r.value),
                )
            ]
        return [self._claim_view(scope, r) for r in visible]

    def get_claim(self, actor: Actor | None, slug: str, claim_id: int) -> ClaimView:
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            return self._claim_view(scope, self._claim(uow.repo, scope, claim_id))

    def _tell(
        self,
        uow: UnitOfWork,
        scope: Scope,
        party: str,
        text: str,
        claim_id: int,
        label: RelayLabel | None = None,
    ) -> Message:
        """Post, from the mediator, a message about a claim in ``party``'s channel."""
        channel = uow.repo.get_channel(scope.case.id, party)
        assert channel is not None
        return uow.repo.add_message(
            scope.case.id,
            channel,
            scope.actor.name,
            text,
            HandlingMark.MEDIATOR_ONLY,
            label=label,
            claim=claim_id,
        )

    def request_assurance(
        self, actor: Actor | None, slug: str, claim_id: int, note: str = ""
    ) -> ClaimView:
        """Ask the claim's party, in its channel, to confirm or deny it."""
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            got = self._claim(uow.repo, scope, claim_id)
            self.policy.require(scope, Action.CLAIM_REQUEST, resource=f"claim/{claim_id}")
            now = self.clock.now()
            new = got.value.request_assurance(scope.actor.name, now, note)
            text = note or f"Please confirm or deny: {new.text}"
            m = self._tell(uow, scope, new.party, text, claim_id)
            saved = _save(uow.repo.save_claim, scope, got, new, "Claim")
            uow.audit(slug, scope.actor.name, "claim.request", {"claim": claim_id, "message": m.id})
            uow.commit()
        return self._claim_view(scope, saved)

    def respond_to_claim(
        self, actor: Actor | None, slug: str, claim_id: int, confirm: bool, note: str = ""
    ) -> ClaimView:
        """The claim's own party confirms or denies it, in its channel."""
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            got = self._claim(uow.repo, scope, claim_id)
            self.policy.require(
                scope,
                Action.CLAIM_RESPOND,
                resource=f"claim/{claim_id}",
                parties=frozenset({got.value.party}),
            )
            now = self.clock.now()
            c = got.value
            new = (
                c.assure(scope.actor.name, now, note)
                if confirm
                else c.deny(scope.actor.name, now, note)
            )
            if confirm and c.statement is not None:  # confirms the statement: a case change
                scope = changing(uow, scope)
            word = "Confirmed" if confirm else "Denied"
            text = f"{word}: {c.text}" + (f" ({note})" if note else "")
            self._tell(uow, scope, c.party, text, claim_id)
            saved = _save(uow.repo.save_claim, scope, got, new, "Claim")
            uow.audit(
                slug,
                scope.actor.name,
                "claim.assure" if confirm else "claim.deny",
                {"claim": claim_id, "note": note},
            )
            if confirm and c.statement is not None:
                confirm_in(uow, scope, c.statement, self.clock)
            uow.commit()
        return self._claim_view(scope, saved)

    def relay_claim(
        self, actor: Actor | None, slug: str, claim_id: int, to_party: str, label: RelayLabel
    ) -> ClaimView:
        """Relay a claim to another party as affirmed (needs an assurance) or unverified."""
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            got = self._claim(uow.repo, scope, claim_id)
            self.policy.require(scope, Action.CLAIM_RELAY, resource=f"claim/{claim_id}")
            if to_party not in scope.negotiating:
                raise InputError(
                    "to_party", f"{to_party} is not a negotiating party of case {slug}"
                )
            new = got.value.relay(scope.actor.name, self.clock.now(), to_party, label)
            prefix = "Affirmed" if label is RelayLabel.AFFIRMED else "UNVERIFIED"
            text = f"[{prefix}] {new.party}: {new.text}"
            m = self._tell(uow, scope, to_party, text, claim_id, label)
            saved = _save(uow.repo.save_claim, scope, got, new, "Claim")
            uow.audit(
                slug,
                scope.actor.name,
                "claim.relay",
                {"claim": claim_id, "to": to_party, "label": label.value, "message": m.id},
            )
            uow.commit()
        return self._claim_view(scope, saved)

    def acknowledge_claim(self, actor: Actor | None, slug: str, claim_id: int) -> ClaimView:
        """The recipient party acknowledges receipt of a relayed claim."""
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            got = self._claim(uow.repo, scope, claim_id)
            recipient = got.value.relayed_to
            self.policy.require(
                scope,
                Action.CLAIM_ACKNOWLEDGE,
                resource=f"claim/{claim_id}",
                parties=frozenset({recipient} if recipient else set()),
            )
            assert scope.party is not None
            new = got.value.acknowledge(scope.actor.name, self.clock.now(), scope.party)
            saved = _save(uow.repo.save_claim, scope, got, new, "Claim")
            uow.audit(slug, scope.actor.name, "claim.acknowledge", {"claim": claim_id})
            uow.commit()
        return self._claim_view(scope, saved)

    # -- proposals -------------------------------------------------------------------------
    def _proposal_view(self, scope: Scope, got: Versioned[Proposal]) -> ProposalView:
        p = got.value
        if self.policy.can(scope, Action.PROPOSAL_RESPONSES, resource=f"proposal/{p.id}"):
            return ProposalView(p, got.version, p.status, p.responses)
        return _party_view(p, scope.party)

    def _proposal(self, repo: Repository, scope: Scope, proposal_id: int) -> Versioned[Proposal]:
        got = repo.get_proposal(scope.case.id, proposal_id)
        if got is None:
            raise NotFound(NO_PROPOSAL)
        self.policy.require_visible(
            scope,
            Action.PROPOSAL_READ,
            NO_PROPOSAL,
            resource=f"proposal/{proposal_id}",
            parties=frozenset(got.value.parties),
            shared=scope.shared("proposal", proposal_id),
        )
        return got

    def table_proposal(
        self,
        actor: Actor | None,
        slug: str,
        title: str,
        package: dict[str, str],
        parties: tuple[str, ...] | None = None,
    ) -> ProposalView:
        """Table a package (issue -> option) to parties (default: every negotiating party)."""
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            self.policy.require(scope, Action.PROPOSAL_TABLE)
            case = read_case(uow, scope.case)
            to = tuple(parties) if parties else case.negotiating_parties()
            problems = check_package(case, package) + check_addressees(case, to)
            if not title.strip():
                problems.insert(0, _problem("title", "a proposal needs a title"))
            if problems:
                raise InputError.of(problems)
            p = Proposal(
                0,
                title,
                dict(package),
                tuple(PartyResponse(x) for x in to),
                scope.actor.name,
                self.clock.now(),
            )
            got = uow.repo.add_proposal(scope.case.id, p)
            uow.audit(
                slug,
                scope.actor.name,
                "proposal.table",
                {"proposal": got.id, "title": title, "package": dict(package), "parties": list(to)},
            )
            uow.commit()
        return self._proposal_view(scope, got)

    def list_proposals(self, actor: Actor | None, slug: str) -> list[ProposalView]:
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            visible = self.visible_proposals(uow.repo, scope)
        return [self._proposal_view(scope, r) for r in visible]

    def visible_proposals(self, repo: Repository, scope: Scope) -> list[Versioned[Proposal]]:
        """The proposals the member sees (also what decides the precedent links it sees)."""
        if self.policy.can(scope, Action.PROPOSAL_READ, resource="proposals"):
            rows = repo.list_proposals(scope.case.id)
        elif scope.role is DeskRole.DELEGATE and scope.party:
            rows = repo.list_proposals(scope.case.id, party=scope.party)
        else:
            ids = frozenset(i for k, i in scope.shares if k == "proposal" and i is not None)
            rows = repo.list_proposals(scope.case.id, ids=ids)
        return [
            r
            for r in rows
            if self.policy.can(
                scope,
                Action.PROPOSAL_READ,
                resource=f"proposal/{r.id}",
                parties=frozenset(r.value.parties),
                shared=scope.shared("proposal", r.id),
            )
        ]

    def get_proposal(self, actor: Actor | None, slug: str, proposal_id: int) -> ProposalView:
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            return self._proposal_view(scope, self._proposal(uow.repo, scope, proposal_id))

    def respond_to_proposal(
        self, actor: Actor | None, slug: str, proposal_id: int, response: Response, note: str = ""
    ) -> ProposalView:
        """A party's own member accepts or rejects the proposal for that party."""
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            got = self._proposal(uow.repo, scope, proposal_id)
            self.policy.require(
                scope,
                Action.PROPOSAL_RESPOND,
                resource=f"proposal/{proposal_id}",
                parties=frozenset(got.value.parties),
            )
            assert scope.party is not None
            now = self.clock.now()
            new = got.value.respond(scope.party, response, scope.actor.name, now, note)
            saved = _save(uow.repo.save_proposal, scope, got, new, "Proposal")
            uow.audit(
                slug,
                scope.actor.name,
                "proposal.respond",
                {"proposal": proposal_id, "party": scope.party, "response": response.value},
            )
            if new.status is ProposalStatus.AGREED:
                case = read_case(uow, scope.case)
                for c in concessions_for_package(
                    case, new.package, new.parties, _today(now), now, proposal_id
                ):
                    entry = uow.repo.add_concession(scope.case.id, c, scope.actor.name)
                    uow.audit(slug, scope.actor.name, "ledger.record", _entry_payload(entry, c))
            uow.commit()
        return self._proposal_view(scope, saved)

    def withdraw_proposal(self, actor: Actor | None, slug: str, proposal_id: int) -> ProposalView:
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            got = self._proposal(uow.repo, scope, proposal_id)
            self.policy.require(scope, Action.PROPOSAL_WITHDRAW, resource=f"proposal/{proposal_id}")
            saved = _save(uow.repo.save_proposal, scope, got, got.value.withdraw(), "Proposal")
            uow.audit(slug, scope.actor.name, "proposal.withdraw", {"proposal": proposal_id})
            uow.commit()
        return self._proposal_view(scope, saved)

    # -- ledger ------------------------------------------------------------------------------
    def ledger(self, actor: Actor | None, slug: str) -> list[LedgerEntry]:
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            self.policy.require(scope, Action.LEDGER_READ, shared=scope.shared("ledger"))
            return [LedgerEntry(i, c, by) for i, c, by in uow.repo.list_concessions(scope.case.id)]

    def record_concession(
        self,
        actor: Actor | None,
        slug: str,
        party: str,
        issue: str,
        direction: Direction,
        from_option: str | None = None,
        to_option: str | None = None,
        note: str = "",
    ) -> LedgerEntry:
        """Record by hand what a party gave or received on an issue."""
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            self.policy.require(scope, Action.LEDGER_WRITE)
            case = read_case(uow, scope.case)
            problems = []
            if party not in case.negotiating_parties():
                problems.append(_problem("party", f"{party} is not a negotiating party"))
            try:
                options = case.issue(issue).option_ids
            except KeyError:
                problems.append(_problem("issue", f"the case has no issue {issue!r}"))
                options = ()
            for where, opt in (("from_option", from_option), ("to_option", to_option)):
                if opt is not None and options and opt not in options:
                    problems.append(_problem(where, f"issue {issue!r} has no option {opt!r}"))
            if problems:
                raise InputError.of(problems)
            c = Concession(party, issue, direction, self.clock.now(), from_option, to_option, note)
            entry = uow.repo.add_concession(scope.case.id, c, scope.actor.name)
            uow.audit(slug, scope.actor.name, "ledger.record", _entry_payload(entry, c))
            uow.commit()
        return LedgerEntry(entry, c, scope.actor.name)


def _save(
    save: Callable[[int, T, int], bool], scope: Scope, old: Versioned[T], new: T, noun: str
) -> Versioned[T]:
    """Store ``new`` over ``old`` with ``save`` (the repository's compare-and-set): the
    next version, or a Conflict if someone changed it meanwhile."""
    if not save(scope.case.id, new, old.version):
        raise Conflict(f"{noun} {old.id} changed meanwhile; reload it.")
    return Versioned(old.id, old.version + 1, new)


def _party_view(p: Proposal, party: str | None) -> ProposalView:
    """A proposal as a member without the responses grant sees it: its own party's
    answer only, the outcome once settled (agreed, rejected or withdrawn; ``None`` while
    open), and a version that counts only what that member may know of (tabling, its
    own answer, the settlement), so no counter moves when another party answers."""
    own = tuple(r for r in p.responses if r.party == party)
    answered = any(r.response is not Response.PENDING for r in own)
    settled = p.status is not ProposalStatus.OPEN
    version = 1 + int(answered) + int(settled)
    return ProposalView(p, version, p.status if settled else None, own)


def _problem(where: str, message: str) -> Problem:
    return Problem(where, message)


def _today(now: datetime) -> date:
    return now.date()


def _entry_payload(entry: int, c: Concession) -> dict[str, object]:
    return {
        "entry": entry,
        "party": c.party,
        "issue": c.issue,
        "direction": c.direction.value,
        "from": c.from_option,
        "to": c.to_option,
        "proposal": c.proposal,
    }
