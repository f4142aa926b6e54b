"""Notes: the mediator's drafts, shared with others only by choice."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter

from offramp.api.routes import PROBLEMS, CaseSlug, Id
from offramp.api.routes.convert import note_out
from offramp.api.routes.table import Call, Send, add_routes
from offramp.api.schemas import NoteCreateIn, NoteOut, NotePatch

router = APIRouter(responses=PROBLEMS)


@dataclass(frozen=True)
class On:
    """What a route's path names."""

    case: CaseSlug
    note: Id = 0


add_routes(
    router,
    On,
    Call("GET", "/cases/{case}/notes", "note_list", list[NoteOut], "notes",
         lambda s, a, p: [note_out(n) for n in s.cases.list_notes(a, p.case)],
         "The mediator's notes (others: only notes shared with them)."),
    Send("POST", "/cases/{case}/notes", "note_create", NoteOut, "notes", NoteCreateIn,
         lambda s, a, p, b: note_out(s.cases.add_note(a, p.case, b.title, b.body)),
         "Write a note.", status_code=201),
    Call("GET", "/cases/{case}/notes/{note}", "note_read", NoteOut, "notes",
         lambda s, a, p: note_out(s.cases.get_note(a, p.case, p.note)),
         "One note."),
    Send("PATCH", "/cases/{case}/notes/{note}", "note_update", NoteOut, "notes", NotePatch,
         lambda s, a, p, b: note_out(
             s.cases.update_note(a, p.case, p.note, b.version, b.title, b.body)),
         "Edit a note; a stale ``version`` gets 409 and nothing is overwritten."),
)  # fmt: skip
