"""Issue 18, finding 5: the live API sees tampering, incrementally and with ?full=true."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import httpx
import pytest

from support.desk import World
from support.launch import Running, start_server

pytestmark = pytest.mark.parametrize("world", ["sqlite"], indirect=True)  # edits the file


@pytest.fixture
def server(world: World) -> Iterator[Running]:
    world.desk.close()
    srv = start_server(world.url)
    yield srv
    srv.stop()


def test_a_tampered_row_is_reported_by_the_live_api(server: Running, world: World) -> None:
    auth = {"Authorization": f"Bearer {world.tokens['mediator_il']}"}
    med = httpx.Client(base_url=server.url + "/api/cases/small", headers=auth, timeout=30)
    assert med.post("/notes", json={"title": "T", "body": "B"}).status_code == 201
    first = med.get("/audit").json()
    assert first["ok"] is True
    with sqlite3.connect(world.url) as conn:
        conn.execute("UPDATE notes SET body = 'rewritten'")
    expected = (
        f"the case's notes no longer match event {first['head_seq']}, the last write the "
        "chain recorded: rows were edited, added or deleted outside the desk"
    )
    for params in ({}, {"full": "true"}):
        got = med.get("/audit", params=params).json()
        assert (got["ok"], got["problem"], got["message"]) == (False, "content", expected)
