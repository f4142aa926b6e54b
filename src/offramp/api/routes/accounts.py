"""Sessions, users and tokens (health is in ``health.py``)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from offramp.api.deps import SESSION_COOKIE, CurrentActor, ServicesDep
from offramp.api.routes import PROBLEMS
from offramp.api.schemas import ActorOut, LoginIn, TokenIn, TokenOut, UserIn

router = APIRouter(responses=PROBLEMS)


@router.post("/session", name="session_open", response_model=ActorOut, tags=["accounts"])
def open_session(body: LoginIn, services: ServicesDep, response: Response) -> ActorOut:
    """Sign in with name and password; sets the session cookie."""
    actor, secret = services.accounts.sign_in(body.name, body.password)
    response.set_cookie(SESSION_COOKIE, secret, httponly=True, samesite="strict")
    return ActorOut(name=actor.name, is_admin=actor.is_admin)


@router.get("/me", name="me", response_model=ActorOut, tags=["accounts"])
def me(actor: CurrentActor) -> ActorOut:
    """Who the caller is."""
    return ActorOut(name=actor.name, is_admin=actor.is_admin)


@router.post(
    "/users", name="user_create", response_model=ActorOut, status_code=201, tags=["accounts"]
)
def create_user(body: UserIn, actor: CurrentActor, services: ServicesDep) -> ActorOut:
    """Create an account (server admins)."""
    made = services.accounts.add_user(actor, body.name, body.password, admin=body.admin)
    return ActorOut(name=made.name, is_admin=made.is_admin)


@router.post(
    "/tokens", name="token_create", response_model=TokenOut, status_code=201, tags=["accounts"]
)
def create_token(body: TokenIn, actor: CurrentActor, services: ServicesDep) -> TokenOut:
    """A bearer token for yourself, or for anyone if you are a server admin."""
    return TokenOut(user=body.user, token=services.accounts.create_token(actor, body.user))
