"""Re-encrypting a desk: migrations ``0008`` and ``0009`` (their own columns, plain to
sealed and back) and ``offramp db rotate-key`` (every sealed column, older keys to the
newest), each in the caller's transaction.

The audit chain of a case vouches for its messages and notes as stored
(:mod:`offramp.store.audit_cover`), so a re-encryption appends a ``data.reseal`` event
to each case chain that verified before it: the chain then vouches for the new
ciphertext. A chain that did not verify gets no event, and stays visibly broken.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, select

from offramp.store import audit, audit_cover
from offramp.store.cipher import Keyring
from offramp.store.sealed import (
    AUDIT_PAYLOAD,
    SEALED,
    SealedColumn,
    mark_rewritten,
    register,
    reseal,
)
from offramp.store.tables import cases

ACTION = "data.reseal"


@dataclass(frozen=True)
class Resealed:
    """What a re-encryption changed: values rewritten, chains given an event."""

    values: int
    chains: tuple[str, ...]


def reencrypt(
    conn: Connection,
    ring: Keyring,
    *,
    to: str,
    columns: Sequence[SealedColumn] = SEALED,
    now: datetime | None = None,
) -> Resealed:
    """The sealed ``columns`` (default: all) in the form ``to`` (``sealed``: under
    ``ring``'s newest key; ``plain``: opened), and a ``data.reseal`` event in each sound
    case chain if any value changed."""
    slugs = conn.execute(select(cases.c.slug).order_by(cases.c.slug)).scalars().all()
    sound = [s for s in slugs if audit.verify_chain(conn, s).ok]
    values = reseal(conn, ring, to=to, columns=columns)
    if to == "sealed":
        register(conn, ring.current_id)
    if not values:
        return Resealed(0, ())
    mark_rewritten(conn)  # the caller scrubs old bytes from a SQLite file (sealed.scrub)
    audit_cover.reset(conn)  # the rows' ciphertext changed: their sums are recomputed
    at = now or datetime.now(UTC)
    key = ring.current_id if to == "sealed" else None
    for slug in sound:
        audit.append(conn, slug, "system", ACTION, {"key": key}, at)
    if to == "plain" and AUDIT_PAYLOAD in columns:
        reseal(conn, ring, to="plain", columns=(AUDIT_PAYLOAD,))  # the new events were sealed
    return Resealed(values, tuple(sound))
