"""Confidential text at rest (issue 18): what a copy of the database shows, and the keys.

The desk reads message bodies, notes and codings as plain text; the database file (or
a plain ``pg_dump``) holds only ciphertext, under a key kept outside it.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from offramp.bootstrap import bootstrap, migrate
from offramp.errors import InputError
from offramp.model.codings import Coding, IssueCoding
from offramp.model.shuttle import HandlingMark
from offramp.store import audit
from offramp.store.backup import find_pg_tool
from offramp.store.cipher import Keyring, SealBroken, key_id
from offramp.store.data_key import ENV_FILE, ENV_KEY
from offramp.store.engine import normalise_url
from offramp.store.migrations import alembic_config
from offramp.store.sealed import data_keys
from offramp.store.tables import messages
from support.desk import FAST_HASHER, World
from support.sealed import BODY, sealed_desk

NOTE_TITLE = "walk-away point quokka"
NOTE_BODY = "The mediator's own read: kumquat-line on Donbas"
CODING_NOTE = "UA's private reservation narwhal-3"
SECRETS = (BODY, NOTE_TITLE, NOTE_BODY, CODING_NOTE)


def _write_secrets(world: World) -> None:
    d = world.desk
    d.shuttle.post(world.actor("delegate_ua"), "small", "UA", BODY, HandlingMark.MAY_RELAY)
    d.cases.add_note(world.actor("mediator_il"), "small", NOTE_TITLE, NOTE_BODY)
    coding = Coding(
        "UA",
        (
            IssueCoding("alignment", 0.5, {"nato": 1.0, "bloc_free": 0.5, "neutral": 0.0}),
            IssueCoding("donbas", 0.5, {"ukraine": 1.0, "autonomy": 0.5, "russia": 0.0}),
        ),
        reservation=0.25,
        note=CODING_NOTE,
    )
    d.codings.put(world.actor("delegate_ua"), "small", "UA", coding, None)


def _raw_copy(url: str) -> bytes:
    """Every byte a copy of the database would hold: the SQLite files, or a plain dump."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite":
        base = Path(str(parsed.database))
        return b"".join(
            p.read_bytes() for p in (base, Path(f"{base}-wal"), Path(f"{base}-shm")) if p.exists()
        )
    conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(
        [str(find_pg_tool("pg_dump")), "--format=plain", conninfo],
        capture_output=True,
        check=True,
    )
    return done.stdout


def test_a_copied_database_reveals_no_confidential_text(world: World) -> None:
    _write_secrets(world)
    d = world.desk
    med = world.actor("mediator_il")
    # the desk reads plain text, search included
    found = d.shuttle.search_messages(med, "small", "ZEBRA-7")
    assert [v.message.body for v in found] == [BODY]
    assert [(n.title, n.body) for n in d.cases.list_notes(med, "small")] == [
        (NOTE_TITLE, NOTE_BODY)
    ]
    assert d.codings.get_coding(world.actor("delegate_ua"), "small", "UA").coding.note == (
        CODING_NOTE
    )
    raw = _raw_copy(world.url)
    assert b"enc1:" in raw  # the values are there, sealed
    for secret in SECRETS:
        assert secret.encode() not in raw, secret
    # the audit payload of the post repeats the body: sealed too, and the chain verifies
    events = [e for e in d.audit.events(med, "small") if e.action == "message.post"]
    assert events[-1].payload["body"] == BODY
    assert d.audit.verify("small").ok


def test_the_key_file_beside_a_sqlite_database_is_made_once_mode_0600(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_FILE, raising=False)
    monkeypatch.delenv(ENV_KEY, raising=False)
    db = tmp_path / "desk.db"
    bootstrap(str(db), hasher=FAST_HASHER).close()
    key = Path(f"{db}.data-key")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    first = key.read_text()
    bootstrap(str(db), hasher=FAST_HASHER).close()
    assert key.read_text() == first and len(first.strip()) == 64


def test_a_database_moved_without_its_key_is_refused_at_start_naming_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = sealed_desk(tmp_path, monkeypatch)
    used = key_id(bytes.fromhex(Path(f"{db}.data-key").read_text().strip()))
    moved = tmp_path / "elsewhere" / "desk.db"
    moved.parent.mkdir()
    shutil.copyfile(db, moved)
    with pytest.raises(InputError) as caught:
        bootstrap(str(moved), hasher=FAST_HASHER)
    assert caught.value.where == f"{moved}.data-key"
    assert f"no data key found (its text is encrypted with data key {used})" in str(caught.value)
    assert not Path(f"{moved}.data-key").exists()  # no new key for sealed text


def test_a_wrong_key_is_refused_at_start_naming_where_it_came_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = sealed_desk(tmp_path, monkeypatch)
    wrong = bytes(range(32))
    monkeypatch.setenv(ENV_KEY, wrong.hex())
    with pytest.raises(InputError) as caught:
        bootstrap(str(db), hasher=FAST_HASHER)
    assert caught.value.where == ENV_KEY
    assert f"(it holds {key_id(wrong)})" in str(caught.value)


def test_a_value_altered_in_the_database_does_not_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = sealed_desk(tmp_path, monkeypatch)
    desk = bootstrap(str(db), hasher=FAST_HASHER)
    try:
        with desk.engine.begin() as conn:
            stored = conn.execute(select(messages.c.body)).scalar_one()
            flipped = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]
            conn.execute(messages.update().values(body=flipped))
        admin = desk.accounts.get_actor("admin")
        with pytest.raises(SealBroken, match=r"messages\.body: a stored value does not decrypt"):
            desk.shuttle.list_messages(admin, "small", "plenary")
    finally:
        desk.close()


def test_the_migration_seals_existing_rows_and_its_downgrade_opens_them(world: World) -> None:
    _write_secrets(world)
    engine = world.desk.engine
    med = world.actor("mediator_il")
    before = world.desk.audit.verify("small")
    assert before.ok
    command.downgrade(alembic_config(engine), "0007")
    with engine.connect() as conn:
        bodies = conn.execute(text("SELECT body FROM messages")).scalars().all()
        assert BODY in bodies
        payloads = conn.execute(text("SELECT payload FROM audit_events")).scalars().all()
        assert all(p.startswith("{") for p in payloads)  # plain JSON again
    migrate(world.url)  # as a desk starts: finds the key, seals, scrubs the file
    raw = _raw_copy(world.url)
    for secret in SECRETS:
        assert secret.encode() not in raw, secret
    assert [v.message.body for v in world.desk.shuttle.search_messages(med, "small", "zebra")] == [
        BODY
    ]
    after = world.desk.audit.verify("small")
    assert after.ok, after.message
    # each re-encryption is on the record: one event down, one up
    actions = [e.action for e in world.desk.audit.events(med, "small")]
    assert actions[-2:] == ["data.reseal", "data.reseal"]


def test_rows_sealed_under_an_older_key_open_while_a_rotation_runs() -> None:
    """The keyring opens every key it holds; it seals under the first."""
    old, new = os.urandom(32), os.urandom(32)
    ring = Keyring((new, old), "test")
    sealed = Keyring((old,), "test").seal(BODY, "messages.body")
    assert ring.open(sealed, "messages.body") == BODY
    assert ring.seal(BODY, "messages.body").startswith(f"enc1:{key_id(new)}:")
    with pytest.raises(SealBroken, match=r"notes\.body: a stored value does not decrypt"):
        ring.open(sealed, "notes.body")  # bound to its column


def test_rotation_registers_only_the_new_key(world: World) -> None:
    _write_secrets(world)
    from offramp.services.operations import rotate_key

    keyfile = Path(os.environ[ENV_FILE])
    # a desk of its own key: the shared test key stays as it is
    own = keyfile.with_name(f"own-{os.getpid()}-{id(world)}.key")
    own.write_text(keyfile.read_text())
    world.desk.close()
    done = rotate_key(world.url, own)
    assert done.values > 0 and done.chains == ("other", "small") and done.file_updated
    assert own.read_text().strip() != keyfile.read_text().strip()
    assert len(own.read_text().split()) == 1  # the old key is gone from the file
    desk = bootstrap(world.url, migrate_first=False, hasher=FAST_HASHER, key_file=own)
    try:
        with desk.engine.connect() as conn:
            assert set(conn.execute(select(data_keys.c.key_id)).scalars()) == {done.key}
            bodies = conn.execute(select(messages.c.body)).scalars().all()
            assert all(b.startswith(f"enc1:{done.key}:") for b in bodies)
            assert audit.verify_chain(conn, "small").ok
        med = desk.accounts.get_actor("mediator_il")
        assert [v.message.body for v in desk.shuttle.search_messages(med, "small", "zebra")] == [
            BODY
        ]
    finally:
        desk.close()
    # the shared key no longer opens this desk, and says so at start
    with pytest.raises(InputError, match="does not hold the data key"):
        bootstrap(world.url, migrate_first=False, hasher=FAST_HASHER)


def test_no_key_loaded_refuses_to_write(world: World) -> None:
    """An engine without keys never writes plain text."""
    from offramp.store.engine import make_engine
    from offramp.store.repository import Repository

    engine = make_engine(world.url, pool_size=1)
    try:
        with engine.begin() as conn:
            repo = Repository(conn, world.desk.clock)
            channel = repo.get_channel(1, "plenary")
            assert channel is not None
            with pytest.raises(SealBroken, match="no data key is loaded"):
                repo.add_message(1, channel, "x", BODY, HandlingMark.MAY_RELAY)
    finally:
        engine.dispose()
