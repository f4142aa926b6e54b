"""Confidential text at the store's edge: sealed on the way in, opened on the way out.

The repositories call :func:`seal` and :func:`unseal` with their connection; the keys
are the engine's (:func:`use_keyring`, from :mod:`offramp.store.data_key`). There is no
plain-text fallback: a connection whose engine has no keys refuses to write or read
confidential text. What is sealed is :data:`SEALED`; ``data_keys`` lists the ids of the
keys that values in the database may be sealed under, so that a missing or wrong key
is refused at start (:func:`check_keyring`) instead of on some later page.

:func:`reseal` re-encrypts sealed columns under the newest key (``offramp db
rotate-key``: all of them), or from and to plain text (migrations ``0008``, ``0009``, ``0012`` and
``0014``: each its own columns).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Engine,
    String,
    Table,
    Text,
    bindparam,
    cast,
    column,
    delete,
    insert,
    inspect,
    select,
    table,
    update,
)
from sqlalchemy.exc import IntegrityError

from offramp.errors import InputError
from offramp.store.cipher import PREFIX, Keyring, SealBroken
from offramp.store.tables import Time, metadata

data_keys = Table(
    "data_keys",
    metadata,
    Column("key_id", String(32), primary_key=True),
    Column("added_at", Time, nullable=False),
)


@dataclass(frozen=True)
class SealedColumn:
    """One column of confidential text; ``json``: a JSON column holding the sealed
    text of its canonical JSON."""

    table: str
    column: str
    keys: tuple[str, ...] = ("id",)
    json: bool = False

    @property
    def where(self) -> str:
        return f"{self.table}.{self.column}"


AUDIT_PAYLOAD = SealedColumn("audit_events", "payload", keys=("chain", "seq"))

SEALED_0008: tuple[SealedColumn, ...] = (
    SealedColumn("messages", "body"),
    SealedColumn("notes", "title"),
    SealedColumn("notes", "body"),
    SealedColumn("claims", "text"),
    SealedColumn("codings", "data", json=True),
    AUDIT_PAYLOAD,
)
"""What migration ``0008`` seals (frozen: a migration's columns never change): message
bodies, notes, claims (a message's text sent for verification), the parties' private
codings, and the audit payloads, which repeat message bodies and note titles."""

SEALED_0009: tuple[SealedColumn, ...] = (
    SealedColumn("two_factor", "secret", keys=("user_id",)),
    SealedColumn("ledger", "note"),
    SealedColumn("proposals", "title"),
    SealedColumn("proposals", "responses", json=True),
    SealedColumn("claims", "history", json=True),
    SealedColumn("crisis_settings", "note", keys=("case_id",)),
    SealedColumn("crisis_runs", "note"),
    SealedColumn("crisis_runs", "outcome"),
    SealedColumn("crisis_messages", "text"),
    SealedColumn("crisis_journal", "text"),
    SealedColumn("crisis_heartbeats", "what"),
    SealedColumn("crisis_reviews", "data", json=True),
)
"""What migration ``0009`` seals (frozen): the TOTP secrets, the concession ledger's
notes, proposals' titles and the parties' responses (with their notes), the history of
each claim (the verifiers' notes), and the crisis desk's prose: the desk's note, each
run's note and outcome, channel messages, journal entries, what a heartbeat expects,
and the reviews after an incident."""

SEALED_0012: tuple[SealedColumn, ...] = (
    SealedColumn("rounds", "title"),
    SealedColumn("round_answers", "accepted", json=True),
    SealedColumn("precedent_links", "note"),
    SealedColumn("intake_discards", "reason"),
)
"""What migration ``0012`` seals (frozen): a secret round's title and each party's marks
in it, the mediator's note on a precedent linked to an option, and the reason given for
discarding a proposal of the intake. A round answer not yet given stays NULL."""

SEALED_0014: tuple[SealedColumn, ...] = (SealedColumn("users", "password_hash"),)
"""What migration ``0014`` seals (frozen): each user's argon2 password hash, with the
``!`` of a disabled account inside the sealed text. The data key kept outside the
database is the hash's pepper, in the rotatable form of the OWASP Password Storage
Cheat Sheet (encrypt the hash, rather than mix a secret into it): ``rotate-key``
re-seals it without anyone's password."""

SEALED_0016: tuple[SealedColumn, ...] = (SealedColumn("security_keys", "name"),)
"""What migration ``0016`` makes sealed (frozen): the name a user gives a security key.
Its table is new, so the migration has nothing to seal; the repository seals each name."""

SEALED: tuple[SealedColumn, ...] = (
    SEALED_0008 + SEALED_0009 + SEALED_0012 + SEALED_0014 + SEALED_0016
)
"""Every sealed column: what the repositories seal and ``offramp db rotate-key``
re-encrypts."""

_rings: WeakKeyDictionary[Engine, Keyring] = WeakKeyDictionary()


def use_keyring(engine: Engine, ring: Keyring) -> None:
    """Seal and open confidential text through ``engine`` with ``ring``."""
    _rings[engine] = ring


def keyring_of(conn: Connection) -> Keyring:
    ring = _rings.get(conn.engine)
    if ring is None:
        raise SealBroken(
            "no data key is loaded: the desk neither writes nor reads confidential text "
            "without one (see offramp.bootstrap)"
        )
    return ring


def _ring(source: Connection | Keyring) -> Keyring:
    return source if isinstance(source, Keyring) else keyring_of(source)


def seal(source: Connection | Keyring, text: str, where: str) -> str:
    """``text`` sealed for the column ``where`` (``table.column``), with a connection's
    keys or a keyring already looked up (for a loop over rows)."""
    return _ring(source).seal(text, where)


def unseal(source: Connection | Keyring, stored: str, where: str) -> str:
    return _ring(source).open(stored, where)


def canonical_json(data: Any) -> str:
    """``data`` as the JSON text that is sealed: sorted keys, no spaces."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def seal_json(source: Connection | Keyring, data: Any, where: str) -> str:
    return seal(source, canonical_json(data), where)


def unseal_json(source: Connection | Keyring, stored: Any, where: str) -> Any:
    if not isinstance(stored, str):
        raise SealBroken(f"{where}: a stored value is not encrypted (written outside the desk)")
    return json.loads(unseal(source, stored, where))


# -- the keys a database uses ----------------------------------------------------------


def registered(conn: Connection) -> set[str]:
    """Ids of the keys the database's values may be sealed under (none before 0008)."""
    if not inspect(conn).has_table("data_keys"):
        return set()
    return set(conn.execute(select(data_keys.c.key_id)).scalars())


def register(conn: Connection, key: str) -> None:
    """Record that values may be sealed under ``key`` (once; racing starts agree)."""
    if key in registered(conn):
        return
    try:
        with conn.begin_nested():
            conn.execute(insert(data_keys).values(key_id=key, added_at=datetime.now(UTC)))
    except IntegrityError:
        pass  # another process registered it first


def check_keyring(conn: Connection, ring: Keyring) -> None:
    """Refuse ``ring`` unless it holds every key the database uses; register its newest."""
    missing = sorted(registered(conn) - set(ring.ids))
    if missing:
        raise InputError(
            ring.source,
            f"does not hold the data key {', '.join(missing)} that the database's "
            f"confidential text is encrypted with (it holds {', '.join(ring.ids)}): give the "
            "desk its own key with OFFRAMP_DATA_KEY, OFFRAMP_DATA_KEY_FILE or --key-file",
        )
    if inspect(conn).has_table("data_keys"):
        register(conn, ring.current_id)


def no_key(source: str, used: set[str]) -> InputError:
    """The error for a database without keys: where they were looked for, and which."""
    which = f" (its text is encrypted with data key {', '.join(sorted(used))})" if used else ""
    return InputError(
        source,
        f"no data key found{which}: the desk keeps confidential text encrypted with a key "
        "outside the database; set OFFRAMP_DATA_KEY or OFFRAMP_DATA_KEY_FILE, or pass --key-file",
    )


# -- re-encrypting ------------------------------------------------------------------------


def _table_of(spec: SealedColumn) -> tuple[Any, Any]:
    value = column(spec.column, JSON if spec.json else Text)
    return table(spec.table, *(column(k) for k in spec.keys), value), value


def _batches(conn: Connection, spec: SealedColumn, pattern: str, like: bool) -> Iterator[Any]:
    """Rows whose value matches (``like``) or does not match ``pattern``, 500 at a time,
    until none is left (the caller rewrites each batch out of the pattern's reach)."""
    if not inspect(conn).has_table(spec.table):
        return
    tbl, value = _table_of(spec)
    text = cast(value, Text)
    q = select(*(tbl.c[k] for k in spec.keys), value).where(
        text.like(pattern) if like else ~text.like(pattern)
    )
    while rows := conn.execute(q.limit(500)).all():
        yield rows


def reseal(
    conn: Connection, ring: Keyring, *, to: str, columns: Iterable[SealedColumn] = SEALED
) -> int:
    """Rewrite the sealed ``columns`` (default: all); returns how many values changed.

    ``to="sealed"`` seals plain values and re-seals values under older keys with the
    newest key of ``ring``; ``to="plain"`` opens every sealed value (the downgrade).
    """
    if to not in ("sealed", "plain"):
        raise ValueError(f"reseal: to must be 'sealed' or 'plain', not {to!r}")
    changed = 0
    for spec in columns:
        quote = '"' if spec.json else ""
        if to == "plain":
            pattern, like = f"{quote}{PREFIX}%", True
        else:
            pattern, like = f"{quote}{PREFIX}{ring.current_id}:%", False
        tbl, _ = _table_of(spec)
        stmt = (
            update(tbl)
            .where(*(tbl.c[k] == bindparam(f"k_{k}") for k in spec.keys))
            .values({spec.column: bindparam("v_value", type_=JSON if spec.json else Text)})
        )
        for rows in _batches(conn, spec, pattern, like):
            params = [
                {
                    **{f"k_{k}": getattr(r, k) for k in spec.keys},
                    "v_value": _convert(ring, spec, getattr(r, spec.column), to),
                }
                for r in rows
            ]
            conn.execute(stmt, params)
            changed += len(params)
    return changed


def _convert(ring: Keyring, spec: SealedColumn, value: Any, to: str) -> Any:
    """One stored value in the form ``to``, through plain text."""
    where = spec.where
    if isinstance(value, str) and value.startswith(PREFIX):
        text = ring.open(value, where)
        plain: Any = json.loads(text) if spec.json else text
    else:
        plain = value
    if to == "plain":
        return plain
    return ring.seal(canonical_json(plain) if spec.json else plain, where)


def forget_keys_except(conn: Connection, key: str) -> None:
    """After a full re-encryption: only ``key`` is in use."""
    conn.execute(delete(data_keys).where(data_keys.c.key_id != key))


_rewritten: WeakKeyDictionary[Engine, bool] = WeakKeyDictionary()


def mark_rewritten(conn: Connection) -> None:
    """Note that values were re-encrypted through ``conn``: :func:`scrub` them."""
    _rewritten[conn.engine] = True


def scrub(engine: Engine) -> None:
    """After a re-encryption, rewrite a SQLite file so that no page keeps an old value.

    SQLite leaves the bytes of a rewritten value in free pages and in the write-ahead
    log; ``VACUUM`` rebuilds the file from the live rows and a truncating checkpoint
    empties the log. (PostgreSQL keeps old row versions until its own vacuum, but a
    dump holds only live rows.)
    """
    if not _rewritten.pop(engine, False) or engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        db = raw.driver_connection
        assert db is not None
        db.execute("VACUUM")  # outside a transaction: the desk's connections autocommit
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
