"""The concession ledger: what each party gave and received, its balance, and the form
that records a concession by hand (re-rendered with the message when refused)."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.bootstrap import Services
from offramp.errors import Conflict, Forbidden, InputError, OfframpError
from offramp.model.access import Action
from offramp.model.concessions import Direction, ledger_balance
from offramp.model.parse import parse_choice
from offramp.web.pages import (
    ServicesDep,
    WebRoute,
    case_context,
    form_text,
    form_values,
    open_case,
    render,
    require,
    see_other,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def ledger_page(
    request: Request,
    services: Services,
    slug: str,
    *,
    error: OfframpError | None = None,
    values: Mapping[str, str] | None = None,
) -> Response:
    viewer, cv = open_case(request, services, slug, Action.LEDGER_READ)
    entries = [e.concession for e in services.shuttle.ledger(viewer, slug)]
    return render(
        request,
        "ledger.html",
        {
            **case_context(cv, "ledger"),
            "entries": entries,
            "balance": ledger_balance(entries),
            "parties": cv.case.negotiating_parties(),
            "issues": cv.case.issues,
            "directions": list(Direction),
            "proposal_titles": {
                v.proposal.id: f"“{v.proposal.title}”"
                for v in (
                    services.shuttle.list_proposals(viewer, slug)
                    if cv.may(Action.PROPOSAL_READ)
                    else []
                )
            },
            "error": error,
            "values": values or {},
        },
        status=error.status if error is not None else 200,
    )


@router.get("/cases/{slug}/ledger", response_class=HTMLResponse)
async def ledger(request: Request, slug: str, services: ServicesDep) -> Response:
    return ledger_page(request, services, slug)


@router.post("/cases/{slug}/ledger", response_class=HTMLResponse)
async def record_concession(request: Request, slug: str, services: ServicesDep) -> Response:
    """Record a concession by hand; a refused one re-renders the ledger with the message
    and the values given. Who may not read the ledger gets its 404 first."""
    viewer, cv = open_case(request, services, slug, Action.LEDGER_READ)
    try:
        require(cv, Action.LEDGER_WRITE)
        party = await form_text(request, "party")
        issue = await form_text(request, "issue")
        direction = parse_choice(Direction, await form_text(request, "direction"), "direction")
        from_option = await form_text(request, "from_option", required=False)
        to_option = await form_text(request, "to_option", required=False)
        note = await form_text(request, "note", required=False)
        services.shuttle.record_concession(
            viewer, slug, party, issue, direction, from_option or None, to_option or None, note
        )
    except (Conflict, InputError, Forbidden) as exc:
        values = await form_values(request)
        return ledger_page(request, services, slug, error=exc, values=values)
    return see_other(f"/cases/{slug}/ledger?done=recorded")
