"""Failed sign-ins per account since its last sign-in (migration ``0015`` creates them).

Unlike the throttle's counts (:mod:`offramp.store.login_failures`, one 15-minute window),
a row here lasts until the account next signs in: how many sign-ins failed (a wrong
password or a wrong two-factor code) and when and from where the latest came. The next
sign-in takes the row (:func:`take`) to tell the user, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Integer,
    String,
    Table,
    delete,
    literal,
    select,
)

from offramp.store.repository import utc
from offramp.store.tables import Time, metadata, users

failed_signins = Table(
    "failed_signins",
    metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_at", Time, nullable=False),
    Column("last_client", String(100), nullable=False),
)


@dataclass(frozen=True)
class Failed:
    """How many sign-ins failed since the last one; when and from where the latest."""

    failures: int
    last_at: datetime
    last_client: str


def _insert(conn: Connection) -> Any:
    """The dialect's ``INSERT`` (both have ``ON CONFLICT ... DO UPDATE``)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(failed_signins)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(failed_signins)


def count(conn: Connection, name: str, client: str, at: datetime) -> None:
    """Count one failed sign-in for the user named ``name``, at ``at`` from ``client``.

    One statement whether the name exists or not (an unknown name selects no user, so
    it writes no row), so a known name costs the same as an unknown one."""
    user = select(users.c.id, literal(1), literal(at, Time), literal(client[:100]))
    stmt = _insert(conn).from_select(
        ["user_id", "failures", "last_at", "last_client"], user.where(users.c.name == name)
    )
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[failed_signins.c.user_id],
            set_={
                "failures": failed_signins.c.failures + 1,
                "last_at": stmt.excluded.last_at,
                "last_client": stmt.excluded.last_client,
            },
        )
    )


def take(conn: Connection, user_id: int) -> Failed | None:
    """The user's failed sign-ins since the last one (None if none), deleted as read."""
    t = failed_signins.c
    gone = conn.execute(
        delete(failed_signins)
        .where(t.user_id == user_id)
        .returning(t.failures, t.last_at, t.last_client)
    ).first()
    return None if gone is None else Failed(gone.failures, utc(gone.last_at), gone.last_client)
