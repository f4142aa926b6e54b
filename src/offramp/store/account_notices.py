"""Notices to users about changes to their own sign-in (migration ``0013`` creates them).

A row says what happened to the account (``kind``), who did it (``actor``: the user or
an admin) and from where (``client``); ``seen_at`` is set when the user dismisses it. A
notice of failed sign-ins also says how many (``failures``, migration ``0015``; 0 for
the other kinds), and its ``actor`` is empty: nobody known did them.
The functions take the caller's connection, so that a notice is written in the same
transaction as the change it tells of.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Integer,
    String,
    Table,
    delete,
    insert,
    select,
    text,
    update,
)

from offramp.store.repository import utc
from offramp.store.tables import Time, metadata

account_notices = Table(
    "account_notices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", Time, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("client", String(100), nullable=False),
    Column("seen_at", Time, nullable=True),
    Column("failures", Integer, nullable=False, server_default=text("0")),
)

KEEP = 50
"""The newest notices kept per user; older ones are pruned as a new one is written."""


@dataclass(frozen=True)
class NoticeRow:
    id: int
    user_id: int
    created_at: datetime
    kind: str
    actor: str
    client: str
    failures: int = 0


def add(
    conn: Connection,
    user_id: int,
    kind: str,
    actor: str,
    client: str,
    at: datetime,
    *,
    failures: int = 0,
) -> int:
    """Write a notice for ``user_id`` and keep only its :data:`KEEP` newest; its id."""
    res = conn.execute(
        insert(account_notices).values(
            user_id=user_id,
            created_at=at,
            kind=kind,
            actor=actor[:80],
            client=client[:100],
            failures=failures,
        )
    )
    newest = (
        select(account_notices.c.id)
        .where(account_notices.c.user_id == user_id)
        .order_by(account_notices.c.id.desc())
        .limit(KEEP)
    )
    conn.execute(
        delete(account_notices).where(
            account_notices.c.user_id == user_id,
            account_notices.c.id.not_in(newest.scalar_subquery()),
        )
    )
    (key,) = res.inserted_primary_key or (0,)
    return int(key)


def unseen(conn: Connection, user_id: int) -> list[NoticeRow]:
    """The user's notices not yet dismissed, newest first."""
    rows = conn.execute(
        select(account_notices)
        .where(account_notices.c.user_id == user_id, account_notices.c.seen_at.is_(None))
        .order_by(account_notices.c.id.desc())
    ).all()
    return [
        NoticeRow(r.id, r.user_id, utc(r.created_at), r.kind, r.actor, r.client, r.failures)
        for r in rows
    ]


def owned(conn: Connection, user_id: int, ids: Collection[int]) -> set[int]:
    """Which of ``ids`` are notices of ``user_id`` (seen or not)."""
    if not ids:
        return set()
    q = select(account_notices.c.id).where(
        account_notices.c.user_id == user_id, account_notices.c.id.in_(list(ids))
    )
    return {int(i) for i in conn.execute(q).scalars()}


def mark_seen(conn: Connection, user_id: int, ids: Collection[int] | None, at: datetime) -> int:
    """Dismiss the user's unseen notices ``ids`` (all if None); how many were dismissed."""
    q = update(account_notices).where(
        account_notices.c.user_id == user_id, account_notices.c.seen_at.is_(None)
    )
    if ids is not None:
        q = q.where(account_notices.c.id.in_(list(ids)))
    return int(conn.execute(q.values(seen_at=at)).rowcount)
