"""Sessions, users and tokens (health is in ``health.py``), and taking access away."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from offramp.api.access_schemas import (
    TokenCreatedOut,
    TokenCreateIn,
    TokenInfoOut,
    UserStateOut,
)
from offramp.api.deps import CurrentActor, ServicesDep, session_secret
from offramp.api.password_schemas import (
    PasswordChangedOut,
    PasswordChangeIn,
    PasswordResetIn,
    SessionOut,
    SessionsEndedOut,
    SessionsEndIn,
)
from offramp.api.routes import PROBLEMS
from offramp.api.schemas import ActorOut, LoginIn, Short, UserIn
from offramp.api.two_factor_schemas import TwoFactorCodeIn, TwoFactorEnrolOut, TwoFactorOnOut
from offramp.services.accounts import SESSION_LIFETIME, parse_lifetime
from offramp.services.session_rules import session_cookie

router = APIRouter(responses=PROBLEMS)
UserQuery = Annotated[str | None, Query(min_length=1, max_length=200, description="A user name.")]


def client_address(request: Request) -> str:
    """The caller's address, for the per-client sign-in throttle and the account notices
    (uvicorn applies ``X-Forwarded-For`` only from a trusted proxy)."""
    return request.client.host if request.client else ""


@router.post("/session", name="session_open", response_model=ActorOut, tags=["accounts"])
def open_session(
    body: LoginIn, request: Request, services: ServicesDep, response: Response
) -> ActorOut:
    """Sign in with name and password (and ``code`` if the account has two-factor sign-in);
    sets the session cookie (429 when throttled)."""
    actor, secret = services.accounts.sign_in(
        body.name, body.password, client_address(request), body.code or ""
    )
    _set_session(request, response, secret)
    return ActorOut(name=actor.name, is_admin=actor.is_admin)


def _set_session(request: Request, response: Response, secret: str) -> None:
    """The session cookie: ``__Host-`` over https (so Secure, Path=/, no Domain)."""
    https = request.url.scheme == "https"
    response.set_cookie(
        session_cookie(https),
        secret,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        secure=https,
    )


@router.delete("/session", name="session_close", status_code=204, tags=["accounts"])
def close_session(
    request: Request, actor: CurrentActor, services: ServicesDep, response: Response
) -> None:
    """Sign out: the session cookie's session ends on the server (a token is unchanged)."""
    secret = session_secret(request)
    if secret:
        services.accounts.sign_out(secret)
    https = request.url.scheme == "https"
    response.delete_cookie(
        session_cookie(https), path="/", httponly=True, samesite="strict", secure=https
    )


@router.get("/me", name="me", response_model=ActorOut, tags=["accounts"])
async def me(actor: CurrentActor) -> ActorOut:  # async: no I/O, so no threadpool hop
    """Who the caller is."""
    return ActorOut(name=actor.name, is_admin=actor.is_admin)


@router.post(
    "/me/2fa", name="two_factor_enrol", response_model=TwoFactorEnrolOut, tags=["accounts"]
)
def enrol_two_factor(actor: CurrentActor, services: ServicesDep) -> TwoFactorEnrolOut:
    """Start two-factor enrolment: a new TOTP secret and its URI, shown only now; sign-in
    does not need codes until ``/api/me/2fa/confirm`` (409 if two-factor is already on)."""
    secret, uri = services.accounts.two_factor.enrol(actor)
    return TwoFactorEnrolOut(secret=secret, uri=uri)


@router.post(
    "/me/2fa/confirm",
    name="two_factor_confirm",
    response_model=TwoFactorOnOut,
    tags=["accounts"],
)
def confirm_two_factor(
    body: TwoFactorCodeIn, actor: CurrentActor, services: ServicesDep, request: Request
) -> TwoFactorOnOut:
    """Turn two-factor sign-in on with a current code; returns 10 one-time recovery codes."""
    codes = services.accounts.two_factor.confirm(actor, body.code, client_address(request))
    return TwoFactorOnOut(enabled=True, recovery_codes=codes)


@router.post(
    "/me/2fa/disable",
    name="two_factor_disable",
    response_model=TwoFactorOnOut,
    tags=["accounts"],
)
def disable_two_factor(
    body: TwoFactorCodeIn, actor: CurrentActor, services: ServicesDep, request: Request
) -> TwoFactorOnOut:
    """Turn two-factor sign-in off, with a current code or a recovery code (wrong codes
    are throttled as failed sign-ins: 429)."""
    services.accounts.disable_two_factor(actor, body.code, client_address(request))
    return TwoFactorOnOut(enabled=False)


@router.post(
    "/me/password",
    name="password_change",
    response_model=PasswordChangedOut,
    tags=["accounts"],
)
def change_password(
    body: PasswordChangeIn,
    actor: CurrentActor,
    services: ServicesDep,
    request: Request,
    response: Response,
) -> PasswordChangedOut:
    """Change your password with the current one (wrong ones are throttled: 429). Every
    session and token of the account ends, this one too; the answer sets a new session
    cookie."""
    secret, ended = services.accounts.change_password(
        actor, body.current_password, body.new_password, client_address(request)
    )
    _set_session(request, response, secret)
    return PasswordChangedOut(user=actor.name, ended=ended)


@router.post(
    "/users", name="user_create", response_model=ActorOut, status_code=201, tags=["accounts"]
)
def create_user(body: UserIn, actor: CurrentActor, services: ServicesDep) -> ActorOut:
    """Create an account (server admins)."""
    made = services.accounts.add_user(actor, body.name, body.password, admin=body.admin)
    return ActorOut(name=made.name, is_admin=made.is_admin)


@router.put(
    "/users/{user}/password",
    name="user_password_reset",
    response_model=PasswordChangedOut,
    tags=["accounts"],
)
def reset_password(
    user: Short,
    body: PasswordResetIn,
    actor: CurrentActor,
    services: ServicesDep,
    request: Request,
) -> PasswordChangedOut:
    """Set a user's password, for one who forgot theirs (server admins); every session and
    token of that account ends."""
    ended = services.accounts.reset_password(actor, user, body.password, client_address(request))
    return PasswordChangedOut(user=user, ended=ended)


@router.post(
    "/users/{user}/disable", name="user_disable", response_model=UserStateOut, tags=["accounts"]
)
def disable_user(
    user: Short, actor: CurrentActor, services: ServicesDep, request: Request
) -> UserStateOut:
    """Disable an account: it cannot sign in, and its sessions and tokens end (admins)."""
    ended = services.accounts.set_disabled(actor, user, True, client_address(request))
    return UserStateOut(user=user, disabled=True, ended=ended)


@router.post(
    "/users/{user}/enable", name="user_enable", response_model=UserStateOut, tags=["accounts"]
)
def enable_user(
    user: Short, actor: CurrentActor, services: ServicesDep, request: Request
) -> UserStateOut:
    """Let a disabled account sign in again with its old password (admins)."""
    services.accounts.set_disabled(actor, user, False, client_address(request))
    return UserStateOut(user=user, disabled=False)


def _current_session(request: Request) -> str | None:
    """The session secret this request came with (none for a bearer token)."""
    return None if request.headers.get("authorization") else session_secret(request)


@router.get("/sessions", name="session_list", response_model=list[SessionOut], tags=["accounts"])
def list_sessions(actor: CurrentActor, services: ServicesDep, request: Request) -> list[SessionOut]:
    """Your web sessions (ids and times, never secrets), marking the one of this request."""
    return [
        SessionOut(
            id=s.session.id,
            created_at=s.session.created_at,
            expires_at=s.session.expires_at,
            last_used_at=s.session.last_used_at or s.session.created_at,
            current=s.current,
        )
        for s in services.accounts.list_sessions(actor, _current_session(request))
    ]


@router.post(
    "/sessions/end-others",
    name="sessions_end_others",
    response_model=SessionsEndedOut,
    tags=["accounts"],
)
def end_other_sessions(
    body: SessionsEndIn, actor: CurrentActor, services: ServicesDep, request: Request
) -> SessionsEndedOut:
    """Sign out of every other web session, with your password (wrong ones are throttled:
    429); the session of this request stays, API tokens too."""
    ended = services.accounts.end_other_sessions(
        actor, body.password, _current_session(request), client_address(request)
    )
    return SessionsEndedOut(ended=ended)


@router.post(
    "/tokens",
    name="token_create",
    response_model=TokenCreatedOut,
    status_code=201,
    tags=["accounts"],
)
def create_token(
    body: TokenCreateIn, actor: CurrentActor, services: ServicesDep, request: Request
) -> TokenCreatedOut:
    """A bearer token for yourself, or for anyone if you are a server admin; it expires."""
    span = parse_lifetime(body.expires_in) if body.expires_in else None
    token, expires = services.accounts.create_token_expiring(
        actor, body.user, span, client_address(request)
    )
    return TokenCreatedOut(user=body.user, token=token, expires_at=expires)


@router.get("/tokens", name="token_list", response_model=list[TokenInfoOut], tags=["accounts"])
def list_tokens(
    actor: CurrentActor, services: ServicesDep, user: UserQuery = None
) -> list[TokenInfoOut]:
    """Your tokens (or ``user``'s, for a server admin): ids and times, never secrets."""
    rows = services.accounts.list_tokens(actor, user or actor.name)
    return [TokenInfoOut(id=r.id, created_at=r.created_at, expires_at=r.expires_at) for r in rows]


@router.delete("/tokens/{token_id}", name="token_revoke", status_code=204, tags=["accounts"])
def revoke_token(
    token_id: int,
    actor: CurrentActor,
    services: ServicesDep,
    user: UserQuery = None,
) -> None:
    """Revoke one of your tokens (or ``user``'s, for a server admin); it stops at once."""
    services.accounts.revoke_token(actor, user or actor.name, token_id)
