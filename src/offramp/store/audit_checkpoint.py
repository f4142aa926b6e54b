"""Signed checkpoints of every chain's head, kept outside the database (issue 18).

A chain verified alone cannot see its own end cut off with the head rolled back to
match, nor that it was deleted whole. A checkpoint records each chain's head (seq and
hash) at one moment, signed with the server key (:mod:`offramp.store.audit_cover`);
verifying a chain against it shows whether what the checkpoint saw is still there.

    {"kind": "offramp-audit-checkpoint", "taken_at": "...",
     "heads": {"small": {"seq": 12, "hash": "..."}, ...}, "mac": "..."}
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from offramp.store import audit_cover
from offramp.store.audit import VerifyReport, canonical, head
from offramp.store.tables import audit_events, chain_heads

KIND = "offramp-audit-checkpoint"


class CheckpointError(ValueError):
    """The checkpoint cannot be used: no key, not a checkpoint, or not signed by the key."""


def _mac(key: bytes, body: dict[str, Any]) -> str:
    return hmac.new(key, canonical(body).encode("utf-8"), hashlib.sha256).hexdigest()


def _key(conn: Connection) -> bytes:
    key = audit_cover.key_of(conn)
    if key is None:
        raise CheckpointError(
            "there is no audit key: run `offramp serve` once, or set OFFRAMP_AUDIT_KEY"
        )
    return key


def take(conn: Connection, now: datetime) -> dict[str, Any]:
    """Every chain's head, signed with the server key."""
    key = _key(conn)
    rows = conn.execute(select(chain_heads).order_by(chain_heads.c.chain)).all()
    body: dict[str, Any] = {
        "kind": KIND,
        "taken_at": now.astimezone(UTC).isoformat(timespec="seconds"),
        "heads": {r.chain: {"seq": r.seq, "hash": r.hash} for r in rows},
    }
    return {**body, "mac": _mac(key, body)}


def check_signature(conn: Connection, checkpoint: Any) -> dict[str, Any]:
    """The checkpoint's body if it is one and the server key signed it."""
    if not isinstance(checkpoint, dict) or checkpoint.get("kind") != KIND:
        raise CheckpointError("this is not an offramp audit checkpoint")
    body = {k: v for k, v in checkpoint.items() if k != "mac"}
    mac = checkpoint.get("mac")
    if not isinstance(mac, str) or not hmac.compare_digest(_mac(_key(conn), body), mac):
        raise CheckpointError("the checkpoint is not signed by this server's audit key")
    return body


def against(conn: Connection, chain: str, body: dict[str, Any]) -> VerifyReport | None:
    """A failed report if what the checkpoint saw of ``chain`` is gone, else None."""
    seen = body["heads"].get(chain)
    if seen is None:
        return None  # the chain began after the checkpoint
    seq, digest, when = int(seen["seq"]), str(seen["hash"]), body["taken_at"]
    head_seq, _ = head(conn, chain)
    events = conn.execute(
        select(audit_events.c.seq).where(audit_events.c.chain == chain).limit(1)
    ).first()

    def bad(problem: Any, message: str) -> VerifyReport:
        return VerifyReport(chain, 0, head_seq, False, seq, problem, message)

    if events is None and head_seq == 0:
        return bad("deleted", f"the chain is gone, but the checkpoint of {when} saw {seq} events")
    if head_seq < seq:
        return bad(
            "truncated",
            f"the chain ends at event {head_seq}, but the checkpoint of {when} saw event "
            f"{seq}: events were deleted and the head rolled back",
        )
    at = conn.execute(
        select(audit_events.c.hash).where(audit_events.c.chain == chain, audit_events.c.seq == seq)
    ).scalar()
    if at != digest:
        return bad(
            "modified",
            f"event {seq} is not the event the checkpoint of {when} saw: the chain was rewritten",
        )
    return None
