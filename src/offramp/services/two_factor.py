"""Two-factor sign-in: TOTP enrolment, checking codes at sign-in, recovery codes.

A user enrols (:meth:`TwoFactorService.enrol` hands out a new secret and its
``otpauth://`` URI once), then proves the authenticator works with a code
(:meth:`~TwoFactorService.confirm`, which hands out :data:`RECOVERY_COUNT` one-time
recovery codes once); from then on sign-in needs a code. The operator can enrol anyone
at once from the CLI (:meth:`~TwoFactorService.enable_now`) or remove it
(:meth:`~TwoFactorService.remove`). Codes are computed on the desk's clock. Each of
enrol, confirm, disable and the use of a recovery code is an audit event; turning it on
or off is also a notice to the user (:mod:`offramp.services.account_notices`).
"""

from __future__ import annotations

import hashlib
import secrets

from offramp.errors import Conflict, InputError, Unauthenticated
from offramp.model.deadlines import Clock
from offramp.services.access import Actor
from offramp.services.account_notices import NoticeKind, record_notice
from offramp.services.totp import key_of, matching_step, new_secret, otpauth_uri
from offramp.store import two_factor as store
from offramp.store.audit import SERVER_CHAIN
from offramp.store.uow import UowFactory

RECOVERY_COUNT = 10
ROLES = ("mediator", "admin")  # who ``--require-2fa-for`` can name


def _recovery_digest(code: str) -> str:
    bare = code.strip().lower().replace("-", "").replace(" ", "")
    return hashlib.sha256(bare.encode("utf-8")).hexdigest()


def new_recovery_code() -> str:
    """64 random bits as ``xxxx-xxxx-xxxx-xxxx`` (hex): too many to guess, or to hash through."""
    raw = secrets.token_hex(8)
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def parse_required(text: str, where: str = "--require-2fa-for") -> frozenset[str]:
    """``mediator,admin`` as the set of roles that must sign in with a second factor."""
    roles = frozenset(p.strip() for p in text.split(",") if p.strip())
    unknown = sorted(roles - set(ROLES))
    if unknown:
        raise InputError(where, f"{', '.join(unknown)}: name roles among {', '.join(ROLES)}")
    return roles


class TwoFactorService:
    """Enrol, confirm, check and remove a user's second factor."""

    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    def enrolled(self, user_id: int) -> bool:
        with self.uow() as uow:
            row = store.get(uow.conn, user_id)
        return row is not None and row.confirmed

    def enrol(self, actor: Actor) -> tuple[str, str]:
        """A new secret for ``actor`` and its URI, shown once; confirm it with a code."""
        secret = new_secret()
        with self.uow(write=True) as uow:
            found = store.get(uow.conn, actor.id)
            if found is not None and found.confirmed:
                raise Conflict("Two-factor sign-in is already on; disable it first.")
            store.begin(uow.conn, actor.id, secret, self.clock.now())
            uow.audit(SERVER_CHAIN, actor.name, "2fa.enrol", {"user": actor.name})
            uow.commit()
        return secret, otpauth_uri(secret, actor.name)

    def confirm(self, actor: Actor, code: str, client: str = "") -> list[str]:
        """Turn two-factor sign-in on with a current code, from ``client`` (the caller's
        address, for the notice); returns the recovery codes."""
        now = self.clock.now()
        with self.uow(write=True) as uow:
            found = store.get(uow.conn, actor.id)
            if found is None or found.confirmed:
                raise Conflict("There is no enrolment to confirm; start one with POST /api/me/2fa.")
            step = matching_step(key_of(found.secret), code, now.timestamp())
            if step is None or not store.use_step(uow.conn, actor.id, step):
                raise InputError("code", "that is not the current code of the new secret")
            codes = [new_recovery_code() for _ in range(RECOVERY_COUNT)]
            store.confirm(uow.conn, actor.id, now, [_recovery_digest(c) for c in codes])
            uow.audit(SERVER_CHAIN, actor.name, "2fa.confirm", {"user": actor.name})
            record_notice(uow, actor.id, NoticeKind.TWO_FACTOR_ON, actor.name, client)
            uow.commit()
        return codes

    def enable_now(self, operator: Actor, user: Actor) -> tuple[str, list[str]]:
        """The operator's enrolment (CLI): on at once; the URI and recovery codes, once."""
        secret = new_secret()
        codes = [new_recovery_code() for _ in range(RECOVERY_COUNT)]
        now = self.clock.now()
        with self.uow(write=True) as uow:
            found = store.get(uow.conn, user.id)
            if found is not None and found.confirmed:
                raise Conflict(f"{user.name} already has two-factor sign-in; disable it first.")
            store.begin(uow.conn, user.id, secret, now)
            store.confirm(uow.conn, user.id, now, [_recovery_digest(c) for c in codes])
            for action in ("2fa.enrol", "2fa.confirm"):
                uow.audit(SERVER_CHAIN, operator.name, action, {"user": user.name})
            record_notice(uow, user.id, NoticeKind.TWO_FACTOR_ON, operator.name)
            uow.commit()
        return otpauth_uri(secret, user.name), codes

    def disable(self, actor: Actor, code: str, client: str = "") -> None:
        """Turn one's own second factor off from ``client``, proving it with a current or
        recovery code."""
        if not self.enrolled(actor.id):
            raise Conflict("Two-factor sign-in is not on.")
        if not self.check(actor, code):
            raise InputError("code", "wrong or already used code")
        self.remove(actor, actor, client)

    def remove(self, operator: Actor, user: Actor, client: str = "") -> None:
        """Delete ``user``'s second factor (the CLI operator, or the user after a code
        from ``client``)."""
        with self.uow(write=True) as uow:
            if not store.remove(uow.conn, user.id):
                raise Conflict(f"{user.name} does not have two-factor sign-in.")
            uow.audit(SERVER_CHAIN, operator.name, "2fa.disable", {"user": user.name})
            record_notice(uow, user.id, NoticeKind.TWO_FACTOR_OFF, operator.name, client)
            uow.commit()

    def check(self, user: Actor, code: str) -> bool:
        """Whether ``code`` is a current TOTP code not used before, or an unused recovery
        code (which is used up, and audited); either way it cannot be used again."""
        now = self.clock.now()
        with self.uow(write=True) as uow:
            found = store.get(uow.conn, user.id)
            if found is None or not found.confirmed:
                return False
            step = matching_step(key_of(found.secret), code, now.timestamp())
            if step is not None:
                ok = store.use_step(uow.conn, user.id, step)
            elif store.use_recovery(uow.conn, user.id, _recovery_digest(code), now):
                left = store.unused_recovery(uow.conn, user.id)
                uow.audit(
                    SERVER_CHAIN, user.name, "2fa.recovery_use", {"user": user.name, "left": left}
                )
                ok = True
            else:
                ok = False
            uow.commit()
        return ok

    def require_check(self, user: Actor, required: frozenset[str]) -> None:
        """Refuse a sign-in without a second factor if the server requires one of ``user``."""
        if not required or self.enrolled(user.id):
            return
        with self.uow() as uow:
            mediator = store.is_mediator(uow.conn, user.id)
        role = (
            "server admins"
            if "admin" in required and user.is_admin
            else "mediators"
            if "mediator" in required and mediator
            else ""
        )
        if role:
            raise Unauthenticated(
                f"This server requires two-factor sign-in for {role}, and {user.name} has not "
                f"enrolled. Ask the server operator to run `offramp user 2fa enable "
                f"{user.name}`, or enrol with an API token: POST /api/me/2fa, then "
                f"POST /api/me/2fa/confirm with a code from your authenticator app."
            )
