"""The audit's content sums (issue 18/21): every write through the desk moves them exactly
as recomputing the case's rows would, so an audited write costs what it changed."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from offramp.model.shuttle import HandlingMark
from offramp.store import audit, audit_cover
from offramp.store import tables as t
from offramp.store.authoring import AuthoringRows
from offramp.store.uow import UnitOfWork
from support.desk import World, backends, small_case

NOW = datetime(2022, 3, 10, 12, tzinfo=UTC)
STATEMENT = {
    "id": "typed-9",
    "date": "2022-03-11",
    "party": "UA",
    "speaker": "zelensky",
    "quote": "Typed in.",
    "source": "wapo",
}
Write = Callable[[UnitOfWork, int], object]


def stored_sums(world: World) -> dict[str, bytes]:
    with world.desk.engine.connect() as conn:
        case_id = conn.execute(select(t.cases.c.id).where(t.cases.c.slug == "small")).scalar_one()
        rows = conn.execute(
            select(audit_cover.content_sums).where(audit_cover.content_sums.c.case_id == case_id)
        ).all()
        return {r.tbl: bytes(r.lanes) for r in rows}


def recomputed(world: World) -> dict[str, bytes]:
    with world.desk.engine.connect() as conn:
        case_id = conn.execute(select(t.cases.c.id).where(t.cases.c.slug == "small")).scalar_one()
        return {
            table.name: audit_cover._whole(conn, table, case_id).astype("<u2").tobytes()
            for table in audit_cover.COVERED
        }


def written(world: World, write: Write) -> None:
    """``write`` and its audit event, in one unit of work."""
    with world.desk.uow(write=True) as uow:
        case = uow.repo.get_case_row("small")
        assert case is not None
        write(uow, case.id)
        uow.audit("small", "test", "test.write", {})
        uow.commit()


def _first_note(uow: UnitOfWork, case_id: int) -> int:
    return uow.repo.list_notes(case_id)[0].id


def _message(uow: UnitOfWork, case_id: int) -> object:
    channel = uow.repo.get_channel(case_id, "UA")
    assert channel is not None
    return uow.repo.add_message(
        case_id, channel, "delegate_ua", "Our plan.", HandlingMark.MAY_RELAY
    )


def _position_data(uow: UnitOfWork, case_id: int) -> dict[str, object]:
    return dict(uow.repo.list_positions(case_id)[0].value)


WRITES: dict[str, Write] = {
    "message": _message,
    "note": lambda uow, c: uow.repo.add_note(c, "mediator_il", "T", "B"),
    "note edited": lambda uow, c: uow.repo.update_note(c, _first_note(uow, c), "T2", "B2", 1),
    "statement": lambda uow, c: uow.repo.add_statement(c, STATEMENT),
    "statement confirmed": lambda uow, c: uow.repo.confirm_statement(c, "typed-9", "analyst", NOW),
    "statement edited": lambda uow, c: AuthoringRows(uow.conn).update_statement(
        c, {**STATEMENT, "quote": "Typed again."}
    ),
    "statement deleted": lambda uow, c: AuthoringRows(uow.conn).delete_statement(c, "typed-9"),
    "position replaced": lambda uow, c: uow.repo.put_position(
        c, {**_position_data(uow, c), "salience": 0.25}
    ),
    "position added": lambda uow, c: uow.repo.put_position(
        c, {**_position_data(uow, c), "date": "2022-04-01"}
    ),
    "position edited": lambda uow, c: uow.repo.update_position(
        c,
        uow.repo.list_positions(c)[0].id,
        {**_position_data(uow, c), "salience": 0.5},
        uow.repo.list_positions(c)[0].version,
    ),
    "position deleted": lambda uow, c: AuthoringRows(uow.conn).delete_position(
        c, uow.repo.list_positions(c)[-1].id
    ),
    "case replaced": lambda uow, c: uow.repo.replace_case(
        c, small_case(), uow.repo.get_case_data(c)
    ),
}


def test_every_write_moves_the_sums_as_recomputing_would(world: World) -> None:
    for name, write in WRITES.items():
        written(world, write)
        assert stored_sums(world) == recomputed(world), name
        with world.desk.engine.connect() as conn:
            assert audit.verify_chain(conn, "small").ok, name


def test_a_write_without_its_own_event_still_moves_the_sums(world: World) -> None:
    written(world, WRITES["note"])  # the sums are stored from here on
    with world.desk.uow(write=True) as uow:
        case = uow.repo.get_case_row("small")
        assert case is not None
        uow.repo.add_note(case.id, "mediator_il", "no event", "of its own")
        uow.commit()
    assert stored_sums(world) == recomputed(world)


def test_a_rolled_back_write_leaves_the_sums_alone(world: World) -> None:
    written(world, WRITES["note"])
    before = stored_sums(world)
    with world.desk.uow(write=True) as uow:
        case = uow.repo.get_case_row("small")
        assert case is not None
        uow.repo.add_note(case.id, "mediator_il", "rolled", "back")
    written(world, lambda uow, c: None)  # the next event, on a pooled connection
    assert stored_sums(world) == before == recomputed(world)


@pytest.mark.parametrize("world", ["sqlite"], indirect=True)  # edits the SQLite file itself
def test_rows_changed_behind_the_desk_stay_caught_after_later_writes(world: World) -> None:
    """Before the sums, the next write's digest took in whatever the rows had become;
    now only the desk's own writes move them."""
    written(world, WRITES["message"])
    path = world.url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE messages SET author = 'someone else'")
    written(world, WRITES["note"])  # a legitimate write after the tampering
    with world.desk.engine.connect() as conn:
        report = audit.verify_chain(conn, "small")
    assert not report.ok
    assert report.problem == "content"
    assert "messages" in report.message and "notes" not in report.message


@pytest.mark.parametrize("world", [b for b in backends() if b == "postgresql"], indirect=True)
def test_concurrent_writers_of_one_case_keep_the_sums_exact(world: World) -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for _ in range(n):
                written(world, WRITES["message"])
        except BaseException as exc:  # reported below
            errors.append(exc)

    written(world, WRITES["note"])
    threads = [threading.Thread(target=writer, args=(10,)) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert stored_sums(world) == recomputed(world)
    with world.desk.engine.connect() as conn:
        assert audit.verify_chain(conn, "small").ok
