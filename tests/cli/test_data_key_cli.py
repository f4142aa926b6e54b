"""The data key from the command line (issue 18): refusals at start, rotation, backups.

Each run is the real CLI in a subprocess with no key variable set, so the key is the
file beside the SQLite database, as for a team that configured nothing.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from offramp.store.cipher import key_id
from support.cli import offramp
from support.sealed import BODY, LEDGER_NOTE, sealed_desk

NO_KEY_VARS = {"OFFRAMP_DATA_KEY_FILE": "", "OFFRAMP_DATA_KEY": ""}


def _key_id(db: Path) -> str:
    return key_id(bytes.fromhex(Path(f"{db}.data-key").read_text().strip().splitlines()[0]))


def test_a_database_without_its_key_is_refused_with_the_key_file_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = sealed_desk(tmp_path, monkeypatch)
    moved = tmp_path / "moved.db"
    shutil.copyfile(db, moved)
    ran = offramp(
        "user",
        "add",
        "someone",
        "--password-stdin",
        "--db",
        str(moved),
        input="pw\n",
        env=NO_KEY_VARS,
    )
    assert ran.code == 1
    assert ran.err.startswith(
        f"error: {moved}.data-key: no data key found (its text is encrypted with data key "
        f"{_key_id(db)})"
    )
    assert "Traceback" not in ran.output


def test_a_wrong_key_in_the_environment_is_refused_naming_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = sealed_desk(tmp_path, monkeypatch)
    ran = offramp("audit", "verify", "small", "--db", str(db), env={"OFFRAMP_DATA_KEY": "ab" * 32})
    assert ran.code == 1
    assert ran.err.startswith(f"error: OFFRAMP_DATA_KEY: does not hold the data key {_key_id(db)}")
    assert "Traceback" not in ran.output


def test_rotate_key_replaces_the_key_and_the_chain_still_verifies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = sealed_desk(tmp_path, monkeypatch)
    old = _key_id(db)
    ran = offramp("db", "rotate-key", "--db", str(db), env=NO_KEY_VARS)
    assert ran.code == 0, ran.err
    new = _key_id(db)
    assert new != old
    assert f"under data key {new} (retired: {old})" in ran.out
    assert "recorded the re-encryption in the audit chain of small" in ran.out
    assert len(Path(f"{db}.data-key").read_text().split()) == 1
    raw = db.read_bytes()
    assert BODY.encode() not in raw and LEDGER_NOTE.encode() not in raw
    with closing(sqlite3.connect(db)) as conn:  # 0009's columns are re-sealed too
        (note,) = conn.execute("SELECT note FROM ledger").fetchone()
    assert note.startswith(f"enc1:{new}:")
    verify = offramp("audit", "verify", "small", "--db", str(db), env=NO_KEY_VARS)
    assert verify.code == 0, verify.output
    assert "ok" in verify.out


def test_a_backup_says_the_key_is_needed_and_restores_only_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = sealed_desk(tmp_path, monkeypatch)
    out = tmp_path / "desk.backup"
    ran = offramp("backup", "--db", str(db), "--out", str(out), env=NO_KEY_VARS)
    assert ran.code == 0, ran.err
    assert f"restoring it needs the data key from {db}.data-key" in ran.out
    copy = out.read_bytes()  # the backup holds ciphertext
    assert BODY.encode() not in copy and LEDGER_NOTE.encode() not in copy
    target = tmp_path / "restored" / "desk.db"
    target.parent.mkdir()
    refused = offramp("restore", str(out), "--db", str(target), env=NO_KEY_VARS)
    assert refused.code == 1
    assert f"error: {target}.data-key: no data key found" in refused.err
    assert "Traceback" not in refused.output
    restored = offramp(
        "restore",
        str(out),
        "--db",
        str(target),
        "--force",
        "--key-file",
        f"{db}.data-key",
        env=NO_KEY_VARS,
    )
    assert restored.code == 0, restored.output
    assert "all" in restored.out and "audit chains verified" in restored.out
