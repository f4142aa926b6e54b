"""What an audit event vouches for beyond itself (issue 18): content and the server key.

- **Content.** Each event of a case's chain stores ``content``: a digest of each table
  of rows the events describe (the case's messages, notes, statements and positions),
  as they are once the event's transaction is written. Verifying compares the last
  event's digests with the rows as they are now, so a row edited, added or deleted
  outside the desk (SQL on the database file) is caught, naming its table.
- **Key.** With a server key (:func:`use_key`, from a file outside the database; see
  :mod:`offramp.store.audit_key`), each event also stores ``mac``, an HMAC-SHA256 of its
  hash and content. Rewriting events and recomputing their hashes, or appending a
  forged one, then needs the key, which the database does not hold. Events written
  before a key existed carry no ``mac``; once one event is signed, every later one
  must be.

Digests cost one aggregate query per table for the case per write (measured in
``benchmarks/audit_cover.py``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from functools import cache
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, Table, Text, bindparam, cast, func, literal, select

from offramp.store import tables as t

COVERED: tuple[Table, ...] = (t.messages, t.notes, t.statements, t.positions)
_keys: WeakKeyDictionary[Engine, bytes] = WeakKeyDictionary()


def use_key(engine: Engine, key: bytes | None) -> None:
    """Sign every event appended through ``engine`` with ``key`` (None: do not sign)."""
    if key is None:
        _keys.pop(engine, None)
    else:
        _keys[engine] = key


def key_of(conn: Connection) -> bytes | None:
    return _keys.get(conn.engine)


def sign(key: bytes, digest: str, content: str | None) -> str:
    """The event's signature: HMAC-SHA256 of its hash and its content text."""
    return hmac.new(key, f"{digest}\n{content or ''}".encode(), hashlib.sha256).hexdigest()


def signed_by(key: bytes, digest: str, content: str | None, mac: str) -> bool:
    return hmac.compare_digest(sign(key, digest, content), mac)


def _row_text(table: Table) -> Any:
    """One row as text, every column cast and NULL marked, in the database itself."""
    parts = [func.coalesce(cast(c, Text), "\u2400") for c in table.columns]  # NULL: ␀
    out: Any = parts[0]
    for p in parts[1:]:
        out = out.op("||")("\x1f").op("||")(p)
    return out


@cache
def _digest_query(table: Table, dialect: str) -> Any:
    """The query that concatenates a case's rows of ``table`` in id order (built once per
    table: building it costs more than the database takes to run it)."""
    line = _row_text(table)
    case_id: Any = bindparam("case_id")
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import aggregate_order_by

        sep = aggregate_order_by(literal("\n", Text), table.c.id)  # string_agg(x, sep ORDER BY id)
        return select(func.string_agg(line, sep)).where(table.c.case_id == case_id)
    # SQLite keeps a subquery's order in group_concat
    rows = select(line.label("line")).where(table.c.case_id == case_id).order_by(table.c.id)
    return select(func.group_concat(rows.subquery().c.line, "\n"))


def _table_digest(conn: Connection, table: Table, case_id: int) -> str:
    """sha256 of the case's rows of ``table`` in id order, concatenated by the database
    (one string back, no per-row Python: 10,000 messages in a few milliseconds)."""
    query = _digest_query(table, conn.dialect.name)
    text = conn.execute(query, {"case_id": case_id}).scalar() or ""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_digests(conn: Connection, chain: str) -> dict[str, str] | None:
    """The digest of each covered table for the case ``chain`` (None if it is no case)."""
    case_id = conn.execute(select(t.cases.c.id).where(t.cases.c.slug == chain)).scalar()
    if case_id is None:
        return None
    return {table.name: _table_digest(conn, table, case_id) for table in COVERED}


def changed_tables(conn: Connection, chain: str, content: str) -> list[str]:
    """The covered tables whose rows differ from an event's ``content``."""
    recorded = json.loads(content)
    now = content_digests(conn, chain) or {}
    return [name for name, digest in now.items() if recorded.get(name) != digest]
