"""Channels and messages, relays, claims (verify, then relay), proposals, the ledger."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from offramp.api.deps import MaybeActor, ServicesDep
from offramp.api.routes import PROBLEMS, CaseSlug, Id
from offramp.api.routes.convert import claim_out, ledger_out, message_out, proposal_out
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


@router.get(
    "/cases/{case}/channels", name="channel_list", response_model=list[ChannelOut], tags=["shuttle"]
)
def list_channels(case: CaseSlug, actor: MaybeActor, services: ServicesDep) -> list[ChannelOut]:
    """The channels the caller may read, with message counts."""
    return [ChannelOut(**vars(c)) for c in services.shuttle.list_channels(actor, case)]


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


@router.post(
    "/cases/{case}/channels/{channel}/messages",
    name="message_post",
    response_model=MessageOut,
    status_code=201,
    tags=["shuttle"],
)
def post_message(
    case: CaseSlug, channel: ChannelKey, body: MessageIn, actor: MaybeActor, services: ServicesDep
) -> MessageOut:
    """Post a message with its handling mark."""
    return message_out(services.shuttle.post(actor, case, channel, body.body, body.mark))


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


@router.get(
    "/cases/{case}/messages/{message}",
    name="message_read",
    response_model=MessageOut,
    tags=["shuttle"],
)
def read_message(
    case: CaseSlug, message: Id, actor: MaybeActor, services: ServicesDep
) -> MessageOut:
    """One message, if the caller may read its channel."""
    return message_out(services.shuttle.get_message(actor, case, message))


@router.post(
    "/cases/{case}/messages/{message}/relay",
    name="message_relay",
    response_model=MessageOut,
    status_code=201,
    tags=["shuttle"],
)
def relay(
    case: CaseSlug, message: Id, body: RelayIn, actor: MaybeActor, services: ServicesDep
) -> MessageOut:
    """Relay a message to another channel, as its handling mark allows."""
    view = services.shuttle.relay(
        actor, case, message, body.to_channel, body.mode, body.body, body.mark
    )
    return message_out(view)


@router.get(
    "/cases/{case}/claims", name="claim_list", response_model=list[ClaimOut], tags=["claims"]
)
def list_claims(case: CaseSlug, actor: MaybeActor, services: ServicesDep) -> list[ClaimOut]:
    """Claims the caller may see."""
    return [claim_out(c) for c in services.shuttle.list_claims(actor, case)]


@router.post(
    "/cases/{case}/claims",
    name="claim_create",
    response_model=ClaimOut,
    status_code=201,
    tags=["claims"],
)
def create_claim(
    case: CaseSlug, body: ClaimIn, actor: MaybeActor, services: ServicesDep
) -> ClaimOut:
    """Turn a public statement (or typed-in text) into a claim to verify."""
    view = services.shuttle.create_claim(
        actor, case, party=body.party, text=body.text, statement=body.statement
    )
    return claim_out(view)


@router.get(
    "/cases/{case}/claims/{claim}", name="claim_read", response_model=ClaimOut, tags=["claims"]
)
def read_claim(case: CaseSlug, claim: Id, actor: MaybeActor, services: ServicesDep) -> ClaimOut:
    """One claim with its dated, attributed history."""
    return claim_out(services.shuttle.get_claim(actor, case, claim))


@router.post(
    "/cases/{case}/claims/{claim}/assurance-request",
    name="claim_request",
    response_model=ClaimOut,
    tags=["claims"],
)
def request_assurance(
    case: CaseSlug, claim: Id, body: NoteIn, actor: MaybeActor, services: ServicesDep
) -> ClaimOut:
    """Ask the claim's party, in its channel, to confirm or deny."""
    return claim_out(services.shuttle.request_assurance(actor, case, claim, body.note))


@router.post(
    "/cases/{case}/claims/{claim}/response",
    name="claim_respond",
    response_model=ClaimOut,
    tags=["claims"],
)
def respond_to_claim(
    case: CaseSlug, claim: Id, body: ClaimResponseIn, actor: MaybeActor, services: ServicesDep
) -> ClaimOut:
    """The claim's own party confirms or denies it."""
    return claim_out(services.shuttle.respond_to_claim(actor, case, claim, body.confirm, body.note))


@router.post(
    "/cases/{case}/claims/{claim}/relay",
    name="claim_relay",
    response_model=ClaimOut,
    tags=["claims"],
)
def relay_claim(
    case: CaseSlug, claim: Id, body: ClaimRelayIn, actor: MaybeActor, services: ServicesDep
) -> ClaimOut:
    """Relay to another party: ``affirmed`` needs an assurance, else ``unverified``."""
    return claim_out(services.shuttle.relay_claim(actor, case, claim, body.to_party, body.label))


@router.post(
    "/cases/{case}/claims/{claim}/acknowledgement",
    name="claim_acknowledge",
    response_model=ClaimOut,
    tags=["claims"],
)
def acknowledge_claim(
    case: CaseSlug, claim: Id, actor: MaybeActor, services: ServicesDep
) -> ClaimOut:
    """The recipient acknowledges receipt of a relayed claim."""
    return claim_out(services.shuttle.acknowledge_claim(actor, case, claim))


def _tabled(
    services: Services, actor: Actor | None, case: str, *views: ProposalView
) -> list[ProposalOut]:
    """Proposals with the precedents linked to their options, as the caller sees them."""
    links = services.precedents.links_for_proposals(actor, case, views)
    return [proposal_out(v, links[v.proposal.id]) for v in views]


@router.get(
    "/cases/{case}/proposals",
    name="proposal_list",
    response_model=list[ProposalOut],
    tags=["proposals"],
)
def list_proposals(case: CaseSlug, actor: MaybeActor, services: ServicesDep) -> list[ProposalOut]:
    """Proposals tabled to the caller's party (all of them for the mediator)."""
    return _tabled(services, actor, case, *services.shuttle.list_proposals(actor, case))


@router.post(
    "/cases/{case}/proposals",
    name="proposal_table",
    response_model=ProposalOut,
    status_code=201,
    tags=["proposals"],
)
def table_proposal(
    case: CaseSlug, body: ProposalIn, actor: MaybeActor, services: ServicesDep
) -> ProposalOut:
    """Table a package (issue -> option) to parties (default: all negotiating parties)."""
    parties = tuple(body.parties) if body.parties else None
    view = services.shuttle.table_proposal(actor, case, body.title, dict(body.package), parties)
    return _tabled(services, actor, case, view)[0]


@router.get(
    "/cases/{case}/proposals/{proposal}",
    name="proposal_read",
    response_model=ProposalOut,
    tags=["proposals"],
)
def read_proposal(
    case: CaseSlug, proposal: Id, actor: MaybeActor, services: ServicesDep
) -> ProposalOut:
    """One proposal."""
    return _tabled(services, actor, case, services.shuttle.get_proposal(actor, case, proposal))[0]


@router.post(
    "/cases/{case}/proposals/{proposal}/response",
    name="proposal_respond",
    response_model=ProposalOut,
    tags=["proposals"],
)
def respond_to_proposal(
    case: CaseSlug, proposal: Id, body: ProposalResponseIn, actor: MaybeActor, services: ServicesDep
) -> ProposalOut:
    """Accept or reject for your own party (never the mediator)."""
    view = services.shuttle.respond_to_proposal(actor, case, proposal, body.response, body.note)
    return _tabled(services, actor, case, view)[0]


@router.post(
    "/cases/{case}/proposals/{proposal}/withdrawal",
    name="proposal_withdraw",
    response_model=ProposalOut,
    tags=["proposals"],
)
def withdraw_proposal(
    case: CaseSlug, proposal: Id, actor: MaybeActor, services: ServicesDep
) -> ProposalOut:
    """Withdraw an open proposal (the mediator)."""
    view = services.shuttle.withdraw_proposal(actor, case, proposal)
    return _tabled(services, actor, case, view)[0]


@router.get(
    "/cases/{case}/ledger", name="ledger_read", response_model=list[LedgerOut], tags=["ledger"]
)
def ledger(case: CaseSlug, actor: MaybeActor, services: ServicesDep) -> list[LedgerOut]:
    """The concession ledger: what each side gave and received, by issue, over time."""
    return [ledger_out(e) for e in services.shuttle.ledger(actor, case)]


@router.post(
    "/cases/{case}/ledger",
    name="ledger_record",
    response_model=LedgerOut,
    status_code=201,
    tags=["ledger"],
)
def record(case: CaseSlug, body: LedgerIn, actor: MaybeActor, services: ServicesDep) -> LedgerOut:
    """Record a concession by hand (the mediator)."""
    entry = services.shuttle.record_concession(
        actor,
        case,
        body.party,
        body.issue,
        body.direction,
        body.from_option,
        body.to_option,
        body.note,
    )
    return ledger_out(entry)
