"""Accounts: users with argon2 password hashes, web sessions and API bearer tokens.

Sessions and tokens are random secrets handed to the client once; only their sha256
is stored, so a copy of the database does not let anyone sign in.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from offramp.errors import Conflict, InputError, Unauthenticated
from offramp.model.access import AdminAction
from offramp.model.deadlines import Clock
from offramp.services.access import AccessPolicy, Actor
from offramp.store.audit import SERVER_CHAIN
from offramp.store.uow import UowFactory

SESSION_DAYS = 14
NAME = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,79}$")
SYSTEM = Actor(0, "system", is_admin=True)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class AccountService:
    """Create users, sign them in, and resolve a session or token to an actor."""

    def __init__(
        self, uow: UowFactory, policy: AccessPolicy, hasher: PasswordHasher, clock: Clock
    ) -> None:
        self.uow = uow
        self.policy = policy
        self.hasher = hasher
        self.clock = clock

    def add_user(self, actor: Actor, name: str, password: str, *, admin: bool = False) -> Actor:
        """Create an account (server admins only; ``SYSTEM`` is the CLI operator)."""
        self.policy.require_admin(actor, AdminAction.USER_CREATE)
        if not NAME.match(name):
            raise InputError("name", "use lowercase letters, digits, '.', '_' or '-' (at most 80)")
        if len(password) < 8:
            raise InputError("password", "a password needs at least 8 characters")
        hashed = self.hasher.hash(password)
        with self.uow(write=True) as uow:
            if uow.repo.get_user_by_name(name) is not None:
                raise Conflict(f"There is already a user named {name}.")
            uid = uow.repo.add_user(name, hashed, admin)
            uow.audit(SERVER_CHAIN, actor.name, "user.create", {"user": name, "admin": admin})
            uow.commit()
        return Actor(uid, name, admin)

    def get_actor(self, name: str) -> Actor:
        with self.uow() as uow:
            row = uow.repo.get_user_by_name(name)
        if row is None:
            raise InputError("user", f"no user named {name!r}")
        return Actor(row.id, row.name, row.is_admin)

    def sign_in(self, name: str, password: str) -> tuple[Actor, str]:
        """Check the password and open a session; returns the session secret."""
        with self.uow() as uow:
            row = uow.repo.get_user_by_name(name)
        try:
            if row is None:
                raise VerificationError("no such user")
            self.hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            raise Unauthenticated("Wrong user name or password.") from None
        secret = secrets.token_urlsafe(32)
        expires = self.clock.now() + timedelta(days=SESSION_DAYS)
        with self.uow(write=True) as uow:
            uow.repo.add_credential(row.id, "session", _digest(secret), expires)
            uow.audit(SERVER_CHAIN, row.name, "session.open", {"user": row.name})
            uow.commit()
        return Actor(row.id, row.name, row.is_admin), secret

    def sign_out(self, secret: str) -> None:
        with self.uow(write=True) as uow:
            uow.repo.delete_credential(_digest(secret))
            uow.commit()

    def create_token(self, actor: Actor, user: str) -> str:
        """A bearer token for ``user`` (the user itself or a server admin may ask)."""
        target = self.get_actor(user)
        if actor.id != target.id:
            self.policy.require_admin(actor, AdminAction.USER_CREATE)
        secret = "ofr_" + secrets.token_urlsafe(32)
        with self.uow(write=True) as uow:
            uow.repo.add_credential(target.id, "token", _digest(secret), None)
            uow.audit(SERVER_CHAIN, actor.name, "token.create", {"user": target.name})
            uow.commit()
        return secret

    def actor_for_secret(self, secret: str) -> Actor:
        """The actor a session or token belongs to, or Unauthenticated."""
        with self.uow() as uow:
            row = uow.repo.get_user_by_secret(_digest(secret), self.clock.now())
        if row is None:
            raise Unauthenticated("The session or token is not valid; sign in again.")
        return Actor(row.id, row.name, row.is_admin)
