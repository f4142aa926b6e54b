"""Dependencies: the desk's services and the signed-in actor (bearer token or cookie)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from offramp.bootstrap import Desk
from offramp.errors import Unauthenticated
from offramp.services.access import Actor

SESSION_COOKIE = "offramp_session"
_bearer = HTTPBearer(auto_error=False, description="A token from `offramp token create`.")
_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="A web session.")


def get_desk(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


Services = Annotated[Desk, Depends(get_desk)]


def get_actor(
    desk: Services,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> Actor | None:
    """The caller, or None if anonymous. A bad token or session is a 401."""
    secret = bearer.credentials if bearer else cookie
    if not secret:
        return None
    return desk.accounts.actor_for_secret(secret)


MaybeActor = Annotated[Actor | None, Depends(get_actor)]


def require_actor(actor: MaybeActor) -> Actor:
    if actor is None:
        raise Unauthenticated("Sign in first: send a bearer token or a session cookie.")
    return actor


CurrentActor = Annotated[Actor, Depends(require_actor)]
