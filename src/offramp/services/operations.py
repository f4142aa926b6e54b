"""Running the desk: backups and restores, readiness, who may read the metrics.

:func:`backup` and :func:`restore` work on a database URL before any service exists
(a restore must not migrate the database it is about to replace); after a restore,
:meth:`OperationsService.verify_chains` re-hashes every audit chain.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from offramp.errors import InputError
from offramp.model.access import AdminAction
from offramp.services.access import AccessPolicy, Actor
from offramp.services.audit import AuditService
from offramp.store import backup as copies
from offramp.store import data_key
from offramp.store.audit import SERVER_CHAIN, VerifyReport, verify_chain
from offramp.store.audit_cover import use_key
from offramp.store.audit_key import load_key
from offramp.store.backup import BackupResult
from offramp.store.cipher import KEY_BYTES, Keyring
from offramp.store.engine import make_engine
from offramp.store.migrations import upgrade
from offramp.store.rekey import reencrypt
from offramp.store.sealed import check_keyring, forget_keys_except, scrub, use_keyring
from offramp.store.status import DatabaseStatus, all_chains, database_status
from offramp.store.uow import UowFactory

__all__ = [
    "BackupResult",
    "DatabaseStatus",
    "OperationsService",
    "Rotation",
    "backup",
    "data_key_source",
    "restore",
    "rotate_key",
]


class OperationsService:
    """What the health, readiness and metrics routes ask of the desk."""

    def __init__(
        self, engine: Engine, uow: UowFactory, policy: AccessPolicy, audit: AuditService
    ) -> None:
        self.engine = engine
        self.uow = uow
        self.policy = policy
        self.audit = audit

    def status(self) -> DatabaseStatus:
        """Whether the database answers and is at the newest migration (never raises)."""
        return database_status(self.engine)

    def require_metrics_reader(self, actor: Actor | None) -> Actor:
        """A server admin, or Unauthenticated/Forbidden (``metrics.read``)."""
        return self.policy.require_admin(actor, AdminAction.METRICS_READ)

    def verify_chains(self) -> list[VerifyReport]:
        """Every chain re-hashed from its first event: each case's, the server's, orphans'."""
        with self.uow() as uow:
            chains = all_chains(uow.conn)
            known = {c for c in chains if c == SERVER_CHAIN or uow.repo.get_case_row(c)}
            orphans = [verify_chain(uow.conn, c) for c in chains if c not in known]
        return sorted([*(self.audit.verify(c) for c in known), *orphans], key=lambda r: r.chain)


def backup(url: str, out: Path) -> BackupResult:
    """Write the database at ``url`` to the file ``out`` (safe while the server runs)."""
    if copies.backend_of(url) == "sqlite":
        return copies.backup_sqlite(url, out)
    return copies.backup_postgres(url, out)


def restore(url: str, file: Path, *, force: bool = False) -> None:
    """Replace the database at ``url`` with the backup ``file``.

    Refused if the database holds any data (rows outside the migrations' bookkeeping)
    unless ``force``; refused if the file is the other backend's backup.
    """
    backend = copies.backend_of(url)
    kind = copies.kind_of_file(file)
    if kind != backend:
        raise InputError(
            str(file), f"is a {_NAMES[kind]} backup; restore it into a {_NAMES[kind]} database"
        )
    rows = _rows_in(url, backend)
    if rows and not force:
        raise InputError(
            "--db",
            f"the database is not empty ({rows} rows); restoring replaces all of it: "
            "pass --force to do so",
        )
    if backend == "sqlite":
        copies.restore_sqlite(url, file)
    else:
        copies.restore_postgres(url, file)


_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def data_key_source(url: str, key_file: str | Path | None = None) -> str:
    """Where the data key of the database at ``url`` is read from (for messages)."""
    return data_key.source_name(url, key_file)


@dataclass(frozen=True)
class Rotation:
    """What ``rotate-key`` did: the key now in use, the keys retired, values rewritten,
    case chains given a ``data.reseal`` event, and where the keys are kept."""

    key: str
    retired: tuple[str, ...]
    values: int
    chains: tuple[str, ...]
    source: str
    file_updated: bool


def rotate_key(url: str, key_file: str | Path | None = None) -> Rotation:
    """Re-encrypt the desk at ``url`` under a new data key (run it with the server stopped).

    With a key file holding one key, a new key is written in front of it (the old one
    still opens what is not re-encrypted yet), every value is re-encrypted in one
    transaction, and the old key is removed from the file. A file or
    ``OFFRAMP_DATA_KEY`` that already holds several keys finishes an interrupted
    rotation: everything is re-encrypted under the first one. ``OFFRAMP_DATA_KEY``
    with one key is refused: the operator puts the new key first.
    """
    ring = data_key.desk_keyring(url, key_file, create=False)
    if len(ring.keys) == 1:
        path = ring.path
        if path is None:
            raise InputError(
                ring.source,
                "holds one key: to rotate, put a new key first (OFFRAMP_DATA_KEY=NEW,OLD, "
                f"{2 * KEY_BYTES} hex digits each), run rotate-key, then keep only NEW",
            )
        ring = Keyring((secrets.token_bytes(KEY_BYTES), *ring.keys), ring.source, path)
        data_key.write_keys(path, ring.keys)  # written before any value uses it
    engine = make_engine(url, pool_size=1)
    try:
        use_keyring(engine, ring)
        use_key(engine, load_key(url)[0])
        upgrade(engine)  # a database from before 0008 is sealed under the new key
        with engine.begin() as conn:
            check_keyring(conn, ring)
            done = reencrypt(conn, ring, to="sealed")
            forget_keys_except(conn, ring.current_id)
        scrub(engine)  # no value under the old key left in a SQLite file's free pages
    finally:
        engine.dispose()
    if ring.path is not None:
        data_key.write_keys(ring.path, ring.keys[:1])
    return Rotation(
        ring.current_id, ring.ids[1:], done.values, done.chains, ring.source, ring.path is not None
    )


def _rows_in(url: str, backend: str) -> int:
    if backend == "sqlite" and not copies.sqlite_path(url).exists():
        return 0
    engine = make_engine(url, pool_size=1)
    try:
        return copies.data_rows(engine)
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise InputError("--db", f"cannot read the database: {first}") from None
    finally:
        engine.dispose()
