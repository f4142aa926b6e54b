"""Security keys on the web desk: add one, remove one, and finish a sign-in with one
(:mod:`offramp.services.security_keys` does the work; ``static/security_key.js`` asks
the browser's ``navigator.credentials``).

    POST /account/security-keys/start          a name: the page that asks for the key
    POST /account/security-keys/add            the key's answer: verified and stored
    POST /account/security-keys/{key}/remove   one's own key, with the password

The keys are listed on the two-factor page (:func:`account_page`, for
``web/two_factor.py``); the sign-in step is in ``web/signin.py``. The options the script
needs ride in ``data-`` attributes (the CSP runs no inline script).
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.bootstrap import Services
from offramp.errors import InputError
from offramp.services.access import Actor
from offramp.services.account_notices import when
from offramp.services.security_keys import SecurityKey, Site, key_name, site_of
from offramp.web.pages import (
    ServicesDep,
    WebRoute,
    client_address,
    form_text,
    render,
    see_other,
    signed_in,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)
ACCOUNT = "/account/two-factor"


def site(request: Request) -> Site:
    """The desk's origin and RP ID as this browser opened it."""
    return site_of(request.url.scheme, request.url.hostname or "", request.url.port)


def listed(keys: list[SecurityKey]) -> list[dict[str, object]]:
    """The keys as the page lists them: name, when added and last used, in words."""

    def day(at: datetime | None) -> str:
        return "not yet" if at is None else when(at)

    return [
        {"key": k.id, "name": k.name, "added": day(k.created_at), "used": day(k.last_used_at)}
        for k in keys
    ]


def account_page(
    request: Request, services: Services, viewer: Actor, *, status: int = 200, **extra: object
) -> HTMLResponse:
    """The two-factor page: whether TOTP is on, and the viewer's security keys."""
    on = services.accounts.two_factor.enrolled(viewer.id)
    keys = listed(services.accounts.security_keys.keys(viewer))
    ctx = {"active": "two-factor", "state": "on" if on else "off", "keys": keys, **extra}
    return render(request, "two_factor.html", ctx, status=status)


@router.post("/account/security-keys/start", response_class=HTMLResponse)
async def start(request: Request, services: ServicesDep) -> Response:
    """The named key's creation options, and the page whose button asks the browser."""
    viewer = signed_in(request, services)
    try:
        name = key_name(await form_text(request, "name", required=False))
        options = services.accounts.security_keys.begin_registration(viewer, name, site(request))
    except InputError as exc:  # no name, or the desk opened by an IP address: the page again
        return account_page(request, services, viewer, status=422, error=exc)
    ctx = {"active": "two-factor", "name": name, "options": options}
    return render(request, "security_key_add.html", ctx)


@router.post("/account/security-keys/add", response_class=HTMLResponse)
async def add(request: Request, services: ServicesDep) -> Response:
    """The key's answer, verified: the key is added (the user is told)."""
    viewer = signed_in(request, services)
    name = await form_text(request, "name", required=False)
    answer = await form_text(request, "credential", required=False)
    if not answer:
        raise InputError(
            "",
            "The browser sent no answer from a key (is JavaScript on?): start again.",
        )
    keys = services.accounts.security_keys
    keys.finish_registration(viewer, name, answer, site(request), client_address(request))
    return see_other(f"{ACCOUNT}?done=security-key-added")


@router.post("/account/security-keys/{key}/remove", response_class=HTMLResponse)
async def remove(request: Request, services: ServicesDep, key: int) -> Response:
    """One's own key removed, proving the password (a wrong one: the page again)."""
    viewer = signed_in(request, services)
    password = await form_text(request, "password", required=False)
    try:
        if not password:
            raise InputError("password", "enter your password to remove a key")
        services.accounts.remove_security_key(viewer, key, password, client_address(request))
    except InputError as exc:
        return account_page(request, services, viewer, status=422, error=exc, bad_key=key)
    return see_other(f"{ACCOUNT}?done=security-key-removed")
