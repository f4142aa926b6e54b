"""The viewer's cases, a case's overview (position map, shifts, statements) and its deal
space (frontier, packages, ripeness) at a chosen date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from offramp.bootstrap import Services
from offramp.errors import InputError, NotFound
from offramp.model.access import Action, DeskRole
from offramp.model.parse import parse_day
from offramp.model.shuttle import ProposalStatus
from offramp.services.access import Actor
from offramp.web.codings import CHOICES as CODING_CHOICES
from offramp.web.codings import coded_report
from offramp.web.dealspace import deal_space_view
from offramp.web.overview import build_overview, default_dates
from offramp.web.pages import (
    HERE,
    NO_PAGE,
    CaseView,
    ServicesDep,
    WebRoute,
    case_context,
    form_text,
    open_case,
    render,
    require,
    see_other,
    signed_in,
)
from offramp.web.precedent_words import option_keys

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@dataclass(frozen=True)
class CaseLine:
    """A case in the viewer's list, with the viewer's role on it as an enum."""

    slug: str
    title: str
    role: DeskRole
    party: str | None


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
async def home(request: Request) -> Response:
    return see_other("/cases")


@router.api_route("/favicon.ico", methods=["GET", "HEAD"])
async def favicon() -> Response:
    """The desk's icon (browsers ask for this path on every page)."""
    return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")


@router.get("/cases", response_class=HTMLResponse)
async def cases(request: Request, services: ServicesDep) -> Response:
    viewer = signed_in(request, services)
    mine = [
        CaseLine(c.slug, c.title, DeskRole(c.role), c.party)
        for c in services.cases.list_my_cases(viewer)
    ]
    return render(request, "cases.html", {"cases": mine})


@router.get("/cases/{slug}", response_class=HTMLResponse)
async def overview(request: Request, slug: str, services: ServicesDep) -> Response:
    """The position map at ``?at=`` (or the ``?i=``-th date) with shifts since ``?since=``."""
    viewer, cv = open_case(request, services, slug)
    q = request.query_params
    first, last = default_dates(cv.case)
    at = parse_day(q.get("at"), "at") or last
    dates = cv.case.dates()
    ix = q.get("i")
    if ix is not None and ix.isdigit() and dates:
        at = dates[min(int(ix), len(dates) - 1)]
    since = parse_day(q.get("since"), "since") or first
    ov = build_overview(cv.case, at, since)
    return render(
        request,
        "overview.html",
        {
            **case_context(cv, "overview"),
            "ov": ov,
            "show_positions": cv.may(Action.POSITION_READ),
            "share_targets": share_targets(services, viewer, cv),
            "shareable": SHAREABLE,
            "at_index": _index_of(dates, ov.at),
        },
    )


CASE_FILE_TYPES = {"yaml": "application/yaml", "json": "application/json"}


@router.get("/cases/{slug}/case-file")
async def case_file(request: Request, slug: str, services: ServicesDep) -> Response:
    """The case file (``?format=yaml``, the default, or ``json``) as the viewer may read
    it, to download: ``case.export`` (the plain 404 page for everyone else), and audited
    as an export (the service records it)."""
    viewer, cv = open_case(request, services, slug)
    if not cv.may(Action.CASE_EXPORT):  # a page one may not read is one that is not there
        raise NotFound(NO_PAGE)
    fmt = request.query_params.get("format", "yaml")
    if fmt not in CASE_FILE_TYPES:
        raise InputError("format", "choose yaml or json")
    out = await run_in_threadpool(
        services.cases.export_case, viewer, slug, "json" if fmt == "json" else "yaml"
    )
    return Response(
        out.text,
        media_type=CASE_FILE_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{slug}.{fmt}"'},
    )


SHAREABLE = {
    "positions": "the position map",
    "analysis": "the deal space and forecast",
    "ledger": "the concession ledger",
}
SHARED_WITH = (DeskRole.DELEGATE, DeskRole.FACILITATOR, DeskRole.OBSERVER)


def share_targets(services: Services, viewer: Actor, cv: CaseView) -> list[tuple[str, str]]:
    """(user, "observer" / "delegate of UA") for the members something can be shared with."""
    if not cv.may(Action.SHARE_CREATE) or not cv.may(Action.MEMBER_READ):
        return []
    out = []
    for m in services.cases.list_members(viewer, cv.slug):
        role = DeskRole(m.role)
        if role in SHARED_WITH:
            what = role.value + (f" of {m.party}" if m.party else "")
            out.append((m.user, what))
    return out


@router.post("/cases/{slug}/shares", response_class=HTMLResponse)
async def share(request: Request, slug: str, services: ServicesDep) -> Response:
    """Share positions, the analysis or the ledger with one member."""
    viewer, cv = open_case(request, services, slug)
    require(cv, Action.SHARE_CREATE)
    user = await form_text(request, "user")
    kind = await form_text(request, "kind")
    if kind not in SHAREABLE:
        raise InputError("kind", f"share one of: {', '.join(SHAREABLE.values())}")
    services.cases.share(viewer, slug, user, kind)
    return see_other(f"/cases/{slug}?done=shared")


@router.get("/cases/{slug}/deal-space", response_class=HTMLResponse)
async def deal_space(request: Request, slug: str, services: ServicesDep) -> Response:
    viewer, cv = open_case(request, services, slug)
    _, last = default_dates(cv.case)
    at = parse_day(request.query_params.get("at"), "at") or last
    if not cv.may(Action.ANALYSIS_READ):
        raise NotFound(NO_PAGE)
    report, coding, computed_on = coded_report(
        services, viewer, cv, at, request.query_params.get("coding")
    )
    tabled = (
        [
            (v.proposal.title, dict(v.proposal.package))
            for v in services.shuttle.list_proposals(viewer, slug)
            if v.proposal.status is not ProposalStatus.WITHDRAWN
        ]
        if cv.may(Action.PROPOSAL_READ)
        else []
    )
    links = services.precedents.links_for(viewer, slug, option_keys(cv.case))
    view = deal_space_view(cv.case, report.to_dict(), at, tabled, links)
    return render(
        request,
        "deal_space.html",
        {
            **case_context(cv, "deal-space"),
            "at": at,
            "dates": cv.case.dates(),
            "view": view,
            "parties": cv.case.negotiating_parties(),
            "coding": coding,
            "codings": CODING_CHOICES,
            "computed_on": computed_on,
        },
    )


def _index_of(dates: tuple[date, ...], at: date) -> int:
    """The index of the last date not after ``at`` (0 when none)."""
    best = 0
    for k, d in enumerate(dates):
        if d <= at:
            best = k
    return best
