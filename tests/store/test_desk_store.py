"""Storage: migrations, the unit of work, exact case round trip, the audit chain."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from offramp.errors import Conflict
from offramp.files.case import dump_case
from offramp.store import audit
from offramp.store.cipher import is_sealed
from offramp.store.engine import make_engine, normalise_url
from offramp.store.migrations import HERE as MIGRATIONS
from offramp.store.migrations import current
from offramp.store.sealed import keyring_of
from offramp.store.status import head_revision
from offramp.store.tables import audit_events
from support.desk import SMALL_CASE_YAML, World, small_case


def test_database_is_migrated_to_the_newest_revision(world: World) -> None:
    assert current(world.desk.engine) == head_revision()  # the last file of versions/
    assert head_revision() == sorted(MIGRATIONS.glob("versions/0*.py"))[-1].name[:4]


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "x.db"))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    engine.dispose()


def test_postgres_urls_use_psycopg_3() -> None:
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("desk.db").startswith("sqlite:////")


def test_rolls_back_uncommitted_work_by_default(world: World) -> None:
    with world.desk.uow(write=True) as uow:
        uow.repo.add_user("ghost", "x", False)
    with world.desk.uow() as uow:
        assert uow.repo.get_user_by_name("ghost") is None


def test_committed_work_persists(world: World) -> None:
    with world.desk.uow(write=True) as uow:
        uow.repo.add_user("kept", "x", False)
        uow.commit()
    with world.desk.uow() as uow:
        assert uow.repo.get_user_by_name("kept") is not None


def test_integrity_error_becomes_conflict(world: World) -> None:
    with pytest.raises(Conflict, match=r"already exists"), world.desk.uow(write=True) as uow:
        uow.repo.add_user("mediator_il", "x", False)


def test_case_round_trips_exactly(world: World) -> None:
    exported = world.desk.cases.export_case_as_operator("small")
    assert exported == dump_case(small_case())
    assert "Ukraine must be neutral." in exported and SMALL_CASE_YAML.count("- id:") > 0


def test_audit_chain_of_a_fresh_case_verifies(world: World) -> None:
    report = world.desk.audit.verify("small")
    assert report.ok and report.events == report.head_seq >= 7


def _tamper(world: World, sql: str) -> None:
    with world.desk.engine.begin() as conn:
        conn.execute(text(sql))


def test_audit_detects_a_modified_event(world: World) -> None:
    _tamper(world, "UPDATE audit_events SET actor='mallory' WHERE chain='small' AND seq=3")
    report = world.desk.audit.verify("small")
    assert (report.ok, report.bad_seq, report.problem) == (False, 3, "modified")


def test_audit_detects_a_deleted_event(world: World) -> None:
    _tamper(world, "DELETE FROM audit_events WHERE chain='small' AND seq=4")
    report = world.desk.audit.verify("small")
    assert (report.ok, report.bad_seq, report.problem) == (False, 4, "deleted")


def test_audit_detects_a_deleted_last_event(world: World) -> None:
    head, _ = world.desk.audit.head("small")
    _tamper(world, f"DELETE FROM audit_events WHERE chain='small' AND seq={head}")
    report = world.desk.audit.verify("small")
    assert (report.ok, report.bad_seq, report.problem) == (False, head, "deleted")


def test_audit_detects_reordered_events(world: World) -> None:
    _tamper(world, "UPDATE audit_events SET seq=-2 WHERE chain='small' AND seq=2")
    _tamper(world, "UPDATE audit_events SET seq=2 WHERE chain='small' AND seq=5")
    _tamper(world, "UPDATE audit_events SET seq=5 WHERE chain='small' AND seq=-2")
    report = world.desk.audit.verify("small")
    assert (report.ok, report.bad_seq, report.problem) == (False, 2, "reordered")


def test_audit_event_hash_covers_every_field(world: World) -> None:
    with world.desk.uow() as uow:
        ev = audit.events(uow.conn, "small")[0]
        row = uow.conn.execute(
            audit_events.select().where(audit_events.c.chain == "small", audit_events.c.seq == 1)
        ).one()
        payload = audit.payload_text(keyring_of(uow.conn), row.payload)  # stored sealed
    assert payload != row.payload and is_sealed(row.payload)
    args = dict(
        seq=1,
        chain="small",
        actor=row.actor,
        action=row.action,
        payload=payload,
        at=row.at,
        prev_hash=row.prev_hash,
    )
    assert audit.event_hash(**args) == ev.hash
    for field, other in [
        ("seq", 2),
        ("actor", "x"),
        ("action", "y"),
        ("payload", '{"a":1}'),
        ("at", "2000-01-01T00:00:00+00:00"),
        ("prev_hash", "1" * 64),
        ("chain", "other"),
    ]:
        assert audit.event_hash(**{**args, field: other}) != ev.hash


def test_row_counts_cover_every_table(world: World) -> None:
    with world.desk.uow() as uow:
        counts = uow.repo.count_rows()
    assert counts["cases"] == 2 and counts["memberships"] == 8 and counts["channels"] == 6


def test_sqlite_writers_of_one_process_queue_on_a_lock_released_on_any_exit(
    world: World,
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from offramp.store.engine import writer_lock

    lock = writer_lock(world.desk.engine)
    if world.desk.engine.dialect.name != "sqlite":
        assert lock is None
        return
    assert lock is not None

    def free() -> bool:  # asked from another thread: could a second writer go in now?
        def probe() -> bool:
            got = lock.acquire(blocking=False)
            if got:
                lock.release()
            return got

        with ThreadPoolExecutor(1) as pool:
            return pool.submit(probe).result()

    with world.desk.uow():
        assert free()  # readers do not queue
    with pytest.raises(Conflict), world.desk.uow(write=True):
        assert not free()
        raise Conflict("leave the block by an error")
    assert free()
