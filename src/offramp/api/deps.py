"""Dependencies: the desk's services and the signed-in actor (bearer token or cookie)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from offramp.bootstrap import Services
from offramp.errors import Forbidden, Unauthenticated
from offramp.services.access import Actor

SESSION_COOKIE = "offramp_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_bearer = HTTPBearer(auto_error=False, description="A token from `offramp token create`.")
_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="A web session.")


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


def get_actor(
    request: Request,
    services: ServicesDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> Actor | None:
    """The caller, or None if anonymous. A bad token or session is a 401.

    CSRF: a browser may send the session cookie with another site's request, so a
    write authenticated by the cookie alone is refused (403, ``csrf``) when the browser
    says it comes from another site (:func:`cross_site`); the cookie is also
    ``SameSite``. Bearer tokens are never sent by a browser on its own.
    """
    secret = bearer.credentials if bearer else cookie
    if not secret:
        return None
    actor = services.accounts.actor_for_secret(secret)
    if not bearer and request.method not in SAFE_METHODS and cross_site(request):
        raise Forbidden(
            "csrf",
            "A write signed by the session cookie must come from this site's pages; "
            "send a bearer token instead.",
        )
    return actor


MaybeActor = Annotated[Actor | None, Depends(get_actor)]


async def require_actor(actor: MaybeActor) -> Actor:  # async: no I/O
    if actor is None:
        raise Unauthenticated("Sign in first: send a bearer token or a session cookie.")
    return actor


CurrentActor = Annotated[Actor, Depends(require_actor)]
