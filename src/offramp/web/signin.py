"""Signing in and out of the web desk: a session cookie from a user name and password."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.errors import Throttled, Unauthenticated
from offramp.services.session_rules import SessionIdled
from offramp.web import security
from offramp.web.pages import ServicesDep, WebRoute, render, see_other

router = APIRouter(route_class=WebRoute, include_in_schema=False)
LANDING = "/needs"  # what needs the viewer, across their cases (web/needs.py)


def landing(target: str | None) -> str:
    """Where signing in goes: ``target`` if it is a path on this desk, else :data:`LANDING`."""
    return target if target and security.safe_next(target) == target else LANDING


@router.get("/sign-in", response_class=HTMLResponse)
async def sign_in_form(request: Request, services: ServicesDep) -> Response:
    ctx: dict[str, object] = {"next": landing(request.query_params.get("next")), "name": ""}
    limit = services.accounts.idle_limit
    if request.query_params.get("done") == "session-ended" and limit is not None:
        ctx["done"] = SessionIdled(limit).message  # how long, in words
    return render(request, "sign_in.html", ctx)


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request, services: ServicesDep) -> Response:
    """Start a session and go where the viewer was headed; a refusal re-renders the form."""
    form = await request.form()
    name = str(form.get("name") or "").strip()
    password = str(form.get("password") or "")
    code = str(form.get("code") or "")  # the two-factor code, if the account has one
    target = landing(str(form.get("next") or ""))
    try:
        if not name or not password:
            raise Unauthenticated("Enter your user name and your password.")
        client = request.client.host if request.client else ""  # the per-client throttle
        _, token = services.accounts.sign_in(name, password, client, code)
    except Unauthenticated as exc:
        ctx = {"next": target, "name": name, "signin_error": exc.message}
        return render(request, "sign_in.html", ctx, status=401)
    except Throttled as exc:  # too many failures: the form again, with when to retry
        ctx = {"next": target, "name": name, "signin_error": exc.message}
        page = render(request, "sign_in.html", ctx, status=429)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    response = see_other(target)
    security.set_session(request, response, token)
    return response


@router.post("/sign-out", response_class=HTMLResponse)
async def sign_out(request: Request, services: ServicesDep) -> Response:
    token = security.session_secret(request)
    if token:
        services.accounts.sign_out(token)
    response = see_other("/sign-in?done=signed-out")
    security.clear_session(request, response)
    return response
