"""Notes (the mediator's drafts) and the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Query

from offramp.api.deps import MaybeActor, Services
from offramp.api.routes import PROBLEMS, CaseSlug, Id
from offramp.api.routes.convert import note_out
from offramp.api.schemas import AuditEventOut, AuditOut, NoteCreateIn, NoteOut, NotePatch

router = APIRouter(responses=PROBLEMS)


@router.get("/cases/{case}/notes", name="note_list", response_model=list[NoteOut], tags=["notes"])
def list_notes(case: CaseSlug, actor: MaybeActor, desk: Services) -> list[NoteOut]:
    """The mediator's notes (others: only notes shared with them)."""
    return [note_out(n) for n in desk.cases.list_notes(actor, case)]


@router.post(
    "/cases/{case}/notes",
    name="note_create",
    response_model=NoteOut,
    status_code=201,
    tags=["notes"],
)
def create_note(case: CaseSlug, body: NoteCreateIn, actor: MaybeActor, desk: Services) -> NoteOut:
    """Write a note."""
    return note_out(desk.cases.add_note(actor, case, body.title, body.body))


@router.get("/cases/{case}/notes/{note}", name="note_read", response_model=NoteOut, tags=["notes"])
def read_note(case: CaseSlug, note: Id, actor: MaybeActor, desk: Services) -> NoteOut:
    """One note."""
    return note_out(desk.cases.get_note(actor, case, note))


@router.patch(
    "/cases/{case}/notes/{note}", name="note_update", response_model=NoteOut, tags=["notes"]
)
def update_note(
    case: CaseSlug, note: Id, body: NotePatch, actor: MaybeActor, desk: Services
) -> NoteOut:
    """Edit a note; a stale ``version`` gets 409 and nothing is overwritten."""
    return note_out(desk.cases.update_note(actor, case, note, body.version, body.title, body.body))


@router.get("/cases/{case}/audit", name="audit_verify", response_model=AuditOut, tags=["audit"])
def verify(case: CaseSlug, actor: MaybeActor, desk: Services) -> AuditOut:
    """Verify the case's hash chain (the mediator)."""
    r = desk.audit.verify_as(actor, case)
    return AuditOut(
        case=case,
        ok=r.ok,
        events=r.events,
        head_seq=r.head_seq,
        bad_seq=r.bad_seq,
        problem=r.problem,
        message=r.message,
    )


@router.get(
    "/cases/{case}/audit/events",
    name="audit_events",
    response_model=list[AuditEventOut],
    tags=["audit"],
)
def events(
    case: CaseSlug,
    actor: MaybeActor,
    desk: Services,
    after: int = Query(0, ge=0, le=2_000_000_000),
    limit: int = Query(200, ge=1, le=1000),
) -> list[AuditEventOut]:
    """Events of the case's audit log, in order (the mediator)."""
    return [
        AuditEventOut(
            seq=e.seq,
            actor=e.actor,
            action=e.action,
            payload=e.payload,
            at=e.at,
            prev_hash=e.prev_hash,
            hash=e.hash,
        )
        for e in desk.audit.events(actor, case, after=after, limit=limit)
    ]
