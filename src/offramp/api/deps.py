"""Dependencies: the desk's services and the signed-in actor (bearer token or cookie)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.requests import HTTPConnection
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from offramp.bootstrap import Services
from offramp.errors import Forbidden, Unauthenticated
from offramp.services.access import Actor
from offramp.services.session_rules import PasswordRenewal, session_cookie
from offramp.services.write_limits import charge_write

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: what a session signed in with a password the rules no longer allow may do (ASVS 2.1.7)
RENEWAL_ROUTES = frozenset(
    {("GET", "/api/me"), ("POST", "/api/me/password"), ("DELETE", "/api/session")}
)
#: writes that spend nothing of the user's write limit: signing out must always work
UNLIMITED_WRITES = frozenset({("DELETE", "/api/session")})
_bearer = HTTPBearer(auto_error=False, description="A token from `offramp token create`.")


def session_secret(request: HTTPConnection) -> str | None:
    """The session cookie's value: over https only ``__Host-offramp_session`` is read
    (ASVS 3.4.4; a plain cookie planted by a sibling subdomain is ignored)."""
    return request.cookies.get(session_cookie(request.url.scheme == "https"))


class SessionCookie(APIKeyCookie):
    """The session cookie as the OpenAPI document names it (the plain name, as over
    http), read under the name of the request's scheme (:func:`session_secret`)."""

    async def __call__(self, request: HTTPConnection) -> str | None:
        return session_secret(request)


_cookie = SessionCookie(name=session_cookie(False), auto_error=False, description="A web session.")


async def get_desk(request: Request) -> Services:  # async: no I/O, so no threadpool hop
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_desk)]


def cross_site(request: Request) -> bool:
    """Whether the browser says the request comes from a page of another site.

    ``Sec-Fetch-Site`` other than ``same-origin`` (or ``none``, typed by the user), or
    an ``Origin`` that is not this server's. Every current browser sends
    ``Sec-Fetch-Site``, and ``Origin`` on every cross-origin POST; a client that sends
    neither (curl, a script) is not a browser that a forged page could drive.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return True
    origin = request.headers.get("origin")
    return origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}"


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
CookieDep = Annotated[str | None, Depends(_cookie)]


async def get_actor(request: Request, bearer: BearerDep, cookie: CookieDep) -> Actor | None:
    """The caller, or None if anonymous. A bad token or session is a 401.

    A web session unused for the idle limit is a 401 too; any other request with it
    counts as a use (:meth:`~offramp.services.accounts.AccountService.actor_for_secret`).

    CSRF: a browser may send the session cookie with another site's request, so a
    write authenticated by the cookie alone is refused (403, ``csrf``) when the browser
    says it comes from another site (:func:`cross_site`); the cookie is also
    ``SameSite``. Bearer tokens are never sent by a browser on its own.

    A write then spends one of the user's write limit (429 over it; every session and
    token of the user together, :mod:`offramp.services.write_limits`), but signing out.
    """
    return await _caller(request, bearer, cookie, touch=True)


async def get_watcher(request: Request, bearer: BearerDep, cookie: CookieDep) -> Actor | None:
    """:func:`get_actor` for the live event stream, which does not count as a use of
    the session (a page left open would never idle out); an idle session is still a
    401. When the session will idle out is left on ``request.state.session_ends``."""
    return await _caller(request, bearer, cookie, touch=False)


async def _caller(
    request: Request,
    bearer: HTTPAuthorizationCredentials | None,
    cookie: str | None,
    *,
    touch: bool,
) -> Actor | None:
    request.state.session_ends = None
    secret = bearer.credentials if bearer else cookie
    if not secret:
        return None
    services: Services = request.app.state.services  # not a dependency: one level less
    if bearer and services.embedded:
        # A token's check only reads (a session's may write its last use), and a read of
        # the embedded database takes tens of microseconds: less than a thread hop.
        found = services.accounts.actor_until(secret, touch=touch)
    else:
        found = await run_in_threadpool(services.accounts.actor_until, secret, touch=touch)
    actor, request.state.session_ends = found
    if actor.must_renew and (request.method, request.url.path) not in RENEWAL_ROUTES:
        raise PasswordRenewal()
    if not bearer and request.method not in SAFE_METHODS and cross_site(request):
        raise Forbidden(
            "csrf",
            "A write signed by the session cookie must come from this site's pages; "
            "send a bearer token instead.",
        )
    if (request.method, request.url.path) not in UNLIMITED_WRITES:
        charge_write(request, actor.id)
    return actor


def session_ends(request: Request) -> datetime | None:
    """When the session :func:`get_watcher` signed in ends unless used (None: never)."""
    ends: datetime | None = getattr(request.state, "session_ends", None)
    return ends


MaybeActor = Annotated[Actor | None, Depends(get_actor)]
MaybeWatcher = Annotated[Actor | None, Depends(get_watcher)]


async def require_actor(request: Request, bearer: BearerDep, cookie: CookieDep) -> Actor:
    """:func:`get_actor`, and a 401 for an anonymous caller (not built on it: each level
    of dependencies costs FastAPI's solver on every request)."""
    actor = await _caller(request, bearer, cookie, touch=True)
    if actor is None:
        raise Unauthenticated("Sign in first: send a bearer token or a session cookie.")
    return actor


CurrentActor = Annotated[Actor, Depends(require_actor)]
