"""What the two crisis routers (:mod:`.crisis`, :mod:`.crisis_oncall`) share: the field
types of their bodies and paths, and the tables of routes that differ only in the service
call they make and what they answer.

A :class:`Read` is a GET route showing what the crisis service returns for what its path
names (the case, an incident), as of ``?at=`` where it takes one; a :class:`Write` is a
POST route that calls the service with its body and answers with the incident after it.
``add_reads`` and ``add_writes`` give each row the parameters FastAPI reads and documents,
in the order a hand-written handler would declare them.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from offramp.api.routes import CaseSlug
from offramp.api.routes.table import Who as Who
from offramp.api.routes.table import add_route
from offramp.bootstrap import Services
from offramp.files.crisis import Moment
from offramp.services.crisis import CrisisService

SLUG = r"^[a-z0-9][a-z0-9_\-]*$"
Key = Annotated[str, Field(pattern=SLUG, max_length=80)]
PathKey = Annotated[str, Path(pattern=SLUG, max_length=80, description="A record id.")]
StepId = Annotated[str, Path(pattern=SLUG, max_length=80)]
Party = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$", max_length=20)]
Text = Annotated[str, Field(min_length=1, max_length=20_000)]
Short = Annotated[str, Field(min_length=1, max_length=200)]
At = Annotated[
    Moment | None,
    Query(description="The instant to show, with its offset (default: the server's now)."),
]


def hours(delta: dt.timedelta | None) -> float | None:
    return None if delta is None else delta.total_seconds() / 3600


B = TypeVar("B", bound=BaseModel)


@dataclass(frozen=True)
class Target:
    """What a route's path names: the case, and the incident and its step where it has them."""

    case: str
    incident: str = ""
    step: str = ""


ReadFn = Callable[[CrisisService, Who, Target, Moment | None], Any]

_KEYS: dict[str, Any] = {"case": CaseSlug, "incident": PathKey, "step": PathKey}
_AT = inspect.Parameter("at", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None, annotation=At)


def _add(
    router: APIRouter,
    method: str,
    path: str,
    endpoint: Callable[..., Any],
    *,
    body: type[BaseModel] | None,
    at: bool,
    keys: dict[str, Any],
    doc: str,
    **route: Any,
) -> None:
    """Add ``endpoint`` with the path's parameters (typed by ``keys``, else ``_KEYS``) and
    ``body`` before the caller and the services, and ``?at=`` after them if ``at``: the
    order in which FastAPI reads and documents them."""
    add_route(router, method, path, endpoint, keys=_KEYS | keys, body=body, doc=doc,
              after=[_AT] if at else [], **route)  # fmt: skip


@dataclass(frozen=True)
class Read:
    """A GET route at ``path`` (named ``name``, answering ``model``): what ``read`` makes
    for what the path names, as of ``?at=`` (if ``at``; else ``read`` gets None)."""

    path: str
    name: str
    model: Any
    read: ReadFn
    doc: str
    at: bool = True


def add_reads(router: APIRouter, *reads: Read) -> None:
    """Add each read's route to ``router``, in order."""
    for r in reads:
        _add(router, "GET", r.path, _reader(r.read), body=None, at=r.at, keys={}, doc=r.doc,
             name=r.name, response_model=r.model)  # fmt: skip


def _reader(read: ReadFn) -> Callable[..., Any]:
    def endpoint(actor: Who, services: Services, at: Moment | None = None, **path: str) -> Any:
        return read(services.crisis, actor, Target(**path), at)

    return endpoint


@dataclass(frozen=True)
class Write(Generic[B]):
    """A POST route at ``path`` (named ``name``) that calls ``write`` with a ``body`` and
    answers with what the router's ``answer`` makes of the incident after it."""

    path: str
    name: str
    body: type[B]
    write: Callable[[CrisisService, Who, Target, B], object]
    doc: str
    status_code: int = 200
    keys: dict[str, Any] = field(default_factory=dict)


def add_writes(router: APIRouter, model: Any, answer: ReadFn, *writes: Write[Any]) -> None:
    """Add each write's route to ``router``, in order, answering ``model`` made by ``answer``
    (called as a read at now)."""
    for w in writes:
        _add(router, "POST", w.path, _writer(w.write, answer), body=w.body, at=False,
             keys=w.keys, doc=w.doc, name=w.name, response_model=model,
             status_code=w.status_code)  # fmt: skip


def _writer(write: Callable[[CrisisService, Who, Target, Any], object], answer: ReadFn) -> Any:
    def endpoint(body: BaseModel, actor: Who, services: Services, **path: str) -> Any:
        target = Target(**path)
        write(services.crisis, actor, target, body)
        return answer(services.crisis, actor, target, None)

    return endpoint
