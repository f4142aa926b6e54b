"""Channels and messages, relays, claims (verify, then relay), proposals, the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Path, Query

from offramp.api.deps import MaybeActor, ServicesDep
from offramp.api.routes import PROBLEMS, CaseSlug, Id
from offramp.api.routes.convert import claim_out, ledger_out, message_out, proposal_out
from offramp.api.routes.table import Call, Send, Who, add_routes
from offramp.api.schemas import (
    ChannelOut,
    ClaimIn,
    ClaimOut,
    ClaimRelayIn,
    ClaimResponseIn,
    LedgerIn,
    LedgerOut,
    MessageIn,
    MessageOut,
    NoteIn,
    ProposalIn,
    ProposalOut,
    ProposalResponseIn,
    RelayIn,
)
from offramp.bootstrap import Services
from offramp.services.access import Actor
from offramp.services.shuttle import ProposalView

router = APIRouter(responses=PROBLEMS)
ChannelKey = Annotated[
    str, Path(min_length=1, max_length=20, description="`plenary` or a party id")
]


@dataclass(frozen=True)
class On:
    """What a route's path names."""

    case: CaseSlug
    channel: ChannelKey = ""
    message: Id = 0
    claim: Id = 0
    proposal: Id = 0


add_routes(
    router,
    On,
    Call("GET", "/cases/{case}/channels", "channel_list", list[ChannelOut], "shuttle",
         lambda s, a, p: [ChannelOut(**vars(c)) for c in s.shuttle.list_channels(a, p.case)],
         "The channels the caller may read, with message counts."),
)  # fmt: skip


@router.get(
    "/cases/{case}/channels/{channel}/messages",
    name="message_list",
    response_model=list[MessageOut],
    tags=["shuttle"],
)
def list_messages(
    case: CaseSlug,
    channel: ChannelKey,
    actor: MaybeActor,
    services: ServicesDep,
    after: int = Query(0, ge=0, le=2_000_000_000),
    before: int | None = Query(None, ge=1, le=2_000_000_000),
    newest: bool = Query(False, description="The last `limit` messages (before `before`)."),
    limit: int = Query(100, ge=1, le=1000),
) -> list[MessageOut]:
    """Messages of a channel, oldest first: after a message id, or the newest ones."""
    views = services.shuttle.list_messages(
        actor, case, channel, after=after, before=before, newest=newest, limit=limit
    )
    return [message_out(v) for v in views]


add_routes(
    router,
    On,
    Send("POST", "/cases/{case}/channels/{channel}/messages", "message_post", MessageOut,
         "shuttle", MessageIn,
         lambda s, a, p, b: message_out(s.shuttle.post(a, p.case, p.channel, b.body, b.mark)),
         "Post a message with its handling mark.", status_code=201),
)  # fmt: skip


@router.get(
    "/cases/{case}/messages",
    name="message_search",
    response_model=list[MessageOut],
    tags=["shuttle"],
)
def search_messages(
    case: CaseSlug,
    actor: MaybeActor,
    services: ServicesDep,
    q: str = Query(..., min_length=1, max_length=200),
    limit: int = Query(100, ge=1, le=1000),
) -> list[MessageOut]:
    """Search the messages of the channels the caller may read."""
    return [message_out(v) for v in services.shuttle.search_messages(actor, case, q, limit=limit)]


def _tabled(
    services: Services, actor: Actor | None, case: str, *views: ProposalView
) -> list[ProposalOut]:
    """Proposals with the precedents linked to their options, as the caller sees them."""
    links = services.precedents.links_for_proposals(actor, case, views)
    return [proposal_out(v, links[v.proposal.id]) for v in views]


def _create_claim(services: Services, actor: Who, on: On, body: ClaimIn) -> ClaimOut:
    view = services.shuttle.create_claim(
        actor, on.case, party=body.party, text=body.text, statement=body.statement
    )
    return claim_out(view)


def _table(services: Services, actor: Who, on: On, body: ProposalIn) -> ProposalOut:
    parties = tuple(body.parties) if body.parties else None
    view = services.shuttle.table_proposal(actor, on.case, body.title, dict(body.package), parties)
    return _tabled(services, actor, on.case, view)[0]


def _record(services: Services, actor: Who, on: On, body: LedgerIn) -> LedgerOut:
    entry = services.shuttle.record_concession(
        actor,
        on.case,
        body.party,
        body.issue,
        body.direction,
        body.from_option,
        body.to_option,
        body.note,
    )
    return ledger_out(entry)


add_routes(
    router,
    On,
    Call("GET", "/cases/{case}/messages/{message}", "message_read", MessageOut, "shuttle",
         lambda s, a, p: message_out(s.shuttle.get_message(a, p.case, p.message)),
         "One message, if the caller may read its channel."),
    Send("POST", "/cases/{case}/messages/{message}/relay", "message_relay", MessageOut,
         "shuttle", RelayIn,
         lambda s, a, p, b: message_out(s.shuttle.relay(
             a, p.case, p.message, b.to_channel, b.mode, b.body, b.mark)),
         "Relay a message to another channel, as its handling mark allows.", status_code=201),
    Call("GET", "/cases/{case}/claims", "claim_list", list[ClaimOut], "claims",
         lambda s, a, p: [claim_out(c) for c in s.shuttle.list_claims(a, p.case)],
         "Claims the caller may see."),
    Send("POST", "/cases/{case}/claims", "claim_create", ClaimOut, "claims", ClaimIn,
         _create_claim,
         "Turn a public statement (or typed-in text) into a claim to verify.", status_code=201),
    Call("GET", "/cases/{case}/claims/{claim}", "claim_read", ClaimOut, "claims",
         lambda s, a, p: claim_out(s.shuttle.get_claim(a, p.case, p.claim)),
         "One claim with its dated, attributed history."),
    Send("POST", "/cases/{case}/claims/{claim}/assurance-request", "claim_request", ClaimOut,
         "claims", NoteIn,
         lambda s, a, p, b: claim_out(s.shuttle.request_assurance(a, p.case, p.claim, b.note)),
         "Ask the claim's party, in its channel, to confirm or deny."),
    Send("POST", "/cases/{case}/claims/{claim}/response", "claim_respond", ClaimOut, "claims",
         ClaimResponseIn,
         lambda s, a, p, b: claim_out(
             s.shuttle.respond_to_claim(a, p.case, p.claim, b.confirm, b.note)),
         "The claim's own party confirms or denies it."),
    Send("POST", "/cases/{case}/claims/{claim}/relay", "claim_relay", ClaimOut, "claims",
         ClaimRelayIn,
         lambda s, a, p, b: claim_out(
             s.shuttle.relay_claim(a, p.case, p.claim, b.to_party, b.label)),
         "Relay to another party: ``affirmed`` needs an assurance, else ``unverified``."),
    Call("POST", "/cases/{case}/claims/{claim}/acknowledgement", "claim_acknowledge", ClaimOut,
         "claims", lambda s, a, p: claim_out(s.shuttle.acknowledge_claim(a, p.case, p.claim)),
         "The recipient acknowledges receipt of a relayed claim."),
    Call("GET", "/cases/{case}/proposals", "proposal_list", list[ProposalOut], "proposals",
         lambda s, a, p: _tabled(s, a, p.case, *s.shuttle.list_proposals(a, p.case)),
         "Proposals tabled to the caller's party (all of them for the mediator)."),
    Send("POST", "/cases/{case}/proposals", "proposal_table", ProposalOut, "proposals",
         ProposalIn, _table,
         "Table a package (issue -> option) to parties (default: all negotiating parties).",
         status_code=201),
    Call("GET", "/cases/{case}/proposals/{proposal}", "proposal_read", ProposalOut,
         "proposals",
         lambda s, a, p: _tabled(s, a, p.case, s.shuttle.get_proposal(a, p.case, p.proposal))[0],
         "One proposal."),
    Send("POST", "/cases/{case}/proposals/{proposal}/response", "proposal_respond",
         ProposalOut, "proposals", ProposalResponseIn,
         lambda s, a, p, b: _tabled(s, a, p.case, s.shuttle.respond_to_proposal(
             a, p.case, p.proposal, b.response, b.note))[0],
         "Accept or reject for your own party (never the mediator)."),
    Call("POST", "/cases/{case}/proposals/{proposal}/withdrawal", "proposal_withdraw",
         ProposalOut, "proposals",
         lambda s, a, p: _tabled(
             s, a, p.case, s.shuttle.withdraw_proposal(a, p.case, p.proposal))[0],
         "Withdraw an open proposal (the mediator)."),
    Call("GET", "/cases/{case}/ledger", "ledger_read", list[LedgerOut], "ledger",
         lambda s, a, p: [ledger_out(e) for e in s.shuttle.ledger(a, p.case)],
         "The concession ledger: what each side gave and received, by issue, over time."),
    Send("POST", "/cases/{case}/ledger", "ledger_record", LedgerOut, "ledger", LedgerIn,
         _record, "Record a concession by hand (the mediator).", status_code=201),
)  # fmt: skip
