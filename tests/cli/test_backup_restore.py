"""``offramp backup`` and ``offramp restore`` as an operator runs them: real processes.

A round trip must give back the same rows and the same audit chains, each of which
verifies; a backup taken while the desk writes must be a consistent snapshot; a restore
over data needs ``--force``; a tampered backup restores but fails verification (exit 1).
SQLite always; PostgreSQL too when ``OFFRAMP_TEST_DATABASE_URL`` is set.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from offramp.bootstrap import bootstrap
from offramp.errors import InputError
from offramp.model.shuttle import HandlingMark
from offramp.services.accounts import SYSTEM
from offramp.store.backup import find_pg_tool
from support.cli import Ran, offramp
from support.desk import FAST_HASHER, OTHER_CASE_YAML, PG_ENV, _pg_exec, _pg_url_for, populate

CHAINS = ("_server", "other", "small")


def run(*args: str) -> Ran:
    """``python -m offramp ARGS``, as an operator runs it."""
    return offramp(*args, timeout=300)


def fill(url: str) -> None:
    """The personas and both cases (``populate``), and some shuttle traffic."""
    populate(url)
    desk = bootstrap(url, migrate_first=False, hasher=FAST_HASHER)
    try:
        ua = desk.accounts.get_actor("delegate_ua")
        for i in range(5):
            desk.shuttle.post(ua, "small", "UA", f"message {i}", HandlingMark.MAY_RELAY)
    finally:
        desk.close()


def snapshot(url: str) -> tuple[dict[str, int], dict[str, tuple[int, str]]]:
    """Rows per table and the head of every chain."""
    desk = bootstrap(url, migrate_first=False, hasher=FAST_HASHER)
    try:
        with desk.uow() as uow:
            counts = uow.repo.count_rows()
        return counts, {c: desk.audit.head(c) for c in CHAINS}
    finally:
        desk.close()


def backed_up(source: str, folder: Path) -> Path:
    """``offramp backup`` of the desk at ``source`` into ``folder``; the backup's path."""
    out = folder / "desk.backup"
    assert run("backup", "--db", source, "--out", str(out)).returncode == 0
    return out


def assert_verified(result: Ran) -> None:
    assert result.returncode == 0, result.stderr
    for chain in CHAINS:
        assert f"{chain}: ok, " in result.stdout
    assert f"all {len(CHAINS)} audit chains verified" in result.stdout
    assert "Traceback" not in result.stderr


# -- SQLite ------------------------------------------------------------------------------


@pytest.fixture
def source(tmp_path: Path) -> str:
    url = str(tmp_path / "desk.db")
    fill(url)
    return url


def test_sqlite_round_trip_gives_back_the_rows_and_verified_chains(
    source: str, tmp_path: Path
) -> None:
    out = tmp_path / "desk.backup"
    made = run("backup", "--db", source, "--out", str(out))
    assert made.returncode == 0, made.stderr
    assert f"wrote {out} (sqlite, " in made.stdout
    assert out.read_bytes().startswith(b"SQLite format 3\x00")
    assert not out.with_name(out.name + ".partial").exists()

    target = str(tmp_path / "restored.db")
    restored = run("restore", "--db", target, str(out))
    assert_verified(restored)
    before, after = snapshot(source), snapshot(target)
    assert after == before
    assert after[0]["messages"] == 5 and after[1]["small"][0] > 0


def test_a_backup_taken_while_the_desk_writes_is_a_consistent_snapshot(
    source: str, tmp_path: Path
) -> None:
    desk = bootstrap(source, migrate_first=False, hasher=FAST_HASHER)
    ua = desk.accounts.get_actor("delegate_ua")
    stop = threading.Event()
    written: list[int] = []

    def write() -> None:
        while not stop.is_set():
            desk.shuttle.post(ua, "small", "UA", "during the backup", HandlingMark.MAY_RELAY)
            written.append(1)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        backups = [tmp_path / f"live-{i}.backup" for i in range(2)]
        for out in backups:
            made = run("backup", "--db", source, "--out", str(out))
            assert made.returncode == 0, made.stderr
    finally:
        stop.set()
        writer.join()
        desk.close()
    assert written, "the writer never wrote"
    for i, out in enumerate(backups):
        target = str(tmp_path / f"live-{i}.db")
        assert_verified(run("restore", "--db", target, str(out)))
        counts, heads = snapshot(target)
        # every message has its audit event: the snapshot cut between transactions
        small_events = heads["small"][0]
        assert counts["messages"] > 5  # the writer had been writing before the snapshot
        assert small_events == snapshot_events_before_messages(source) + counts["messages"]


def snapshot_events_before_messages(url: str) -> int:
    """Events of ``small`` that are not message posts (the same in every snapshot)."""
    with sqlite3.connect(url) as conn:
        (n,) = conn.execute(
            "SELECT count(*) FROM audit_events WHERE chain = 'small' AND action != 'message.post'"
        ).fetchone()
    return int(n)


def test_restore_over_data_needs_force_and_then_replaces_everything(
    source: str, tmp_path: Path
) -> None:
    out = backed_up(source, tmp_path)
    target = str(tmp_path / "busy.db")
    desk = bootstrap(target, hasher=FAST_HASHER)
    try:
        admin = desk.accounts.add_user(SYSTEM, "someone", "long enough 1", admin=True)
        desk.cases.import_case(admin, OTHER_CASE_YAML.replace("id: other", "id: third"), "t.yaml")
    finally:
        desk.close()
    before = snapshot(target)

    refused = run("restore", "--db", target, str(out))
    assert refused.returncode == 1
    assert "--force" in refused.stderr and "not empty" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert snapshot(target) == before

    forced = run("restore", "--db", target, "--force", str(out))
    assert_verified(forced)
    assert snapshot(target) == snapshot(source)  # the case "third" and its admin are gone


def test_an_empty_migrated_database_takes_a_restore_without_force(
    source: str, tmp_path: Path
) -> None:
    out = backed_up(source, tmp_path)
    target = str(tmp_path / "fresh.db")
    assert run("db", "upgrade", "--db", target).returncode == 0
    assert_verified(run("restore", "--db", target, str(out)))


def test_a_tampered_backup_restores_but_fails_verification(source: str, tmp_path: Path) -> None:
    out = backed_up(source, tmp_path)
    with sqlite3.connect(out) as conn:
        conn.execute(
            'UPDATE audit_events SET payload = \'{"body":"forged"}\' '
            "WHERE chain = 'small' AND seq = 2"
        )
    restored = run("restore", "--db", str(tmp_path / "t.db"), str(out))
    assert restored.returncode == 1
    assert "error: small: event 2 was modified" in restored.stderr
    assert "other: ok, " in restored.stdout and "_server: ok, " in restored.stdout
    assert "error: 1 of 3 audit chains failed" in restored.stderr


def test_what_is_not_a_backup_is_refused_naming_the_file(source: str, tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("hello\n")
    refused = run("restore", "--db", str(tmp_path / "t.db"), str(junk))
    assert refused.returncode == 1
    assert refused.stderr == (
        f"error: {junk}: is neither a SQLite database nor a pg_dump custom-format archive\n"
    )
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    refused = run("restore", "--db", str(tmp_path / "t.db"), str(other))
    assert refused.returncode == 1
    assert refused.stderr == f"error: {other}: is a SQLite database but not an offramp desk\n"
    assert not (tmp_path / "t.db").exists()


def test_backup_refuses_a_missing_database_and_a_missing_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    refused = run("backup", "--db", str(missing), "--out", str(tmp_path / "b"))
    assert refused.returncode == 1
    assert refused.stderr == f"error: --db: {missing} does not exist\n"
    assert not missing.exists()
    elsewhere = tmp_path / "no-such-folder" / "b.db"
    live = str(tmp_path / "live.db")
    bootstrap(live).close()
    refused = run("backup", "--db", live, "--out", str(elsewhere))
    assert refused.returncode == 1
    assert refused.stderr == f"error: {elsewhere}: the folder {elsewhere.parent} does not exist\n"
    onto_itself = run("backup", "--db", live, "--out", live)
    assert onto_itself.returncode == 1
    assert "is the database itself" in onto_itself.stderr


def test_a_missing_postgres_tool_is_a_clear_error() -> None:
    with pytest.raises(InputError) as caught:
        find_pg_tool("pg_no_such_tool")
    assert "not found on PATH or in /usr/lib/postgresql/*/bin" in str(caught.value)
    assert "postgresql-client" in str(caught.value)


# -- PostgreSQL --------------------------------------------------------------------------


@pytest.fixture
def pg_databases() -> Iterator[tuple[str, str]]:
    """Two fresh PostgreSQL databases: (source URL, empty target URL)."""
    if not os.environ.get(PG_ENV):
        pytest.skip(f"{PG_ENV} is not set (scripts/start-test-postgres.sh prints one)")
    names = [f"offramp_bk_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    for name in names:
        _pg_exec(f"CREATE DATABASE {name}")
    try:
        yield _pg_url_for(names[0]), _pg_url_for(names[1])
    finally:
        for name in names:
            _pg_exec(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.postgres
def test_postgres_round_trip_gives_back_the_rows_and_verified_chains(
    pg_databases: tuple[str, str], tmp_path: Path
) -> None:
    source, target = pg_databases
    fill(source)
    out = tmp_path / "desk.dump"
    made = run("backup", "--db", source, "--out", str(out))
    assert made.returncode == 0, made.stderr
    assert out.read_bytes().startswith(b"PGDMP")

    assert_verified(run("restore", "--db", target, str(out)))
    assert snapshot(target) == snapshot(source)

    again = run("restore", "--db", target, str(out))
    assert again.returncode == 1 and "--force" in again.stderr
    forced = run("restore", "--db", target, "--force", str(out))
    assert_verified(forced)
    assert snapshot(target) == snapshot(source)


@pytest.mark.postgres
def test_a_backup_of_one_backend_is_refused_by_the_other(
    pg_databases: tuple[str, str], source: str, tmp_path: Path
) -> None:
    _, target = pg_databases
    out = backed_up(source, tmp_path)
    refused = run("restore", "--db", target, str(out))
    assert refused.returncode == 1
    assert refused.stderr == (
        f"error: {out}: is a SQLite backup; restore it into a SQLite database\n"
    )
