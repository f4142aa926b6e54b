"""Changing one's password on the web desk (OWASP ASVS 2.1.5, 2.1.6, 3.3.3).

    GET  /account/password    the form: current password, new password, the new one
                              again; and the account's web sessions (when each was
                              opened, last used and ends), this one marked
    POST /account/password    change it; every session and token of the account ends, and
                              this browser gets a new session
    POST /account/sessions/end-others
                              with the password: every other web session ends (3.3.4)

A wrong current password counts as a failed sign-in (the sign-in throttle); a new one
that breaks the policy (:mod:`offramp.services.password_policy`) is refused with why.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.errors import InputError
from offramp.services.password_policy import DESK_NAME, MAX_LENGTH, MIN_LENGTH, common_passwords
from offramp.services.session_rules import RENEWAL_MESSAGE, spell
from offramp.web import security
from offramp.web.pages import ServicesDep, WebRoute, client_address, render, see_other, signed_in

router = APIRouter(route_class=WebRoute, include_in_schema=False)
PAGE = "/account/password"


def page(
    request: Request, services: ServicesDep, ctx: dict[str, object], *, status: int = 200
) -> HTMLResponse:
    viewer = signed_in(request, services)
    current = security.session_secret(request)
    sessions = services.accounts.list_sessions(viewer, current)
    limit = services.accounts.idle_limit
    idle = spell(limit) if limit is not None else None  # "30 minutes"
    ctx = {
        "active": "password",
        "sessions": sessions,
        "idle": idle,
        "renewal_message": RENEWAL_MESSAGE,
        "meter": {  # the rules, for static/password_meter.js (ASVS 2.1.8)
            "min": MIN_LENGTH,
            "max": MAX_LENGTH,
            "desk": DESK_NAME,
            "common": sorted(common_passwords()),
        },
        **ctx,
    }
    return render(request, "password.html", ctx, status=status)


@router.get(PAGE, response_class=HTMLResponse)
async def password_page(request: Request, services: ServicesDep) -> Response:
    return page(request, services, {})


@router.post("/account/sessions/end-others", response_class=HTMLResponse)
async def end_others(request: Request, services: ServicesDep) -> Response:
    """Check the password; then end every web session of the account but this one."""
    viewer = signed_in(request, services)
    form = await request.form()
    client = client_address(request)
    current = security.session_secret(request)
    try:
        services.accounts.end_other_sessions(
            viewer, str(form.get("password") or ""), current, client
        )
    except InputError as exc:
        return page(request, services, {"error": exc, "wrong": {"end_password"}}, status=422)
    return see_other(f"{PAGE}?done=signed-out-elsewhere")


@router.post(PAGE, response_class=HTMLResponse)
async def change(request: Request, services: ServicesDep) -> Response:
    """Check the current password and the new one's policy; then a fresh session."""
    viewer = signed_in(request, services)
    form = await request.form()
    current, new, again = (
        str(form.get(name) or "") for name in ("current_password", "new_password", "again")
    )
    client = client_address(request)
    try:
        if new != again:
            raise InputError("again", "the two new passwords differ; type the same one twice")
        secret, _ = services.accounts.change_password(viewer, current, new, client)
    except InputError as exc:
        wrong = {p.where for p in exc.problems}
        return page(request, services, {"error": exc, "wrong": wrong}, status=422)
    response = see_other(f"{PAGE}?done=password-changed")
    security.set_session(request, response, secret)
    return response
