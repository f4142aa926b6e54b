"""The crisis desk on call, in the model: response times, named recipients, escalation
schedules (property tests across zones and daylight-saving changes, on a FixedClock),
heartbeats, jumps and repeats, reviews."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offramp.errors import Conflict
from offramp.files.case import load_case
from offramp.files.escalation import builtin_policies
from offramp.files.playbooks import builtin_playbooks
from offramp.model.crisis import (
    Arrival,
    ChannelLevel,
    CrisisChannel,
    Incident,
    IncidentType,
    PlaybookRun,
)
from offramp.model.crisis.directives import jump_waivers, rebase, repeat_from
from offramp.model.crisis.escalation import (
    CHANNEL_LADDER,
    EscalationPolicy,
    PolicyAction,
    PolicyStep,
    PolicySubject,
    next_level,
)
from offramp.model.crisis.heartbeats import Heartbeat
from offramp.model.crisis.journal import Review
from offramp.model.crisis.recipients import Acknowledgements
from offramp.model.crisis.times import TimeStatus, desk_times, response_times
from offramp.model.deadlines import FixedClock, WallDeadline

EXAMPLE = Path(__file__).parents[2] / "examples" / "ukraine-2022.yaml"
H = timedelta(hours=1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# -- the seed's 24 hours --------------------------------------------------------------------


def test_the_seed_allegation_met_every_target_of_the_wmd_playbook() -> None:
    desk = load_case(EXAMPLE).crisis
    assert desk is not None
    inc = desk.incident("dirty-bomb")
    run = desk.run("dirty-bomb")
    assert run is not None
    t = response_times(inc, run, utc(2022, 11, 4, 12))
    since_start = {s.step: s.since_start for s in t.steps}
    assert since_start["acknowledge"] == timedelta(minutes=30)
    assert since_start["consult_ally"] == 6 * H
    assert since_start["refer"] == 12 * H  # "in 24 hours": in 12, against a target of 24
    assert since_start["answer_publicly"] == 11 * H
    targets = {s.step: s.target for s in t.steps}
    assert targets["refer"] == 24 * H
    assert targets["answer_publicly"] == 37 * H  # 18:00 New York the next day, from 09:00 UTC
    # from the first call of 21 October, two days more
    assert t.step("acknowledge").since_arrival == timedelta(days=2, minutes=30)
    assert all(s.status is TimeStatus.ON_TIME for s in t.steps)


def test_desk_times_give_median_and_worst_over_incidents() -> None:
    pb = builtin_playbooks()["wmd_allegation"]
    times = []
    for k, minutes in enumerate((30, 90, 600)):  # the last is late (6 h target)
        start = utc(2022, 10, 1 + k, 9)
        inc = Incident(f"a{k}", IncidentType.ALLEGATION, "t", "RU", "UA", "c",
                       (Arrival("x", start),), 2)  # fmt: skip
        run = PlaybookRun.start(pb, inc).complete(
            "acknowledge", "us", start + timedelta(minutes=minutes)
        )
        times.append(response_times(inc, run, utc(2022, 10, 2 + k, 0)))
    ack = next(s for s in desk_times(times) if s.step == "acknowledge")
    assert ack.median == timedelta(minutes=90)
    assert ack.worst == timedelta(minutes=600) and ack.worst_incident == "a2"
    assert (ack.done, ack.late, ack.target) == (3, 1, 6 * H)
    refer = next(s for s in desk_times(times) if s.step == "refer")
    assert refer.median is None and refer.done == 0


# -- named recipients -----------------------------------------------------------------------


def test_every_named_recipient_acknowledges_on_its_own() -> None:
    acks = Acknowledgements.of("notification n-1", ("RU", "GB", "IAEA"))
    acks = acks.acknowledge("RU", "NRRC", utc(2022, 10, 26, 10))
    acks = acks.acknowledge("IAEA", "", utc(2022, 10, 26, 11))
    assert acks.pending(utc(2022, 10, 26, 12)) == ("GB",)
    assert acks.completed_at(utc(2022, 10, 26, 12)) is None
    acks = acks.acknowledge("GB", "MoD", utc(2022, 10, 27, 9))
    assert acks.pending(utc(2022, 10, 26, 12)) == ("GB",)  # replayed earlier: still out
    assert acks.completed_at(utc(2022, 10, 27, 9)) == utc(2022, 10, 27, 9)
    with pytest.raises(Conflict, match="already acknowledged"):
        acks.acknowledge("GB", "MoD", utc(2022, 10, 27, 10))
    with pytest.raises(Conflict, match="not a recipient"):
        acks.acknowledge("FR", "x", utc(2022, 10, 27, 10))


# -- escalation schedules -------------------------------------------------------------------


def _policy(*steps: PolicyStep) -> EscalationPolicy:
    return EscalationPolicy("p", "P", PolicySubject.ACKNOWLEDGEMENT, ("acknowledged",), steps)


def test_escalation_climbs_the_channel_ladder_and_stops_at_its_top() -> None:
    assert next_level(ChannelLevel.SENIOR_OFFICIALS) is ChannelLevel.DEFENCE_MINISTERS
    assert next_level(ChannelLevel.HOTLINE) is ChannelLevel.HOTLINE
    assert next_level(ChannelLevel.PUBLIC) is CHANNEL_LADDER[0]
    plan = builtin_policies()["ack_late"].schedule(utc(2022, 10, 27, 9), ChannelLevel.HOTLINE)
    assert [a.key for a in plan] == [
        "resend#1", "up_one#1", "up_one#2", "up_one#3", "hotline#1", "hotline#2",
    ]  # fmt: skip
    assert [a.at - utc(2022, 10, 27, 9) for a in plan] == [
        1 * H, 3 * H, 5 * H, 7 * H, 11 * H, 15 * H,
    ]  # fmt: skip
    levels = builtin_policies()["ack_late"].schedule(utc(2022, 10, 27, 9), None)
    assert [a.level for a in levels][1:4] == list(CHANNEL_LADDER[:3])


def test_a_policy_with_a_cycle_or_no_stop_is_refused() -> None:
    with pytest.raises(ValueError, match="cycle in the steps: a -> b -> a"):
        _policy(PolicyStep("a", PolicyAction.RESEND, 1), PolicyStep("b", PolicyAction.RESEND, 1,
                                                                    then="a"))  # fmt: skip
    with pytest.raises(ValueError, match="never stops"):
        EscalationPolicy("p", "P", PolicySubject.STEP, (),
                         (PolicyStep("a", PolicyAction.RESEND, 1),))  # fmt: skip


ZONES = ["Europe/Moscow", "America/New_York", "Europe/London", "Australia/Lord_Howe",
         "Pacific/Apia", "Asia/Kolkata", "America/Sao_Paulo", "Europe/Kyiv"]  # fmt: skip
# instants around the 2021-2023 transitions of those zones: every hour of the
# transition days is covered by drawing from a day either side of each
TRANSITIONS = [utc(2022, 3, 13, 6), utc(2022, 3, 27, 0), utc(2022, 10, 30, 0),
               utc(2022, 11, 6, 6), utc(2022, 4, 2, 15), utc(2022, 9, 24, 15),
               utc(2021, 9, 25, 14), utc(2023, 3, 26, 1)]  # fmt: skip


def _sweep_until(policy: EscalationPolicy, late: datetime, stop: datetime | None,
                 clock: FixedClock, steps: list[timedelta]) -> list[tuple[str, datetime]]:  # fmt: skip
    """Move the clock by ``steps``; at each instant apply what is due and not applied."""
    plan = policy.schedule(late, ChannelLevel.DEFENCE_MINISTERS)
    applied: dict[str, datetime] = {}
    for step in steps:
        now = clock.advance(step)
        for a in plan:
            if a.at > now or (stop is not None and stop <= a.at):
                break
            applied.setdefault(a.key, now)
    return sorted(applied.items(), key=lambda p: p[1])


@settings(max_examples=150, deadline=None)
@given(
    base=st.sampled_from(TRANSITIONS),
    offset=st.integers(-36 * 60, 36 * 60),
    zone=st.sampled_from(ZONES),
    hours=st.lists(st.sampled_from([0.5, 1, 2, 3, 24]), min_size=1, max_size=4),
    wall=st.tuples(st.integers(0, 23), st.sampled_from([0, 30]), st.integers(0, 2)),
    ticks=st.lists(st.integers(1, 400), min_size=1, max_size=60),
    stop_after=st.none() | st.integers(0, 80 * 60),
)
def test_escalation_timing_across_zones_and_daylight_saving(
    base: datetime, offset: int, zone: str, hours: list[float],
    wall: tuple[int, int, int], ticks: list[int], stop_after: int | None,
) -> None:  # fmt: skip
    late = base + timedelta(minutes=offset)
    steps = [PolicyStep(f"s{k}", PolicyAction.ESCALATE, h) for k, h in enumerate(hours)]
    by = WallDeadline(time(wall[0], wall[1]), zone, wall[2])
    steps.append(PolicyStep("wall", PolicyAction.ESCALATE, by=by, level="hotline"))
    policy = _policy(*steps)
    plan = policy.schedule(late, ChannelLevel.DEFENCE_MINISTERS)
    # elapsed hours are elapsed: a daylight-saving change neither adds nor removes one
    prev = late
    for a, h in zip(plan, hours, strict=False):
        assert a.at - prev == timedelta(hours=h)
        prev = a.at
    last = plan[-1]
    local = last.at.astimezone(ZoneInfo(zone))
    if last.at > prev:  # not clamped to the previous action: the wall clock reached it now
        assert (local.hour, local.minute) >= (wall[0], wall[1]) or local.date() > (
            prev.astimezone(ZoneInfo(zone)).date() + timedelta(days=wall[2])
        )
        before = (last.at - timedelta(microseconds=1)).astimezone(ZoneInfo(zone))
        assert before.replace(tzinfo=None) < datetime.combine(
            prev.astimezone(ZoneInfo(zone)).date() + timedelta(days=wall[2]), time(*wall[:2])
        )
    assert last.level is ChannelLevel.HOTLINE
    # a sweep on a FixedClock applies each action once, never before it is due, never
    # after the stop, and every due one by the time the clock has passed it
    stop = None if stop_after is None else late + timedelta(minutes=stop_after)
    clock = FixedClock(late - timedelta(minutes=1))
    applied = _sweep_until(policy, late, stop, clock, [timedelta(minutes=m) for m in ticks])
    keys = [k for k, _ in applied]
    assert len(keys) == len(set(keys))
    due = {a.key: a.at for a in plan}
    for key, when in applied:
        assert when >= due[key]
        assert stop is None or due[key] < stop
    expected = [a.key for a in plan if a.at <= clock.now()]
    if stop is not None:
        expected = []
        for a in plan:
            if a.at > clock.now() or stop <= a.at:
                break
            expected.append(a.key)
    assert sorted(keys) == sorted(expected)


# -- heartbeats -----------------------------------------------------------------------------


def test_a_silent_channel_misses_once_per_interval_and_a_message_resets_it() -> None:
    hb = Heartbeat("ru-us-nrrc", "RU", 24, utc(2022, 10, 1, 9), grace_hours=1, what="hotline test")
    assert hb.missed([], utc(2022, 10, 2, 10)) == ()  # at the deadline itself: not yet
    assert hb.missed([], utc(2022, 10, 2, 10, 1)) == (utc(2022, 10, 2, 10),)
    assert hb.missed([], utc(2022, 10, 4, 0)) == (utc(2022, 10, 2, 10), utc(2022, 10, 3, 11))
    beats = [utc(2022, 10, 2, 9, 30), utc(2022, 10, 3, 9)]
    assert hb.missed(beats, utc(2022, 10, 4, 10)) == ()
    assert hb.next_due(beats, utc(2022, 10, 4, 0)) == utc(2022, 10, 4, 10)
    channel = CrisisChannel("ru-us-nrrc", ("RU", "US"), ChannelLevel.HOTLINE)
    inc = hb.incident(channel, utc(2022, 10, 2, 10))
    assert inc.type is IncidentType.HEARTBEAT_MISSED
    assert (inc.raised_by, inc.against, inc.first_arrival) == ("US", "RU", utc(2022, 10, 2, 10))
    assert builtin_playbooks()["heartbeat_missed"].incident_type is IncidentType.HEARTBEAT_MISSED


# -- jump, repeat, review -------------------------------------------------------------------


def _run() -> PlaybookRun:
    inc = Incident("a", IncidentType.ALLEGATION, "t", "RU", "UA", "c",
                   (Arrival("x", utc(2022, 10, 23, 9)),), 2)  # fmt: skip
    return PlaybookRun.start(builtin_playbooks()["wmd_allegation"], inc)


def test_jump_waives_the_open_steps_before_and_repeat_reopens_from_a_step() -> None:
    run = _run()
    assert jump_waivers(run, "refer") == ("acknowledge", "consult_ally")
    run = run.complete("acknowledge", "us", utc(2022, 10, 23, 10))
    run = run.complete("consult_ally", "us", utc(2022, 10, 23, 12))
    again = repeat_from(run, "consult_ally", utc(2022, 10, 25, 9))
    assert again.step("acknowledge").done_at == utc(2022, 10, 23, 10)
    assert again.step("consult_ally").done_at is None
    assert again.step("consult_ally").due_at == utc(2022, 10, 25, 21)  # 12 h from the repeat
    assert again.step("refer").due_at == utc(2022, 10, 26, 9)
    kept = rebase(run, "consult_ally", utc(2022, 10, 25, 9))
    assert kept.step("consult_ally").done_at == utc(2022, 10, 23, 12)
    with pytest.raises(Conflict, match="already finished"):
        jump_waivers(run, "acknowledge")


def test_a_review_comes_after_the_incident_is_closed() -> None:
    fields = dict(what_happened="Referred.", went_right=(), went_wrong=(), follow_ups=(),
                  written_by="me", written_at=utc(2022, 11, 4, 9))  # fmt: skip
    with pytest.raises(Conflict, match="not closed yet"):
        Review.after(None, "a", **fields)
    with pytest.raises(Conflict, match="cannot be written before"):
        Review.after(utc(2022, 11, 5), "a", **fields)
    assert Review.after(utc(2022, 11, 3), "a", **fields).incident == "a"
    _ = date
