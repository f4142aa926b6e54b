"""The audit log: every write is an event in a hash chain, one chain per case.

Event ``n`` of a chain stores ``hash = sha256(canonical JSON of (seq, case, actor,
action, payload, at, prev_hash))`` where ``prev_hash`` is the hash of event ``n - 1``
(64 zeros for the first). The chain's head (last seq and hash) is kept in
``chain_heads`` and locked while appending, so events of a case are strictly ordered.

:func:`verify_chain` recomputes every hash and says which event is the first bad one
and how: *modified* (its content no longer matches its hash), *deleted* (a sequence
number is missing, or the head is ahead of the last event) or *reordered* (an event's
hash matches a different position than the one it sits at). :func:`verify_from`
checks only what was appended since a verified checkpoint.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Connection, func, insert, literal, select, update

from offramp.store import audit_cover
from offramp.store.cipher import Keyring, SealBroken, is_sealed
from offramp.store.sealed import keyring_of
from offramp.store.tables import audit_events, cases, chain_heads

GENESIS = "0" * 64
SERVER_CHAIN = "_server"


def canonical(obj: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(
    seq: int, chain: str, actor: str, action: str, payload: str, at: str, prev_hash: str
) -> str:
    """The hash of one event; ``payload`` is the stored canonical JSON text."""
    body = {
        "seq": seq,
        "case": chain,
        "actor": actor,
        "action": action,
        "payload": json.loads(payload),
        "at": at,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditEvent:
    chain: str
    seq: int
    actor: str
    action: str
    payload: dict[str, Any]
    at: datetime
    prev_hash: str
    hash: str


def ensure_chain(conn: Connection, chain: str) -> None:
    """Create the chain's head if it does not exist yet (safe under concurrency)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(chain_heads).on_conflict_do_nothing()
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(chain_heads).on_conflict_do_nothing()
    conn.execute(stmt.values(chain=chain, seq=0, hash=GENESIS))


def _locked_head(conn: Connection, chain: str) -> tuple[int, str] | None:
    """The chain's last seq and hash, its head row locked; None if it has no head yet."""
    q = select(chain_heads.c.seq, chain_heads.c.hash).where(chain_heads.c.chain == chain)
    row = conn.execute(q.with_for_update()).first()
    return (row.seq, row.hash) if row else None


def head(conn: Connection, chain: str, *, lock: bool = False) -> tuple[int, str]:
    """The last seq and hash of the chain, ``(0, GENESIS)`` if it is empty."""
    q = select(chain_heads.c.seq, chain_heads.c.hash).where(chain_heads.c.chain == chain)
    if lock:
        q = q.with_for_update()
    row = conn.execute(q).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def append(
    conn: Connection,
    chain: str,
    actor: str,
    action: str,
    payload: dict[str, Any],
    now: datetime,
) -> AuditEvent:
    """Append one event to ``chain``, stamped ``now``, inside the caller's transaction.

    The chain's head stays locked from here until the transaction ends, so every other
    writer of the case waits for it: what can be read before (the case's row id) is,
    and PostgreSQL's wake-up rides on the head's own update (one round trip less each).
    """
    case_id = audit_cover.case_of(conn, chain)
    locked = _locked_head(conn, chain)
    if locked is None:  # the chain's first event
        ensure_chain(conn, chain)
        locked = _locked_head(conn, chain)
    assert locked is not None
    seq, prev = locked
    seq += 1
    now = now.astimezone(UTC)
    at = now.isoformat(timespec="microseconds")
    body = canonical(payload)
    digest = event_hash(seq, chain, actor, action, body, at, prev)
    covered = audit_cover.content_digests(conn, case_id)
    content = canonical(covered) if covered is not None else None
    key = audit_cover.key_of(conn)
    conn.execute(
        insert(audit_events).values(
            chain=chain,
            seq=seq,
            actor=actor,
            action=action,
            payload=keyring_of(conn).seal(body, PAYLOAD),
            at=at,
            prev_hash=prev,
            hash=digest,
            content=content,
            mac=audit_cover.sign(key, digest, content) if key is not None else None,
        )
    )
    moved = update(chain_heads).where(chain_heads.c.chain == chain).values(seq=seq, hash=digest)
    if conn.dialect.name == "postgresql":  # wakes other processes' event streams at commit
        moved = moved.returning(func.pg_notify(literal(NOTIFY_CHANNEL), chain_heads.c.chain))
    conn.execute(moved)
    return AuditEvent(chain, seq, actor, action, payload, now, prev, digest)


NOTIFY_CHANNEL = "offramp_audit"  # LISTENed to by the event streams (store/events.py)
PAYLOAD = "audit_events.payload"  # sealed: payloads repeat message bodies and note titles


def payload_text(ring: Keyring, stored: str) -> str:
    """The canonical JSON an event was hashed over (sealed since migration 0008, plain
    before; the hash vouches for either). For a value that does not open, a JSON string
    no event hashes to, so that verifying reports the event modified."""
    if not is_sealed(stored):
        return stored
    try:
        return ring.open(stored, PAYLOAD)
    except SealBroken:
        return canonical("\u2400 unreadable")


def events(conn: Connection, chain: str, *, after: int = 0, limit: int = 1000) -> list[AuditEvent]:
    """Events of the chain in sequence order."""
    ring = keyring_of(conn)
    rows = conn.execute(
        select(audit_events)
        .where(audit_events.c.chain == chain, audit_events.c.seq > after)
        .order_by(audit_events.c.seq)
        .limit(limit)
    ).all()
    return [
        AuditEvent(
            r.chain,
            r.seq,
            r.actor,
            r.action,
            json.loads(ring.open(r.payload, PAYLOAD)),
            datetime.fromisoformat(r.at),
            r.prev_hash,
            r.hash,
        )
        for r in rows
    ]


Problem = Literal["modified", "deleted", "reordered", "forged", "content", "truncated"]


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of checking a chain. ``bad_seq`` is the first bad position."""

    chain: str
    events: int
    head_seq: int
    ok: bool
    bad_seq: int | None = None
    problem: Problem | None = None
    message: str = ""


def verify_from(conn: Connection, chain: str, checkpoint: tuple[int, str]) -> VerifyReport:
    """Verify only the events after a checkpoint ``(seq, hash)`` verified before.

    The checkpoint event itself is re-hashed (it must still be there, unchanged), then
    every later event is checked against its predecessor and the head. Anything out
    of place falls back to :func:`verify_chain`, which names the first bad event. What
    this does not see is a change *before* the checkpoint: that needs the full check.
    """
    seq, digest = checkpoint
    if seq <= 0:
        return verify_chain(conn, chain)
    rows = conn.execute(
        select(audit_events)
        .where(audit_events.c.chain == chain, audit_events.c.seq >= seq)
        .order_by(audit_events.c.seq)
    ).all()
    head_seq, head_hash = head(conn, chain)
    prev, expected = None, seq
    ring = keyring_of(conn)
    for r in rows:
        text = payload_text(ring, r.payload)
        ok = (
            r.seq == expected
            and (prev is None or r.prev_hash == prev)
            and event_hash(r.seq, chain, r.actor, r.action, text, r.at, r.prev_hash) == r.hash
            and (prev is not None or r.hash == digest)
        )
        if not ok:
            return verify_chain(conn, chain)
        prev, expected = r.hash, expected + 1
    last = expected - 1
    if prev is None or head_seq != last or head_hash != prev:
        return verify_chain(conn, chain)
    if _cover_problem(conn, chain, rows, len(rows)) is not None:
        return verify_chain(conn, chain)
    new = last - seq
    return VerifyReport(
        chain, last, head_seq, True, message=f"{last} events verified ({new} since the last check)"
    )


def verify_chain(conn: Connection, chain: str) -> VerifyReport:
    """Recompute the chain and report the first modified, deleted or reordered event."""
    rows = conn.execute(
        select(audit_events).where(audit_events.c.chain == chain).order_by(audit_events.c.seq)
    ).all()
    head_seq, head_hash = head(conn, chain)
    n = len(rows)
    top = max([head_seq, n, *(r.seq for r in rows)], default=0) + 1
    ring = keyring_of(conn)
    texts = {r.seq: payload_text(ring, r.payload) for r in rows}

    def h(r: Any, seq: int, prev: str) -> str:
        return event_hash(seq, chain, r.actor, r.action, texts[r.seq], r.at, prev)

    def bad(seq: int, problem: Problem, message: str) -> VerifyReport:
        return VerifyReport(chain, n, head_seq, False, seq, problem, message)

    prev_hash = GENESIS
    expected = 1
    for r in rows:
        if r.seq == expected and r.prev_hash == prev_hash and h(r, r.seq, r.prev_hash) == r.hash:
            prev_hash, expected = r.hash, expected + 1
            continue
        # where does this event's content really belong?
        origin = next((s for s in range(1, top + 1) if h(r, s, r.prev_hash) == r.hash), None)
        if origin is None:
            return bad(r.seq, "modified", f"event {r.seq} was modified: its hash does not match")
        if origin != r.seq:
            return bad(
                r.seq, "reordered", f"event {r.seq} was reordered: it was written as event {origin}"
            )
        if r.seq > expected or r.prev_hash != prev_hash:
            if r.seq > expected:
                return bad(expected, "deleted", f"event {expected} was deleted")
            if any(o.hash == r.prev_hash for o in rows):
                return bad(r.seq, "reordered", f"event {r.seq} follows the wrong event")
            return bad(expected, "deleted", f"event {expected} was deleted or replaced")
        return bad(r.seq, "modified", f"event {r.seq} was modified")
    if head_seq >= expected:
        return bad(expected, "deleted", f"event {expected} was deleted (the head is at {head_seq})")
    if n and head_hash != prev_hash:
        return bad(n, "modified", f"event {n} does not match the chain head")
    if n == 0 and conn.execute(select(cases.c.id).where(cases.c.slug == chain)).first():
        return bad(1, "deleted", "the case has no audit events: its chain was deleted")
    found = _cover_problem(conn, chain, rows, n)
    if found is not None:
        return bad(*found)
    return VerifyReport(chain, n, head_seq, True, message=f"{n} events verified")


def _cover_problem(
    conn: Connection, chain: str, rows: Any, n: int
) -> tuple[int, Problem, str] | None:
    """Signatures (with the server key) and the content digest of the last event."""
    key = audit_cover.key_of(conn)
    for r in rows if key is not None else ():
        assert key is not None
        if r.mac is None:
            return (
                r.seq,
                "forged",
                f"event {r.seq} is not signed by the server key: "
                "it was written or rewritten without it",
            )
        if not audit_cover.signed_by(key, r.hash, r.content, r.mac):
            return (
                r.seq,
                "forged",
                f"event {r.seq} does not carry the server key's signature: "
                "it was rewritten or forged",
            )
    last = rows[-1] if n else None
    if last is not None and last.content is not None:
        changed = audit_cover.changed_tables(conn, chain, last.content)
        if changed:
            return (
                last.seq,
                "content",
                f"the case's {', '.join(changed)} no longer match event {last.seq}, "
                "the last write the chain recorded: rows were edited, added or deleted "
                "outside the desk",
            )
    return None


def adopt(conn: Connection, key: bytes) -> int:
    """Sign the events written before the server had a key (when its key is made).

    Only chains that verify are signed, so a chain already broken stays visibly
    broken. Returns how many events were signed.
    """
    signed = 0
    for name in conn.execute(select(chain_heads.c.chain)).scalars().all():
        if not verify_chain(conn, name).ok:
            continue
        rows = conn.execute(
            select(audit_events.c.seq, audit_events.c.hash, audit_events.c.content).where(
                audit_events.c.chain == name, audit_events.c.mac.is_(None)
            )
        ).all()
        for r in rows:
            conn.execute(
                update(audit_events)
                .where(audit_events.c.chain == name, audit_events.c.seq == r.seq)
                .values(mac=audit_cover.sign(key, r.hash, r.content))
            )
        signed += len(rows)
    return signed
