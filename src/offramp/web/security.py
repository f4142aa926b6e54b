"""Cookies and CSRF for the web desk.

CSRF is a double-submit token: a random value in an HttpOnly, SameSite=Lax cookie,
repeated in a hidden field of every form, compared in constant time on every POST.
A POST whose ``Origin`` header names another site is refused as well. Cookies are
``Secure`` whenever the request arrived over https (directly or, with uvicorn's
``--proxy-headers``, through a proxy), and then named with the ``__Host-`` prefix
(Path=/, no Domain; OWASP ASVS 3.4.4): over https only those names are read, so a cookie
planted by a sibling subdomain is ignored (:mod:`offramp.services.session_rules`).
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request
from starlette.responses import Response

from offramp.services.accounts import SESSION_LIFETIME
from offramp.services.session_rules import csrf_cookie, session_cookie

CSRF_FIELD = "csrf_token"
SESSION_MAX_AGE = int(SESSION_LIFETIME.total_seconds())


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def session_secret(request: Request) -> str | None:
    """The session cookie's value, by the name of the request's scheme."""
    return request.cookies.get(session_cookie(is_https(request)))


def _csrf_cookie(request: Request) -> str | None:
    return request.cookies.get(csrf_cookie(is_https(request)))


def csrf_token(request: Request) -> str:
    """The request's CSRF token, minting one (set on the response later) if absent."""
    token = _csrf_cookie(request) or getattr(request.state, "new_csrf", None)
    if not token:
        token = secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return str(token)


def remember_csrf(request: Request, response: Response) -> None:
    """Set the CSRF cookie if this request minted a token."""
    token = getattr(request.state, "new_csrf", None)
    if token:
        _set_csrf(request, response, token)


def _set_csrf(request: Request, response: Response, token: str) -> None:
    https = is_https(request)
    response.set_cookie(
        csrf_cookie(https), token, httponly=True, samesite="lax", secure=https, path="/"
    )


def csrf_ok(request: Request, submitted: str | None) -> bool:
    """Whether a POST carries the cookie's token and comes from this site."""
    origin = request.headers.get("origin")
    if origin and origin != "null":
        expected = f"{request.url.scheme}://{request.headers.get('host', '')}"
        if origin != expected:
            return False
    cookie = _csrf_cookie(request)
    if not cookie or not submitted:
        return False
    return hmac.compare_digest(cookie.encode(), submitted.encode())


def set_session(request: Request, response: Response, token: str) -> None:
    https = is_https(request)
    response.set_cookie(
        session_cookie(https),
        token,
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=https,
        path="/",
    )
    _set_csrf(request, response, secrets.token_urlsafe(32))  # fresh for the signed-in session


def clear_session(request: Request, response: Response) -> None:
    https = is_https(request)
    response.delete_cookie(
        session_cookie(https), path="/", httponly=True, samesite="lax", secure=https
    )


def safe_next(target: str | None) -> str:
    """A local path to return to after sign-in; anything else goes to the case list."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/cases"
