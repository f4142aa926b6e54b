"""The audit page: the case's newest audit events and whether its hash chain verifies
(from the last checkpoint, or the whole chain with ``?verify=now``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.model.access import Action
from offramp.web.pages import ServicesDep, WebRoute, case_context, open_case, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)
EVENTS_SHOWN = 200


@dataclass(frozen=True)
class AuditLine:
    """An event as the page prints it: its time to the second, its payload as text."""

    seq: int
    actor: str
    action: str
    at: str
    payload: str


@dataclass(frozen=True)
class AuditView:
    """The newest events, newest first, and the result of verifying the chain."""

    events: Sequence[AuditLine]
    verified: bool
    message: str
    total: int


def payload_text(payload: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in payload.items())


@router.get("/cases/{slug}/audit", response_class=HTMLResponse)
async def audit(request: Request, slug: str, services: ServicesDep) -> Response:
    viewer, cv = open_case(request, services, slug, Action.AUDIT_READ)
    # verify_as re-hashes what is new since the last check, or (verify=now) the whole chain
    report = services.audit.verify_as(
        viewer, slug, full=request.query_params.get("verify") == "now"
    )
    total = report.head_seq
    events = services.audit.events(
        viewer, slug, after=max(total - EVENTS_SHOWN, 0), limit=EVENTS_SHOWN
    )
    lines = [
        AuditLine(
            e.seq, e.actor, e.action, e.at.isoformat(timespec="seconds"), payload_text(e.payload)
        )
        for e in reversed(events)
    ]
    view = AuditView(lines, report.ok, report.message, total)
    return render(request, "audit.html", {**case_context(cv, "audit"), "audit": view})
