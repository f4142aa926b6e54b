"""Signing in and out of the web desk: a session cookie from a user name and password."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.errors import Unauthenticated
from offramp.web import security
from offramp.web.pages import ServicesDep, WebRoute, render, see_other

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/sign-in", response_class=HTMLResponse)
async def sign_in_form(request: Request) -> Response:
    return render(
        request,
        "sign_in.html",
        {"next": security.safe_next(request.query_params.get("next")), "name": ""},
    )


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request, services: ServicesDep) -> Response:
    """Start a session and go where the viewer was headed; a refusal re-renders the form."""
    form = await request.form()
    name = str(form.get("name") or "").strip()
    password = str(form.get("password") or "")
    target = security.safe_next(str(form.get("next") or ""))
    try:
        if not name or not password:
            raise Unauthenticated("Enter your user name and your password.")
        _, token = services.accounts.sign_in(name, password)
    except Unauthenticated as exc:
        ctx = {"next": target, "name": name, "signin_error": exc.message}
        return render(request, "sign_in.html", ctx, status=401)
    response = see_other(target)
    security.set_session(request, response, token)
    return response


@router.post("/sign-out", response_class=HTMLResponse)
async def sign_out(request: Request, services: ServicesDep) -> Response:
    token = request.cookies.get(security.SESSION_COOKIE)
    if token:
        services.accounts.sign_out(token)
    response = see_other("/sign-in?done=signed-out")
    security.clear_session(request, response)
    return response
