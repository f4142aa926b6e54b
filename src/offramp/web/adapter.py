"""The web desk's port (:class:`offramp.web.desk.Desk`) over the desk server's services.

Each method calls one use case of ``offramp.bootstrap.Desk`` (accounts, cases,
shuttle, audit, analysis); the services apply the access policy and write the audit
log. Which forms a page shows comes from the member's permissions
(``CaseService.public_record(...).permissions``); the services enforce them anyway.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from offramp.errors import NotFound, Unauthenticated
from offramp.model.access import DeskRole
from offramp.model.concessions import Concession, Direction
from offramp.model.shuttle import (
    Channel,
    ChannelKind,
    Claim,
    HandlingMark,
    Message,
    Proposal,
    RelayLabel,
    RelayMode,
    Response,
)
from offramp.services.access import Actor
from offramp.web.desk import (
    AuditEvent,
    AuditView,
    CaseSummary,
    CaseView,
    ChannelPage,
    Desk,
    Viewer,
)


def actor_of(v: Viewer) -> Actor:
    """The services' actor for a signed-in viewer."""
    return Actor(v.id, v.name, v.is_admin)


class ServicesDesk:
    """:class:`Desk` over ``offramp.bootstrap.Desk``."""

    def __init__(self, services: Any) -> None:
        self.s = services

    # -- accounts ----------------------------------------------------------------------
    def sign_in(self, name: str, password: str) -> str:
        _, secret = self.s.accounts.sign_in(name, password)
        return str(secret)

    def viewer(self, token: str) -> Viewer | None:
        try:
            a = self.s.accounts.actor_for_secret(token)
        except Unauthenticated:
            return None
        return Viewer(a.id, a.name, a.is_admin)

    def sign_out(self, token: str) -> None:
        self.s.accounts.sign_out(token)

    # -- cases -------------------------------------------------------------------------
    def my_cases(self, viewer: Viewer) -> Sequence[CaseSummary]:
        return [
            CaseSummary(c.slug, c.title, DeskRole(c.role), c.party)
            for c in self.s.cases.list_my_cases(actor_of(viewer))
        ]

    def access_case(self, viewer: Viewer, slug: str) -> CaseView:
        record = self.s.cases.public_record(actor_of(viewer), slug)
        return CaseView(
            slug=record.slug,
            case=record.case,
            role=DeskRole(record.role),
            party=record.party,
            allowed=record.permissions,
        )

    def analysis(self, viewer: Viewer, slug: str, at: datetime) -> Mapping[str, Any]:
        # the service checks analysis.read (shared or not) and raises if refused
        report = self.s.analysis.report(actor_of(viewer), slug, at.date())
        result: Mapping[str, Any] = report.to_dict()
        return result

    # -- shuttle -----------------------------------------------------------------------
    def channels(self, viewer: Viewer, slug: str) -> Sequence[Channel]:
        return [
            Channel(c.key, ChannelKind(c.kind), c.party)
            for c in self.s.shuttle.list_channels(actor_of(viewer), slug)
        ]

    def channel_pages(
        self,
        viewer: Viewer,
        slug: str,
        *,
        only: str | None = None,
        limit: int,
        before: int | None = None,
    ) -> Sequence[ChannelPage]:
        actor = actor_of(viewer)
        views = self.s.shuttle.list_channels(actor, slug)
        if only is not None:
            views = [c for c in views if c.key == only]
            if not views:
                raise NotFound("No such channel.")
        pages = []
        for v in views:
            channel = Channel(v.key, ChannelKind(v.kind), v.party)
            older = before if only is not None else None
            # one more than shown tells whether older messages exist
            got = self.s.shuttle.list_messages(
                actor, slug, v.key, before=older, newest=True, limit=limit + 1
            )
            msgs = [_shown(m) for m in got[-limit:]]
            more = msgs[0].id if len(got) > limit else None
            pages.append(ChannelPage(channel, msgs, more))
        return pages

    def post_message(
        self, viewer: Viewer, slug: str, key: str, body: str, mark: HandlingMark
    ) -> Message:
        return _shown(self.s.shuttle.post(actor_of(viewer), slug, key, body, mark))

    def relay(
        self,
        viewer: Viewer,
        slug: str,
        message_id: int,
        to: str,
        mode: RelayMode,
        paraphrase: str | None,
    ) -> Message:
        view = self.s.shuttle.relay(actor_of(viewer), slug, message_id, to, mode, paraphrase)
        return _shown(view)

    def claims(self, viewer: Viewer, slug: str) -> Sequence[Claim]:
        return [c.claim for c in self.s.shuttle.list_claims(actor_of(viewer), slug)]

    def state_claim(self, viewer: Viewer, slug: str, party: str, text: str) -> Claim:
        return self.s.shuttle.create_claim(actor_of(viewer), slug, party=party, text=text).claim  # type: ignore[no-any-return]

    def request_assurance(self, viewer: Viewer, slug: str, claim_id: int) -> Claim:
        return self.s.shuttle.request_assurance(actor_of(viewer), slug, claim_id).claim  # type: ignore[no-any-return]

    def answer_assurance(self, viewer: Viewer, slug: str, claim_id: int, assure: bool) -> Claim:
        return self.s.shuttle.respond_to_claim(actor_of(viewer), slug, claim_id, assure).claim  # type: ignore[no-any-return]

    def relay_claim(
        self, viewer: Viewer, slug: str, claim_id: int, to: str, label: RelayLabel
    ) -> Claim:
        return self.s.shuttle.relay_claim(actor_of(viewer), slug, claim_id, to, label).claim  # type: ignore[no-any-return]

    def acknowledge_claim(self, viewer: Viewer, slug: str, claim_id: int) -> Claim:
        return self.s.shuttle.acknowledge_claim(actor_of(viewer), slug, claim_id).claim  # type: ignore[no-any-return]

    def proposals(self, viewer: Viewer, slug: str) -> Sequence[Proposal]:
        out = []
        for v in self.s.shuttle.list_proposals(actor_of(viewer), slug):
            p: Proposal = v.proposal
            out.append(_with_responses(p, v.responses))
        return out

    def table_proposal(
        self,
        viewer: Viewer,
        slug: str,
        title: str,
        package: Mapping[str, str],
        parties: Sequence[str],
    ) -> Proposal:
        view = self.s.shuttle.table_proposal(
            actor_of(viewer), slug, title, dict(package), tuple(parties) or None
        )
        return view.proposal  # type: ignore[no-any-return]

    def respond_proposal(
        self, viewer: Viewer, slug: str, proposal_id: int, accept: bool, note: str
    ) -> Proposal:
        answer = Response.ACCEPTED if accept else Response.REJECTED
        view = self.s.shuttle.respond_to_proposal(actor_of(viewer), slug, proposal_id, answer, note)
        return view.proposal  # type: ignore[no-any-return]

    def withdraw_proposal(self, viewer: Viewer, slug: str, proposal_id: int) -> Proposal:
        view = self.s.shuttle.withdraw_proposal(actor_of(viewer), slug, proposal_id)
        return view.proposal  # type: ignore[no-any-return]

    # -- ledger and audit ----------------------------------------------------------------
    def ledger(self, viewer: Viewer, slug: str) -> Sequence[Concession]:
        return [e.concession for e in self.s.shuttle.ledger(actor_of(viewer), slug)]

    def record_concession(
        self,
        viewer: Viewer,
        slug: str,
        party: str,
        issue: str,
        direction: Direction,
        from_option: str | None,
        to_option: str | None,
        note: str,
    ) -> Concession:
        entry = self.s.shuttle.record_concession(
            actor_of(viewer), slug, party, issue, direction, from_option, to_option, note
        )
        return entry.concession  # type: ignore[no-any-return]

    def audit(self, viewer: Viewer, slug: str, *, limit: int, verify: bool = False) -> AuditView:
        actor = actor_of(viewer)
        # verify_as checks audit.read first; it re-hashes what is new since the last
        # check, or (``verify``) the whole chain
        report = self.s.audit.verify_as(actor, slug, full=verify)
        total = int(report.head_seq)
        events = self.s.audit.events(actor, slug, after=max(total - limit, 0), limit=limit)
        shown = [
            AuditEvent(
                e.seq, e.actor, e.action, e.at.isoformat(timespec="seconds"), _payload(e.payload)
            )
            for e in reversed(events)
        ]
        return AuditView(shown, bool(report.ok), report.message, total)


def _payload(payload: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in payload.items())


def _shown(view: Any) -> Message:
    """The message with ``relay_of`` as the service showed it to this member."""
    m: Message = view.message
    if m.relay_of != view.relay_of:
        from dataclasses import replace

        m = replace(m, relay_of=view.relay_of)
    return m


def _with_responses(p: Proposal, responses: Sequence[Any]) -> Proposal:
    """The proposal with only the responses this member may see."""
    from dataclasses import replace

    if tuple(responses) == p.responses:
        return p
    return replace(p, responses=tuple(responses))


def as_desk(services: Any) -> Desk:
    """``services`` as the web's port: wrap the bootstrap's Desk, pass a port through."""
    if hasattr(services, "accounts") and hasattr(services, "shuttle"):
        return ServicesDesk(services)
    return services  # type: ignore[no-any-return]
