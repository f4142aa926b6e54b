"""Issue 18, finding 4: export and casefile replace respect the crisis desk (real server)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from support.crisis_matrix import seed_crisis
from support.desk import World
from support.launch import Running, start_server

SEEDED = {"inc-done", "inc-dup", "inc-new", "inc-open", "inc-violation"}


@pytest.fixture
def server(world: World) -> Iterator[Running]:
    seed_crisis(world.desk)
    world.desk.close()
    srv = start_server(world.url)
    yield srv
    srv.stop()


def api(server: Running, world: World, who: str) -> httpx.Client:
    headers = {"Authorization": f"Bearer {world.tokens[who]}"}
    return httpx.Client(base_url=server.url + "/api", headers=headers, timeout=30)


def incidents(server: Running, world: World) -> set[str]:
    """The desk's incidents (the server's sweep may add a missed acknowledgement)."""
    got = api(server, world, "desk_officer").get("/cases/small/crisis/incidents")
    assert got.status_code == 200, got.text
    return {i["id"] for i in got.json()}


def test_an_analyst_export_holds_no_crisis_records(server: Running, world: World) -> None:
    analyst = api(server, world, "analyst")
    assert analyst.get("/cases/small/crisis/incidents").status_code == 404
    text = analyst.get("/cases/small/export").json()["text"]
    assert "crisis:" not in text and "inc-open" not in text
    mediator_text = api(server, world, "mediator_il").get("/cases/small/export").json()["text"]
    assert "inc-open" in mediator_text  # the mediator reads the crisis desk


def test_an_analyst_cannot_rename_crisis_records_by_casefile(server: Running, world: World) -> None:
    exported = api(server, world, "mediator_il").get("/cases/small/export").json()
    renamed = exported["text"].replace("inc-open", "inc-renamed")
    res = api(server, world, "analyst").put(
        "/cases/small/casefile", json={"text": renamed, "version": exported["version"]}
    )
    assert res.status_code == 403, res.text
    assert res.json()["errors"][0]["where"] == "crisis.write"
    assert res.json()["detail"] == "You may not crisis.write in case small."
    assert incidents(server, world) >= SEEDED


def test_a_replace_without_crisis_keeps_the_desk_and_audits_only_the_import(
    server: Running, world: World
) -> None:
    analyst, mediator = api(server, world, "analyst"), api(server, world, "mediator_il")
    own = analyst.get("/cases/small/export").json()
    res = analyst.put(
        "/cases/small/casefile", json={"text": own["text"], "version": own["version"]}
    )
    assert res.status_code == 200, res.text
    assert incidents(server, world) >= SEEDED and "inc-renamed" not in incidents(server, world)
    # the mediator's export (with the desk as it is) goes back unchanged too
    back = mediator.get("/cases/small/export").json()
    res = mediator.put(
        "/cases/small/casefile", json={"text": back["text"], "version": back["version"]}
    )
    assert res.status_code == 200, res.text
    assert incidents(server, world) >= SEEDED
    actions = [e["action"] for e in mediator.get("/cases/small/audit/events").json()]
    assert actions[-4:] == ["case.export", "case.import", "case.export", "case.import"]


def test_every_export_is_audited_with_who_took_it_and_what_it_held(
    server: Running, world: World
) -> None:
    """OWASP ASVS 8.3.5: a copy of the whole case leaves the desk, so each export is an
    audit event of the case (the file's text is not in it), and the chain still verifies."""
    analyst, mediator = api(server, world, "analyst"), api(server, world, "mediator_il")
    assert analyst.get("/cases/small/export").status_code == 200
    assert mediator.get("/cases/small/export", params={"format": "json"}).status_code == 200
    events = mediator.get("/cases/small/audit/events").json()
    exports = [(e["actor"], e["payload"]) for e in events if e["action"] == "case.export"]
    assert exports == [
        ("analyst", {"format": "yaml", "crisis_desk": False}),
        ("mediator_il", {"format": "json", "crisis_desk": True}),
    ]
    verified = mediator.get("/cases/small/audit", params={"full": "true"})
    assert verified.status_code == 200 and verified.json()["ok"] is True, verified.text
