"""Changing one's password on the web desk (OWASP ASVS 2.1.5, 2.1.6, 3.3.3).

    GET  /account/password    the form: current password, new password, the new one again
    POST /account/password    change it; every session and token of the account ends, and
                              this browser gets a new session

A wrong current password counts as a failed sign-in (the sign-in throttle); a new one
that breaks the policy (:mod:`offramp.services.password_policy`) is refused with why.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.errors import InputError
from offramp.web import security
from offramp.web.pages import ServicesDep, WebRoute, render, see_other, signed_in

router = APIRouter(route_class=WebRoute, include_in_schema=False)
PAGE = "/account/password"


def page(request: Request, ctx: dict[str, object], *, status: int = 200) -> HTMLResponse:
    return render(request, "password.html", {"active": "password", **ctx}, status=status)


@router.get(PAGE, response_class=HTMLResponse)
async def password_page(request: Request, services: ServicesDep) -> Response:
    signed_in(request, services)
    return page(request, {})


@router.post(PAGE, response_class=HTMLResponse)
async def change(request: Request, services: ServicesDep) -> Response:
    """Check the current password and the new one's policy; then a fresh session."""
    viewer = signed_in(request, services)
    form = await request.form()
    current, new, again = (
        str(form.get(name) or "") for name in ("current_password", "new_password", "again")
    )
    client = request.client.host if request.client else ""
    try:
        if new != again:
            raise InputError("again", "the two new passwords differ; type the same one twice")
        secret, _ = services.accounts.change_password(viewer, current, new, client)
    except InputError as exc:
        wrong = {p.where for p in exc.problems}
        return page(request, {"error": exc, "wrong": wrong}, status=422)
    response = see_other(f"{PAGE}?done=password-changed")
    security.set_session(request, response, secret)
    return response
