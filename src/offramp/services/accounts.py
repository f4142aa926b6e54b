"""Accounts: users with argon2 password hashes, web sessions and API bearer tokens.

Sessions and tokens are random secrets handed to the client once; only their sha256
is stored, so a copy of the database does not let anyone sign in. Access can be taken
away (issue 18): a session lives :data:`SESSION_LIFETIME` (as long as the web cookie),
a token until its expiry (:data:`TOKEN_LIFETIME` unless asked otherwise), either can
be revoked, a web session unused for :attr:`AccountService.idle_limit` ends (ASVS
3.3.2, :mod:`offramp.services.session_rules`), and a disabled user (``users.disabled``,
migration 0017) is refused at sign-in and on every request, with every credential
deleted. A request reads that column, never the sealed password hash, which only a
sign-in or password check opens.
Sign-in is throttled (:mod:`offramp.services.signin_throttle`), and an unknown user name is
hashed against a dummy hash so that it takes as long as a wrong password. An account
with two-factor sign-in (:mod:`offramp.services.two_factor`) also needs a code (or,
with a security key, :mod:`offramp.services.security_keys`, a second step), and
:attr:`AccountService.require_2fa` names the roles refused without one.

A new password follows :mod:`offramp.services.password_policy` (OWASP ASVS 2.1). A user
changes their own with the current one (:meth:`AccountService.change_password`), a server
admin sets anyone's (:meth:`AccountService.reset_password`); either ends every session
and token of the account (ASVS 3.3.3). Each sign-in decision is logged on
``offramp.auth`` with the user name and client address, never a password or secret.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from offramp.errors import Conflict, InputError, NotFound, Throttled, Unauthenticated
from offramp.model.access import AdminAction
from offramp.model.deadlines import Clock
from offramp.services.access import AccessPolicy, Actor
from offramp.services.account_notices import (
    NoticeKind,
    NoticeService,
    record_notice,
    tell_failed_signins,
)
from offramp.services.password_policy import password_problem
from offramp.services.secret_digest import secret_digest
from offramp.services.security_keys import SecurityKeyService, SecurityKeyStep, Site
from offramp.services.session_rules import (
    IDLE_LIMIT,
    RENEWAL,
    RENEWAL_LIFETIME,
    SESSION_KINDS,
    TOUCH_EVERY,
    SessionIdled,
)
from offramp.services.signin_throttle import SignInThrottle
from offramp.services.two_factor import TwoFactorService
from offramp.store.audit import SERVER_CHAIN
from offramp.store.repository import CredentialRow, SecretOwner, UserRow
from offramp.store.uow import UowFactory

SESSION_LIFETIME = timedelta(hours=12)  # the web cookie's max-age (web/security.py)
TOKEN_LIFETIME = timedelta(days=90)
MAX_TOKEN_LIFETIME = timedelta(days=366)
NAME = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,79}$")
LIFETIME = re.compile(r"^([1-9][0-9]{0,5})([mhd])$")
SYSTEM = Actor(0, "system", is_admin=True)
log = logging.getLogger("offramp.auth")


def parse_lifetime(text: str, where: str = "expires_in") -> timedelta:
    """``90m``, ``12h`` or ``30d`` as a duration, at most :data:`MAX_TOKEN_LIFETIME`."""
    m = LIFETIME.match(text.strip())
    if m is None:
        raise InputError(
            where, f"{text!r} is not a lifetime; write minutes, hours or days: 90m, 12h, 30d"
        )
    unit = {"m": "minutes", "h": "hours", "d": "days"}[m.group(2)]
    span = timedelta(**{unit: int(m.group(1))})
    if span > MAX_TOKEN_LIFETIME:
        raise InputError(where, f"a token lives at most {MAX_TOKEN_LIFETIME.days} days")
    return span


def parse_idle_limit(text: str, where: str = "--idle-timeout") -> timedelta | None:
    """``30m``, ``2h`` or ``1d`` as the idle limit of web sessions; ``0``: none."""
    if text.strip() == "0":
        return None
    try:
        return parse_lifetime(text, where)
    except InputError:
        raise InputError(
            where, f"{text!r} is not a spell of time; write 30m, 2h or 1d, or 0 for no idle limit"
        ) from None


def _check_password(password: str, user: str, where: str) -> None:
    """InputError at ``where`` unless ``password`` may be ``user``'s new password."""
    problem = password_problem(password, user)
    if problem is not None:
        raise InputError(where, problem)


def _shown(name: str) -> str:
    """A typed user name as it may go in the log: printable, at most 80 characters."""
    return "".join(c if c.isprintable() else "?" for c in name[:80])


@dataclass(frozen=True)
class SessionInfo:
    """One of a user's web sessions; ``current``: the one the caller is using."""

    session: CredentialRow
    current: bool


class AccountService:
    """Create users, sign them in, and resolve a session or token to an actor."""

    def __init__(
        self,
        uow: UowFactory,
        policy: AccessPolicy,
        hasher: PasswordHasher,
        clock: Clock,
        *,
        idle_limit: timedelta | None = IDLE_LIMIT,
    ) -> None:
        self.uow = uow
        # a web session unused this long ends (ASVS 3.3.2; --idle-timeout); None: never
        self.idle_limit = idle_limit or None
        self.policy = policy
        self.hasher = hasher
        self.clock = clock
        self.throttle = SignInThrottle(uow, clock)
        self.two_factor = TwoFactorService(uow, clock)
        self.security_keys = SecurityKeyService(uow, clock)  # WebAuthn, instead of a code
        self.notices = NoticeService(uow, clock)  # what each user is told of their sign-in
        self.require_2fa: frozenset[str] = frozenset()  # "mediator", "admin" (--require-2fa-for)
        self._dummy: str | None = None  # a hash to check unknown names against

    def add_user(self, actor: Actor, name: str, password: str, *, admin: bool = False) -> Actor:
        """Create an account (server admins only; ``SYSTEM`` is the CLI operator)."""
        self.policy.require_admin(actor, AdminAction.USER_CREATE)
        if not NAME.match(name):
            raise InputError("name", "use lowercase letters, digits, '.', '_' or '-' (at most 80)")
        _check_password(password, name, "password")
        hashed = self.throttle.hashing(lambda: self.hasher.hash(password))
        with self.uow(write=True) as uow:
            if uow.repo.get_user_by_name(name) is not None:
                raise Conflict(f"There is already a user named {name}.")
            uid = uow.repo.add_user(name, hashed, admin)
            uow.audit(SERVER_CHAIN, actor.name, "user.create", {"user": name, "admin": admin})
            uow.commit()
        return Actor(uid, name, admin)

    def get_actor(self, name: str) -> Actor:
        with self.uow() as uow:
            row = uow.repo.get_account_by_name(name)
        if row is None:
            raise InputError("user", f"no user named {name!r}")
        return Actor(row.id, row.name, row.is_admin)

    def _verify(self, row: UserRow | None, password: str) -> bool:
        """Whether ``password`` is the user's; as slow for an unknown or disabled user."""
        if self._dummy is None:
            self._dummy = self.hasher.hash(secrets.token_urlsafe(16))
        stored = self._dummy if row is None else row.password_hash
        try:
            self.throttle.hashing(lambda: self.hasher.verify(stored, password))
        except (VerificationError, InvalidHashError):
            return False
        return row is not None and not row.disabled

    def sign_in(
        self, name: str, password: str, client: str = "", code: str = ""
    ) -> tuple[Actor, str]:
        """Check the password (and the two-factor ``code``) and open a session; returns
        the session secret.

        ``client`` is the caller's address, for the per-client throttle (none if empty).
        A wrong code counts as a failed sign-in; a missing one does not. The failures of
        a known account since its last sign-in are told at its next one, with the latest's
        time and ``client`` (:func:`~offramp.services.account_notices.tell_failed_signins`).
        """
        try:
            actor, row_id = self._authenticate(name, password, client, code)
        except SecurityKeyStep:
            log.info("sign-in waits for a security key: user %r from %s", name, client or "-")
            raise
        except (Unauthenticated, Throttled) as exc:
            log.warning(
                "sign-in refused: user %r from %s: %s", _shown(name), client or "-", exc.message
            )
            raise
        if password_problem(password, actor.name) is not None:  # set before the rules grew
            secret = self._open_session(actor.name, row_id, renewal=True, sign_in=True)
            log.info("sign-in to renew the password: user %r from %s", actor.name, client or "-")
            return replace(actor, must_renew=True), secret
        secret = self._open_session(actor.name, row_id, sign_in=True)
        log.info("sign-in: user %r from %s", actor.name, client or "-")
        return actor, secret

    def _authenticate(self, name: str, password: str, client: str, code: str) -> tuple[Actor, int]:
        """The actor whose password (and code) these are, and their user id."""
        self.throttle.check(name, client)
        with self.uow() as uow:
            row = uow.repo.get_user_by_name(name)
        if not self._verify(row, password) or row is None:  # verify first: equal time
            self.throttle.failed(name, client, sign_in=True)
            raise Unauthenticated("Wrong user name or password.")
        actor = Actor(row.id, row.name, row.is_admin)
        keys = self.security_keys.has_keys(row.id)
        if self.two_factor.enrolled(row.id) and (code.strip() or not keys):
            if not code.strip():
                raise Unauthenticated(
                    "Enter the 6-digit code from your authenticator app, or a recovery code."
                )
            if not self.two_factor.check(actor, code):
                self.throttle.failed(name, client, sign_in=True)
                raise Unauthenticated("Wrong or already used two-factor code.")
        elif keys:  # the pending step: a security key (or the code) finishes the sign-in
            renew = password_problem(password, row.name) is not None
            code_too = self.two_factor.enrolled(row.id)
            raise self.security_keys.begin_sign_in(row.id, renew=renew, code=code_too)
        else:
            self.two_factor.require_check(actor, self.require_2fa)
        self.throttle.succeeded(name)
        return actor, row.id

    def sign_in_with_key(
        self, pending: str, answer: str, site: Site, client: str = "", code: str = ""
    ) -> tuple[Actor, str]:
        """Finish the pending step of a sign-in (:class:`SecurityKeyStep`) with a security
        key's ``answer`` (or the two-factor ``code``) and open a session. The step serves
        once; a refused key or code counts as a failed sign-in, as a wrong code does."""
        step = self.security_keys.take_step(pending)
        with self.uow() as uow:
            row = uow.repo.get_account(step.user_id)
        if row is None or row.disabled:
            raise Unauthenticated("Wrong user name or password.")
        actor = Actor(row.id, row.name, row.is_admin)
        self.throttle.check(row.name, client)
        try:
            if code.strip():
                if not self.two_factor.check(actor, code):
                    raise Unauthenticated("Wrong or already used two-factor code.")
            else:
                self.security_keys.check(actor, step, answer, site, client)
        except Unauthenticated as exc:
            self.throttle.failed(row.name, client, sign_in=True)
            log.warning(
                "sign-in refused: user %r from %s: %s", row.name, client or "-", exc.message
            )
            raise
        self.throttle.succeeded(row.name)
        secret = self._open_session(row.name, row.id, renewal=step.renew, sign_in=True)
        log.info("sign-in with a second factor: user %r from %s", row.name, client or "-")
        return replace(actor, must_renew=step.renew), secret

    def remove_security_key(
        self, actor: Actor, key_id: int, password: str, client: str = ""
    ) -> None:
        """Remove one of one's own security keys, proving the password (throttled like a
        sign-in, as turning two-factor sign-in off is)."""
        self._proven(
            actor, password, client, "security key removal",
            ("password", "that is not your password"),
        )  # fmt: skip
        self.security_keys.remove(actor, key_id, client)

    def _open_session(
        self, name: str, user_id: int, *, renewal: bool = False, sign_in: bool = False
    ) -> str:
        """A new session of the user: its secret, handed out once (only its hash is kept).
        A ``renewal`` session lives :data:`RENEWAL_LIFETIME` and may only change the
        password (:mod:`offramp.services.session_rules`). A ``sign_in`` tells the user
        of the sign-ins that failed since their last one, in the same transaction."""
        secret = secrets.token_urlsafe(32)
        now = self.clock.now()
        kind, expires = (
            (RENEWAL, now + RENEWAL_LIFETIME) if renewal else ("session", now + SESSION_LIFETIME)
        )
        with self.uow(write=True) as uow:
            uow.repo.add_credential(user_id, kind, secret_digest(secret), expires, now)
            payload = {"user": name, **({"must_change_password": True} if renewal else {})}
            uow.audit(SERVER_CHAIN, name, "session.open", payload)
            if sign_in:
                tell_failed_signins(uow, user_id)
            uow.commit()
        return secret

    def change_password(
        self, actor: Actor, current: str, new: str, client: str = ""
    ) -> tuple[str, int]:
        """Change one's own password, proving the current one (throttled like a sign-in).

        Every session and token of the account ends (ASVS 3.3.3); returns the secret of a
        new session for the caller, and how many sessions and tokens ended.
        """
        row = self._proven(
            actor, current, client, "password change",
            ("current_password", "that is not your current password"),
        )  # fmt: skip
        if new == current:
            raise InputError("new_password", "the new password is the same as the current one")
        _check_password(new, actor.name, "new_password")
        ended = self._replace_password(actor, row.id, row.name, new, client)
        log.info("password changed: user %r from %s (%d ended)", actor.name, client or "-", ended)
        return self._open_session(row.name, row.id), ended

    def reset_password(self, operator: Actor, user: str, new: str, client: str = "") -> int:
        """Set ``user``'s password (server admins; the recovery path for a forgotten one),
        from the operator's address ``client`` (none on the command line).

        Every session and token of the account ends; returns how many.
        """
        self.policy.require_admin(operator, AdminAction.USER_CREATE)
        target = self.get_actor(user)
        _check_password(new, target.name, "password")
        ended = self._replace_password(operator, target.id, target.name, new, client)
        log.info("password reset: user %r by %r (%d ended)", target.name, operator.name, ended)
        return ended

    def _replace_password(
        self, actor: Actor, user_id: int, user: str, new: str, client: str = ""
    ) -> int:
        """Store ``new``'s hash (a disabled account stays disabled), end every session and
        token, audit it and tell the user; how many sessions and tokens ended."""
        hashed = self.throttle.hashing(lambda: self.hasher.hash(new))
        with self.uow(write=True) as uow:
            if uow.repo.get_account(user_id) is None:
                raise InputError("user", f"no user named {user!r}")
            uow.repo.set_password_hash(user_id, hashed)
            ended = uow.repo.delete_credentials_of(user_id)
            own = actor.id == user_id
            action = "password.change" if own else "password.reset"
            uow.audit(SERVER_CHAIN, actor.name, action, {"user": user, "ended": ended})
            kind = NoticeKind.PASSWORD_CHANGED if own else NoticeKind.PASSWORD_RESET
            record_notice(uow, user_id, kind, actor.name, client)
            uow.commit()
        return ended

    def disable_two_factor(self, actor: Actor, code: str, client: str = "") -> None:
        """Turn one's own second factor off with a code; wrong codes count as failed
        sign-ins (throttled), so a stolen session cannot try every code."""
        self.throttle.check(actor.name, client)
        try:
            self.two_factor.disable(actor, code, client)
        except InputError:
            self.throttle.failed(actor.name, client)
            log.warning("two-factor disable refused: user %r from %s", actor.name, client or "-")
            raise

    def _proven(
        self, actor: Actor, password: str, client: str, what: str, where: tuple[str, str]
    ) -> UserRow:
        """The actor's row once ``password`` is theirs, throttled like a sign-in; else the
        :class:`InputError` ``where`` (field, message), and the refusal of ``what`` logged."""
        self.throttle.check(actor.name, client)
        with self.uow() as uow:
            row = uow.repo.get_user(actor.id)
        if row is None or not self._verify(row, password):
            self.throttle.failed(actor.name, client)
            log.warning("%s refused: user %r from %s", what, actor.name, client or "-")
            raise InputError(*where)
        return row

    def list_sessions(self, actor: Actor, current: str | None) -> list[SessionInfo]:
        """The actor's own web sessions (ids and times, never secrets), marking the one
        whose secret is ``current`` (the caller's browser, if it signed in with one)."""
        now = self.clock.now()
        with self.uow() as uow:
            this = uow.repo.credential_id(secret_digest(current)) if current else None
            rows = uow.repo.list_credentials(actor.id, "session")
        live = [r for r in rows if not self._idled(r.last_used_at or r.created_at, now)]
        return [SessionInfo(r, r.id == this) for r in live]

    def _idled(self, last_used: datetime, now: datetime) -> bool:
        """Whether a session last used at ``last_used`` has ended of disuse by ``now``."""
        return self.idle_limit is not None and now - last_used > self.idle_limit

    def end_other_sessions(
        self, actor: Actor, password: str, current: str | None, client: str = ""
    ) -> int:
        """Sign the actor out of every web session but ``current``'s, proving the password
        first (ASVS 3.3.4; a wrong one is throttled like a sign-in); how many ended.
        API tokens are not sessions: they are listed and revoked on their own."""
        self._proven(
            actor, password, client, "sign-out elsewhere", ("password", "that is not your password")
        )
        with self.uow(write=True) as uow:
            keep = uow.repo.credential_id(secret_digest(current)) if current else None
            ended = uow.repo.delete_sessions_except(actor.id, keep)
            uow.audit(SERVER_CHAIN, actor.name, "session.end_others", {"ended": ended})
            if ended:
                record_notice(uow, actor.id, NoticeKind.SESSIONS_ENDED, actor.name, client)
            uow.commit()
        where = client or "-"
        log.info("signed out elsewhere: user %r from %s (%d ended)", actor.name, where, ended)
        return ended

    def sign_out(self, secret: str) -> None:
        with self.uow(write=True) as uow:
            uow.repo.delete_credential(secret_digest(secret))
            uow.commit()

    def create_token(
        self,
        actor: Actor,
        user: str,
        expires_in: timedelta | None = TOKEN_LIFETIME,
        client: str = "",
    ) -> str:
        """A bearer token for ``user`` (the user itself or a server admin may ask), asked
        for from ``client`` (the caller's address; none on the command line).

        It expires after ``expires_in`` (90 days unless given; at most 366).
        """
        secret, _ = self.create_token_expiring(actor, user, expires_in, client)
        return secret

    def create_token_expiring(
        self,
        actor: Actor,
        user: str,
        expires_in: timedelta | None = TOKEN_LIFETIME,
        client: str = "",
    ) -> tuple[str, datetime]:
        """:meth:`create_token`, and when the token expires."""
        target = self._target(actor, user, AdminAction.USER_CREATE)
        span = expires_in or TOKEN_LIFETIME
        if span > MAX_TOKEN_LIFETIME or span <= timedelta(0):
            raise InputError("expires_in", f"a token lives at most {MAX_TOKEN_LIFETIME.days} days")
        secret = "ofr_" + secrets.token_urlsafe(32)
        now = self.clock.now()
        expires = now + span
        with self.uow(write=True) as uow:
            row = uow.repo.get_account(target.id)
            if row is None or row.disabled:
                raise InputError("user", f"the user {user!r} is disabled")
            uow.repo.add_credential(target.id, "token", secret_digest(secret), expires, now)
            payload = {"user": target.name, "expires_at": expires.isoformat()}
            uow.audit(SERVER_CHAIN, actor.name, "token.create", payload)
            record_notice(uow, target.id, NoticeKind.TOKEN_CREATED, actor.name, client)
            uow.commit()
        return secret, expires

    def _target(self, actor: Actor, user: str, action: AdminAction) -> Actor:
        """The user acted on: oneself, or anyone for a server admin (``action``)."""
        target = self.get_actor(user)
        if actor.id != target.id:
            self.policy.require_admin(actor, action)
        return target

    def list_tokens(self, actor: Actor, user: str) -> list[CredentialRow]:
        """The user's tokens (ids and times, never secrets)."""
        target = self._target(actor, user, AdminAction.TOKEN_REVOKE)
        with self.uow() as uow:
            return uow.repo.list_credentials(target.id, "token")

    def revoke_token(self, actor: Actor, user: str, token_id: int) -> None:
        """Delete one of the user's tokens by id; it stops working at once."""
        target = self._target(actor, user, AdminAction.TOKEN_REVOKE)
        with self.uow(write=True) as uow:
            if not uow.repo.delete_credential_by_id(token_id, target.id, "token"):
                raise NotFound("No such token.")
            uow.audit(
                SERVER_CHAIN, actor.name, "token.revoke", {"user": target.name, "token": token_id}
            )
            uow.commit()

    def set_disabled(self, actor: Actor, user: str, disabled: bool, client: str = "") -> int:
        """Disable (or enable again) an account, from ``client`` (the admin's address;
        none on the command line); disabling ends every session and token.

        Returns how many sessions and tokens were ended.
        """
        self.policy.require_admin(actor, AdminAction.USER_DISABLE)
        if disabled and user == actor.name:
            raise InputError("user", "you cannot disable your own account")
        with self.uow(write=True) as uow:
            row = uow.repo.get_account_by_name(user)
            if row is None:
                raise InputError("user", f"no user named {user!r}")
            if row.disabled == disabled:
                raise Conflict(f"{user} is already {'disabled' if disabled else 'enabled'}.")
            uow.repo.set_disabled(row.id, disabled)
            ended = uow.repo.delete_credentials_of(row.id) if disabled else 0
            action = "user.disable" if disabled else "user.enable"
            uow.audit(SERVER_CHAIN, actor.name, action, {"user": user, "ended": ended})
            if not disabled:
                record_notice(uow, row.id, NoticeKind.ACCOUNT_ENABLED, actor.name, client)
            uow.commit()
        return ended

    def actor_for_secret(self, secret: str, *, touch: bool = True) -> Actor:
        """The actor a session or token belongs to, or Unauthenticated.

        A web session unused for :attr:`idle_limit` is refused (:class:`SessionIdled`)
        and deleted; else, with ``touch``, the use is recorded (at most once a minute).
        The live event stream does not touch: a page left open is not a use. Tokens
        are never idle; they keep their own expiry.
        """
        return self.actor_until(secret, touch=touch)[0]

    def actor_until(self, secret: str, *, touch: bool = True) -> tuple[Actor, datetime | None]:
        """:meth:`actor_for_secret`, and when the session ends unless used again (None
        for a token, or without an idle limit)."""
        now = self.clock.now()
        with self.uow() as uow:
            owner = uow.repo.get_user_by_secret(secret_digest(secret), now)
        if owner is None or owner.user.disabled:
            raise Unauthenticated("The session or token is not valid; sign in again.")
        user = owner.user
        renewal = owner.credential.kind == RENEWAL
        actor = Actor(user.id, user.name, user.is_admin, must_renew=renewal)
        if owner.credential.kind not in SESSION_KINDS:
            return actor, None
        last = self._unless_idle(owner, now)
        if touch and now - last >= TOUCH_EVERY:
            with self.uow(write=True) as uow:
                uow.repo.touch_credential(owner.credential.id, now)
                uow.commit()
            last = now
        return actor, None if self.idle_limit is None else last + self.idle_limit

    def _unless_idle(self, owner: SecretOwner, now: datetime) -> datetime:
        """When the session was last used; if that is longer than the idle limit ago,
        the session is deleted and :class:`SessionIdled` raised."""
        last = owner.idle_since
        if self.idle_limit is None or not self._idled(last, now):
            return last
        with self.uow(write=True) as uow:
            uow.repo.delete_credential_by_id(
                owner.credential.id, owner.user.id, owner.credential.kind
            )
            uow.commit()
        log.info("session ended: user %r, unused since %s", owner.user.name, last.isoformat())
        raise SessionIdled(self.idle_limit)
