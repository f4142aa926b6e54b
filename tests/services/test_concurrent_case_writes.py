"""Writes that change the case model, made at once on PostgreSQL (where writers of a
case are not queued by the process as SQLite's are): each must see the others'."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import select

from offramp.services.stored_case import forget
from offramp.store import tables as t
from support.desk import TYPED_STATEMENT, World, backends

pytestmark = pytest.mark.parametrize("world", list(backends()), indirect=True)

WRITERS = 4
EACH = 6


def at_once(work: Callable[[int], None]) -> list[BaseException]:
    """Run ``work(k)`` for each writer ``k`` in its own thread; the errors raised."""
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def run(k: int) -> None:
        start.wait()
        try:
            work(k)
        except BaseException as exc:  # reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(WRITERS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return errors


def test_statements_added_at_once_are_all_in_the_case_model(world: World) -> None:
    analyst = world.actor("analyst")
    before = len(world.desk.cases.public_record(analyst, "small").case.statements)

    def add(k: int) -> None:
        for n in range(EACH):
            statement = {**TYPED_STATEMENT, "id": f"at-once-{k}-{n}"}
            world.desk.cases.add_statement(analyst, "small", statement)

    assert at_once(add) == []
    kept = world.desk.cases.public_record(analyst, "small")
    forget()  # the same read, rebuilt from the rows
    rebuilt = world.desk.cases.public_record(analyst, "small")
    ids = {s.id for s in kept.case.statements}
    assert len(kept.case.statements) == before + WRITERS * EACH
    assert ids == {s.id for s in rebuilt.case.statements}
    assert kept.version == rebuilt.version
    with world.desk.engine.connect() as conn:
        small = select(t.cases.c.id).where(t.cases.c.slug == "small").scalar_subquery()
        q = select(t.statements.c.ordinal).where(t.statements.c.case_id == small)
        ordinals = conn.execute(q).scalars().all()
    assert len(set(ordinals)) == len(ordinals), "two statements share a place in the case"


def test_one_of_two_replacements_from_the_same_version_is_refused(world: World) -> None:
    """Two editors send the case file back from the same version: one lands, the other
    is told the case moved on; neither is lost silently."""
    mediator = world.actor("mediator_il")
    version = world.desk.cases.public_record(mediator, "small").version
    text = world.desk.cases.export_case(mediator, "small").text
    landed: list[int] = []

    def replace(_: int) -> None:
        world.desk.cases.replace_case(mediator, "small", text, version, "small.yaml")
        landed.append(1)

    errors = at_once(replace)
    assert len(landed) == 1
    assert len(errors) == WRITERS - 1
    assert all("since you opened it" in str(e) for e in errors), errors
