"""Issue 18, finding 10: the small leaks that could be fixed without renumbering ids."""

from __future__ import annotations

import httpx

from support.desk import World
from support.launch import Running


def analyst(server: Running, world: World) -> httpx.Client:
    auth = {"Authorization": f"Bearer {world.tokens['analyst']}"}
    return httpx.Client(base_url=server.url + "/api/cases/small", headers=auth, timeout=60)


def test_at_zero_is_not_read_as_1970(world_server: Running, world: World) -> None:
    res = analyst(world_server, world).get("/analysis", params={"at": "0"})
    assert res.status_code == 422
    assert res.json()["errors"][0] == {
        "where": "at",
        "message": "'0' is not a date (use YYYY-MM-DD)",
    }
    assert (
        analyst(world_server, world).get("/analysis", params={"at": "2022-03-11"}).status_code
        == 200
    )


def test_the_mediator_is_not_a_side_to_analyse(world_server: Running, world: World) -> None:
    res = analyst(world_server, world).get("/analysis", params={"parties": ["IL"]})
    assert res.status_code == 422
    assert res.json()["errors"][0] == {
        "where": "parties",
        "message": "'IL' is not a negotiating party; the case has UA, RU",
    }
