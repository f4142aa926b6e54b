"""The web desk's answer for a path that matches no route: the plain 404 page.

Installed by ``mount_web``: a path outside ``/api`` that nothing serves gets the same
"Not found" page as a case, channel or page the viewer may not see (with the same
header, so a signed-in viewer cannot tell the two apart). Paths under ``/api`` keep
the API's own answer, a JSON problem.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from offramp.errors import NotFound
from offramp.web import security
from offramp.web.desk import Desk

API_PREFIX = "/api"
Handler = Callable[[Request, Exception], Response | Awaitable[Response]]


async def _plain(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    return PlainTextResponse(str(exc.detail), status_code=exc.status_code)


def install_not_found(app: FastAPI, desk: Desk) -> None:
    """Answer unmatched non-API paths with the 404 page; everything else as before."""
    from offramp.web.routes import error_page

    before: Handler = app.exception_handlers.get(StarletteHTTPException, _plain)

    async def handler(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        path = request.url.path
        if exc.status_code != 404 or path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            answer = before(request, exc)
            return answer if isinstance(answer, Response) else await answer
        token = request.cookies.get(security.SESSION_COOKIE)
        request.state.viewer = desk.viewer(token) if token else None
        response = error_page(request, NotFound("No such page."))
        security.remember_csrf(request, response)
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    app.add_exception_handler(StarletteHTTPException, handler)
