"""The live desk's stream, ``GET /api/cases/{case}/events``, asserted on the raw bytes.

- The leak matrix: every event type (the script makes each, on both parties' sides) x
  every role x own and other party: what a reader's stream carries is exactly the
  events about what that reader may read, as the services' own reads say.
- Hidden traffic leaves no trace: the same visible writes, with and without the other
  party's traffic between them, give the reader the same stream.
- Resume: disconnect, three writes, reconnect with ``Last-Event-ID``: all three, in
  order; and the same across a restart of the real server.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from offramp.api.app import create_app
from offramp.bootstrap import bootstrap
from offramp.model.shuttle import HandlingMark
from support.desk import PERSONAS, World
from support.launch import start_server

from .events_support import Frame, every_kind_of_write, may_read, parse

MEMBERS = [p for p, (case, _, _) in PERSONAS.items() if case == "small"]
TYPES = {
    "ready", "case.changed", "source.added", "statement.added", "statement.confirmed",
    "position.changed", "member.added", "share.created", "note.changed", "message.posted",
    "message.relayed", "claim.changed", "proposal.changed", "ledger.recorded",
    "crisis.channel.added", "incident.logged", "incident.changed", "step.due", "step.overdue",
    "commitment.changed", "notification.sent", "notification.acknowledged",
    "assurance.changed", "escalation.scored", "alert.raised", "alert.rule.changed",
}  # fmt: skip
IDS = ("message", "claim", "proposal", "note", "entry", "incident", "notification",
       "commitment", "assurance", "statement", "step")  # fmt: skip


@pytest.fixture
def http(world: World) -> Iterator[TestClient]:
    with TestClient(create_app(services=world.desk), raise_server_exceptions=False) as client:
        yield client


def poll(http: TestClient, token: str, after: str | None = None) -> str:
    """One poll of the stream (no ``Accept: text/event-stream``): the raw text."""
    res = http.get(
        "/api/cases/small/events",
        params={"after": after} if after else None,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert res.status_code == 200, res.text
    assert res.headers["content-type"].startswith("text/event-stream")
    return res.text


def start(http: TestClient, token: str) -> str:
    """The id of the ``ready`` event: where a stream opened now starts."""
    frames, _ = parse(poll(http, token))
    assert [f.event for f in frames] == ["ready"]
    assert frames[0].id
    return frames[0].id


@pytest.mark.parametrize("persona", MEMBERS)
def test_a_stream_carries_exactly_what_its_reader_may_read(
    world: World, http: TestClient, persona: str
) -> None:
    token = world.tokens[persona]
    cursor = start(http, token)
    head = world.desk.audit.head("small")[0]
    every_kind_of_write(world.desk)
    raw = poll(http, token, cursor)
    frames, _ = parse(raw)
    med = world.actors["mediator_il"]
    written = world.desk.audit.events(med, "small", after=head, limit=1000)
    who = world.actors[persona]
    expected = [e for e in written if may_read(world.desk, who, e)]
    hidden = [e for e in written if e not in expected]
    assert {f.event for f in frames} <= TYPES
    assert len(frames) == len(expected), [f.event for f in frames]
    for frame, event in zip(frames, expected, strict=True):
        assert frame.data is not None and frame.data["case"] == "small"
        for key in IDS:
            if key in frame.data and key in event.payload and key != "statement":
                assert frame.data[key] == event.payload[key], (frame, event)
    # an object the reader may not read at all is never named in the raw stream
    for e in hidden:
        key = e.action.split(".")[0]
        seen = any(x.payload.get(key) == e.payload.get(key) for x in expected)
        if key in ("message", "claim", "proposal", "note") and not seen:
            assert f'"{key}":{e.payload[key]}' not in raw, (persona, e.action)
    # every id is opaque: all distinct, of one length, no number in sight
    ids = [f.id for f in frames]
    assert len(set(ids)) == len(ids)
    assert {len(i or "") for i in ids} <= {32}
    assert not any((i or "").isdigit() for i in ids)
    # the matrix reaches every kind of reader: someone sees much, someone little
    if persona == "mediator_il":
        assert {f.event for f in frames} == TYPES - {"ready", "case.changed", "source.added"}
    if persona in ("delegate_ua", "delegate_ru"):
        assert "message.posted" in {f.event for f in frames}
        assert "incident.logged" not in {f.event for f in frames}


def _messages(frames: list[Frame]) -> list[tuple[str | None, object]]:
    return [(f.event, (f.data or {}).get("channel")) for f in frames]


def test_hidden_traffic_between_visible_events_leaves_no_trace(
    world: World, http: TestClient
) -> None:
    """UA's stream is the same whether or not RU and the mediator talked in between."""
    ua, ru, med = (world.actors[n] for n in ("delegate_ua", "delegate_ru", "mediator_il"))
    token = world.tokens["delegate_ua"]
    quiet = start(http, token)
    world.desk.shuttle.post(ua, "small", "UA", "one", HandlingMark.MAY_RELAY)
    world.desk.shuttle.post(ua, "small", "UA", "two", HandlingMark.MAY_RELAY)
    first = parse(poll(http, token, quiet))[0]
    busy = start(http, token)
    world.desk.shuttle.post(ua, "small", "UA", "three", HandlingMark.MAY_RELAY)
    for k in range(5):
        world.desk.shuttle.post(ru, "small", "RU", f"hidden {k}", HandlingMark.MEDIATOR_ONLY)
    world.desk.shuttle.create_claim(med, "small", party="RU", text="hidden claim")
    world.desk.shuttle.post(ua, "small", "UA", "four", HandlingMark.MAY_RELAY)
    second = parse(poll(http, token, busy))[0]
    assert _messages(first) == _messages(second) == [("message.posted", "UA")] * 2
    assert [sorted((f.data or {}).keys()) for f in first] == [
        sorted((f.data or {}).keys()) for f in second
    ]


def test_reconnecting_with_last_event_id_gets_the_three_writes_in_order(
    world: World, http: TestClient
) -> None:
    ua = world.actors["delegate_ua"]
    token = world.tokens["delegate_ua"]
    last = start(http, token)
    for text in ("first", "second", "third"):
        world.desk.shuttle.post(ua, "small", "UA", text, HandlingMark.MAY_RELAY)
    res = http.get(
        "/api/cases/small/events",
        headers={"Authorization": f"Bearer {token}", "Last-Event-ID": last},
    )
    frames = parse(res.text)[0]
    bodies = [
        world.desk.shuttle.get_message(ua, "small", f.data["message"]).message.body
        for f in frames
        if f.data
    ]
    assert bodies == ["first", "second", "third"]
    again = http.get(
        "/api/cases/small/events",
        headers={"Authorization": f"Bearer {token}", "Last-Event-ID": frames[-1].id or ""},
    )
    assert parse(again.text)[0] == []


def test_anonymous_is_401_and_a_forged_id_is_a_clear_422(world: World, http: TestClient) -> None:
    assert http.get("/api/cases/small/events").status_code == 401
    res = http.get(
        "/api/cases/small/events",
        headers={"Authorization": f"Bearer {world.tokens['delegate_ua']}", "Last-Event-ID": "9"},
    )
    assert res.status_code == 422
    assert res.json()["errors"][0]["where"] == "Last-Event-ID"
    # an id of one case is not an id of another
    token = world.tokens["mediator_il"]
    cursor = start(http, token)
    res = http.get(
        "/api/cases/other/events",
        params={"after": cursor},
        headers={"Authorization": f"Bearer {world.tokens['outsider']}"},
    )
    assert res.status_code == 422 and res.json()["errors"][0]["where"] == "after"


# -- the real server ----------------------------------------------------------------------


class Listener:
    """A live stream (``Accept: text/event-stream``) read on a thread into ``frames``."""

    def __init__(self, url: str, token: str, last: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
        if last:
            headers["Last-Event-ID"] = last
        self.frames: list[tuple[float, Frame]] = []
        self._client = httpx.Client(timeout=httpx.Timeout(10, read=None))
        self._cm = self._client.stream("GET", f"{url}/api/cases/small/events", headers=headers)
        self.response = self._cm.__enter__()
        assert self.response.status_code == 200
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        buf = ""
        try:
            for chunk in self.response.iter_text():
                buf += chunk
                while "\n\n" in buf:
                    block, buf = buf.split("\n\n", 1)
                    for f in parse(block + "\n\n")[0]:
                        self.frames.append((time.monotonic(), f))
        except httpx.HTTPError:
            return

    def wait_for(self, n: int, timeout: float = 10.0) -> list[Frame]:
        deadline = time.monotonic() + timeout
        while len(self.frames) < n and time.monotonic() < deadline:
            time.sleep(0.02)
        return [f for _, f in self.frames]

    def close(self) -> None:
        self._client.close()


def _post(url: str, token: str, body: str) -> int:
    res = httpx.post(
        f"{url}/api/cases/small/channels/UA/messages",
        json={"body": body, "mark": "may-relay"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert res.status_code == 201, res.text
    return int(res.json()["id"])


def test_resume_across_a_server_restart(world: World, tmp_path: Path) -> None:
    if world.url.startswith("postgresql"):
        pytest.skip("the restart is exercised on SQLite; PostgreSQL has its own test")
    world.desk.close()
    token = world.tokens["delegate_ua"]
    server = start_server(world.url)
    try:
        live = Listener(server.url, token)
        ready = live.wait_for(1)
        assert [f.event for f in ready] == ["ready"]
        posted = [_post(server.url, token, "live")]
        got = live.wait_for(2)
        assert [f.data["message"] for f in got[1:] if f.data] == posted
        last = got[-1].id
        live.close()
        posted = [_post(server.url, token, f"offline {k}") for k in range(3)]
        back = Listener(server.url, token, last)
        frames = back.wait_for(3)
        assert [f.data["message"] for f in frames if f.data] == posted
        last = frames[-1].id
        back.close()
        server.kill()  # no shutdown at all
        server = start_server(world.url)
        posted = [_post(server.url, token, f"after restart {k}") for k in range(3)]
        again = Listener(server.url, token, last)
        frames = again.wait_for(3)
        assert [f.data["message"] for f in frames if f.data] == posted
        again.close()
    finally:
        server.stop()
        world.desk = bootstrap(world.url, migrate_first=False)


# -- two server processes on one PostgreSQL database --------------------------------------


@pytest.mark.postgres
def test_two_processes_on_postgresql_share_streams_and_sweep_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not world.url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (OFFRAMP_TEST_DATABASE_URL)")
    from support.crisis_matrix import seed_crisis

    seed_crisis(world.desk)  # an acknowledgement overdue, playbook steps overdue
    world.desk.close()
    monkeypatch.setenv("OFFRAMP_SWEEP_SECONDS", "0.2")
    one, two = start_server(world.url), start_server(world.url)
    try:
        token = world.tokens["delegate_ua"]
        live = Listener(two.url, token)
        assert [f.event for f in live.wait_for(1)] == ["ready"]
        sent = time.monotonic()
        posted = _post(one.url, token, "through the other process")
        frames = live.wait_for(2, timeout=5)
        assert [f.data["message"] for f in frames[1:] if f.data] == [posted]
        arrived = live.frames[1][0]
        assert arrived - sent < 2.0
        live.close()
        time.sleep(1.5)  # several sweep rounds of both processes
    finally:
        one.stop()
        two.stop()
        world.desk = bootstrap(world.url, migrate_first=False)
    med = world.desk.accounts.get_actor("mediator_il")
    events = world.desk.audit.events(med, "small", limit=1000)
    swept = [e for e in events if e.actor == "sweep"]
    raised = [e.payload["incident"] for e in swept if e.action == "crisis.incident.log"]
    assert raised == ["ack-missed-n-1"]
    steps = [
        (e.action, e.payload["incident"], e.payload["step"])
        for e in swept
        if e.action.startswith("crisis.step.")
    ]
    assert steps and len(steps) == len(set(steps))
