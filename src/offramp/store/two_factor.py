"""Two-factor sign-in in the database: each user's TOTP secret and hashed recovery codes.

The server computes the same codes as the authenticator app, so the secret is kept
sealed (:mod:`offramp.store.sealed`; migration ``0009``), not hashed, and opened to check
a code; it is never read back out through the API or the CLI after enrolment.
``last_step`` is the newest TOTP step used, so a code works once (RFC 6238 section 5.2).
Recovery codes are random and stored only as their sha256, each marked when used.
Migration ``0007_two_factor`` creates both tables; ``0009`` widens and seals the secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    delete,
    insert,
    or_,
    select,
    update,
)

from offramp.store.sealed import seal, unseal
from offramp.store.tables import Time, memberships, metadata

_WHERE = "two_factor.secret"

two_factor = Table(
    "two_factor",
    metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("secret", Text, nullable=False),  # base32, sealed
    Column("created_at", Time, nullable=False),
    Column("confirmed_at", Time, nullable=True),  # None: enrolment not yet confirmed
    Column("last_step", Integer, nullable=True),
)

recovery_codes = Table(
    "recovery_codes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("used_at", Time, nullable=True),
)


@dataclass(frozen=True)
class TwoFactorRow:
    user_id: int
    secret: str
    confirmed: bool


def get(conn: Connection, user_id: int) -> TwoFactorRow | None:
    r = conn.execute(select(two_factor).where(two_factor.c.user_id == user_id)).first()
    if r is None:
        return None
    return TwoFactorRow(r.user_id, unseal(conn, r.secret, _WHERE), r.confirmed_at is not None)


def begin(conn: Connection, user_id: int, secret: str, now: datetime) -> None:
    """Store a new, unconfirmed secret (replacing an unconfirmed one) and no recovery codes."""
    remove(conn, user_id)
    conn.execute(
        insert(two_factor).values(
            user_id=user_id, secret=seal(conn, secret, _WHERE), created_at=now
        )
    )


def confirm(conn: Connection, user_id: int, now: datetime, code_hashes: list[str]) -> None:
    conn.execute(update(two_factor).where(two_factor.c.user_id == user_id).values(confirmed_at=now))
    conn.execute(delete(recovery_codes).where(recovery_codes.c.user_id == user_id))
    for digest in code_hashes:
        conn.execute(insert(recovery_codes).values(user_id=user_id, code_hash=digest))


def use_step(conn: Connection, user_id: int, step: int) -> bool:
    """Record ``step`` as used; False if it (or a later one) was used already."""
    done = conn.execute(
        update(two_factor)
        .where(two_factor.c.user_id == user_id)
        .where(or_(two_factor.c.last_step.is_(None), two_factor.c.last_step < step))
        .values(last_step=step)
    )
    return done.rowcount == 1


def use_recovery(conn: Connection, user_id: int, digest: str, now: datetime) -> bool:
    """Mark the unused recovery code with hash ``digest`` used; False if there is none."""
    done = conn.execute(
        update(recovery_codes)
        .where(recovery_codes.c.user_id == user_id)
        .where(recovery_codes.c.code_hash == digest)
        .where(recovery_codes.c.used_at.is_(None))
        .values(used_at=now)
    )
    return done.rowcount == 1


def unused_recovery(conn: Connection, user_id: int) -> int:
    rows = conn.execute(
        select(recovery_codes.c.id)
        .where(recovery_codes.c.user_id == user_id)
        .where(recovery_codes.c.used_at.is_(None))
    ).all()
    return len(rows)


def remove(conn: Connection, user_id: int) -> bool:
    """Delete the user's secret and recovery codes; whether there was a secret."""
    conn.execute(delete(recovery_codes).where(recovery_codes.c.user_id == user_id))
    return conn.execute(delete(two_factor).where(two_factor.c.user_id == user_id)).rowcount == 1


def is_mediator(conn: Connection, user_id: int) -> bool:
    """Whether the user is a mediator on any case."""
    found = conn.execute(
        select(memberships.c.id)
        .where(memberships.c.user_id == user_id)
        .where(memberships.c.role == "mediator")
        .limit(1)
    ).first()
    return found is not None
