"""Security keys (WebAuthn) in the database: each user's keys, and issued challenges.

A key's name is typed by its user, so it is kept sealed (:mod:`offramp.store.sealed`,
``SEALED_0016``); the credential id and COSE public key are base64url text and not
secret. A challenge is taken (:func:`take_registration`, :func:`take_sign_in`) in the
same statement's transaction that deletes it, so it serves once; an expired one is
deleted and not returned. Migration ``0016_security_keys`` creates both tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from offramp.store.repository import utc
from offramp.store.sealed import seal, unseal
from offramp.store.tables import security_key_challenges as challenges
from offramp.store.tables import security_keys as keys

_WHERE = "security_keys.name"
REGISTER = "register"
SIGN_IN = "sign-in"


@dataclass(frozen=True)
class KeyRow:
    """One registered key."""

    id: int
    user_id: int
    credential_id: str  # base64url
    public_key: str  # base64url of the COSE key
    sign_count: int
    transports: tuple[str, ...]
    name: str
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True)
class ChallengeRow:
    """An issued challenge, taken (deleted) to be used."""

    user_id: int
    challenge: str  # base64url
    renew: bool


def _key(conn: Connection, r: Any) -> KeyRow:
    return KeyRow(
        r.id,
        r.user_id,
        r.credential_id,
        r.public_key,
        r.sign_count,
        tuple(t for t in r.transports.split(",") if t),
        unseal(conn, r.name, _WHERE),
        utc(r.created_at),
        None if r.last_used_at is None else utc(r.last_used_at),
    )


def of_user(conn: Connection, user_id: int) -> list[KeyRow]:
    """The user's keys, oldest first."""
    rows = conn.execute(select(keys).where(keys.c.user_id == user_id).order_by(keys.c.id)).all()
    return [_key(conn, r) for r in rows]


def has_any(conn: Connection, user_id: int) -> bool:
    found = conn.execute(select(keys.c.id).where(keys.c.user_id == user_id).limit(1)).first()
    return found is not None


def credential_taken(conn: Connection, credential_id: str) -> bool:
    found = conn.execute(select(keys.c.id).where(keys.c.credential_id == credential_id)).first()
    return found is not None


def add(conn: Connection, user_id: int, key: KeyRow) -> int:
    """Store ``key`` (its ``id`` and ``user_id`` are ignored) for ``user_id``; its id."""
    done = conn.execute(
        insert(keys).values(
            user_id=user_id,
            credential_id=key.credential_id,
            public_key=key.public_key,
            sign_count=key.sign_count,
            transports=",".join(key.transports),
            name=seal(conn, key.name, _WHERE),
            created_at=key.created_at,
        )
    )
    return int(done.inserted_primary_key[0])  # type: ignore[index]


def locked_count(conn: Connection, key_id: int) -> int | None:
    """The key's counter, its row locked until the transaction ends (``FOR UPDATE``;
    SQLite's write transaction holds the database), so that the counter compared is
    the one :func:`used` overwrites; None if the key is gone."""
    q = select(keys.c.sign_count).where(keys.c.id == key_id).with_for_update()
    found = conn.execute(q).scalar()
    return None if found is None else int(found)


def used(conn: Connection, key_id: int, sign_count: int, now: datetime) -> None:
    """Record a sign-in with the key: its new counter and when."""
    conn.execute(
        update(keys).where(keys.c.id == key_id).values(sign_count=sign_count, last_used_at=now)
    )


def remove(conn: Connection, user_id: int, key_id: int) -> KeyRow | None:
    """Delete the user's key ``key_id``; the row it was, or None if the user has none such."""
    found = conn.execute(
        select(keys).where(keys.c.id == key_id).where(keys.c.user_id == user_id)
    ).first()
    if found is None:
        return None
    conn.execute(delete(keys).where(keys.c.id == key_id))
    return _key(conn, found)


def issue(
    conn: Connection,
    user_id: int,
    purpose: str,
    challenge: str,
    expires_at: datetime,
    *,
    pending_hash: str | None = None,
    renew: bool = False,
) -> None:
    """Store a challenge; a new registration replaces the user's earlier one."""
    if purpose == REGISTER:
        conn.execute(
            delete(challenges)
            .where(challenges.c.user_id == user_id)
            .where(challenges.c.purpose == REGISTER)
        )
    conn.execute(
        insert(challenges).values(
            user_id=user_id,
            purpose=purpose,
            challenge=challenge,
            pending_hash=pending_hash,
            renew=renew,
            expires_at=expires_at,
        )
    )


def _take(
    conn: Connection, where: Any, now: datetime, *, keep: bool = False
) -> ChallengeRow | None:
    """The challenge ``where`` selects, deleted unless ``keep``; None if none or expired."""
    found = conn.execute(select(challenges).where(where)).first()
    if found is None:
        return None
    if not keep:
        conn.execute(delete(challenges).where(challenges.c.id == found.id))
    if utc(found.expires_at) <= now:
        return None
    return ChallengeRow(found.user_id, found.challenge, bool(found.renew))


def take_registration(conn: Connection, user_id: int, now: datetime) -> ChallengeRow | None:
    """The user's registration challenge, deleted; None if there is none or it expired."""
    where = (challenges.c.user_id == user_id) & (challenges.c.purpose == REGISTER)
    return _take(conn, where, now)


def take_sign_in(conn: Connection, pending_hash: str, now: datetime) -> ChallengeRow | None:
    """The sign-in step's challenge, deleted; None if there is none or it expired."""
    where = (challenges.c.pending_hash == pending_hash) & (challenges.c.purpose == SIGN_IN)
    return _take(conn, where, now)


def peek_sign_in(conn: Connection, pending_hash: str, now: datetime) -> ChallengeRow | None:
    """The sign-in step's challenge, kept (to build the page's options); None if gone."""
    where = (challenges.c.pending_hash == pending_hash) & (challenges.c.purpose == SIGN_IN)
    return _take(conn, where, now, keep=True)


def drop_expired(conn: Connection, now: datetime) -> None:
    """Delete the challenges whose time is up (each issue does, so they never pile up)."""
    conn.execute(delete(challenges).where(challenges.c.expires_at <= now))
