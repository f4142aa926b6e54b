"""Authoring a case record by record: parties, people, issues (and their options),
sources, statements, positions and reservation values; the case's title.

Bodies are the case file's items (``offramp.files.case``: ``PartyIn``, ``IssueIn``...),
checked by the authoring service with the case file's rules, so every problem names
the request's field (``values.nato``) as a file's would name its line. A ``PATCH``
body holds only the fields that change (``null`` returns a field to its default).
Every write but an add names the case version it was made against: an ``If-Match``
header (the ``ETag`` every answer carries) or a ``version`` field (a query parameter
on ``DELETE``). A stale one is 409, naming who changed the case, and writes nothing.
Who may: ``case.author`` (the mediator and the analyst).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Response
from pydantic import BaseModel, Field

from offramp.api.deps import MaybeActor, ServicesDep
from offramp.api.routes import PROBLEMS, CaseSlug, Id
from offramp.api.schemas import In, Slug, Version
from offramp.bootstrap import Services
from offramp.errors import InputError
from offramp.files.case import (
    IssueIn,
    PartyIn,
    PersonIn,
    PositionIn,
    ReservationIn,
    SourceIn,
    StatementIn,
)
from offramp.services.access import Actor
from offramp.services.authoring import Authored, Kind

router = APIRouter(responses=PROBLEMS, tags=["authoring"])

Item = Annotated[str, Field(min_length=1, max_length=80)]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=40,
        description="The case version the change was made against (the ETag it was read at).",
    ),
]
QueryVersion = Annotated[
    int | None, Query(ge=1, le=2_000_000_000, description="Or say the version here.")
]
ItemBody = Annotated[dict[str, Any], Body()]


class CaseNewIn(In):
    """A new, empty case: add its records with the authoring routes."""

    id: Slug
    title: Annotated[str, Field(min_length=1, max_length=500)]
    description: Annotated[str, Field(max_length=20_000)] = ""


class OrderIn(In):
    order: Annotated[list[Item], Field(min_length=1, max_length=10_000)]
    version: Version | None = None


class AuthoredOut(BaseModel):
    """The case's new version and the record as stored, in its case-file shape."""

    case: str
    version: int
    kind: str
    key: str = Field(
        description="The record's id (a position's row id; a reservation's PARTY/date)."
    )
    record: dict[str, Any] | None = None
    position: int | None = None
    order: list[str] = []


class DraftOut(BaseModel):
    """The whole case as case-file data, what authoring forms start from."""

    case: str
    version: int
    data: dict[str, Any]
    position_ids: list[int] = Field(description="The row id of each position, in order.")


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """``node`` with its ``#/$defs/...`` references replaced by what they name."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def _body(item: type[BaseModel], *, partial: bool) -> dict[str, Any]:
    """The OpenAPI request body of an item route: the case file's item (all of its
    fields optional for a PATCH), with ``version``."""
    schema = item.model_json_schema()
    schema = _inline(schema, schema.get("$defs", {}))
    schema["properties"]["version"] = {
        "type": "integer",
        "minimum": 1,
        "maximum": 2_000_000_000,
        "description": "The case version the change was made against (or If-Match).",
    }
    schema["title"] = f"{item.__name__}{'Patch' if partial else ''}"
    if partial:
        schema.pop("required", None)
        schema["minProperties"] = 1
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _version(header: str | None, field: Any) -> int | None:
    """The version a write names: the body's or query's ``version``, else ``If-Match``."""
    if field is not None:
        if isinstance(field, bool) or not isinstance(field, int) or field < 1:
            raise InputError("version", "a case version is a whole number from 1")
        return field
    if header is None:
        return None
    text = header.strip().removeprefix("W/").strip('"')
    if not text.isdigit() or int(text) < 1:
        raise InputError("If-Match", f'{header!r} is not a case version (say 12 or "12")')
    return int(text)


def _out(done: Authored, response: Response) -> AuthoredOut:
    response.headers["ETag"] = f'"{done.version}"'
    return AuthoredOut(
        case=done.slug,
        version=done.version,
        kind=done.kind,
        key=done.key,
        record=done.record,
        position=done.position_id,
        order=list(done.order),
    )


def _add(
    kind: Kind,
    case: str,
    body: dict[str, Any],
    if_match: str | None,
    actor: Actor | None,
    services: Services,
) -> Authored:
    data = dict(body)
    version = _version(if_match, data.pop("version", None))
    return services.authoring.add(actor, case, kind, data, version)


def _edit(
    kind: Kind,
    case: str,
    key: str,
    body: dict[str, Any],
    if_match: str | None,
    actor: Actor | None,
    services: Services,
) -> Authored:
    data = dict(body)
    version = _version(if_match, data.pop("version", None))
    return services.authoring.edit(actor, case, kind, key, data, version)


# -- the case ---------------------------------------------------------------------------


@router.patch(
    "/cases/{case}",
    name="case_edit",
    response_model=AuthoredOut,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "title": "CasePatch",
                        "type": "object",
                        "additionalProperties": False,
                        "minProperties": 1,
                        "properties": {
                            "title": {"type": "string", "minLength": 1},
                            "description": {"type": "string"},
                            "notes": {"type": "string"},
                            "version": {"type": "integer", "minimum": 1},
                        },
                    }
                }
            },
        }
    },
)
def edit_case(
    case: CaseSlug,
    body: ItemBody,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Change the case's title, description or notes."""
    data = dict(body)
    version = _version(if_match, data.pop("version", None))
    return _out(services.authoring.edit_case(actor, case, data, version), response)


@router.get("/cases/{case}/draft", name="case_draft", response_model=DraftOut)
def draft(case: CaseSlug, actor: MaybeActor, services: ServicesDep, response: Response) -> DraftOut:
    """The whole case as case-file data and its version (for those who may author it)."""
    got = services.authoring.draft(actor, case)
    response.headers["ETag"] = f'"{got.version}"'
    return DraftOut(
        case=got.slug, version=got.version, data=got.data, position_ids=list(got.position_ids)
    )


# -- parties, people, issues, sources: add, edit, remove, reorder -------------------------


def _reorder(
    kind: Kind,
    case: str,
    body: OrderIn,
    if_match: str | None,
    actor: Actor | None,
    services: Services,
) -> Authored:
    version = _version(if_match, body.version)
    return services.authoring.reorder(actor, case, kind, body.order, version)


@router.post(
    "/cases/{case}/parties",
    name="party_add",
    response_model=AuthoredOut,
    status_code=201,
    openapi_extra=_body(PartyIn, partial=False),
)
def add_party(
    case: CaseSlug,
    body: ItemBody,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Add a party (an actor of the case, with its role)."""
    return _out(_add("party", case, body, if_match, actor, services), response)


@router.patch(
    "/cases/{case}/parties/{party}",
    name="party_edit",
    response_model=AuthoredOut,
    openapi_extra=_body(PartyIn, partial=True),
)
def edit_party(
    case: CaseSlug,
    party: Item,
    body: ItemBody,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Change a party's fields (its id stays)."""
    return _out(_edit("party", case, party, body, if_match, actor, services), response)


@router.delete("/cases/{case}/parties/{party}", name="party_remove", response_model=AuthoredOut)
def remove_party(
    case: CaseSlug,
    party: Item,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    version: QueryVersion = None,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Remove a party nothing uses (no person, statement, position, delegate or message)."""
    done = services.authoring.remove(actor, case, "party", party, _version(if_match, version))
    return _out(done, response)


@router.put("/cases/{case}/parties/order", name="party_reorder", response_model=AuthoredOut)
def reorder_parties(
    case: CaseSlug,
    body: OrderIn,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Put the parties in a new order (every party id, once)."""
    return _out(_reorder("party", case, body, if_match, actor, services), response)


@router.post(
    "/cases/{case}/people",
    name="person_add",
    response_model=AuthoredOut,
    status_code=201,
    openapi_extra=_body(PersonIn, partial=False),
)
def add_person(
    case: CaseSlug,
    body: ItemBody,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Add a person who speaks for a party: title, aliases, and the dates of the role."""
    return _out(_add("person", case, body, if_match, actor, services), response)


@router.patch(
    "/cases/{case}/people/{person}",
    name="person_edit",
    response_model=AuthoredOut,
    openapi_extra=_body(PersonIn, partial=True),
)
def edit_person(
    case: CaseSlug,
    person: Item,
    body: ItemBody,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Change a person's fields (their id stays)."""
    return _out(_edit("person", case, person, body, if_match, actor, services), response)


@router.delete("/cases/{case}/people/{person}", name="person_remove", response_model=AuthoredOut)
def remove_person(
    case: CaseSlug,
    person: Item,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    version: QueryVersion = None,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Remove a person no statement names as its speaker."""
    done = services.authoring.remove(actor, case, "person", person, _version(if_match, version))
    return _out(done, response)


@router.post(
    "/cases/{case}/issues",
    name="issue_add",
    response_model=AuthoredOut,
    status_code=201,
    openapi_extra=_body(IssueIn, partial=False),
)
def add_issue(
    case: CaseSlug,
    body: ItemBody,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Add an issue with its ordered options (``candidate: true``: a linked issue for
    "enlarge the problem", off the table)."""
    return _out(_add("issue", case, body, if_match, actor, services), response)


@router.patch(
    "/cases/{case}/issues/{issue}",
    name="issue_edit",
    response_model=AuthoredOut,
    openapi_extra=_body(IssueIn, partial=True),
)
def edit_issue(
    case: CaseSlug,
    issue: Item,
    body: ItemBody,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Change an issue; ``options`` replaces the list (an option in use cannot go)."""
    return _out(_edit("issue", case, issue, body, if_match, actor, services), response)


@router.delete("/cases/{case}/issues/{issue}", name="issue_remove", response_model=AuthoredOut)
def remove_issue(
    case: CaseSlug,
    issue: Item,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    version: QueryVersion = None,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Remove an issue no statement, position or ledger entry uses."""
    done = services.authoring.remove(actor, case, "issue", issue, _version(if_match, version))
    return _out(done, response)


@router.put("/cases/{case}/issues/order", name="issue_reorder", response_model=AuthoredOut)
def reorder_issues(
    case: CaseSlug,
    body: OrderIn,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Put the issues in a new order (every issue id, once)."""
    return _out(_reorder("issue", case, body, if_match, actor, services), response)


@router.put(
    "/cases/{case}/issues/{issue}/options/order",
    name="option_reorder",
    response_model=AuthoredOut,
)
def reorder_options(
    case: CaseSlug,
    issue: Item,
    body: OrderIn,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Put an issue's options in a new order. A position without ``values`` values the
    options by their distance from its ideal, so its values follow the new order."""
    version = _version(if_match, body.version)
    done = services.authoring.reorder_options(actor, case, issue, body.order, version)
    return _out(done, response)


@router.post(
    "/cases/{case}/sources",
    name="source_add",
    response_model=AuthoredOut,
    status_code=201,
    openapi_extra=_body(SourceIn, partial=False),
)
def add_source(
    case: CaseSlug,
    body: ItemBody,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Add a source (a publication, report or transcript statements quote)."""
    return _out(_add("source", case, body, if_match, actor, services), response)


@router.patch(
    "/cases/{case}/sources/{source}",
    name="source_edit",
    response_model=AuthoredOut,
    openapi_extra=_body(SourceIn, partial=True),
)
def edit_source(
    case: CaseSlug,
    source: Item,
    body: ItemBody,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Change a source's fields (its id stays)."""
    return _out(_edit("source", case, source, body, if_match, actor, services), response)


@router.delete("/cases/{case}/sources/{source}", name="source_remove", response_model=AuthoredOut)
def remove_source(
    case: CaseSlug,
    source: Item,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    version: QueryVersion = None,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Remove a source no statement quotes."""
    done = services.authoring.remove(actor, case, "source", source, _version(if_match, version))
    return _out(done, response)


@router.put("/cases/{case}/sources/order", name="source_reorder", response_model=AuthoredOut)
def reorder_sources(
    case: CaseSlug,
    body: OrderIn,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Put the sources in a new order (every source id, once)."""
    return _out(_reorder("source", case, body, if_match, actor, services), response)


# -- statements (added with POST .../statements), positions, reservations --------------


@router.patch(
    "/cases/{case}/statements/{statement}",
    name="statement_edit",
    response_model=AuthoredOut,
    tags=["statements"],
    openapi_extra=_body(StatementIn, partial=True),
)
def edit_statement(
    case: CaseSlug,
    statement: Item,
    body: ItemBody,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Change a statement's fields (its id stays; a confirmation stays too)."""
    return _out(_edit("statement", case, statement, body, if_match, actor, services), response)


@router.delete(
    "/cases/{case}/statements/{statement}",
    name="statement_remove",
    response_model=AuthoredOut,
    tags=["statements"],
)
def remove_statement(
    case: CaseSlug,
    statement: Item,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    version: QueryVersion = None,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Remove a statement no position or reservation value cites."""
    v = _version(if_match, version)
    return _out(services.authoring.remove(actor, case, "statement", statement, v), response)


@router.post(
    "/cases/{case}/positions",
    name="position_add",
    response_model=AuthoredOut,
    status_code=201,
    tags=["positions"],
    openapi_extra=_body(PositionIn, partial=False),
)
def add_position(
    case: CaseSlug,
    body: ItemBody,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Code a party's position on an issue at a date: ideal, acceptable options, values,
    salience, and the statements behind it. ``key`` is the new row id (edit it with
    ``PATCH .../positions/{id}``)."""
    return _out(_add("position", case, body, if_match, actor, services), response)


@router.delete(
    "/cases/{case}/positions/{position}",
    name="position_remove",
    response_model=AuthoredOut,
    tags=["positions"],
)
def remove_position(
    case: CaseSlug,
    position: Id,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    version: QueryVersion = None,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Remove a coded position."""
    v = _version(if_match, version)
    return _out(services.authoring.remove(actor, case, "position", str(position), v), response)


@router.post(
    "/cases/{case}/reservations",
    name="reservation_add",
    response_model=AuthoredOut,
    status_code=201,
    tags=["positions"],
    openapi_extra=_body(ReservationIn, partial=False),
)
def add_reservation(
    case: CaseSlug,
    body: ItemBody,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """A party's reservation value (its utility of no deal) from a date on."""
    return _out(_add("reservation", case, body, if_match, actor, services), response)


@router.patch(
    "/cases/{case}/reservations/{party}/{date}",
    name="reservation_edit",
    response_model=AuthoredOut,
    tags=["positions"],
    openapi_extra=_body(ReservationIn, partial=True),
)
def edit_reservation(
    case: CaseSlug,
    party: Item,
    date: dt.date,
    body: ItemBody,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Change a reservation value (its party and date stay)."""
    key = f"{party}/{date.isoformat()}"
    return _out(_edit("reservation", case, key, body, if_match, actor, services), response)


@router.delete(
    "/cases/{case}/reservations/{party}/{date}",
    name="reservation_remove",
    response_model=AuthoredOut,
    tags=["positions"],
)
def remove_reservation(
    case: CaseSlug,
    party: Item,
    date: dt.date,
    actor: MaybeActor,
    services: ServicesDep,
    response: Response,
    version: QueryVersion = None,
    if_match: IfMatch = None,
) -> AuthoredOut:
    """Remove a reservation value."""
    key = f"{party}/{date.isoformat()}"
    v = _version(if_match, version)
    return _out(services.authoring.remove(actor, case, "reservation", key, v), response)
