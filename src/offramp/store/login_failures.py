"""Failed sign-ins, counted per key (``account:NAME``, ``client:ADDRESS``) in the database.

The counts live in a table, not in a process, so every server process sharing the
database throttles the same account and client (migration ``0006_access`` creates it).
A key's count starts with its first failure and lasts one window; :func:`record`
prunes keys whose window ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Column, Connection, Integer, String, Table, delete, insert, select, update

from offramp.store.repository import utc
from offramp.store.tables import Time, metadata

login_failures = Table(
    "login_failures",
    metadata,
    Column("key", String(300), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("first_at", Time, nullable=False),
)


@dataclass(frozen=True)
class Failures:
    key: str
    failures: int
    first_at: datetime


def read(conn: Connection, keys: list[str], now: datetime, window: timedelta) -> list[Failures]:
    """The keys' counts whose window is still open at ``now``."""
    rows = conn.execute(select(login_failures).where(login_failures.c.key.in_(keys))).all()
    out = [Failures(r.key, r.failures, utc(r.first_at)) for r in rows]
    return [f for f in out if f.first_at + window > now]


def record(conn: Connection, keys: list[str], now: datetime, window: timedelta) -> None:
    """Count one failure against each key (a key whose window ended starts again)."""
    conn.execute(delete(login_failures).where(login_failures.c.first_at <= now - window))
    found = {
        r.key
        for r in conn.execute(select(login_failures.c.key).where(login_failures.c.key.in_(keys)))
    }
    for key in keys:
        if key in found:
            conn.execute(
                update(login_failures)
                .where(login_failures.c.key == key)
                .values(failures=login_failures.c.failures + 1)
            )
        else:
            conn.execute(insert(login_failures).values(key=key, failures=1, first_at=now))


def clear(conn: Connection, keys: list[str]) -> None:
    conn.execute(delete(login_failures).where(login_failures.c.key.in_(keys)))
