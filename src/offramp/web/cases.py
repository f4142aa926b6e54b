"""The viewer's cases, a case's overview (position map, shifts, statements) and its deal
space (frontier, packages, ripeness) at a chosen date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.errors import NotFound
from offramp.model.access import Action, DeskRole
from offramp.model.parse import parse_day
from offramp.web.dealspace import deal_space_view
from offramp.web.overview import build_overview, default_dates
from offramp.web.pages import (
    NO_PAGE,
    ServicesDep,
    WebRoute,
    case_context,
    open_case,
    render,
    see_other,
    signed_in,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@dataclass(frozen=True)
class CaseLine:
    """A case in the viewer's list, with the viewer's role on it as an enum."""

    slug: str
    title: str
    role: DeskRole
    party: str | None


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    return see_other("/cases")


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
    _, cv = open_case(request, services, slug)
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
            "at_index": _index_of(dates, ov.at),
        },
    )


@router.get("/cases/{slug}/deal-space", response_class=HTMLResponse)
async def deal_space(request: Request, slug: str, services: ServicesDep) -> Response:
    viewer, cv = open_case(request, services, slug)
    _, last = default_dates(cv.case)
    at = parse_day(request.query_params.get("at"), "at") or last
    if not cv.may(Action.ANALYSIS_READ):
        raise NotFound(NO_PAGE)
    report = services.analysis.report(viewer, slug, at)
    view = deal_space_view(cv.case, report.to_dict())
    return render(
        request,
        "deal_space.html",
        {**case_context(cv, "deal-space"), "at": at, "dates": cv.case.dates(), "view": view},
    )


def _index_of(dates: tuple[date, ...], at: date) -> int:
    """The index of the last date not after ``at`` (0 when none)."""
    best = 0
    for k, d in enumerate(dates):
        if d <= at:
            best = k
    return best
