"""Notes: the mediator's drafts, shared with others only by choice."""

from __future__ import annotations

from fastapi import APIRouter

from offramp.api.deps import MaybeActor, ServicesDep
from offramp.api.routes import PROBLEMS, CaseSlug, Id
from offramp.api.routes.convert import note_out
from offramp.api.schemas import NoteCreateIn, NoteOut, NotePatch

router = APIRouter(responses=PROBLEMS)


@router.get("/cases/{case}/notes", name="note_list", response_model=list[NoteOut], tags=["notes"])
def list_notes(case: CaseSlug, actor: MaybeActor, services: ServicesDep) -> list[NoteOut]:
    """The mediator's notes (others: only notes shared with them)."""
    return [note_out(n) for n in services.cases.list_notes(actor, case)]


@router.post(
    "/cases/{case}/notes",
    name="note_create",
    response_model=NoteOut,
    status_code=201,
    tags=["notes"],
)
def create_note(
    case: CaseSlug, body: NoteCreateIn, actor: MaybeActor, services: ServicesDep
) -> NoteOut:
    """Write a note."""
    return note_out(services.cases.add_note(actor, case, body.title, body.body))


@router.get("/cases/{case}/notes/{note}", name="note_read", response_model=NoteOut, tags=["notes"])
def read_note(case: CaseSlug, note: Id, actor: MaybeActor, services: ServicesDep) -> NoteOut:
    """One note."""
    return note_out(services.cases.get_note(actor, case, note))


@router.patch(
    "/cases/{case}/notes/{note}", name="note_update", response_model=NoteOut, tags=["notes"]
)
def update_note(
    case: CaseSlug, note: Id, body: NotePatch, actor: MaybeActor, services: ServicesDep
) -> NoteOut:
    """Edit a note; a stale ``version`` gets 409 and nothing is overwritten."""
    return note_out(
        services.cases.update_note(actor, case, note, body.version, body.title, body.body)
    )
