"""The real server on loopback: the shuttle over HTTP, concurrency, and a SIGKILL."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx

from support.cli import offramp
from support.desk import World, world_api
from support.launch import Running, start_server


def test_relay_reaches_the_other_side_but_not_its_origin(
    world_server: Running, world: World
) -> None:
    ua, ru, med = (
        world_api(world_server, world, n) for n in ("delegate_ua", "delegate_ru", "mediator_il")
    )
    posted = ua.post(
        "/cases/small/channels/UA/messages",
        json={"body": "We could drop NATO.", "mark": "may-relay"},
    )
    assert posted.status_code == 201
    mid = posted.json()["id"]
    relay = med.post(
        f"/cases/small/messages/{mid}/relay",
        json={"to_channel": "RU", "mode": "paraphrase", "body": "UA may drop NATO."},
    )
    assert relay.status_code == 201 and relay.json()["relay_of"] == mid
    seen = ru.get("/cases/small/channels/RU/messages").json()
    assert [(m["body"], m["relay_of"]) for m in seen] == [("UA may drop NATO.", None)]
    assert ru.get(f"/cases/small/messages/{mid}").status_code == 404
    assert ru.get("/cases/small/messages", params={"q": "NATO"}).json()[0]["body"] == (
        "UA may drop NATO."
    )


def test_stale_version_gets_409_over_two_connections(world_server: Running, world: World) -> None:
    a, b = (
        world_api(world_server, world, "mediator_il"),
        world_api(world_server, world, "mediator_il"),
    )
    note = a.post("/cases/small/notes", json={"title": "Draft", "body": "v1"}).json()
    first = a.patch(f"/cases/small/notes/{note['id']}", json={"version": 1, "body": "from a"})
    second = b.patch(f"/cases/small/notes/{note['id']}", json={"version": 1, "body": "from b"})
    assert (first.status_code, second.status_code) == (200, 409)
    assert second.headers["content-type"].startswith("application/problem+json")
    assert "version 2, not 1" in second.json()["detail"]
    assert b.get(f"/cases/small/notes/{note['id']}").json()["body"] == "from a"


def test_errors_are_problem_details_without_tracebacks(world_server: Running, world: World) -> None:
    med = world_api(world_server, world, "mediator_il")
    bad = med.post("/cases/small/proposals", json={"title": "x", "package": {"crimea": "a"}})
    assert bad.status_code == 422
    assert bad.json()["errors"] == [
        {"where": "package.crimea", "message": "the case has no issue 'crimea'"}
    ]
    assert set(bad.json()) == {"type", "title", "status", "detail", "errors"}
    junk = med.post(
        "/cases/small/notes", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert junk.status_code == 422 and "Traceback" not in junk.text


def _post_until_killed(
    server: Running, token: str, client_no: int, ok: list[int], stop: threading.Event
) -> None:
    with httpx.Client(
        base_url=server.url + "/api", timeout=5, headers={"Authorization": f"Bearer {token}"}
    ) as c:
        n = 0
        while not stop.is_set():
            try:
                r = c.post(
                    "/cases/small/channels/plenary/messages",
                    json={"body": f"client {client_no} message {n}", "mark": "may-relay"},
                )
            except httpx.TransportError:
                return
            if r.status_code == 201:
                ok.append(r.json()["id"])
            n += 1


def test_sigkill_during_posting_loses_no_acknowledged_message(world: World, tmp_path: Path) -> None:
    world.desk.close()
    srv = start_server(world.url)
    tokens = [world.tokens["delegate_ua"], world.tokens["delegate_ru"], world.tokens["mediator_il"]]
    acked: list[list[int]] = [[] for _ in range(8)]
    stop = threading.Event()
    threads = [
        threading.Thread(target=_post_until_killed, args=(srv, tokens[k % 3], k, acked[k], stop))
        for k in range(8)
    ]
    for t in threads:
        t.start()
    import time

    deadline = time.monotonic() + 20
    while sum(map(len, acked)) < 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    srv.kill()
    stop.set()
    for t in threads:
        t.join(timeout=10)
    assert sum(map(len, acked)) >= 50, "too few messages got through before the kill"

    again = start_server(world.url)
    try:
        with httpx.Client(
            base_url=again.url + "/api",
            timeout=30,
            headers={"Authorization": f"Bearer {world.tokens['mediator_il']}"},
        ) as c:
            stored: list[dict[str, Any]] = []
            after = 0
            while True:
                page = c.get(
                    "/cases/small/channels/plenary/messages", params={"after": after, "limit": 1000}
                ).json()
                if not page:
                    break
                stored += page
                after = page[-1]["id"]
        ids = [m["id"] for m in stored]
        by_id = {m["id"]: m["body"] for m in stored}
        for k, mine in enumerate(acked):
            assert set(mine) <= set(ids), f"client {k} lost {sorted(set(mine) - set(ids))}"
            # in the order each client posted them
            assert [ids.index(i) for i in mine] == sorted(ids.index(i) for i in mine)
            assert all(by_id[i].startswith(f"client {k} ") for i in mine)
    finally:
        again.stop()
    verify = offramp("audit", "verify", "small", "--db", world.url)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "small: ok" in verify.stdout
