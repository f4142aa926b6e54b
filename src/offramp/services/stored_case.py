"""The case as the desk stores it: case-file data in the store, a :class:`Case` here.

The store keeps plain case-file data (:meth:`Repository.get_case_data`); this module
turns it into the model and back through :mod:`offramp.files.case`, so export
reproduces the case file exactly. A case is kept in memory per (database, case,
version); a write that knows the new case (:func:`keep`) puts it there itself, so the
next read need not rebuild it.

A write that reads the case to change it takes the case's row first (:func:`changing`):
without it, two writers on PostgreSQL each read the same version, and the second's new
case would lack the first's change.
"""

from __future__ import annotations

from dataclasses import replace
from threading import Lock

from offramp.files.case import case_from_data, case_to_data
from offramp.model import Case
from offramp.services.access import Scope
from offramp.store.repository import CaseRow
from offramp.store.uow import UnitOfWork

_KEEP = 256
_kept: dict[tuple[str, int, int], Case] = {}
_lock = Lock()


def _key(uow: UnitOfWork, case_id: int, version: int) -> tuple[str, int, int]:
    return (uow.conn.engine.url.render_as_string(), case_id, version)


def changing(uow: UnitOfWork, scope: Scope) -> Scope:
    """``scope`` with its case's row locked and read afresh, for a write that reads the
    case to change it (a statement, a position, a new case file, an edit).

    Every such writer of a case takes this row before the audit chain's head, so that two
    of them never wait on each other, and each reads the version the one before it left.
    """
    return replace(scope, case=uow.repo.lock_case(scope.case.id))


def read_case(uow: UnitOfWork, row: CaseRow) -> Case:
    """The full case model, as its case file would give it."""
    key = _key(uow, row.id, row.version)
    found = _kept.get(key)
    if found is None:
        found = case_from_data(uow.repo.get_case_data(row.id), f"case {row.slug}")
        keep(uow, row.id, row.version, found)
    return found


def keep(uow: UnitOfWork, case_id: int, version: int, case: Case) -> None:
    """Remember ``case`` as version ``version`` of the stored case ``case_id``."""
    with _lock:
        if len(_kept) >= _KEEP:
            _kept.clear()
        _kept[_key(uow, case_id, version)] = case


def forget() -> None:
    """Drop every kept case (the next reads rebuild them from the rows)."""
    with _lock:
        _kept.clear()


def add_case(uow: UnitOfWork, case: Case) -> int:
    """Store a new case; its row id."""
    return uow.repo.add_case(case, case_to_data(case))


def replace_case(uow: UnitOfWork, case_id: int, case: Case) -> None:
    """Replace a stored case's content with ``case`` (a new version)."""
    uow.repo.replace_case(case_id, case, case_to_data(case))
