"""The crisis desk's "Response times" tab: the seed's 24 hours as a figure.

For every incident with a playbook (allegations by default, as in the October 2022
track), how long each step took from the first arrival and from the playbook's start,
against the playbook's target: acknowledgement, consultation with the ally, referral to
the impartial body, the public answer. Below, the desk-wide report: per playbook step,
the median and the worst time over the incidents, and how many were late.
``?type=`` picks the incident type (``all`` for every type), ``?at=`` an instant.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.errors import InputError
from offramp.model.crisis import IncidentType
from offramp.model.crisis.times import StepTime, TimeStatus
from offramp.model.deadlines import format_duration
from offramp.model.parse import parse_choice, parse_instant
from offramp.web.crisis import page
from offramp.web.oncall_forms import oncall_page
from offramp.web.pages import ServicesDep, WebRoute

router = APIRouter(route_class=WebRoute, include_in_schema=False)
TYPES = list(IncidentType)


def taken(delta: timedelta | None) -> str:
    return "" if delta is None else format_duration(delta)


def against_target(s: StepTime) -> str:
    """The step against its deadline, in words."""
    if s.status is TimeStatus.WAIVED:
        return "waived"
    if s.status is TimeStatus.ON_TIME and s.margin is not None:
        return f"on time, {format_duration(s.margin)} to spare"
    if s.status is TimeStatus.LATE and s.margin is not None:
        return f"late by {format_duration(-s.margin)}"
    if s.status is TimeStatus.OVERDUE:
        return "not done, past its deadline"
    return "not done yet, deadline to come"


@router.get("/cases/{slug}/crisis/times", response_class=HTMLResponse)
async def times(request: Request, slug: str, services: ServicesDep) -> Response:
    viewer, _, ctx = oncall_page(request, services, slug, "times")
    failed = None
    asked = request.query_params.get("at")
    kind_asked = request.query_params.get("type", IncidentType.ALLEGATION.value)
    try:
        at = parse_instant(asked, "at")
        kind = None if kind_asked == "all" else parse_choice(IncidentType, kind_asked, "type")
    except InputError as exc:
        at, kind = None, IncidentType.ALLEGATION
        failed = (exc, {"at": asked or "", "form": "at"})
    report = services.crisis.desk_times(viewer, slug, kind, at)
    books = services.crisis.playbooks()
    return page(
        request,
        "crisis_times.html",
        ctx,
        failed,
        report=report,
        incident_titles={t.incident: t.title for t in report.incidents},
        kind=kind,
        kinds=[("all", "every type"), *((t.value, t.value.replace("_", " ")) for t in TYPES)],
        playbook_title=lambda k: books.get(k, k),
        taken=taken,
        against_target=against_target,
    )
