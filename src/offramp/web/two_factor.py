"""Two-factor sign-in for the signed-in user: turn it on, see the recovery codes once,
turn it off (:mod:`offramp.services.two_factor` does the work).

    GET  /account/two-factor           on or off, and what can be done
    POST /account/two-factor/start     a new secret: its QR code, the secret, a code to confirm
    POST /account/two-factor/confirm   a current code turns it on; the recovery codes, once
    POST /account/two-factor/disable   a current (or recovery) code turns it off

The secret is shown only in the answer to ``start`` (the service hands it out once);
a wrong code at ``confirm`` shows the same secret again from the form, for display only:
the code is checked against the secret the desk stored.
"""

from __future__ import annotations

import io
import re

import segno
from fastapi import APIRouter
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.errors import Conflict, InputError
from offramp.services.access import Actor
from offramp.services.totp import otpauth_uri
from offramp.web.pages import (
    ServicesDep,
    WebRoute,
    client_address,
    form_text,
    render,
    see_other,
    signed_in,
)
from offramp.web.security_keys import account_page

router = APIRouter(route_class=WebRoute, include_in_schema=False)
PAGE = "/account/two-factor"
BASE32 = re.compile(r"[A-Z2-7]{16,64}")


def qr_svg(text: str) -> Markup:
    """``text`` as a QR code, an inline SVG drawn here (no network, no script)."""
    out = io.BytesIO()
    segno.make(text, error="m").save(
        out,
        kind="svg",
        scale=5,
        border=4,
        xmldecl=False,
        svgns=True,
        title="QR code of the two-factor secret",
        dark="#000",
        light="#fff",
    )
    return Markup(out.getvalue().decode("ascii"))  # noqa: S704 - segno's own SVG, no input markup


def grouped(secret: str) -> str:
    """``ABCD EFGH ...``: the secret in groups of four, to type it in by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def page(request: Request, ctx: dict[str, object], *, status: int = 200) -> HTMLResponse:
    return render(request, "two_factor.html", {"active": "two-factor", **ctx}, status=status)


def _enrolment(
    request: Request, viewer: Actor, secret: str, *, status: int = 200, **extra: object
) -> HTMLResponse:
    """The confirm step: the secret as a QR code, as text and as its URI, and the form."""
    uri = otpauth_uri(secret, viewer.name)
    ctx = {"state": "confirm", "secret": secret, "grouped": grouped(secret), "uri": uri}
    return page(request, {**ctx, "qr": qr_svg(uri), **extra}, status=status)


async def _code(request: Request, missing: str) -> str:
    """The form's ``code``, or an InputError saying ``missing``."""
    code = await form_text(request, "code", required=False)
    if not code:
        raise InputError("code", missing)
    return code


@router.get(PAGE, response_class=HTMLResponse)
async def two_factor_page(request: Request, services: ServicesDep) -> Response:
    viewer = signed_in(request, services)
    return account_page(request, services, viewer)  # with the viewer's security keys


@router.post(f"{PAGE}/start", response_class=HTMLResponse)
async def start(request: Request, services: ServicesDep) -> Response:
    """A new secret, shown this once, with the form that confirms it."""
    viewer = signed_in(request, services)
    secret, _uri = services.accounts.two_factor.enrol(viewer)
    return _enrolment(request, viewer, secret)


@router.post(f"{PAGE}/confirm", response_class=HTMLResponse)
async def confirm(request: Request, services: ServicesDep) -> Response:
    """A current code turns two-factor sign-in on; the recovery codes are shown once."""
    viewer = signed_in(request, services)
    try:
        code = await _code(request, "enter the 6-digit code your app shows for the desk")
        codes = services.accounts.two_factor.confirm(viewer, code, client_address(request))
    except Conflict:
        raise Conflict(
            "There is no two-factor enrolment to confirm (it is on already, or was never "
            "started): open Two-factor sign-in and start again."
        ) from None
    except InputError as exc:
        shown = await form_text(request, "secret", required=False)
        if not BASE32.fullmatch(shown):
            raise
        return _enrolment(request, viewer, shown, status=422, error=exc, code_error=True)
    return page(request, {"state": "codes", "codes": codes})


@router.post(f"{PAGE}/disable", response_class=HTMLResponse)
async def disable(request: Request, services: ServicesDep) -> Response:
    """A current or recovery code turns two-factor sign-in off."""
    viewer = signed_in(request, services)
    try:
        code = await _code(request, "enter a current code from your app, or a recovery code")
        services.accounts.disable_two_factor(viewer, code, client_address(request))
    except InputError as exc:
        return account_page(request, services, viewer, status=422, error=exc, code_error=True)
    keys = services.accounts.security_keys.has_keys(viewer.id)  # still a second factor
    return see_other(f"{PAGE}?done={'codes-off' if keys else 'two-factor-off'}")
