"""The shuttle: a column per channel the viewer may read, the claims waiting for
verification, the packages on the table, and the forms that post, relay, verify, table,
answer and withdraw. A refused form re-renders the shuttle with its message."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.bootstrap import Services
from offramp.errors import Conflict, Forbidden, InputError, NotFound, OfframpError
from offramp.model.access import Action, DeskRole
from offramp.model.parse import parse_choice
from offramp.model.shuttle import (
    PLENARY,
    ClaimState,
    HandlingMark,
    Message,
    ProposalStatus,
    RelayLabel,
    RelayMode,
)
from offramp.model.shuttle import Response as Answer
from offramp.services.access import Actor
from offramp.services.shuttle import ChannelView, MessageView
from offramp.web.packages import PackageCard, package_card
from offramp.web.pages import (
    NO_PAGE,
    CaseView,
    ServicesDep,
    WebRoute,
    case_context,
    case_view,
    form_text,
    render,
    see_other,
    signed_in,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)
MESSAGES_PER_COLUMN = 40
# what a refused form re-renders: the shuttle with the message
FORM_ERRORS = (Conflict, InputError, Forbidden)
CLAIM_STEPS = {
    "request": "requested",
    "assure": "assured",
    "deny": "denied",
    "relay": "claim-relayed",
    "acknowledge": "acknowledged",
}


# What a delegation allows the mediator to do with a message in its own channel, in
# the words the reader needs; elsewhere a mark means nothing, and none is asked for.
MARK_CHOICES = (
    (HandlingMark.MEDIATOR_ONLY, "For the mediator only: do not relay"),
    (HandlingMark.MAY_RELAY, "The mediator may pass it on, in their own words or in ours"),
    (HandlingMark.RELAY_VERBATIM, "The mediator may pass it on, word for word only"),
)
MARK_WORDS = {
    HandlingMark.MEDIATOR_ONLY.value: "for the mediator only",
    HandlingMark.MAY_RELAY.value: "may be passed on",
    HandlingMark.RELAY_VERBATIM.value: "may be passed on word for word",
}
LABEL_WORDS = {
    RelayLabel.AFFIRMED.value: "affirmed: the party that made it stands by it",
    RelayLabel.UNVERIFIED.value: "unverified",
}
RELAY_WORDS = {RelayMode.VERBATIM.value: "word for word", RelayMode.PARAPHRASE.value: "paraphrased"}


def asks_mark(cv: CaseView, channel: str) -> bool:
    """Whether posting in ``channel`` asks for a handling mark: only a delegation, in its
    own channel, tells the mediator what may be passed on."""
    return cv.role is DeskRole.DELEGATE and channel != PLENARY


def mark_shown(cv: CaseView, viewer: Actor) -> Callable[[Message, str], bool]:
    """Whether the page shows a message's handling mark: in a party channel, to the
    mediator on a delegation's message, or to a delegate on its own message; never in
    the plenary or on a relay."""

    def show(m: Message, channel: str) -> bool:
        if channel == PLENARY or m.relay_of is not None:
            return False
        if cv.role is DeskRole.MEDIATOR:  # a delegation's mark, not the mediator's own
            return m.author != viewer.name
        return m.author == viewer.name

    return show


@dataclass(frozen=True)
class ChannelPage:
    """The newest messages of one channel, oldest first, and the id to page back from."""

    channel: ChannelView
    messages: Sequence[Message]
    more_before: int | None = None


def shown(view: MessageView) -> Message:
    """The message with ``relay_of`` as the service showed it to this member."""
    m = view.message
    return m if m.relay_of == view.relay_of else replace(m, relay_of=view.relay_of)


def cards(services: Services, viewer: Actor, cv: CaseView) -> list[PackageCard]:
    """The proposals the viewer may read, as the page states them."""
    if not cv.may(Action.PROPOSAL_READ):
        return []
    views = services.shuttle.list_proposals(viewer, cv.slug)
    links = services.precedents.links_for_proposals(viewer, cv.slug, views)
    return [
        package_card(cv.case, v, cv.party, cv.may(Action.PROPOSAL_RESPONSES), links[v.proposal.id])
        for v in views
    ]


def channel_pages(
    services: Services, viewer: Actor, slug: str, only: str | None, before: int | None
) -> list[ChannelPage]:
    """The newest messages of each readable channel, or of ``only`` (NotFound if not
    readable) paged back from ``before``."""
    views = services.shuttle.list_channels(viewer, slug)
    if only is not None:
        views = [c for c in views if c.key == only]
        if not views:
            raise NotFound("No such channel.")
    pages = []
    for v in views:
        # one more than shown tells whether older messages exist
        got = services.shuttle.list_messages(
            viewer,
            slug,
            v.key,
            before=before if only is not None else None,
            newest=True,
            limit=MESSAGES_PER_COLUMN + 1,
        )
        msgs = [shown(m) for m in got[-MESSAGES_PER_COLUMN:]]
        more = msgs[0].id if len(got) > MESSAGES_PER_COLUMN else None
        pages.append(ChannelPage(v, msgs, more))
    return pages


def shuttle_page(
    request: Request,
    services: Services,
    viewer: Actor,
    slug: str,
    only: str | None = None,
    *,
    error: OfframpError | None = None,
) -> Response:
    cv = case_view(services, viewer, slug)
    if not cv.may(Action.CHANNEL_READ):
        raise NotFound(NO_PAGE)
    before = request.query_params.get("before")
    columns = channel_pages(
        services, viewer, slug, only, int(before) if before and before.isdigit() else None
    )
    claims = (
        [c.claim for c in services.shuttle.list_claims(viewer, slug)]
        if cv.may(Action.CLAIM_READ)
        else []
    )
    proposals = cards(services, viewer, cv)
    ctx = {
        **case_context(cv, "shuttle"),
        "columns": columns,
        "only": only,
        "claims": claims,
        "proposals": proposals,
        "marks": MARK_CHOICES,
        "mark_words": MARK_WORDS,
        "relay_words": RELAY_WORDS,
        "asks_mark": asks_mark,
        "label_words": LABEL_WORDS,
        "show_mark": mark_shown(cv, viewer),
        "modes": list(RelayMode),
        "labels": list(RelayLabel),
        "ClaimState": ClaimState,
        "Answer": Answer,
        "ProposalStatus": ProposalStatus,
        "relay_targets": [*cv.case.negotiating_parties(), PLENARY],
        "parties": cv.case.negotiating_parties(),
        "issues": cv.case.table_issues(),
        "error": error,
        "PLENARY": PLENARY,
    }
    return render(request, "shuttle.html", ctx, status=error.status if error else 200)


@router.get("/cases/{slug}/shuttle", response_class=HTMLResponse)
async def shuttle(request: Request, slug: str, services: ServicesDep) -> Response:
    return shuttle_page(request, services, signed_in(request, services), slug)


@router.get("/cases/{slug}/shuttle/{key}", response_class=HTMLResponse)
async def channel(request: Request, slug: str, key: str, services: ServicesDep) -> Response:
    return shuttle_page(request, services, signed_in(request, services), slug, key)


# -- forms -------------------------------------------------------------------------------
async def shuttle_form(request: Request, services: Services, slug: str) -> tuple[Actor, str | None]:
    """The signed-in viewer of a shuttle form and the column it was sent from (``back``)."""
    viewer = signed_in(request, services)
    back = await form_text(request, "back", required=False)
    keys = {c.key for c in services.shuttle.list_channels(viewer, slug)}
    return viewer, back if back and back in keys else None


def sent(slug: str, only: str | None, done: str) -> Response:
    """Back to the column the form came from, saying what was done."""
    url = f"/cases/{slug}/shuttle" + (f"/{only}" if only else "")
    return see_other(f"{url}?done={done}")


async def shuttled(
    request: Request, services: Services, slug: str, act: Callable[[Actor], Awaitable[str]]
) -> Response:
    """One shuttle form: ``act`` writes and says what was done (back to the column the
    form came from); a refusal re-renders that column with the message."""
    viewer, only = await shuttle_form(request, services, slug)
    try:
        done = await act(viewer)
    except FORM_ERRORS as exc:
        return shuttle_page(request, services, viewer, slug, only, error=exc)
    return sent(slug, only, done)


@router.post("/cases/{slug}/shuttle/{key}/messages", response_class=HTMLResponse)
async def post_message(request: Request, slug: str, key: str, services: ServicesDep) -> Response:
    async def act(viewer: Actor) -> str:
        body = await form_text(request, "body")
        if asks_mark(case_view(services, viewer, slug), key):
            given = await form_text(request, "mark", required=False)
            if not given:
                raise InputError("mark", "choose whether the mediator may pass this message on")
            mark = parse_choice(HandlingMark, given, "mark")
        else:
            mark = HandlingMark.MAY_RELAY
        services.shuttle.post(viewer, slug, key, body, mark)
        return "posted"

    return await shuttled(request, services, slug, act)


@router.post("/cases/{slug}/messages/{message_id}/relay", response_class=HTMLResponse)
async def relay(request: Request, slug: str, message_id: int, services: ServicesDep) -> Response:
    async def act(viewer: Actor) -> str:
        to = await form_text(request, "to")
        mode = parse_choice(RelayMode, await form_text(request, "mode"), "mode")
        paraphrase = await form_text(request, "paraphrase", required=False)
        services.shuttle.relay(viewer, slug, message_id, to, mode, paraphrase or None)
        return "relayed"

    return await shuttled(request, services, slug, act)


@router.post("/cases/{slug}/claims", response_class=HTMLResponse)
async def state_claim(request: Request, slug: str, services: ServicesDep) -> Response:
    async def act(viewer: Actor) -> str:
        party = await form_text(request, "party")
        text = await form_text(request, "text")
        services.shuttle.create_claim(viewer, slug, party=party, text=text)
        return "claim-stated"

    return await shuttled(request, services, slug, act)


@router.post("/cases/{slug}/claims/{claim_id}/{step}", response_class=HTMLResponse)
async def claim_step(
    request: Request, slug: str, claim_id: int, step: str, services: ServicesDep
) -> Response:
    """One step of verify-then-relay: request, assure, deny, relay or acknowledge."""

    async def act(viewer: Actor) -> str:
        if step not in CLAIM_STEPS:
            raise NotFound("No such action.")
        if step == "request":
            services.shuttle.request_assurance(viewer, slug, claim_id)
        elif step in ("assure", "deny"):
            services.shuttle.respond_to_claim(viewer, slug, claim_id, step == "assure")
        elif step == "relay":
            to = await form_text(request, "to")
            label = parse_choice(RelayLabel, await form_text(request, "label"), "label")
            services.shuttle.relay_claim(viewer, slug, claim_id, to, label)
        else:
            services.shuttle.acknowledge_claim(viewer, slug, claim_id)
        return CLAIM_STEPS[step]

    return await shuttled(request, services, slug, act)


@router.post("/cases/{slug}/proposals", response_class=HTMLResponse)
async def table_proposal(request: Request, slug: str, services: ServicesDep) -> Response:
    """Table a package: ``opt_<issue>`` fields name the options, ``parties`` its addressees."""

    async def act(viewer: Actor) -> str:
        form = await request.form()
        title = await form_text(request, "title")
        package = {
            k.removeprefix("opt_"): str(v)
            for k, v in form.multi_items()
            if k.startswith("opt_") and str(v)
        }
        parties = tuple(str(v) for v in form.getlist("parties"))
        services.shuttle.table_proposal(viewer, slug, title, package, parties or None)
        return "tabled"

    return await shuttled(request, services, slug, act)


@router.post("/cases/{slug}/proposals/{proposal_id}/respond", response_class=HTMLResponse)
async def respond(request: Request, slug: str, proposal_id: int, services: ServicesDep) -> Response:
    async def act(viewer: Actor) -> str:
        answer = await form_text(request, "answer")
        if answer not in ("accept", "reject"):
            raise InputError("answer", "answer with accept or reject")
        note = await form_text(request, "note", required=False)
        response = Answer.ACCEPTED if answer == "accept" else Answer.REJECTED
        services.shuttle.respond_to_proposal(viewer, slug, proposal_id, response, note)
        return "accepted" if answer == "accept" else "rejected"

    return await shuttled(request, services, slug, act)


@router.post("/cases/{slug}/proposals/{proposal_id}/withdraw", response_class=HTMLResponse)
async def withdraw(
    request: Request, slug: str, proposal_id: int, services: ServicesDep
) -> Response:
    async def act(viewer: Actor) -> str:
        services.shuttle.withdraw_proposal(viewer, slug, proposal_id)
        return "withdrawn"

    return await shuttled(request, services, slug, act)
