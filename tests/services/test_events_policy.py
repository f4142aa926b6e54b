"""The live desk's services: opaque ids, the stream read through the policy, the sweeps.

(The leak matrix over every event type, role and party is asserted on the raw HTTP
stream in ``tests/api/test_events_stream.py``.)
"""

from __future__ import annotations

import ast
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from offramp.bootstrap import bootstrap
from offramp.errors import InputError, OfframpError
from offramp.model.deadlines import FixedClock
from offramp.model.shuttle import HandlingMark
from offramp.services.access import Actor
from offramp.services.events import EVENT_TYPES, NOT_PUSHED, Cursors, visible
from offramp.store.audit import AuditEvent
from support.crisis_matrix import seed_crisis
from support.desk import FAST_HASHER, PERSONAS, World


def test_a_cursor_round_trips_and_shows_nothing_of_its_seq() -> None:
    cursors = Cursors(b"k" * 32)
    ids = [cursors.encode("small", seq) for seq in (1, 2, 3, 1000)]
    assert [cursors.decode("small", i) for i in ids] == [1, 2, 3, 1000]
    assert len({len(i) for i in ids}) == 1
    assert cursors.encode("small", 7) != cursors.encode("small", 7)  # a fresh nonce


def test_an_event_has_one_id_for_every_reader_and_it_shows_nothing_either() -> None:
    cursors = Cursors(b"k" * 32)
    ids = [cursors.event_id("small", seq) for seq in (1, 2, 3, 1000)]
    assert ids == [cursors.event_id("small", seq) for seq in (1, 2, 3, 1000)]
    assert [cursors.decode("small", i) for i in ids] == [1, 2, 3, 1000]
    assert len(set(ids)) == 4 and {len(i) for i in ids} == {32}
    # a ready id (fresh nonce) of the same position is never the event's id
    assert cursors.encode("small", 3) != cursors.event_id("small", 3)
    assert cursors.event_id("other", 3) != cursors.event_id("small", 3)
    assert Cursors(b"j" * 32).event_id("small", 3) != cursors.event_id("small", 3)


@pytest.mark.parametrize(
    "forged",
    ["", "9", "not base64 !", "A" * 32, "x" * 200],
    ids=["empty", "9", "junk", "A", "long"],
)
def test_a_forged_cursor_is_refused_by_name(forged: str) -> None:
    with pytest.raises(InputError) as got:
        Cursors(b"k" * 32).decode("small", forged)
    assert got.value.where == "Last-Event-ID"


def test_a_cursor_is_bound_to_its_case_and_key() -> None:
    good = Cursors(b"k" * 32).encode("small", 5)
    with pytest.raises(InputError):
        Cursors(b"k" * 32).decode("other", good)
    with pytest.raises(InputError):
        Cursors(b"j" * 32).decode("small", good)
    flipped = good[:-1] + ("A" if good[-1] != "A" else "B")
    with pytest.raises(InputError):
        Cursors(b"k" * 32).decode("small", flipped)


def test_the_key_survives_a_restart_and_is_the_same_for_every_process(world: World) -> None:
    ua = world.actors["delegate_ua"]
    stream = world.desk.events.open(ua, "small", None, "after")
    cursor = world.desk.events.cursor("small", stream.seq)
    world.desk.shuttle.post(ua, "small", "UA", "after the cursor", HandlingMark.MAY_RELAY)
    other = bootstrap(world.url, migrate_first=False, hasher=FAST_HASHER)  # "another process"
    try:
        resumed = other.events.open(ua, "small", cursor, "Last-Event-ID")
        got = resumed.next()
    finally:
        other.close()
    assert [(e.type, e.data["channel"]) for e in got] == [("message.posted", "UA")]
    assert world.desk.audit.verify_as(world.actors["mediator_il"], "small").ok


def _audited(tree: ast.AST) -> set[str]:
    """The strings a module passes as the action of ``uow.audit(chain, actor, action, ...)``,
    directly or through a name assigned in the module (``action = "a" if x else "b"``)."""
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "audit"
        and len(n.args) >= 3
    ]
    names = {a.id for c in calls if isinstance(a := c.args[2], ast.Name)}
    values: list[ast.AST] = [c.args[2] for c in calls]
    for n in ast.walk(tree):
        if isinstance(n, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in names for t in n.targets
        ):
            values.append(n.value)
    return {
        c.value
        for v in values
        for c in ast.walk(v)
        if isinstance(c, ast.Constant) and isinstance(c.value, str)
    }


def test_every_action_the_services_write_has_an_event_type() -> None:
    """A guard against a new audit action that the stream would silently never send
    (unless it is one of :data:`NOT_PUSHED`, on purpose).

    Two scans: every string shaped like an audit action (less the policy's action names,
    which look alike), and every string handed to ``uow.audit`` as its action, which
    catches the audit actions that share a name with a policy action (``round.open``).
    """
    import offramp.services as pkg
    from offramp.model.access import Action

    shape = re.compile(
        r"^(case|source|statement|position|member|share|note|message|claim|proposal|ledger"
        r"|crisis|round|coding)\.[a-z_.]+$"
    )
    trees = [
        ast.parse(path.read_text())
        for path in Path(pkg.__file__).parent.glob("*.py")
        if path.name != "events.py"  # the table itself
    ]
    literals = {
        node.value
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    audited = {v for tree in trees for v in _audited(tree) if shape.match(v)}
    written = ({v for v in literals if shape.match(v)} - {a.value for a in Action}) | audited
    assert {"round.open", "coding.share", "coding.revoke"} <= audited, "the scan went blind"
    known = set(EVENT_TYPES) | NOT_PUSHED
    assert written <= known, written - known


def test_live_streams_of_one_scope_share_each_decision(world: World) -> None:
    """Two live streams of UA's delegate get the very same decided event (one decision,
    one frame), from memory; RU's stream, a scope of its own, gets only RU's line."""
    ua, ru = world.actors["delegate_ua"], world.actors["delegate_ru"]
    service = world.desk.events
    streams = [service.open(who, "small", None, "after") for who in (ua, ua, ru)]
    unsubscribe = service.subscribe("small", lambda: None)
    for s in streams:
        s.attach()
    try:
        opened = streams[0].seq
        world.desk.shuttle.post(ua, "small", "UA", "UA's line", HandlingMark.MAY_RELAY)
        world.desk.shuttle.post(ru, "small", "RU", "RU's line", HandlingMark.MEDIATOR_ONLY)
        head = world.desk.audit.head("small")[0]
        deadline = time.monotonic() + 10
        while streams[0].seq < head and time.monotonic() < deadline:
            streams[0].ready()  # None or [] until the feed has brought and decided both
            time.sleep(0.02)
        assert streams[0].seq == head
        streams[0].seq = opened  # once more from the start: what ready() served is kept
        one, two, other = (s.ready() for s in streams)
        assert one is not None and two is not None and other is not None
        assert [e.data["channel"] for e in one] == ["UA"]
        assert one == two and one[0] is two[0]  # decided and framed once
        assert one[0].frame.startswith(b"id: " + one[0].id.encode())
        assert [e.data["channel"] for e in other] == ["RU"] and other[0].id != one[0].id
        assert [s.seq for s in streams] == [head] * 3
        assert all(s.ready() == [] for s in streams)
    finally:
        for s in streams:
            s.close()
        unsubscribe()
        service.stop()


@pytest.mark.parametrize(
    ("action", "payload"),
    [("crisis.replace", {"incidents": 1}), ("member.change", {"user": "analyst", "role": "x"})],
)
def test_a_replaced_crisis_desk_and_a_changed_member_go_to_their_reads_readers(
    world: World, action: str, payload: dict[str, object]
) -> None:
    """No role may replace a crisis desk by a case file today, so the rule is asked
    directly: crisis readers see ``crisis.replace``; member-list readers a member change."""
    desk = world.desk
    event = AuditEvent("small", 10**6, "someone", action, payload, datetime.now(UTC), "", "")
    members = [n for n in world.actors if PERSONAS[n][0] == "small"]
    read = desk.crisis.crisis_board if action == "crisis.replace" else desk.cases.list_members
    seen = {
        n
        for n in members
        if visible(
            desk.policy, desk.events.scope(world.actors[n], "small"), event, desk.events.facts
        )
    }
    may = {n for n in members if _ok(read, world.actors[n])}
    assert seen == may and 0 < len(seen) < len(members)


def _ok(read: Callable[[Actor, str], object], who: Actor) -> bool:
    try:
        read(who, "small")
    except OfframpError:
        return False
    return True


def test_a_stream_skips_hidden_events_without_losing_its_place(world: World) -> None:
    ua, ru = world.actors["delegate_ua"], world.actors["delegate_ru"]
    stream = world.desk.events.open(ua, "small", None, "after")
    world.desk.shuttle.post(ru, "small", "RU", "hidden", HandlingMark.MEDIATOR_ONLY)
    assert stream.next() == []
    world.desk.shuttle.post(ua, "small", "UA", "seen", HandlingMark.MAY_RELAY)
    got = stream.next()
    assert [e.data["channel"] for e in got] == ["UA"]
    assert stream.next() == []


# -- sweeps -----------------------------------------------------------------------------


def test_the_sweep_raises_each_deadline_once_and_moves_with_the_clock(world: World) -> None:
    seed_crisis(world.desk)
    clock = FixedClock(datetime(2022, 10, 26, 12, tzinfo=UTC))  # n-1 awaited until the 27th
    desk = bootstrap(world.url, migrate_first=False, hasher=FAST_HASHER, clock=clock)
    try:
        officer = desk.accounts.get_actor("desk_officer")
        desk.crisis.start_playbook(officer, "small", "inc-dup", "wmd_allegation", at=clock.now())
        first = desk.sweeps.run()
        assert first.incidents == ()
        assert {s[3] for s in first.steps} >= {"due"}
        assert desk.sweeps.run().steps == ()  # nothing new: nothing again
        clock.advance(timedelta(days=2))
        later = desk.sweeps.run()
        assert later.incidents == (("small", "ack-missed-n-1"),)
        assert ("small", "inc-dup", "acknowledge", "overdue") in later.steps
        again = desk.sweeps.run()
        assert again.incidents == () and again.steps == ()
        board = desk.crisis.crisis_board(officer, "small")
        assert [b.incident.id for b in board.incidents].count("ack-missed-n-1") == 1
    finally:
        desk.close()


def test_two_sweepers_at_once_raise_each_deadline_once(world: World) -> None:
    seed_crisis(world.desk)
    desks = [bootstrap(world.url, migrate_first=False, hasher=FAST_HASHER) for _ in range(2)]
    try:
        reports = []
        gate = threading.Barrier(2)

        def sweep(k: int) -> None:
            gate.wait()
            reports.append(desks[k].sweeps.run())

        threads = [threading.Thread(target=sweep, args=(k,)) for k in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for d in desks:
            d.close()
    incidents = [i for r in reports for i in r.incidents]
    steps = [s for r in reports for s in r.steps]
    assert incidents == [("small", "ack-missed-n-1")]
    assert steps and len(steps) == len(set(steps))
    med = world.actors["mediator_il"]
    logged = [
        e
        for e in world.desk.audit.events(med, "small", limit=1000)
        if e.action == "crisis.incident.log" and e.payload.get("sweep")
    ]
    assert len(logged) == 1
