"""Routes made from tables: for handlers that differ only in the service call they make and
what they answer.

A :class:`Call` row is a route whose handler answers what its ``call`` makes of the
services, the caller and what the path names; a :class:`Send` row likewise, with the
request's body too. A module names what its paths hold in a frozen dataclass whose
fields are typed as the path parameters are (``case: CaseSlug``); :func:`add_routes`
hands each row's ``call`` that record, so mypy checks what a row reads of it and of the
body. :func:`add_route` gives a handler the parameters FastAPI reads and documents, in
the order a hand-written handler declares them: the path's, the body, the caller, the
services, then any others.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, get_type_hints

from fastapi import APIRouter
from pydantic import BaseModel

from offramp.api.deps import MaybeActor, ServicesDep
from offramp.bootstrap import Services
from offramp.services.access import Actor

Who = Actor | None
P = TypeVar("P")
B = TypeVar("B", bound=BaseModel)
_PLAIN = inspect.Parameter.POSITIONAL_OR_KEYWORD


def add_route(
    router: APIRouter,
    method: str,
    path: str,
    endpoint: Callable[..., Any],
    *,
    keys: Mapping[str, Any],
    body: type[BaseModel] | None,
    doc: str | None,
    after: Iterable[inspect.Parameter] = (),
    **route: Any,
) -> None:
    """Add ``endpoint`` at ``path`` with the path's parameters (typed by ``keys``), then
    ``body`` (if any), the caller, the services and ``after``; ``doc`` is its description."""
    names = re.findall(r"{(\w+)}", router.prefix + path)
    if missing := [n for n in names if n not in keys]:
        raise TypeError(f"route {path!r}: no type for the path parameters {missing}")
    params = [inspect.Parameter(n, _PLAIN, annotation=keys[n]) for n in names]
    if body is not None:
        params.append(inspect.Parameter("body", _PLAIN, annotation=body))
    params += [
        inspect.Parameter("actor", _PLAIN, annotation=MaybeActor),
        inspect.Parameter("services", _PLAIN, annotation=ServicesDep),
        *after,
    ]
    endpoint.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    endpoint.__doc__ = doc
    router.add_api_route(path, endpoint, methods=[method], **route)


@dataclass(frozen=True)
class Row(Generic[P]):
    """A ``method`` route at ``path``, named ``name``, tagged ``tag``, answering ``model``
    (with ``status_code``, if not FastAPI's default)."""

    method: str
    path: str
    name: str
    model: Any
    tag: str
    status_code: int | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class Call(Row[P]):
    """A route answering what ``call`` makes of the services, the caller and the path."""

    call: Callable[[Services, Who, P], Any]
    doc: str | None


@dataclass(frozen=True)
class Send(Row[P], Generic[P, B]):
    """A route answering what ``call`` makes of the services, the caller, the path and the
    request's ``body``."""

    body: type[B]
    call: Callable[[Services, Who, P, B], Any]
    doc: str | None


def add_routes(router: APIRouter, on: type[P], *rows: Row[P]) -> None:
    """Add each row's route to ``router``, in order. ``on`` is the frozen dataclass of what
    the paths name: built from each request's path parameters, typed as its fields are."""
    keys = get_type_hints(on, include_extras=True)
    for r in rows:
        if isinstance(r, Send):
            endpoint, body, doc = _sender(r, on), r.body, r.doc
        elif isinstance(r, Call):
            endpoint, body, doc = _caller(r, on), None, r.doc
        else:
            raise TypeError(f"route {r.path!r}: a table row is a Call or a Send, not {r!r}")
        add_route(router, r.method, r.path, endpoint, keys=keys, body=body, doc=doc,
                  name=r.name, response_model=r.model, status_code=r.status_code,
                  tags=[r.tag])  # fmt: skip


def _caller(row: Call[P], on: Callable[..., P]) -> Callable[..., Any]:
    def endpoint(actor: Who, services: Services, **path: Any) -> Any:
        return row.call(services, actor, on(**path))

    return endpoint


def _sender(row: Send[P, Any], on: Callable[..., P]) -> Callable[..., Any]:
    def endpoint(body: BaseModel, actor: Who, services: Services, **path: Any) -> Any:
        return row.call(services, actor, on(**path), body)

    return endpoint
