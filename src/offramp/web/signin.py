"""Signing in and out of the web desk: a session cookie from a user name and password."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.errors import Throttled, Unauthenticated
from offramp.services.security_keys import SecurityKeyStep
from offramp.services.session_rules import SessionIdled
from offramp.web import security
from offramp.web.pages import ServicesDep, WebRoute, client_address, form_text, render, see_other
from offramp.web.security_keys import site

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
        client = client_address(request)  # the per-client throttle
        _, token = services.accounts.sign_in(name, password, client, code)
    except SecurityKeyStep as step:  # the password was right: the key's turn
        return key_step(request, services, step, target)
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


def key_step(
    request: Request, services: ServicesDep, step: SecurityKeyStep, target: str
) -> HTMLResponse:
    """The second step: the button that asks the security key (and a code field, if the
    account has a TOTP code too). Its secret ``pending`` rides in the form."""
    options = services.accounts.security_keys.sign_in_options(step.pending, site(request))
    ctx = {"next": target, "pending": step.pending, "options": options, "code_too": step.code}
    return render(request, "sign_in_key.html", ctx)


@router.post("/sign-in/security-key", response_class=HTMLResponse)
async def sign_in_with_key(request: Request, services: ServicesDep) -> Response:
    """Finish the pending sign-in with the key's answer (or the code); a refusal shows
    the first step again, in words: the step serves once."""
    pending = await form_text(request, "pending", required=False)
    answer = await form_text(request, "credential", required=False)
    code = await form_text(request, "code", required=False)
    target = landing(await form_text(request, "next", required=False))
    client = client_address(request)
    try:
        if not answer and not code:
            raise Unauthenticated("The browser sent no answer from your key: sign in again.")
        _, token = services.accounts.sign_in_with_key(pending, answer, site(request), client, code)
    except (Unauthenticated, Throttled) as exc:
        ctx = {"next": target, "name": "", "signin_error": exc.message}
        status = 429 if isinstance(exc, Throttled) else 401
        page = render(request, "sign_in.html", ctx, status=status)
        if isinstance(exc, Throttled):  # narrows the type, for retry_after
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
