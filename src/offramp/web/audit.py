"""The audit page: the case's newest audit events and whether its hash chain verifies
(from the last checkpoint, or the whole chain with ``?verify=now``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.bootstrap import Services
from offramp.model import Case
from offramp.model.access import Action
from offramp.services.access import Actor
from offramp.web import words
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
    code: str = ""


@dataclass(frozen=True)
class AuditView:
    """The newest events, newest first, and the result of verifying the chain."""

    events: Sequence[AuditLine]
    verified: bool
    message: str
    total: int


ACTIONS = {
    "case.create": "created the case",
    "case.export": "exported the case file",
    "case.import": "imported the case",
    "claim.acknowledge": "acknowledged a relayed claim",
    "claim.assure": "confirmed a claim",
    "claim.create": "recorded a claim to verify",
    "claim.deny": "denied a claim",
    "claim.relay": "relayed a claim",
    "claim.request": "asked for an assurance",
    "data.reseal": "changed the encryption of the confidential text",
    "intake.discard": "discarded a proposed statement",
    "ledger.record": "recorded a concession",
    "member.add": "added a member",
    "member.change": "changed a member's role",
    "member.remove": "removed a member",
    "message.post": "posted a message",
    "message.relay": "relayed a message",
    "note.create": "wrote a note",
    "note.update": "edited a note",
    "position.update": "updated a position",
    "proposal.respond": "answered a package",
    "proposal.table": "tabled a package",
    "proposal.withdraw": "withdrew a package",
    "reader.adopt": "adopted a retrained intake reader",
    "reader.retire": "went back to the shipped intake reader",
    "reader.train": "retrained the intake reader",
    "share.create": "shared with a member",
    "statement.confirm": "confirmed a statement",
    "statement.create": "added a statement",
}


def value_text(value: Any) -> str:
    """A payload value for people: no Python literals, lists and maps spelled out."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {value_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v) for v in value) or "none"
    return str(value)


def payload_text(payload: Mapping[str, Any]) -> str:
    """``channel: plenary · mark: may-relay · body: …``."""
    return " · ".join(f"{k.replace('_', ' ')}: {value_text(v)}" for k, v in payload.items())


def answer_notes(services: Services, viewer: Actor, slug: str) -> dict[tuple[int, str], str]:
    """(proposal, party) -> the note the party gave with its answer (the audit records
    the answer; the note is read from the proposal, as the viewer may see it)."""
    notes = {}
    for v in services.shuttle.list_proposals(viewer, slug):
        for r in v.responses:
            if r.note:
                notes[(v.proposal.id, r.party)] = r.note
    return notes


def in_words(case: Case, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The payload with a package, an issue and its options in the case's words."""
    payload = dict(raw)
    issue = payload.get("issue")
    if isinstance(payload.get("package"), Mapping):
        payload["package"] = {
            words.issue_title(case, str(i)): words.option_label(case, str(i), o)
            for i, o in payload["package"].items()
        }
    if isinstance(issue, str):
        for key in ("from_option", "to_option", "option"):
            if isinstance(payload.get(key), str):
                payload[key] = words.option_label(case, issue, payload[key])
        payload["issue"] = words.issue_title(case, issue)
    return payload


def details(
    case: Case, action: str, raw: Mapping[str, Any], notes: Mapping[tuple[int, str], str]
) -> str:
    payload = in_words(case, raw)
    if action == "proposal.respond":
        note = notes.get((int(payload.get("proposal") or 0), str(payload.get("party"))))
        if note:
            payload["note"] = note
    return payload_text(payload)


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
    notes = answer_notes(services, viewer, slug) if cv.may(Action.PROPOSAL_RESPONSES) else {}
    lines = [
        AuditLine(
            e.seq,
            e.actor,
            ACTIONS.get(e.action, e.action.replace(".", " ").replace("_", " ")),
            e.at.strftime("%Y-%m-%d %H:%M:%S"),
            details(cv.case, e.action, e.payload, notes),
            e.action,
        )
        for e in reversed(events)
    ]
    view = AuditView(lines, report.ok, report.message, total)
    return render(request, "audit.html", {**case_context(cv, "audit"), "audit": view})
