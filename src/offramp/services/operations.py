"""Running the desk: backups and restores, readiness, who may read the metrics.

:func:`backup` and :func:`restore` work on a database URL before any service exists
(a restore must not migrate the database it is about to replace); after a restore,
:meth:`OperationsService.verify_chains` re-hashes every audit chain.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from offramp.errors import InputError
from offramp.model.access import AdminAction
from offramp.services.access import AccessPolicy, Actor
from offramp.services.audit import AuditService
from offramp.store import backup as copies
from offramp.store.audit import SERVER_CHAIN, VerifyReport, verify_chain
from offramp.store.backup import BackupResult
from offramp.store.engine import make_engine
from offramp.store.status import DatabaseStatus, all_chains, database_status
from offramp.store.uow import UowFactory

__all__ = ["BackupResult", "DatabaseStatus", "OperationsService", "backup", "restore"]


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
