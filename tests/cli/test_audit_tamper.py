"""Issue 18, finding 5: every kind of tampering with the audit chain is caught.

A desk is written through the real server (which makes the audit key beside the
database), then each test tampers with a copy by SQL, as someone holding the database
file but not the key would, and runs ``offramp audit verify`` in a subprocess.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from offramp.store.audit import event_hash, payload_text
from offramp.store.data_key import load_keyring
from support.cli import Ran, offramp
from support.desk import TYPED_STATEMENT
from support.launch import start_server

Tamper = Callable[[sqlite3.Connection], None]


def cli(*args: str) -> Ran:
    return offramp(*args)


@pytest.fixture(scope="module")
def written(
    _templates: dict[str, tuple[str, dict[str, str]]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """A desk with a message, a note, a statement and a changed position, all audited."""
    source, tokens = _templates["sqlite"]
    db = tmp_path_factory.mktemp("written") / "desk.db"
    shutil.copyfile(source, db)
    srv = start_server(str(db))
    try:

        def api(who: str) -> httpx.Client:
            auth = {"Authorization": f"Bearer {tokens[who]}"}
            return httpx.Client(base_url=srv.url + "/api", headers=auth, timeout=30)

        ua, med, analyst = api("delegate_ua"), api("mediator_il"), api("analyst")
        msg = {"body": "Our plan.", "mark": "may-relay"}
        assert ua.post("/cases/small/channels/UA/messages", json=msg).status_code == 201
        assert med.post("/cases/small/notes", json={"title": "T", "body": "B"}).status_code == 201
        assert analyst.post("/cases/small/statements", json=TYPED_STATEMENT).status_code == 201
        position = analyst.get("/cases/small/positions").json()[0]
        patch = {"version": position["version"], "salience": 0.5}
        res = analyst.patch(f"/cases/small/positions/{position['id']}", json=patch)
        assert res.status_code == 200, res.text
    finally:
        srv.stop()
    with sqlite3.connect(db) as conn:  # fold the WAL into the file, which the tests copy
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert Path(str(db) + ".audit-key").exists()
    return db


@pytest.fixture
def desk(written: Path, tmp_path: Path) -> Iterator[Path]:
    db = tmp_path / "desk.db"
    shutil.copyfile(written, db)
    shutil.copyfile(str(written) + ".audit-key", str(db) + ".audit-key")
    yield db


def head(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT seq FROM chain_heads WHERE chain = 'small'").fetchone()[0])


def recompute(conn: sqlite3.Connection, start: int) -> None:
    """Rehash events ``start``.. and the head, as an attacker who knows the algorithm can."""
    rows = conn.execute(
        "SELECT seq, actor, action, payload, at, prev_hash FROM audit_events "
        "WHERE chain = 'small' AND seq >= ? ORDER BY seq",
        (start,),
    ).fetchall()
    prev = conn.execute(
        "SELECT hash FROM audit_events WHERE chain = 'small' AND seq = ?", (start - 1,)
    ).fetchone()[0]
    ring = load_keyring("desk.db")  # an attacker with the data key (OFFRAMP_DATA_KEY_FILE)
    assert ring is not None
    for seq, actor, action, payload, at, _ in rows:
        digest = event_hash(seq, "small", actor, action, payload_text(ring, payload), at, prev)
        conn.execute(
            "UPDATE audit_events SET prev_hash = ?, hash = ? WHERE chain = 'small' AND seq = ?",
            (prev, digest, seq),
        )
        prev = digest
    conn.execute("UPDATE chain_heads SET hash = ? WHERE chain = 'small'", (prev,))


def content(table: str) -> Callable[[int], str]:
    return lambda n: (
        f"the case's {table} no longer match event {n}, the last write the chain "
        "recorded: rows were edited, added or deleted outside the desk"
    )


def sql(*statements: str) -> Tamper:
    def run(conn: sqlite3.Connection) -> None:
        for s in statements:
            conn.execute(s)

    return run


def forge_append(conn: sqlite3.Connection) -> None:
    n = head(conn)
    prev = conn.execute(
        "SELECT hash, at FROM audit_events WHERE chain = 'small' AND seq = ?", (n,)
    ).fetchone()
    payload = json.dumps({"note": 1, "title": "forged"}, separators=(",", ":"))
    digest = event_hash(n + 1, "small", "mediator_il", "note.update", payload, prev[1], prev[0])
    conn.execute(
        "INSERT INTO audit_events (chain, seq, actor, action, payload, at, prev_hash, hash) "
        "VALUES ('small', ?, 'mediator_il', 'note.update', ?, ?, ?, ?)",
        (n + 1, payload, prev[1], prev[0], digest),
    )
    conn.execute("UPDATE chain_heads SET seq = ?, hash = ? WHERE chain = 'small'", (n + 1, digest))


def rewrite_and_recompute(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE audit_events SET actor = 'someone_else' WHERE chain = 'small' AND seq = 2")
    recompute(conn, 2)


def rollback_tail(conn: sqlite3.Connection) -> None:
    n = head(conn)
    conn.execute("DELETE FROM audit_events WHERE chain = 'small' AND seq > ?", (n - 2,))
    kept = conn.execute(
        "SELECT hash FROM audit_events WHERE chain = 'small' AND seq = ?", (n - 2,)
    ).fetchone()[0]
    conn.execute("UPDATE chain_heads SET seq = ?, hash = ? WHERE chain = 'small'", (n - 2, kept))


def reorder(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE audit_events SET seq = -1 WHERE chain = 'small' AND seq = 2")
    conn.execute("UPDATE audit_events SET seq = 2 WHERE chain = 'small' AND seq = 3")
    conn.execute("UPDATE audit_events SET seq = 3 WHERE chain = 'small' AND seq = -1")


WHEN = "{when}"
# kind -> (tamper, uses the checkpoint, the expected message given the head seq n)
KINDS: dict[str, tuple[Tamper, bool, Callable[[int], str]]] = {
    "message-edit": (sql("UPDATE messages SET body = 'edited'"), False, content("messages")),
    "message-delete": (sql("DELETE FROM messages"), False, content("messages")),
    "message-insert": (
        sql(
            "INSERT INTO messages (case_id, channel_id, author, body, mark, at) "
            "SELECT case_id, channel_id, author, 'slipped in', mark, at FROM messages LIMIT 1"
        ),
        False,
        content("messages"),
    ),
    "note-edit": (sql("UPDATE notes SET body = 'edited'"), False, content("notes")),
    "note-delete": (sql("DELETE FROM notes"), False, content("notes")),
    "statement-edit": (
        sql("UPDATE statements SET date = '2022-01-01' WHERE key = 'typed-1'"),
        False,
        content("statements"),
    ),
    "statement-delete": (
        sql("DELETE FROM statements WHERE key = 'typed-1'"),
        False,
        content("statements"),
    ),
    "position-edit": (sql("UPDATE positions SET date = '2022-01-01'"), False, content("positions")),
    "position-delete": (
        sql("DELETE FROM positions WHERE id = (SELECT min(id) FROM positions)"),
        False,
        content("positions"),
    ),
    "event-edit": (
        sql("UPDATE audit_events SET actor = 'x' WHERE chain = 'small' AND seq = 2"),
        False,
        lambda n: "event 2 was modified: its hash does not match",
    ),
    "event-delete": (
        sql("DELETE FROM audit_events WHERE chain = 'small' AND seq = 2"),
        False,
        lambda n: "event 2 was deleted",
    ),
    "tail-truncate": (
        sql(
            "DELETE FROM audit_events WHERE chain = 'small' "
            "AND seq = (SELECT max(seq) FROM audit_events WHERE chain = 'small')"
        ),
        False,
        lambda n: f"event {n} was deleted (the head is at {n})",
    ),
    "tail-truncate-head-rolled-back": (
        rollback_tail,
        True,
        lambda n: (
            f"the chain ends at event {n - 2}, but the checkpoint of {WHEN} saw event {n}: "
            "events were deleted and the head rolled back"
        ),
    ),
    "rewrite-and-recompute": (
        rewrite_and_recompute,
        False,
        lambda n: "event 2 does not carry the server key's signature: it was rewritten or forged",
    ),
    "forged-append": (
        forge_append,
        False,
        lambda n: (
            f"event {n + 1} is not signed by the server key: it was written or rewritten without it"
        ),
    ),
    "signatures-stripped": (
        sql("UPDATE audit_events SET mac = NULL"),
        False,
        lambda n: "event 1 is not signed by the server key: it was written or rewritten without it",
    ),
    "chain-deleted": (
        sql(
            "DELETE FROM audit_events WHERE chain = 'small'",
            "DELETE FROM chain_heads WHERE chain = 'small'",
        ),
        False,
        lambda n: "the case has no audit events: its chain was deleted",
    ),
    "chain-deleted-checkpoint": (
        sql(
            "DELETE FROM audit_events WHERE chain = 'small'",
            "DELETE FROM chain_heads WHERE chain = 'small'",
        ),
        True,
        lambda n: f"the chain is gone, but the checkpoint of {WHEN} saw {n} events",
    ),
    "case-and-chain-deleted": (
        sql(
            "PRAGMA foreign_keys = ON",
            "DELETE FROM cases WHERE slug = 'small'",
            "DELETE FROM audit_events WHERE chain = 'small'",
            "DELETE FROM chain_heads WHERE chain = 'small'",
        ),
        True,
        lambda n: f"the case and its chain are gone, but the checkpoint of {WHEN} saw {n} events",
    ),
    "reorder": (reorder, False, lambda n: "event 2 was reordered: it was written as event 3"),
}


def test_the_untouched_desk_verifies(desk: Path, tmp_path: Path) -> None:
    cp = tmp_path / "checkpoint.json"
    assert cli("audit", "checkpoint", "--out", str(cp), "--db", str(desk)).returncode == 0
    out = cli("audit", "verify", "small", "--db", str(desk), "--checkpoint", str(cp))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("small: ok, ")


@pytest.mark.parametrize("kind", KINDS)
def test_tampering_is_caught(desk: Path, tmp_path: Path, kind: str) -> None:
    tamper, with_checkpoint, expected = KINDS[kind]
    cp = tmp_path / "checkpoint.json"
    taken = cli("audit", "checkpoint", "--out", str(cp), "--db", str(desk))
    assert taken.returncode == 0, taken.stderr
    when = json.loads(cp.read_text())["taken_at"]
    with sqlite3.connect(desk) as conn:
        n = head(conn)
        tamper(conn)
    args = ["audit", "verify", "small", "--db", str(desk)]
    out = cli(*args, *(["--checkpoint", str(cp)] if with_checkpoint else []))
    assert out.returncode == 1, out.stdout
    assert out.stderr.strip() == f"error: small: {expected(n).replace(WHEN, when)}"


def test_a_checkpoint_signed_by_another_key_is_refused(desk: Path, tmp_path: Path) -> None:
    cp = tmp_path / "checkpoint.json"
    assert cli("audit", "checkpoint", "--out", str(cp), "--db", str(desk)).returncode == 0
    forged = json.loads(cp.read_text())
    forged["heads"]["small"]["seq"] = 1
    cp.write_text(json.dumps(forged))
    out = cli("audit", "verify", "small", "--db", str(desk), "--checkpoint", str(cp))
    assert out.returncode == 1
    assert out.stderr.strip() == (
        "error: --checkpoint: the checkpoint is not signed by this server's audit key"
    )
