"""Re-encrypting a whole desk: migration ``0008`` (plain to sealed, and back) and
``offramp db rotate-key`` (older keys to the newest), each in the caller's transaction.

The audit chain of a case vouches for its messages and notes as stored
(:mod:`offramp.store.audit_cover`), so a re-encryption appends a ``data.reseal`` event
to each case chain that verified before it: the chain then vouches for the new
ciphertext. A chain that did not verify gets no event, and stays visibly broken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, select

from offramp.store import audit
from offramp.store.cipher import Keyring
from offramp.store.sealed import mark_rewritten, register, reseal
from offramp.store.tables import cases

ACTION = "data.reseal"


@dataclass(frozen=True)
class Resealed:
    """What a re-encryption changed: values rewritten, chains given an event."""

    values: int
    chains: tuple[str, ...]


def reencrypt(conn: Connection, ring: Keyring, *, to: str, now: datetime | None = None) -> Resealed:
    """Every sealed column in the form ``to`` (``sealed``: under ``ring``'s newest key;
    ``plain``: opened), and a ``data.reseal`` event in each sound case chain."""
    slugs = conn.execute(select(cases.c.slug).order_by(cases.c.slug)).scalars().all()
    sound = [s for s in slugs if audit.verify_chain(conn, s).ok]
    values = reseal(conn, ring, to=to)
    if to == "sealed":
        register(conn, ring.current_id)
    if not values:
        return Resealed(0, ())
    mark_rewritten(conn)  # the caller scrubs old bytes from a SQLite file (sealed.scrub)
    at = now or datetime.now(UTC)
    key = ring.current_id if to == "sealed" else None
    for slug in sound:
        audit.append(conn, slug, "system", ACTION, {"key": key}, at)
    if to == "plain":
        reseal(conn, ring, to="plain")  # the events just appended were sealed
    return Resealed(values, tuple(sound))
