"""The live desk's services: opaque ids, the stream read through the policy, the sweeps.

(The leak matrix over every event type, role and party is asserted on the raw HTTP
stream in ``tests/api/test_events_stream.py``.)
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from offramp.bootstrap import bootstrap
from offramp.errors import InputError
from offramp.model.deadlines import FixedClock
from offramp.model.shuttle import HandlingMark
from offramp.services.events import EVENT_TYPES, Cursors
from support.crisis_matrix import seed_crisis
from support.desk import FAST_HASHER, World


def test_a_cursor_round_trips_and_shows_nothing_of_its_seq() -> None:
    cursors = Cursors(b"k" * 32)
    ids = [cursors.encode("small", seq) for seq in (1, 2, 3, 1000)]
    assert [cursors.decode("small", i) for i in ids] == [1, 2, 3, 1000]
    assert len({len(i) for i in ids}) == 1
    assert cursors.encode("small", 7) != cursors.encode("small", 7)  # a fresh nonce


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


def test_every_action_the_services_write_has_an_event_type() -> None:
    """A guard against a new audit action that the stream would silently never send."""
    import ast
    import re
    from pathlib import Path

    import offramp.services as pkg
    from offramp.model.access import Action

    shape = re.compile(
        r"^(case|source|statement|position|member|share|note|message|claim|proposal|ledger|crisis)"
        r"\.[a-z_.]+$"
    )
    literals = {
        node.value
        for path in Path(pkg.__file__).parent.glob("*.py")
        if path.name != "events.py"  # the table itself
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    written = {v for v in literals if shape.match(v)} - {a.value for a in Action}
    assert written, "the scan found no audit actions at all"
    assert written <= set(EVENT_TYPES), written - set(EVENT_TYPES)


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
