"""The web desk mounted on a FastAPI app: every page module, ``/static``, and the plain
404 page for a path that matches no route.

A path outside ``/api`` that nothing serves gets the same "Not found" page as a case,
channel or page the viewer may not see (with the same headers, so a signed-in viewer
cannot tell the two apart). Paths under ``/api`` keep the API's own answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from offramp.bootstrap import Services
from offramp.errors import NotFound
from offramp.web import (
    audit,
    authoring,
    authoring_positions,
    cases,
    codings,
    crisis,
    crisis_incident,
    crisis_oncall,
    crisis_review,
    crisis_times,
    forecast,
    intake,
    ledger,
    needs,
    notices,
    password,
    precedents,
    rounds,
    security,
    security_keys,
    shuttle,
    signin,
    two_factor,
)
from offramp.web.pages import HERE, NO_PAGE, error_page, guarded, viewer_of

API_PREFIX = "/api"
PAGES = (
    signin,
    two_factor,
    security_keys,
    password,
    notices,
    cases,
    shuttle,
    ledger,
    audit,
    crisis,
    crisis_oncall,
    crisis_times,
    crisis_incident,
    crisis_review,
    intake,
    forecast,
    needs,
    rounds,
    codings,
    precedents,
    authoring,
    authoring_positions,
)
Handler = Callable[[Request, Exception], Response | Awaitable[Response]]


def mount_web(app: FastAPI, services: Services) -> None:
    """Add the web desk's pages and static files to ``app``, over ``services``."""
    app.state.services = services
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="web-static")
    for page in PAGES:
        app.include_router(page.router)
    install_not_found(app)


async def _plain(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    return PlainTextResponse(str(exc.detail), status_code=exc.status_code)


def install_not_found(app: FastAPI) -> None:
    """Answer unmatched non-API paths with the 404 page; everything else as before."""
    before: Handler = app.exception_handlers.get(StarletteHTTPException, _plain)

    async def handler(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        path = request.url.path
        if exc.status_code != 404 or path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            answer = before(request, exc)
            return answer if isinstance(answer, Response) else await answer
        services: Services = request.app.state.services
        request.state.viewer = viewer_of(services, security.session_secret(request))
        return guarded(request, error_page(request, NotFound(NO_PAGE)))

    app.add_exception_handler(StarletteHTTPException, handler)
