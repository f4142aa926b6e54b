"""A database URL (or a SQLite path) to a configured SQLAlchemy engine.

SQLite runs in WAL mode with foreign keys on, a busy timeout and ``synchronous=FULL``
(a committed write survives a killed process and a power cut; ``NORMAL`` would survive
only the first, and measured no faster: see ``docs/desk.md``). pysqlite's own
transaction handling is switched off so that a unit of work that writes can begin with
``BEGIN IMMEDIATE``: writers queue on the lock instead of failing when they upgrade.
PostgreSQL URLs use psycopg 3.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, NullPool, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from offramp.errors import InputError
from offramp.store.writer_queue import WriterQueue

WRITE_OPTION = "offramp_write"
_WRITERS: weakref.WeakKeyDictionary[Engine, WriterQueue] = weakref.WeakKeyDictionary()


def normalise_url(url: str) -> str:
    """Accept a plain path for SQLite and ``postgresql://`` for psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, *, pool_size: int = 20) -> Engine:
    """An engine for ``url`` with the desk's connection settings."""
    full = normalise_url(url)
    backend = make_url(full).get_backend_name()
    if backend == "sqlite":
        engine = create_engine(
            full,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=pool_size,
            max_overflow=pool_size,
        )
        _configure_sqlite(engine)
        _WRITERS[engine] = WriterQueue()
        return engine
    return create_engine(full, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def writer_lock(engine: Engine) -> WriterQueue | None:
    """The in-process queue for SQLite writers (None for PostgreSQL).

    SQLite lets one writer in at a time; the others wait in its busy handler, which
    sleeps in growing steps (up to 100 ms) and wakes late. Queuing this process's
    writers first, in the order they came (:class:`WriterQueue`), hands the database
    over as soon as it is free; writers in other processes still meet the busy timeout.
    """
    return _WRITERS.get(engine)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def probe(url: str) -> None:
    """Connect once and ``SELECT 1``: an :class:`InputError` naming the database (never
    its password) and the driver's first line when it does not answer, not a traceback."""
    full = normalise_url(url)
    args = {} if make_url(full).get_backend_name() == "sqlite" else {"connect_timeout": 10}
    engine = create_engine(full, connect_args=args, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DBAPIError as exc:
        shown = make_url(full).render_as_string(hide_password=True)
        first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else ""
        raise InputError("database", f"{shown} does not answer: {first}") from None
    finally:
        engine.dispose()
