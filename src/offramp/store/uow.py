"""The unit of work: one connection and transaction; nothing persists without commit.

    with uow_factory(engine, clock, records)(write=True) as uow:
        uow.repo.add_message(...)
        uow.audit(case_slug, actor, "message.post", {...})
        uow.commit()

Leaving the block without ``commit()`` rolls back. An ``IntegrityError`` escaping the
block becomes :class:`offramp.errors.Conflict`, a ``DataError`` (a value the database
cannot hold) :class:`offramp.errors.InputError`: the store's edge translation.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DataError, IntegrityError

from offramp.errors import Conflict, InputError
from offramp.model.deadlines import Clock
from offramp.store import audit as audit_log
from offramp.store import audit_cover
from offramp.store.crisis_repository import CrisisRecords, CrisisRepository
from offramp.store.engine import WRITE_OPTION, writer_lock
from offramp.store.precedent_repository import PrecedentRepository
from offramp.store.repository import Repository
from offramp.store.rounds_repository import RoundsRepository
from offramp.store.writer_queue import WriterQueue


class UnitOfWork:
    """A transaction on ``engine``; ``write=True`` takes SQLite's write lock up front.

    ``repo`` holds the desk's rows, ``crisis`` the crisis desk's (its records turned
    into data and back by ``records``); the rows and the audit chain are stamped with
    ``clock``'s time (the composition root's one clock).
    """

    conn: Connection
    repo: Repository
    crisis: CrisisRepository
    rounds: RoundsRepository
    precedents: PrecedentRepository
    _lock: WriterQueue | None = None

    def __init__(
        self, engine: Engine, clock: Clock, records: CrisisRecords, *, write: bool = False
    ) -> None:
        self._engine = engine
        self.clock = clock
        self._records = records
        self._write = write
        self._committed = False

    def __enter__(self) -> UnitOfWork:
        self._lock = writer_lock(self._engine) if self._write else None
        if self._lock is not None:
            self._lock.acquire()
        try:
            conn = self._engine.connect()
        except BaseException:
            self._release()
            raise
        if self._write:
            conn = conn.execution_options(**{WRITE_OPTION: True})
        self.conn = conn
        audit_cover.discard(conn)
        self._tx = conn.begin()
        self.repo = Repository(conn, self.clock)
        self.crisis = CrisisRepository(conn, self._records)
        self.rounds = RoundsRepository(conn)
        self.precedents = PrecedentRepository(conn)
        self._committed = False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._committed and self._tx.is_active:
                self._tx.rollback()
        finally:
            audit_cover.discard(self.conn)
            self.conn.close()
            self._release()
        if isinstance(exc, IntegrityError):
            raise Conflict(_integrity_message(exc)) from None
        if isinstance(exc, DataError):
            raise InputError(
                "request", "a value cannot be stored (too large, or a NUL byte)"
            ) from None

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def commit(self) -> None:
        audit_cover.settle(self.conn)  # a write with no event still moves the content sums
        try:
            self._tx.commit()
        except IntegrityError as exc:
            raise Conflict(_integrity_message(exc)) from None
        self._committed = True

    def rollback(self) -> None:
        self._tx.rollback()

    def audit(
        self, chain: str, actor: str, action: str, payload: dict[str, Any]
    ) -> audit_log.AuditEvent:
        """Record a write in the chain of its case (inside this transaction)."""
        return audit_log.append(self.conn, chain, actor, action, payload, self.clock.now())


UowFactory = Callable[..., UnitOfWork]


def uow_factory(engine: Engine, clock: Clock, records: CrisisRecords) -> UowFactory:
    """A callable that opens a unit of work on ``engine``, stamping times from ``clock``."""

    def make(*, write: bool = False) -> UnitOfWork:
        return UnitOfWork(engine, clock, records, write=write)

    return make


def _integrity_message(exc: IntegrityError) -> str:
    text = str(exc.orig).lower()
    if "unique" in text or "duplicate" in text:
        return "That already exists; pick another name or id."
    if "foreign key" in text:
        return "That refers to something that does not exist."
    return "The change conflicts with what is stored."
