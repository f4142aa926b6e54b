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
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Response
from pydantic import BaseModel, Field

from offramp.api.bodies import record_out
from offramp.api.deps import MaybeActor, ServicesDep
from offramp.api.routes import PROBLEMS, CaseSlug, Id
from offramp.api.schemas import In, Slug, Version
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
    return record_out(
        AuthoredOut, done, case=done.slug, position=done.position_id, order=list(done.order)
    )


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


# -- parties, people, issues, sources, statements, positions, reservations ---------------
#
# The routes of a kind of record differ only in their path, the case-file item their body
# holds and the sentence each documents, so each kind is one row of a table (RecordRoutes)
# and one function (add_record_routes) writes its routes. A row's ``None`` means that the
# kind has no such route (statements are added with ``POST .../statements``).


@dataclass(frozen=True)
class RecordKey:
    """How a route names one record: its path parameters, in order, and the key the
    authoring service takes, made from their values."""

    params: tuple[tuple[str, Any], ...]
    key: Callable[..., str]

    @property
    def path(self) -> str:
        return "/".join(f"{{{name}}}" for name, _ in self.params)


def record_key(name: str) -> RecordKey:
    """A record named by its id in one path parameter, ``{name}``."""
    return RecordKey(((name, Item),), lambda **parts: str(parts[name]))


POSITION_KEY = RecordKey((("position", Id),), lambda position: str(position))
RESERVATION_KEY = RecordKey(
    (("party", Item), ("date", dt.date)),
    lambda party, date: f"{party}/{date.isoformat()}",
)


@dataclass(frozen=True)
class RecordRoutes:
    """One kind of record's routes, each given by the description it documents."""

    kind: Kind
    collection: str
    item: type[BaseModel]
    key: RecordKey
    add: str | None = None
    edit: str | None = None
    remove: str | None = None
    reorder: str | None = None
    tags: list[str] | None = None


def _keyed(handler: Callable[..., AuthoredOut], key: RecordKey) -> Callable[..., AuthoredOut]:
    """``handler`` with ``key``'s path parameters in its signature after ``case``, where
    FastAPI reads them; their values reach its ``**parts``."""
    signature = inspect.signature(handler, eval_str=True)
    case, *rest = (p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD)
    parts = [inspect.Parameter(name, case.kind, annotation=ann) for name, ann in key.params]
    handler.__signature__ = signature.replace(parameters=[case, *parts, *rest])  # type: ignore[attr-defined]
    return handler


def add_record_routes(spec: RecordRoutes) -> None:
    """Add the routes of one kind of record to the router."""
    kind = spec.kind
    base = f"/cases/{{case}}/{spec.collection}"
    one = f"{base}/{spec.key.path}"
    extra: dict[str, Any] = {"response_model": AuthoredOut, "tags": spec.tags}

    def add(
        case: CaseSlug,
        body: ItemBody,
        actor: MaybeActor,
        services: ServicesDep,
        response: Response,
        if_match: IfMatch = None,
    ) -> AuthoredOut:
        data = dict(body)
        version = _version(if_match, data.pop("version", None))
        return _out(services.authoring.add(actor, case, kind, data, version), response)

    def edit(
        case: CaseSlug,
        body: ItemBody,
        actor: MaybeActor,
        services: ServicesDep,
        response: Response,
        if_match: IfMatch = None,
        **parts: Any,
    ) -> AuthoredOut:
        data = dict(body)
        version = _version(if_match, data.pop("version", None))
        done = services.authoring.edit(actor, case, kind, spec.key.key(**parts), data, version)
        return _out(done, response)

    def remove(
        case: CaseSlug,
        actor: MaybeActor,
        services: ServicesDep,
        response: Response,
        version: QueryVersion = None,
        if_match: IfMatch = None,
        **parts: Any,
    ) -> AuthoredOut:
        key = spec.key.key(**parts)
        done = services.authoring.remove(actor, case, kind, key, _version(if_match, version))
        return _out(done, response)

    def reorder(
        case: CaseSlug,
        body: OrderIn,
        actor: MaybeActor,
        services: ServicesDep,
        response: Response,
        if_match: IfMatch = None,
    ) -> AuthoredOut:
        version = _version(if_match, body.version)
        return _out(services.authoring.reorder(actor, case, kind, body.order, version), response)

    if spec.add is not None:
        router.add_api_route(
            base,
            add,
            methods=["POST"],
            name=f"{kind}_add",
            description=spec.add,
            status_code=201,
            openapi_extra=_body(spec.item, partial=False),
            **extra,
        )
    if spec.edit is not None:
        router.add_api_route(
            one,
            _keyed(edit, spec.key),
            methods=["PATCH"],
            name=f"{kind}_edit",
            description=spec.edit,
            openapi_extra=_body(spec.item, partial=True),
            **extra,
        )
    if spec.remove is not None:
        router.add_api_route(
            one,
            _keyed(remove, spec.key),
            methods=["DELETE"],
            name=f"{kind}_remove",
            description=spec.remove,
            **extra,
        )
    if spec.reorder is not None:
        router.add_api_route(
            f"{base}/order",
            reorder,
            methods=["PUT"],
            name=f"{kind}_reorder",
            description=spec.reorder,
            **extra,
        )


add_record_routes(
    RecordRoutes(
        "party",
        "parties",
        PartyIn,
        record_key("party"),
        add="Add a party (an actor of the case, with its role).",
        edit="Change a party's fields (its id stays).",
        remove="Remove a party nothing uses (no person, statement, position, delegate or message).",
        reorder="Put the parties in a new order (every party id, once).",
    )
)
add_record_routes(
    RecordRoutes(
        "person",
        "people",
        PersonIn,
        record_key("person"),
        add="Add a person who speaks for a party: title, aliases, and the dates of the role.",
        edit="Change a person's fields (their id stays).",
        remove="Remove a person no statement names as its speaker.",
    )
)
add_record_routes(
    RecordRoutes(
        "issue",
        "issues",
        IssueIn,
        record_key("issue"),
        add="Add an issue with its ordered options (``candidate: true``: a linked issue for\n"
        '"enlarge the problem", off the table).',
        edit="Change an issue; ``options`` replaces the list (an option in use cannot go).",
        remove="Remove an issue no statement, position or ledger entry uses.",
        reorder="Put the issues in a new order (every issue id, once).",
    )
)


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


add_record_routes(
    RecordRoutes(
        "source",
        "sources",
        SourceIn,
        record_key("source"),
        add="Add a source (a publication, report or transcript statements quote).",
        edit="Change a source's fields (its id stays).",
        remove="Remove a source no statement quotes.",
        reorder="Put the sources in a new order (every source id, once).",
    )
)
add_record_routes(
    RecordRoutes(
        "statement",
        "statements",
        StatementIn,
        record_key("statement"),
        edit="Change a statement's fields (its id stays; a confirmation stays too).",
        remove="Remove a statement no position or reservation value cites.",
        tags=["statements"],
    )
)
add_record_routes(
    RecordRoutes(
        "position",
        "positions",
        PositionIn,
        POSITION_KEY,
        add="Code a party's position on an issue at a date: ideal, acceptable options, values,\n"
        "salience, and the statements behind it. ``key`` is the new row id (edit it with\n"
        "``PATCH .../positions/{id}``).",
        remove="Remove a coded position.",
        tags=["positions"],
    )
)
add_record_routes(
    RecordRoutes(
        "reservation",
        "reservations",
        ReservationIn,
        RESERVATION_KEY,
        add="A party's reservation value (its utility of no deal) from a date on.",
        edit="Change a reservation value (its party and date stay).",
        remove="Remove a reservation value.",
        tags=["positions"],
    )
)
