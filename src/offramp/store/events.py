"""What the live event streams and the sweeps ask of the store.

- :func:`heads`: the last seq of several chains in one query (what the feed polls).
- :class:`ChangeFeed`: a thread that notices chains whose head moved, by polling
  ``chain_heads`` and, on PostgreSQL, by ``LISTEN offramp_audit`` (``store/audit.py``
  issues ``pg_notify`` with every append; PostgreSQL delivers it at commit, so a
  listener never wakes before the event is readable).
- :func:`stream_key`: the server's secret for the streams' opaque ids, kept as one
  ``events.key`` event of the server chain (created once, the same for every process).
- :func:`recorded`: the payloads of a chain's events of some actions (what a sweep has
  already raised).
- :func:`sweep_lease`: the lock that lets one process sweep one case at a time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, text

from offramp.store import audit
from offramp.store.sealed import keyring_of
from offramp.store.tables import audit_events, cases, chain_heads

CHANNEL = audit.NOTIFY_CHANNEL
KEY_ACTION = "events.key"
log = logging.getLogger(__name__)


def heads(conn: Connection, chains: Iterable[str]) -> dict[str, int]:
    """The head seq of each chain that has one."""
    names = sorted(set(chains))
    if not names:
        return {}
    rows = conn.execute(
        select(chain_heads.c.chain, chain_heads.c.seq).where(chain_heads.c.chain.in_(names))
    ).all()
    return {r.chain: int(r.seq) for r in rows}


def case_slugs(conn: Connection) -> list[str]:
    return [r.slug for r in conn.execute(select(cases.c.slug).order_by(cases.c.slug)).all()]


def recorded(conn: Connection, chain: str, actions: Iterable[str]) -> list[dict[str, Any]]:
    """The payloads of the chain's events whose action is one of ``actions``."""
    rows = conn.execute(
        select(audit_events.c.payload).where(
            audit_events.c.chain == chain, audit_events.c.action.in_(sorted(set(actions)))
        )
    ).all()
    ring = keyring_of(conn)
    return [json.loads(ring.open(r.payload, audit.PAYLOAD)) for r in rows]


def stream_key(conn: Connection, now: datetime) -> bytes:
    """The streams' secret: read from the server chain, or created there once.

    The chain's head is locked first (``FOR UPDATE``; SQLite's write transaction is
    exclusive anyway), so two processes starting together agree on one key.
    """
    audit.ensure_chain(conn, audit.SERVER_CHAIN)
    audit.head(conn, audit.SERVER_CHAIN, lock=True)
    found = conn.execute(
        select(audit_events.c.payload)
        .where(audit_events.c.chain == audit.SERVER_CHAIN, audit_events.c.action == KEY_ACTION)
        .order_by(audit_events.c.seq)
        .limit(1)
    ).first()
    if found is not None:
        payload = keyring_of(conn).open(found.payload, audit.PAYLOAD)
        return bytes.fromhex(json.loads(payload)["key"])
    key = secrets.token_bytes(32)
    audit.append(conn, audit.SERVER_CHAIN, "system", KEY_ACTION, {"key": key.hex()}, now)
    return key


def sweep_lease(conn: Connection, name: str) -> bool:
    """Take the lease on ``name`` for this transaction, or say another process holds it.

    PostgreSQL: ``pg_try_advisory_xact_lock`` (released at commit or rollback). SQLite:
    the caller's write transaction (``BEGIN IMMEDIATE``) already excludes every other
    writer, so the lease is always granted.
    """
    if conn.dialect.name != "postgresql":
        return True
    number = int.from_bytes(hashlib.sha256(f"offramp-sweep:{name}".encode()).digest()[:8], "big")
    number -= 1 << 63  # a signed bigint
    got = conn.execute(text("SELECT pg_try_advisory_xact_lock(:n)"), {"n": number}).scalar()
    return bool(got)


class ChangeFeed:
    """Calls ``on_change(chain, head)`` (from its own thread) when a watched chain grows.

    It polls the heads every ``poll`` seconds; on PostgreSQL a second thread listens
    for the appends' notifications and makes the poller look at once.
    """

    def __init__(
        self, engine: Engine, on_change: Callable[[str, int], None], *, poll: float
    ) -> None:
        self.engine = engine
        self.on_change = on_change
        self.poll = poll
        self._watched: dict[str, int] = {}
        self._lock = threading.Lock()
        self._kick = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def watch(self, chain: str, head: int) -> None:
        """Report growth of ``chain`` beyond ``head`` (a chain already watched keeps its own)."""
        with self._lock:
            self._watched.setdefault(chain, head)
        self._kick.set()

    def start(self) -> None:
        if self._threads:
            return
        self._threads.append(threading.Thread(target=self._poll_loop, name="offramp-feed"))
        if self.engine.dialect.name == "postgresql":
            self._threads.append(threading.Thread(target=self._listen_loop, name="offramp-listen"))
        for t in self._threads:
            t.daemon = True
            t.start()

    def stop(self) -> None:
        self._stop.set()
        self._kick.set()
        for t in self._threads:
            t.join(timeout=5)
        self._threads.clear()

    def _poll_loop(self) -> None:
        while not self._stop.is_set():
            self._kick.wait(self.poll)
            self._kick.clear()
            if self._stop.is_set():
                return
            with self._lock:
                known = dict(self._watched)
            try:
                with self.engine.connect() as conn:
                    now = heads(conn, known)
            except Exception:  # the database went away for a moment: try again next poll
                log.warning("event feed: reading the chain heads failed", exc_info=True)
                continue
            for chain, seq in now.items():
                if seq > known[chain]:
                    with self._lock:
                        self._watched[chain] = max(seq, self._watched.get(chain, 0))
                    try:
                        self.on_change(chain, seq)
                    except Exception:  # one chain's reader failed: keep feeding the others
                        log.warning("event feed: reporting %s failed", chain, exc_info=True)

    def _listen_loop(self) -> None:
        import psycopg

        url = self.engine.url.set(drivername="postgresql")
        dsn = url.render_as_string(hide_password=False)
        while not self._stop.is_set():
            try:
                with psycopg.connect(dsn, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=1.0):
                            self._kick.set()
            except Exception:  # reconnect after a pause; the poller covers the gap
                log.warning("event feed: LISTEN connection lost", exc_info=True)
                self._stop.wait(1.0)
