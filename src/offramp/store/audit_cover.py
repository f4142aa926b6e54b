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

A table's digest is a homomorphic multiset hash, LtHash (Bellare and Micciancio,
"A New Paradigm for Collision-free Hashing", EUROCRYPT 1997; parameters of Lewi, Kim,
Maykov and Weis, "Securing Update Propagation with Homomorphic Hashing", 2019): each row
hashes to 1024 lanes of 16 bits (SHAKE-256 of the row's text) and a table's hash is the
lane-wise sum modulo 2^16 over its rows. A write adds the hashes of the rows it writes
and subtracts those of the rows it replaces (:func:`added`, :func:`removing`), so an
append costs what the write changed, not the size of the case; the sums are kept per
case and table in ``content_sums`` and settled, under the chain's lock, when the event
is appended. Only writes through the desk move the sums: rows changed behind its back
stay visibly out of step with every later event, not only with the next one. Events
written before migration 0010 carry the older digest (SHA-256 of the rows in id order),
still verified as such. Costs are measured in ``benchmarks/audit_cover.py``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from functools import cache
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    ForeignKey,
    LargeBinary,
    String,
    Table,
    Text,
    bindparam,
    cast,
    delete,
    func,
    inspect,
    literal,
    select,
    update,
)

from offramp.store import tables as t

COVERED: tuple[Table, ...] = (t.messages, t.notes, t.statements, t.positions)
_BY_NAME = {table.name: table for table in COVERED}
LANES = 1024
SCHEME = "lt1:"  # a digest of the lattice sum; older events' digests have no prefix

content_sums = Table(
    "content_sums",
    t.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("tbl", String(40), primary_key=True),
    Column("lanes", LargeBinary, nullable=False),
)

Lanes = np.ndarray[Any, np.dtype[np.uint16]]
_keys: WeakKeyDictionary[Engine, bytes] = WeakKeyDictionary()
# per connection, per case: the change to each table's sum, or None (recompute it whole)
_pending: WeakKeyDictionary[Connection, dict[int, dict[str, Lanes | None]]] = WeakKeyDictionary()
_migrating: WeakKeyDictionary[Connection, bool] = WeakKeyDictionary()


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


# -- a row as the database holds it ------------------------------------------------------


def _row_text(table: Table) -> Any:
    """One row as text, every column cast and NULL marked, in the database itself."""
    parts = [func.coalesce(cast(c, Text), "\u2400") for c in table.columns]  # NULL: ␀
    out: Any = parts[0]
    for p in parts[1:]:
        out = out.op("||")("\x1f").op("||")(p)
    return out


@cache
def _rows_query(table: Table, some: bool) -> Any:
    """The texts of a case's rows of ``table``: all of them, or those of ``ids``."""
    q = select(_row_text(table)).where(table.c.case_id == bindparam("case_id"))
    if some:
        q = q.where(table.c.id.in_(bindparam("ids", expanding=True)))
    return q


def _lanes(texts: Iterable[str]) -> Lanes:
    """The lane-wise sum modulo 2^16 of the rows' hashes."""
    total = np.zeros(LANES, dtype=np.uint64)
    batch: list[bytes] = []

    def fold() -> None:
        nonlocal total
        if batch:
            rows = np.frombuffer(b"".join(batch), dtype="<u2").reshape(len(batch), LANES)
            total += rows.sum(axis=0, dtype=np.uint64)
            batch.clear()

    for text in texts:
        batch.append(hashlib.shake_256(text.encode("utf-8")).digest(2 * LANES))
        if len(batch) == 4096:
            fold()
    fold()
    return (total % 65536).astype(np.uint16)


def _whole(conn: Connection, table: Table, case_id: int) -> Lanes:
    return _lanes(conn.execute(_rows_query(table, False), {"case_id": case_id}).scalars())


def _digest(lanes: Lanes) -> str:
    return SCHEME + hashlib.sha256(lanes.astype("<u2").tobytes()).hexdigest()


# -- what a write changes ----------------------------------------------------------------


def _change(conn: Connection, case_id: int) -> dict[str, Lanes | None]:
    return _pending.setdefault(conn, {}).setdefault(case_id, {})


def _shift(conn: Connection, table: Table, case_id: int, by: Lanes, *, sign: int) -> None:
    change = _change(conn, case_id)
    if table.name in change and change[table.name] is None:
        return  # recomputed whole at settling
    now = change.get(table.name)
    base = now if now is not None else np.zeros(LANES, dtype=np.uint16)
    change[table.name] = base + by if sign > 0 else base - by  # uint16: modulo 2^16


def added(conn: Connection, table: Table, case_id: int, ids: Iterable[int]) -> None:
    """Count the rows ``ids`` of the case, as they are now written, into its sum."""
    if table.name not in _BY_NAME or not (ids := list(ids)):
        return  # not covered, or nothing written
    texts = conn.execute(_rows_query(table, True), {"case_id": case_id, "ids": ids}).scalars()
    _shift(conn, table, case_id, _lanes(texts), sign=1)


def removing(conn: Connection, table: Table, case_id: int, *where: Any) -> list[int]:
    """Take the case's rows matching ``where`` out of its sum, before they are rewritten
    or deleted; returns their ids (locked until the transaction ends, so that the text
    taken out is the text that is replaced)."""
    if table.name not in _BY_NAME:
        return []
    q = select(table.c.id, _row_text(table)).where(table.c.case_id == case_id, *where)
    rows = conn.execute(q.with_for_update()).all()
    _shift(conn, table, case_id, _lanes(r[1] for r in rows), sign=-1)
    return [r[0] for r in rows]


def rewrite(conn: Connection, table: Table, case_id: int, *where: Any, **values: Any) -> int:
    """Update the case's rows of ``table`` matching ``where`` to ``values``, keeping its
    sum in step; how many rows changed."""
    ids = removing(conn, table, case_id, *where)
    res = conn.execute(update(table).where(table.c.case_id == case_id, *where).values(**values))
    added(conn, table, case_id, ids)
    return int(res.rowcount)


def delete_rows(conn: Connection, table: Table, case_id: int, *where: Any) -> int:
    """Delete the case's rows of ``table`` matching ``where``, out of its sum."""
    removing(conn, table, case_id, *where)
    return int(conn.execute(delete(table).where(table.c.case_id == case_id, *where)).rowcount)


def forget(conn: Connection, table: Table, case_id: int) -> None:
    """Recompute the case's sum of ``table`` whole when it is settled (after bulk writes)."""
    _change(conn, case_id)[table.name] = None


def reset(conn: Connection) -> None:
    """Recompute every stored sum whole at the next event (after a rewrite of every row,
    such as re-encryption: :mod:`offramp.store.rekey`)."""
    discard(conn)
    if inspect(conn).has_table(content_sums.name):
        conn.execute(delete(content_sums))


def discard(conn: Connection) -> None:
    """Drop what ``conn`` had not settled (its transaction ended)."""
    _pending.pop(conn, None)


# -- settling, under the chain's lock ---------------------------------------------------


def _settle(conn: Connection, case_id: int, names: Iterable[str]) -> dict[str, Lanes]:
    """Add the connection's changes for the case into the stored sums of ``names`` and
    return them; a sum not stored yet is computed whole (that includes the changes)."""
    change = _pending.get(conn, {}).pop(case_id, {})
    names = sorted(names)
    rows = conn.execute(
        select(content_sums.c.tbl, content_sums.c.lanes)
        .where(content_sums.c.case_id == case_id, content_sums.c.tbl.in_(names))
        .with_for_update()
    ).all()
    stored = {r.tbl: np.frombuffer(r.lanes, dtype="<u2").astype(np.uint16) for r in rows}
    out: dict[str, Lanes] = {}
    for name in names:
        table, delta = _BY_NAME[name], change.get(name)
        if name in stored:
            whole = name in change and delta is None
            lanes = _whole(conn, table, case_id) if whole else stored[name]
            if delta is not None:
                lanes = lanes + delta
            if whole or delta is not None:
                _store(conn, case_id, name, lanes, update_only=True)
        else:
            lanes = _whole(conn, table, case_id)
            if not _store(conn, case_id, name, lanes, update_only=False):
                # another transaction stored it first: our rows were not in its sum
                (now,) = conn.execute(
                    select(content_sums.c.lanes)
                    .where(content_sums.c.case_id == case_id, content_sums.c.tbl == name)
                    .with_for_update()
                ).one()
                lanes = np.frombuffer(now, dtype="<u2").astype(np.uint16)
                if delta is not None:
                    lanes = lanes + delta
                _store(conn, case_id, name, lanes, update_only=True)
        out[name] = lanes
    return out


def _store(conn: Connection, case_id: int, name: str, lanes: Lanes, *, update_only: bool) -> bool:
    """Write a sum; inserting, False if a row for it exists already."""
    data = lanes.astype("<u2").tobytes()
    if update_only:
        conn.execute(
            update(content_sums)
            .where(content_sums.c.case_id == case_id, content_sums.c.tbl == name)
            .values(lanes=data)
        )
        return True
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(content_sums).on_conflict_do_nothing()
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(content_sums).on_conflict_do_nothing()
    res = conn.execute(stmt.values(case_id=case_id, tbl=name, lanes=data))
    return bool(res.rowcount == 1)


def settle(conn: Connection) -> None:
    """Settle every change ``conn`` has not settled yet (before its transaction commits:
    a write with no event of its own still moves the sums)."""
    for case_id in list(_pending.get(conn, {})):
        names = list(_pending[conn][case_id])
        if names:
            _settle(conn, case_id, names)
    discard(conn)


def migrating(conn: Connection) -> None:
    """Mark ``conn`` as a migration's: its events digest the tables whole, in the scheme
    before 0010, since ``content_sums`` may not exist in the schema it is at."""
    _migrating[conn] = True


def case_of(conn: Connection, chain: str) -> int | None:
    """The row id of the case whose audit chain is ``chain`` (None: a chain of no case)."""
    found: int | None = conn.execute(select(t.cases.c.id).where(t.cases.c.slug == chain)).scalar()
    return found


def content_digests(conn: Connection, case_id: int | None) -> dict[str, str] | None:
    """The digest of each covered table of the case ``case_id`` (None for a chain of no
    case), with this connection's changes settled into the stored sums."""
    if case_id is None:
        return None
    if conn in _migrating:
        return {table.name: _recomputed(conn, table, case_id, "") for table in COVERED}
    sums = _settle(conn, case_id, _BY_NAME)
    return {table.name: _digest(sums[table.name]) for table in COVERED}


# -- verifying ---------------------------------------------------------------------------


@cache
def _legacy_query(table: Table, dialect: str) -> Any:
    """The digest query of events before 0010: the case's rows concatenated in id order."""
    line = _row_text(table)
    case_id: Any = bindparam("case_id")
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import aggregate_order_by

        sep = aggregate_order_by(literal("\n", Text), table.c.id)  # string_agg(x, sep ORDER BY id)
        return select(func.string_agg(line, sep)).where(table.c.case_id == case_id)
    # SQLite keeps a subquery's order in group_concat
    rows = select(line.label("line")).where(table.c.case_id == case_id).order_by(table.c.id)
    return select(func.group_concat(rows.subquery().c.line, "\n"))


def _recomputed(conn: Connection, table: Table, case_id: int, recorded: str) -> str:
    """The table's digest from its rows as they are now, in the scheme of ``recorded``."""
    if recorded.startswith(SCHEME):
        return _digest(_whole(conn, table, case_id))
    query = _legacy_query(table, conn.dialect.name)
    text = conn.execute(query, {"case_id": case_id}).scalar() or ""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def changed_tables(conn: Connection, chain: str, content: str) -> list[str]:
    """The covered tables whose rows differ from an event's ``content`` (recomputed from
    every row, never from the stored sums)."""
    recorded: dict[str, str] = json.loads(content)
    case_id = conn.execute(select(t.cases.c.id).where(t.cases.c.slug == chain)).scalar()
    if case_id is None:
        return []
    return [
        table.name
        for table in COVERED
        if recorded.get(table.name)
        != _recomputed(conn, table, case_id, recorded.get(table.name, ""))
    ]
