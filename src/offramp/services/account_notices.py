"""Telling users when their sign-in changed (OWASP ASVS 4.0.3 2.2.3 and 2.5.5).

The desk has no e-mail: its one channel to a user is the desk itself. Each change to
an account's sign-in (:class:`NoticeKind`) is recorded by :func:`record_notice` in the
same unit of work as the change, so a notice cannot be lost, nor appear for a change
that rolled back. The user sees their unseen notices (the web banner, ``GET /api/me/notices``) until
they dismiss them (:meth:`NoticeService.dismiss`, audited on the server chain); the
newest :data:`~offramp.store.account_notices.KEEP` are kept per user.

Failed sign-ins are told the way a bank tells of them at the next login: each wrong
password or two-factor code at sign-in to a known account is counted
(:mod:`offramp.store.failed_signins`, kept until the next sign-in, unlike the throttle's
15-minute window), and the next successful sign-in turns the count into one notice
(:func:`tell_failed_signins`, in that sign-in's transaction) and starts it again.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from offramp.errors import NotFound
from offramp.model.deadlines import Clock
from offramp.services.access import Actor
from offramp.store import account_notices as store
from offramp.store import failed_signins
from offramp.store.audit import SERVER_CHAIN
from offramp.store.uow import UnitOfWork, UowFactory

NO_NOTICE = "No such notice."
OPERATOR = "the server's operator, on its command line"


class NoticeKind(StrEnum):
    """What happened to the account."""

    PASSWORD_CHANGED = "password.changed"  # noqa: S105 (a kind): by the user
    PASSWORD_RESET = "password.reset"  # noqa: S105 (a kind): by a server admin
    TWO_FACTOR_ON = "2fa.on"
    TWO_FACTOR_OFF = "2fa.off"
    SESSIONS_ENDED = "sessions.ended"  # signed out of the other web sessions
    ACCOUNT_ENABLED = "account.enabled"  # enabled again by a server admin
    TOKEN_CREATED = "token.created"  # noqa: S105 (a kind, not a token)
    SIGN_INS_FAILED = "signin.failed"  # since the last sign-in: by nobody known
    SECURITY_KEY_ADDED = "security_key.added"
    SECURITY_KEY_REMOVED = "security_key.removed"
    SECURITY_KEY_CLONED = "security_key.cloned"  # its counter went back: refused


WORDS: dict[NoticeKind, str] = {
    NoticeKind.PASSWORD_CHANGED: "Your password was changed on {when} by {actor}.",
    NoticeKind.PASSWORD_RESET: "Your password was changed on {when} by {actor}.",
    NoticeKind.TWO_FACTOR_ON: (
        "Two-factor sign-in was turned on for your account on {when} by {actor}."
    ),
    NoticeKind.TWO_FACTOR_OFF: (
        "Two-factor sign-in was turned off for your account on {when} by {actor}."
    ),
    NoticeKind.SESSIONS_ENDED: "Your other web sessions were signed out on {when} by {actor}.",
    NoticeKind.ACCOUNT_ENABLED: "Your account was enabled again on {when} by {actor}.",
    NoticeKind.TOKEN_CREATED: "A new API token for your account was made on {when} by {actor}.",
    NoticeKind.SIGN_INS_FAILED: (
        "{failures} to your account since you last signed in, {latest} {when} from {place}."
    ),
    NoticeKind.SECURITY_KEY_ADDED: "A security key was added to your account on {when} by {actor}.",
    NoticeKind.SECURITY_KEY_REMOVED: (
        "A security key was removed from your account on {when} by {actor}."
    ),
    NoticeKind.SECURITY_KEY_CLONED: (
        "A sign-in with one of your security keys was refused on {when} from {place}: the "
        "key's use counter went backwards, as happens when a key has been copied."
    ),
}
UNKNOWN_PLACE = "an unknown address"


def when(at: datetime) -> str:
    """``7 Dec 2026 at 12:04 UTC``."""
    utc = at.astimezone(UTC)
    return f"{utc.day} {utc:%b %Y} at {utc:%H:%M} UTC"


@dataclass(frozen=True)
class Notice:
    """One notice as the user reads it: what, when, by whom (a name) and from where."""

    id: int
    kind: NoticeKind
    at: datetime
    actor: str
    client: str
    failures: int = 0  # how many failed sign-ins (SIGN_INS_FAILED: ``at`` is the latest's)

    @property
    def text(self) -> str:
        who = OPERATOR if self.actor == "system" else self.actor  # the CLI's actor
        return WORDS[self.kind].format(
            when=when(self.at),
            actor=who,
            failures=f"{self.failures} failed sign-in{'' if self.failures == 1 else 's'}",
            latest="on" if self.failures == 1 else "the latest on",
            place=self.client or UNKNOWN_PLACE,
        )


def record_notice(
    uow: UnitOfWork, user_id: int, kind: NoticeKind, actor: str, client: str = ""
) -> None:
    """Tell ``user_id`` of ``kind`` done by ``actor`` (a user name) from ``client``, in
    ``uow``'s transaction: it is kept only if the change is committed with it."""
    store.add(uow.conn, user_id, kind.value, actor, client, uow.clock.now())


def tell_failed_signins(uow: UnitOfWork, user_id: int) -> int:
    """At a sign-in of ``user_id``, in its ``uow``: tell the user of the sign-ins that
    failed since their last one (if any) and count from nought again; how many failed."""
    failed = failed_signins.take(uow.conn, user_id)
    if failed is None:
        return 0
    kind = NoticeKind.SIGN_INS_FAILED.value
    at, client = failed.last_at, failed.last_client
    store.add(uow.conn, user_id, kind, "", client, at, failures=failed.failures)
    return failed.failures


def _notice(row: store.NoticeRow) -> Notice:
    kind = NoticeKind(row.kind)
    return Notice(row.id, kind, row.created_at, row.actor, row.client, row.failures)


class NoticeService:
    """A user's own unseen notices: listed and dismissed, never anyone else's."""

    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    def unseen(self, actor: Actor) -> list[Notice]:
        """The actor's notices not yet dismissed, newest first."""
        with self.uow() as uow:
            rows = store.unseen(uow.conn, actor.id)
        return [_notice(r) for r in rows]

    def dismiss(self, actor: Actor, ids: Collection[int] | None = None) -> int:
        """Dismiss the actor's notices ``ids`` (all unseen ones if None); how many were
        unseen. An id that is not the actor's is :class:`NotFound`, as a missing one."""
        with self.uow(write=True) as uow:
            if ids is not None and store.owned(uow.conn, actor.id, ids) != set(ids):
                raise NotFound(NO_NOTICE)
            dismissed = store.mark_seen(uow.conn, actor.id, ids, self.clock.now())
            if dismissed:
                payload = {"user": actor.name, "dismissed": dismissed}
                uow.audit(SERVER_CHAIN, actor.name, "notice.dismiss", payload)
                uow.commit()
        return dismissed
