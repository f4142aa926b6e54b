"""Cookies and CSRF for the web desk.

CSRF is a double-submit token: a random value in an HttpOnly, SameSite=Lax cookie,
repeated in a hidden field of every form, compared in constant time on every POST.
A POST whose ``Origin`` header names another site is refused as well. Cookies are
``Secure`` whenever the request arrived over https (directly or, with uvicorn's
``--proxy-headers``, through a proxy).
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request
from starlette.responses import Response

SESSION_COOKIE = "offramp_session"
CSRF_COOKIE = "offramp_csrf"
CSRF_FIELD = "csrf_token"
SESSION_MAX_AGE = 12 * 3600


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def csrf_token(request: Request) -> str:
    """The request's CSRF token, minting one (set on the response later) if absent."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not token:
        token = secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return str(token)


def remember_csrf(request: Request, response: Response) -> None:
    """Set the CSRF cookie if this request minted a token."""
    token = getattr(request.state, "new_csrf", None)
    if token:
        response.set_cookie(
            CSRF_COOKIE,
            token,
            httponly=True,
            samesite="lax",
            secure=is_https(request),
            path="/",
        )


def csrf_ok(request: Request, submitted: str | None) -> bool:
    """Whether a POST carries the cookie's token and comes from this site."""
    origin = request.headers.get("origin")
    if origin and origin != "null":
        expected = f"{request.url.scheme}://{request.headers.get('host', '')}"
        if origin != expected:
            return False
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not submitted:
        return False
    return hmac.compare_digest(cookie.encode(), submitted.encode())


def set_session(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=is_https(request),
        path="/",
    )
    # a fresh CSRF token for the signed-in session
    fresh = secrets.token_urlsafe(32)
    response.set_cookie(
        CSRF_COOKIE, fresh, httponly=True, samesite="lax", secure=is_https(request), path="/"
    )


def clear_session(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(request)
    )


def safe_next(target: str | None) -> str:
    """A local path to return to after sign-in; anything else goes to the case list."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/cases"
