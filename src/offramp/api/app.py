"""The API application factory: ``create_app(settings)``.

uvicorn --factory offramp.api.app:app_from_env     # OFFRAMP_DB=... (default offramp.db)
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.types import ASGIApp

from offramp.api import errors, metrics
from offramp.api.docs import install_docs
from offramp.api.headers import SecurityHeaders
from offramp.api.limits import BodyLimits
from offramp.api.routes import (
    accounts,
    audit,
    authoring,
    cases,
    codings,
    content,
    crisis,
    crisis_oncall,
    events,
    health,
    notes,
    notices,
    precedents,
    rounds,
    shuttle,
)
from offramp.api.sweeps import sweeping
from offramp.bootstrap import DEFAULT_DB, Services, bootstrap
from offramp.errors import InputError
from offramp.services.write_limits import (
    DEFAULT_WRITE_RATE_TEXT,
    Ticks,
    WriteLimits,
    WriteRate,
    parse_write_rate,
)

PREFIX = "/api"


@dataclass(frozen=True)
class Settings:
    """What the server needs: the database URL, whether to migrate on start, and
    whether ``/metrics`` answers unauthenticated requests from the loopback address.

    ``write_rate``: each user's writes (:mod:`offramp.services.write_limits`); None, as
    in a bare ``Settings()`` for in-process test clients, is no limit. Every way the desk
    is served sets it: ``offramp serve`` and ``demo`` (``--write-rate``, default 60/30s)
    and :func:`app_from_env` (``OFFRAMP_WRITE_RATE``, the same default)."""

    db: str = DEFAULT_DB
    migrate: bool = True
    metrics_loopback: bool = False
    sweep_seconds: float = 0.0  # run the deadline sweeps this often (0: never)
    write_rate: WriteRate | None = None


class DeskApp(FastAPI):
    """The desk's FastAPI app, with :class:`SecurityHeaders` around its whole stack:
    outside Starlette's own error middleware, so that the 500 answered for an
    unexpected error carries the headers too (OWASP ASVS 14.4), as do the early
    refusals of :class:`BodyLimits`."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())


def create_app(
    settings: Settings | None = None,
    *,
    services: Services | None = None,
    ticks: Ticks = time.monotonic,
) -> FastAPI:
    """The FastAPI app on services built from ``settings`` (or on ``services`` if given);
    ``ticks``: the monotonic clock of its write limits (tests move one by hand)."""
    settings = settings or Settings()
    own = services is None
    services = services or bootstrap(settings.db, migrate_first=settings.migrate)

    @asynccontextmanager
    async def lifespan(served: FastAPI) -> AsyncIterator[None]:
        async with sweeping(served, settings.sweep_seconds):
            yield
        if own:
            services.close()

    app = DeskApp(
        title="offramp desk",
        version="1",
        summary="The mediation desk: confidential shuttle, verify-then-relay, proposals, audit.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = services
    rate = settings.write_rate  # one table for the process: the API's and the web's writes
    app.state.write_limits = None if rate is None else WriteLimits(rate, ticks=ticks)
    errors.install(app)
    metrics.install(app, loopback=settings.metrics_loopback)
    app.add_middleware(BodyLimits)  # sign-in and size checked before a body is read
    for module in (health, accounts, cases, content, shuttle, notes, audit, crisis, events):
        app.include_router(module.router, prefix=PREFIX)
    for module in (crisis_oncall, notices):
        app.include_router(module.router, prefix=PREFIX)
    for module in (rounds, codings, precedents, authoring):
        app.include_router(module.router, prefix=PREFIX)
    _problem_media_type(app)
    install_docs(app)
    return app


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every API route of the app, also inside included routers (for docs and tests)."""
    found: list[APIRoute] = []

    def walk(routes: list[Any]) -> None:
        for r in routes:
            if isinstance(r, APIRoute):
                found.append(r)
            inner = getattr(r, "original_router", None) or getattr(r, "routes", None)
            if inner is not None and not isinstance(r, APIRoute):
                walk(list(getattr(inner, "routes", inner)))

    walk(list(app.router.routes))
    return found


def _problem_media_type(app: FastAPI) -> None:
    """Document error responses as ``application/problem+json`` (what they are)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        for path in schema.get("paths", {}).values():
            for op in path.values():
                for status, resp in op.get("responses", {}).items():
                    content = resp.get("content", {})
                    if status >= "400" and "application/json" in content:
                        content[errors.MEDIA_TYPE] = content.pop("application/json")
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def app_from_env() -> FastAPI:
    """For ``uvicorn --factory``: the database from ``OFFRAMP_DB``, the write limit from
    ``OFFRAMP_WRITE_RATE``."""
    return create_app(env_settings_or_exit())


def env_settings_or_exit() -> Settings:
    """:func:`env_settings` for an app factory: a bad value stops the process with one
    line naming the variable, as the command line does (exit status 1, no traceback)."""
    try:
        return env_settings()
    except InputError as exc:
        raise SystemExit("\n".join(f"error: {p}" for p in exc.problems)) from None


def env_settings() -> Settings:
    """Settings from ``OFFRAMP_DB`` and ``OFFRAMP_WRITE_RATE`` (default 60/30s)."""
    rate = os.environ.get("OFFRAMP_WRITE_RATE") or DEFAULT_WRITE_RATE_TEXT
    return Settings(
        db=os.environ.get("OFFRAMP_DB", DEFAULT_DB),
        write_rate=parse_write_rate(rate, "OFFRAMP_WRITE_RATE"),
    )
