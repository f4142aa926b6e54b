"""The authoring desk: create a case, then add, edit, reorder and remove its parties,
people, issues (and their options), sources, statements, positions and reservation
values, one form per record.

Every form goes through :class:`offramp.services.authoring.AuthoringService`, which
applies the case file's rules, the case version and the access policy
(``case.author``) and audits the edit; a refused form comes back with the problems
beside its fields (422), a stale one (409) with who changed the case, and nothing
written. The positions page lives in :mod:`offramp.web.authoring_positions`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.bootstrap import Services
from offramp.errors import Conflict, InputError, NotFound
from offramp.model import IssueKind, Role, Stance
from offramp.model.access import Action, AdminAction, DeskRole
from offramp.services.access import Actor
from offramp.services.authoring import Draft, Kind
from offramp.web.authoring_forms import (
    Data,
    Refused,
    Sent,
    changes_of,
    option_rows,
    record_of,
    slug_of,
)
from offramp.web.authoring_positions import positions_page
from offramp.web.pages import (
    NO_PAGE,
    ServicesDep,
    WebRoute,
    case_context,
    open_case,
    render,
    require,
    see_other,
    signed_in,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)

#: the URL's word for each kind of record
KINDS: Mapping[str, Kind] = {
    "parties": "party",
    "people": "person",
    "issues": "issue",
    "sources": "source",
    "statements": "statement",
    "positions": "position",
    "reservations": "reservation",
}
PLURAL = {v: k for k, v in KINDS.items()}
SECTION = {"party": "parties", "person": "people", "issue": "issues", "source": "sources"}
MOVABLE = ("party", "person", "issue", "source")
DONE = {
    "created": "Case created. Add its parties and issues below.",
    "added": "Added.",
    "saved": "Saved.",
    "removed": "Removed.",
    "moved": "Moved.",
}
ROLE_WORDS = {
    Role.PARTY: "negotiating party",
    Role.MEDIATOR: "mediator",
    Role.FACILITATOR: "facilitator",
    Role.HOST: "host",
    Role.STAKEHOLDER: "stakeholder",
    Role.IMPARTIAL_BODY: "impartial body",
    Role.FORUM: "forum",
    Role.OBSERVER: "observer",
}
AUTHOR_ROLES = (DeskRole.MEDIATOR, DeskRole.ANALYST)  # who may author (model/access.py)
ROLE_CHOICES = [(r.value, r.value) for r in AUTHOR_ROLES]


def kind_of(word: str) -> Kind:
    """The kind a URL names, or the plain 404."""
    kind = KINDS.get(word)
    if kind is None:
        raise NotFound(NO_PAGE)
    return kind


# -- a new case ---------------------------------------------------------------------------
@router.get("/new-case", response_class=HTMLResponse)
async def new_case(request: Request, services: ServicesDep) -> Response:
    """The form for a new, empty case (server admins: ``case.create``)."""
    viewer = signed_in(request, services)
    services.policy.require_admin(viewer, AdminAction.CASE_CREATE)
    return render(request, "authoring_new.html", {"values": {}, "roles": ROLE_CHOICES})


@router.post("/new-case", response_class=HTMLResponse)
async def create_case(request: Request, services: ServicesDep) -> Response:
    """Create the case and make its creator a member who may author it."""
    viewer = signed_in(request, services)
    services.policy.require_admin(viewer, AdminAction.CASE_CREATE)
    sent = Sent.of(await request.form())
    title = sent.text("title")
    slug = sent.text("id") or slug_of(title)
    role = sent.text("role") or DeskRole.MEDIATOR.value
    try:
        if not title:  # as the API's schema refuses it (a case file may leave it empty)
            raise InputError("title", "is required")
        if role not in AUTHOR_ROLES:
            raise InputError("role", "choose mediator or analyst")
        services.authoring.create_case(viewer, slug, title, sent.text("description"))
    except (InputError, Conflict) as exc:
        values = {**sent.fields, "id": slug}
        ctx = {"values": values, "refused": Refused.of("new", values, exc), "roles": ROLE_CHOICES}
        return render(request, "authoring_new.html", ctx, status=exc.status)
    services.cases.add_member(viewer, slug, viewer.name, role)
    return see_other(f"/cases/{slug}/author?done=created")


# -- the desk -----------------------------------------------------------------------------
@router.get("/cases/{slug}/author", response_class=HTMLResponse)
async def desk(request: Request, slug: str, services: ServicesDep) -> Response:
    return desk_page(request, services, slug)


def desk_page(
    request: Request, services: Services, slug: str, refused: Refused | None = None
) -> Response:
    """The authoring desk: the case's records, each with its forms."""
    viewer, cv = open_case(request, services, slug, Action.CASE_AUTHOR)
    draft = services.authoring.draft(viewer, slug)
    data = draft.data
    ctx = {
        **case_context(cv, "author"),
        **choices(data),
        "draft": draft,
        "data": data,
        "refused": refused,
        "done": DONE.get(request.query_params.get("done", "")),
        "more": request.query_params.get("more", ""),
        "option_rows": option_rows,
        "statement_rows": list(data.get("statements", [])),
    }
    return render(request, "authoring.html", ctx, status=refused.status if refused else 200)


def choices(data: Data) -> dict[str, Any]:
    """What the forms pick from: (value, words) pairs, never typed ids."""
    issues = list(data.get("issues", []))
    return {
        "role_choices": [(r.value, w) for r, w in ROLE_WORDS.items()],
        "kind_choices": [(k.value, k.value) for k in IssueKind],
        "stance_choices": [(s.value, s.value) for s in Stance],
        "party_choices": [(p["id"], f"{p['name']} ({p['id']})") for p in data.get("parties", [])],
        "people_choices": [(p["id"], p["name"]) for p in data.get("people", [])],
        "source_choices": [
            (s["id"], s.get("title") or s["publication"]) for s in data.get("sources", [])
        ],
        "statement_choices": [
            (s["id"], f"{s['date']} {s['speaker']}: {_short(s['quote'])}")
            for s in data.get("statements", [])
        ],
        "issues": issues,
    }


def _short(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


# -- the forms ----------------------------------------------------------------------------
@router.post("/cases/{slug}/author/case", response_class=HTMLResponse)
async def edit_case(request: Request, slug: str, services: ServicesDep) -> Response:
    """The case's title, description and notes."""
    viewer, cv = open_case(request, services, slug)
    require(cv, Action.CASE_AUTHOR)
    sent = Sent.of(await request.form())
    changes = {k: sent.text(k) or None for k in ("title", "description", "notes")}
    try:
        services.authoring.edit_case(viewer, slug, changes, sent.version())
    except (InputError, Conflict) as exc:
        stale = isinstance(exc, Conflict)
        record = {} if stale else {k: v or "" for k, v in changes.items()}
        return desk_page(request, services, slug, _refused("case", record, exc, sent))
    return see_other(f"/cases/{slug}/author?done=saved#case")


@router.post("/cases/{slug}/author/{kind}", response_class=HTMLResponse)
async def add(request: Request, slug: str, kind: str, services: ServicesDep) -> Response:
    """Add one record of ``kind``."""
    viewer, cv = open_case(request, services, slug)
    require(cv, Action.CASE_AUTHOR)
    k = kind_of(kind)
    sent = Sent.of(await request.form())
    record = record_of(k, sent)
    form = sent.text("form") or form_key(k, record, "add")
    try:
        services.authoring.add(viewer, slug, k, record)
    except (InputError, Conflict) as exc:
        return again(request, services, slug, k, _refused(form, record, exc, sent))
    return see_other(back(slug, k, record, "added"))


@router.post("/cases/{slug}/author/{kind}/{key}", response_class=HTMLResponse)
async def edit(request: Request, slug: str, kind: str, key: str, services: ServicesDep) -> Response:
    """Change one record; its identifying fields stay."""
    viewer, k, sent, _, stored = await opened(request, services, slug, kind, key)
    record = record_of(k, sent, stored)
    form = sent.text("form") or form_key(k, record, f"edit-{kind}-{key}")
    try:
        changes = changes_of(k, record, stored)
        services.authoring.edit(viewer, slug, k, service_key(k, key), changes, sent.version())
    except (InputError, Conflict) as exc:
        shown = stored if isinstance(exc, Conflict) else record
        return again(request, services, slug, k, _refused(form, shown, exc, sent))
    return see_other(back(slug, k, record, "saved"))


@router.post("/cases/{slug}/author/{kind}/{key}/remove", response_class=HTMLResponse)
async def remove(
    request: Request, slug: str, kind: str, key: str, services: ServicesDep
) -> Response:
    """Remove one record, if nothing uses it."""
    viewer, k, sent, _, stored = await opened(request, services, slug, kind, key)
    try:
        services.authoring.remove(viewer, slug, k, service_key(k, key), sent.version())
    except (InputError, Conflict) as exc:
        form = form_key(k, stored, f"edit-{kind}-{key}")
        return again(request, services, slug, k, _refused(form, stored, exc, sent))
    return see_other(back(slug, k, stored, "removed"))


@router.post("/cases/{slug}/author/{kind}/{key}/move", response_class=HTMLResponse)
async def move(request: Request, slug: str, kind: str, key: str, services: ServicesDep) -> Response:
    """Move a party, person, issue or source one place up or down."""
    viewer, k, sent, draft, stored = await opened(request, services, slug, kind, key)
    if k not in MOVABLE:
        raise NotFound(NO_PAGE)
    ids = [r["id"] for r in draft.data.get(SECTION[k], [])]
    try:
        order = moved(ids, key, sent.text("direction"))
        services.authoring.reorder(viewer, slug, k, order, sent.version())
    except (InputError, Conflict) as exc:
        form = f"edit-{kind}-{key}"
        return desk_page(request, services, slug, _refused(form, stored, exc, sent))
    return see_other(back(slug, k, stored, "moved"))


@router.post("/cases/{slug}/author/issues/{key}/options/{option}/move", response_class=HTMLResponse)
async def move_option(
    request: Request, slug: str, key: str, option: str, services: ServicesDep
) -> Response:
    """Move an option of an issue one place up or down (the order the options are in)."""
    viewer, cv = open_case(request, services, slug)
    require(cv, Action.CASE_AUTHOR)
    sent = Sent.of(await request.form())
    draft = services.authoring.draft(viewer, slug)
    issue = stored_record(draft, "issue", key)
    ids = [o["id"] for o in issue["options"]]
    if option not in ids:
        raise NotFound(NO_PAGE)
    try:
        order = moved(ids, option, sent.text("direction"))
        services.authoring.reorder_options(viewer, slug, key, order, sent.version())
    except (InputError, Conflict) as exc:
        return desk_page(request, services, slug, _refused(f"edit-issues-{key}", issue, exc, sent))
    return see_other(back(slug, "issue", issue, "moved"))


# -- helpers ------------------------------------------------------------------------------
async def opened(
    request: Request, services: Services, slug: str, kind: str, key: str
) -> tuple[Actor, Kind, Sent, Draft, Data]:
    """A form on one stored record: the author (403 for a member who may not author),
    the kind, what the form sent, the case as it is and the record (or the plain 404)."""
    viewer, cv = open_case(request, services, slug)
    require(cv, Action.CASE_AUTHOR)
    k = kind_of(kind)
    sent = Sent.of(await request.form())
    draft = services.authoring.draft(viewer, slug)
    return viewer, k, sent, draft, stored_record(draft, k, key)


def _refused(form: str, record: Data, exc: InputError | Conflict, sent: Sent) -> Refused:
    """The refused form; a stale one shows the case as it now is, at its new version."""
    stale = isinstance(exc, Conflict)
    return Refused.of(form, record, exc, stale=stale, version=None if stale else sent.version())


def again(
    request: Request, services: Services, slug: str, kind: Kind, refused: Refused
) -> Response:
    """The page the refused form was on, with its problems."""
    if kind in ("position", "reservation"):
        return positions_page(request, services, slug, refused=refused)
    return desk_page(request, services, slug, refused)


def back(slug: str, kind: Kind, record: Data, done: str) -> str:
    """Where a done form returns: its section of the desk (a position's page)."""
    if kind in ("position", "reservation"):
        at = f"party={record.get('party', '')}&date={record.get('date', '')}"
        anchor = f"issue-{record['issue']}" if kind == "position" else "reservation"
        return f"/cases/{slug}/author/positions?{at}&done={done}#{anchor}"
    more = f"&more={PLURAL[kind]}" if done == "added" else ""  # its add form stays open
    return f"/cases/{slug}/author?done={done}{more}#{PLURAL[kind]}"


def form_key(kind: Kind, record: Data, default: str) -> str:
    """The key of the form a record is edited in (its page names its forms so)."""
    if kind == "position":
        return f"position-{record.get('issue', '')}"
    if kind == "reservation":
        return "reservation"
    return f"add-{PLURAL[kind]}" if default == "add" else default


def service_key(kind: Kind, key: str) -> str:
    """The service's key of a record from the URL's (a reservation: ``UP@2020-07-01``)."""
    return key.replace("@", "/", 1) if kind == "reservation" else key


def stored_record(draft: Draft, kind: Kind, key: str) -> Data:
    """The record ``key`` of ``kind`` in the draft, or the plain 404."""
    data = draft.data
    if kind == "position":
        ids = [str(i) for i in draft.position_ids]
        if key in ids:
            return cast(Data, data.get("positions", [])[ids.index(key)])
    elif kind == "reservation":
        for r in data.get("reservations", []):
            if f"{r['party']}@{r['date']}" == key:
                return cast(Data, r)
    else:
        for r in data.get(SECTION.get(kind, PLURAL[kind]), []):
            if r["id"] == key:
                return cast(Data, r)
    raise NotFound(NO_PAGE)


def moved(ids: list[str], key: str, direction: str) -> list[str]:
    """``ids`` with ``key`` one place ``up`` or ``down`` (unchanged at either end)."""
    if direction not in ("up", "down"):
        raise InputError("direction", "move it up or down")
    k = ids.index(key)
    j = k - 1 if direction == "up" else k + 1
    out = list(ids)
    if 0 <= j < len(ids):
        out[k], out[j] = out[j], out[k]
    return out
