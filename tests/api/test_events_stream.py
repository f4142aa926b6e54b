"""The live desk's stream, ``GET /api/cases/{case}/events``, asserted on the raw bytes.

- The leak matrix: every event type (the script makes each, on both parties' sides) x
  every role x own and other party: what a reader's stream carries is exactly the
  events about what that reader may read, as the services' own reads say.
- Hidden traffic leaves no trace: the same visible writes, with and without the other
  party's traffic between them, give the reader the same stream.
- Resume: disconnect, three writes, reconnect with ``Last-Event-ID``: all three, in
  order; and the same across a restart of the real server.
- Rounds, codings and memberships: a round's events reach whoever may read the round
  and carry its id and state change only; a coding's sharing reaches its delegation and
  the mediator; a membership's change whoever may read the member list.
- Many live streams on the real server, two per reader, all at once: each carries
  exactly its reader's events (what the service decides once per scope and shares).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from fastapi.testclient import TestClient

from offramp.api.app import create_app
from offramp.bootstrap import Services, bootstrap
from offramp.errors import OfframpError
from offramp.model.shuttle import HandlingMark
from offramp.services.access import Actor
from offramp.services.events import EVENT_TYPES
from offramp.store.audit import AuditEvent
from support.desk import FAST_HASHER, PERSONAS, World, backends
from support.launch import start_server
from support.rounds import PACKAGES, coding

from .events_support import Frame, every_kind_of_write, may_read, parse

MEMBERS = [p for p, (case, _, _) in PERSONAS.items() if case == "small"]
T = TypeVar("T")
SCORE = "crisis.escalation.score"  # an escalation score above the alert rule: alert.raised
TYPES = {
    "ready", "case.changed", "source.added", "statement.added", "statement.confirmed",
    "position.changed", "member.added", "share.created", "note.changed", "message.posted",
    "message.relayed", "claim.changed", "proposal.changed", "ledger.recorded",
    "crisis.channel.added", "incident.logged", "incident.changed", "step.due", "step.overdue",
    "commitment.changed", "notification.sent", "notification.acknowledged",
    "assurance.changed", "escalation.scored", "alert.raised", "alert.rule.changed",
    "escalation.applied",  # the sweep's escalation policy (services/crisis_sweep.py)
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


def streamed_during(
    world: World, http: TestClient, persona: str, write: Callable[[Services], T]
) -> tuple[T, int, str, list[Frame]]:
    """Open ``persona``'s stream, run ``write`` on the desk, then read the stream: what
    ``write`` returned, the audit head before it, the raw stream and its frames."""
    token = world.tokens[persona]
    cursor = start(http, token)
    head = world.desk.audit.head("small")[0]
    wrote = write(world.desk)
    raw = poll(http, token, cursor)
    frames, _ = parse(raw)
    return wrote, head, raw, frames


@pytest.mark.parametrize("persona", MEMBERS)
def test_a_stream_carries_exactly_what_its_reader_may_read(
    world: World, http: TestClient, persona: str
) -> None:
    _, head, raw, frames = streamed_during(world, http, persona, every_kind_of_write)
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


# -- rounds, codings, memberships -------------------------------------------------------

#: audit action -> the (type, change) a reader must receive; written out here, not
#: taken from the service's table, so that a wrong entry there fails
NEW_KINDS = {
    "round.open": ("round.changed", "opened"),
    "round.answer": ("round.changed", "answered"),
    "round.reveal": ("round.changed", "revealed"),
    "coding.share": ("coding.changed", "shared"),
    "coding.revoke": ("coding.changed", "revoked"),
    "member.add": ("member.added", None),
    "member.change": ("member.changed", None),
    "member.remove": ("member.removed", None),
}


def _ok(call: Callable[[], Any]) -> bool:
    try:
        call()
    except OfframpError:
        return False
    return True


def rounds_codings_members(desk: Services) -> frozenset[str]:
    """A round revealed by its second mark, a sealed round UA alone has marked, UA's
    coding written, shared and revoked, and a member added, changed and removed.
    Returns who could read UA's coding while it was shared."""
    get = desk.accounts.get_actor
    med, ua, ru, admin = get("mediator_il"), get("delegate_ua"), get("delegate_ru"), get("admin")
    both = desk.rounds.open_round(med, "small", "To both", packages=PACKAGES)
    sealed = desk.rounds.open_round(med, "small", "Still sealed", packages=PACKAGES[:2])
    desk.rounds.mark(ua, "small", both.id, ["p1", "p2"])
    desk.rounds.mark(ua, "small", sealed.id, ["p2"])
    desk.rounds.mark(ru, "small", both.id, ["p2", "p4"])
    desk.codings.put(ua, "small", "UA", coding("UA"), None)
    desk.codings.share(ua, "small", "UA")
    readers = frozenset(
        n for n in MEMBERS if _ok(lambda n=n: desk.codings.get_coding(get(n), "small", "UA"))
    )
    desk.codings.revoke(ua, "small", "UA")
    desk.accounts.add_user(admin, "passerby", "a long password")
    desk.cases.add_member(admin, "small", "passerby", "observer", None)
    desk.cases.change_member(admin, "small", "passerby", "facilitator", None)
    desk.cases.remove_member(admin, "small", "passerby")
    return readers


def may_read_new(desk: Services, who: Actor, coding_readers: frozenset[str], e: AuditEvent) -> bool:
    """The oracle for the events of :func:`rounds_codings_members`: the services' reads."""
    if e.action.startswith("round."):
        return _ok(lambda: desk.rounds.get_round(who, "small", int(e.payload["round"])))
    if e.action.startswith("coding."):
        return who.name in coding_readers
    if e.action.startswith("member."):
        return _ok(lambda: desk.cases.list_members(who, "small"))
    raise AssertionError(f"the oracle does not know {e.action}")


def expected_data(e: AuditEvent) -> dict[str, Any]:
    """What a reader must receive of such an event: ids and the change, nothing else."""
    kind, change = NEW_KINDS[e.action]
    if kind == "round.changed":
        return {"case": "small", "change": change, "round": e.payload["round"]}
    if kind == "coding.changed":
        return {"case": "small", "change": change, "party": "UA"}
    keys = ("user", "role", "party") if e.action != "member.remove" else ("user",)
    return {"case": "small", **{k: e.payload[k] for k in keys if e.payload[k] is not None}}


@pytest.mark.parametrize("persona", MEMBERS)
def test_rounds_codings_and_members_reach_only_their_readers(
    world: World, http: TestClient, persona: str
) -> None:
    readers, head, raw, frames = streamed_during(world, http, persona, rounds_codings_members)
    written = world.desk.audit.events(world.actors["mediator_il"], "small", after=head, limit=99)
    assert {e.action for e in written} == set(NEW_KINDS)  # coding.write: not the case's chain
    who = world.actors[persona]
    expected = [e for e in written if may_read_new(world.desk, who, readers, e)]
    assert [(f.event, f.data) for f in frames] == [
        (NEW_KINDS[e.action][0], expected_data(e)) for e in expected
    ]
    # never a title, a package, a mark, an overlap, a coding's content or a version
    for secret in ("To both", "Still sealed", '"p1"', '"p2"', "overlap", "secret", "version"):
        assert secret not in raw, (persona, secret)
    # the matrix reaches each kind of reader
    rounds = [f.data["round"] for f in frames if f.data and f.event == "round.changed"]
    seen = {f.event for f in frames}
    if persona == "mediator_il":
        assert len(frames) == len(written) and readers == {"mediator_il", "delegate_ua"}
    if persona == "delegate_ru":  # UA's answer to the sealed round, not what UA marked
        assert len(set(rounds)) == 2 and len(rounds) == 6
        assert "coding.changed" not in seen and "member.added" not in seen
    if persona in ("facilitator_de", "observer_us", "analyst", "desk_officer"):
        assert "round.changed" not in seen and "coding.changed" not in seen


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


@pytest.mark.parametrize("world", ["sqlite"], indirect=True)  # PostgreSQL: the test below
def test_resume_across_a_server_restart(world: World, tmp_path: Path) -> None:
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


def _matches(frame: Frame, e: AuditEvent) -> bool:
    """Whether a frame is about event ``e``: its type, and every id both name."""
    kind = EVENT_TYPES[e.action][0]
    if frame.event != kind and (frame.event, e.action) != ("alert.raised", SCORE):
        return False
    data = frame.data or {}
    keys = (*IDS, "round", "party", "user")
    return all(
        data[k] == e.payload[k] for k in keys if k in data and k != "statement" and k in e.payload
    )


def _subsequence(frames: list[Frame], events: list[AuditEvent]) -> list[AuditEvent]:
    """The events the frames are about, matched in order (AssertionError if one is not)."""
    out, rest = [], iter(events)
    for f in frames:
        for e in rest:
            if _matches(f, e):
                out.append(e)
                break
        else:
            raise AssertionError(f"{f} is about none of the reader's events, in order")
    return out


def test_many_live_streams_each_carry_exactly_their_readers_events(world: World) -> None:
    """Two live streams per reader on the real server, open through every kind of write:
    each carries its reader's events, both of a reader's the same, ids included.

    A live stream decides events as they come, in batches: what is shared with a reader
    during the writes (a proposal, a note) opens the events about it from the batch of
    the share on; a poll after the share (above) includes the earlier ones too. So for
    the readers shared with, the stream is the oracle's events less some before the share.
    """
    world.desk.close()
    server = start_server(world.url)
    desk = bootstrap(world.url, migrate_first=False, hasher=FAST_HASHER)
    listeners: dict[tuple[str, int], Listener] = {}
    try:
        for persona in MEMBERS:
            for k in range(2):
                listeners[(persona, k)] = Listener(server.url, world.tokens[persona])
        for live in listeners.values():
            assert [f.event for f in live.wait_for(1)] == ["ready"]
        med = desk.accounts.get_actor("mediator_il")
        head = desk.audit.head("small")[0]
        every_kind_of_write(desk)
        readers = rounds_codings_members(desk)
        written = desk.audit.events(med, "small", after=head, limit=1000)
        expected: dict[str, list[AuditEvent]] = {}
        shares: dict[str, list[int]] = {}
        for persona in MEMBERS:
            who = desk.accounts.get_actor(persona)
            expected[persona] = [
                e
                for e in written
                if (
                    may_read_new(desk, who, readers, e)
                    if e.action.startswith(("round.", "coding.", "member."))
                    else may_read(desk, who, e)
                )
            ]
            shares[persona] = [
                e.seq
                for e in written
                if e.action == "share.create" and e.payload["user"] == persona
            ]
            after = max(shares[persona], default=0)
            must = [e for e in expected[persona] if e.seq > after]
            for k in range(2):
                listeners[(persona, k)].wait_for(1 + len(must), timeout=20)
        time.sleep(1.5)  # and let anything more arrive
        got = {key: [f for _, f in live.frames[1:]] for key, live in listeners.items()}
        for persona in MEMBERS:
            after = max(shares[persona], default=0)  # the reader's last share, if any
            for k in range(2):
                frames = got[(persona, k)]
                about = _subsequence(frames, expected[persona])  # nothing it may not read
                assert [e for e in about if e.seq > after] == [  # all it may, from the share
                    e for e in expected[persona] if e.seq > after
                ], (persona, [f.event for f in frames])
                assert len({f.id for f in frames}) == len(frames)
            if after == 0:  # one reader's two streams agree, ids too
                assert about == expected[persona], persona
                assert got[(persona, 0)] == got[(persona, 1)], persona
        assert all(shares[p] for p in ("facilitator_de", "observer_us"))
        # an event has one id, whoever receives it; a ready id is never an event's
        ids_of = {
            f.data["message"]: f.id
            for f in got[("mediator_il", 0)]
            if f.data and f.event == "message.posted"
        }
        ua_posts = [f for f in got[("delegate_ua", 0)] if f.event == "message.posted" and f.data]
        assert ua_posts and all(f.id == ids_of[f.data["message"]] for f in ua_posts if f.data)
        readies = {live.frames[0][1].id for live in listeners.values()}
        assert len(readies) == len(listeners)
        assert not readies & {f.id for frames in got.values() for f in frames}
        counts = [len(got[(p, 0)]) for p in ("mediator_il", "delegate_ua", "analyst")]
        assert counts == sorted(counts, reverse=True) and counts[-1] > 0
    finally:
        for live in listeners.values():
            live.close()
        server.stop()
        desk.close()
        world.desk = bootstrap(world.url, migrate_first=False)


# -- two server processes on one PostgreSQL database --------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("world", [b for b in backends() if b == "postgresql"], indirect=True)
def test_two_processes_on_postgresql_share_streams_and_sweep_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
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


@pytest.mark.postgres
@pytest.mark.parametrize("world", [b for b in backends() if b == "postgresql"], indirect=True)
def test_serve_with_workers_runs_that_many_processes_that_all_deliver(world: World) -> None:
    world.desk.close()
    srv = start_server(world.url, extra_args=("--workers", "2"))
    try:
        workers = _workers(srv.proc.pid)
        assert len(workers) == 2, workers  # the supervisor's two worker processes
        token = world.tokens["delegate_ua"]
        streams = [Listener(srv.url, token) for _ in range(4)]
        for live in streams:
            assert [f.event for f in live.wait_for(1)] == ["ready"]
        posted = [_post(srv.url, token, f"worker message {k}") for k in range(6)]
        for live in streams:
            frames = live.wait_for(7, timeout=5)
            assert [f.data["message"] for f in frames[1:] if f.data] == posted
            live.close()
    finally:
        srv.stop()
        world.desk = bootstrap(world.url, migrate_first=False)


def test_serve_refuses_workers_on_sqlite(tmp_path: Path) -> None:
    from support.cli import offramp

    res = offramp("serve", "--db", str(tmp_path / "desk.db"), "--workers", "2")
    assert res.returncode == 1
    assert "error: --workers: several server processes need PostgreSQL" in res.err
    assert not (tmp_path / "desk.db").exists()  # refused before anything is written


def _workers(pid: int) -> list[int]:
    """The live worker processes that ``pid`` spawned (from /proc; multiprocessing's
    resource tracker, also a child, is not a worker)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z" and b"resource_tracker" not in command:
            out.append(int(stat.parent.name))
    return out
