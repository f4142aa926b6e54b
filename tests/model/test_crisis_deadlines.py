"""Deadlines across time zones and daylight-saving changes, and the injectable clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offramp.model.crisis import (
    Arrival,
    Incident,
    IncidentType,
    Playbook,
    PlaybookRun,
    StepSpec,
    StepStatus,
)
from offramp.model.deadlines import (
    FixedClock,
    WallDeadline,
    due_after,
    first_instant_at,
    require_aware,
)

# Zones with daylight saving in both hemispheres, a half-hour shift (Lord Howe),
# one without DST (Moscow since 2014) and one that skipped a whole day (Apia, 2011).
ZONES = [
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Europe/Moscow",
    "Pacific/Apia",
    "America/Santiago",
]
zones = st.sampled_from(ZONES).map(ZoneInfo)
# Instants near the DST transitions of 2021-2023 are the interesting ones; hypothesis
# also picks wall times that fall in gaps and folds (allow_imaginary=False keeps real ones).
arrivals = st.datetimes(
    min_value=datetime(2011, 1, 1), max_value=datetime(2024, 12, 31), timezones=zones
)
hours = st.floats(min_value=0, max_value=24 * 30, allow_nan=False).map(lambda h: round(h, 2))

SETTINGS = settings(max_examples=60, derandomize=True, deadline=None)


@SETTINGS
@given(arrival=arrivals, h=hours)
def test_due_minus_arrival_is_the_hours_in_absolute_time(arrival: datetime, h: float) -> None:
    due = due_after(arrival, h)
    assert due.tzinfo is UTC
    assert due - arrival == timedelta(hours=h)


@SETTINGS
@given(arrival=arrivals, wall=st.times(), name=st.sampled_from(ZONES), days=st.integers(0, 3))
def test_wall_deadline_is_the_first_instant_the_clock_reaches_the_time(
    arrival: datetime, wall: time, name: str, days: int
) -> None:
    tz = ZoneInfo(name)
    due = WallDeadline(wall, name, days).due(arrival)
    target = datetime.combine(arrival.astimezone(tz).date() + timedelta(days=days), wall)
    local = due.astimezone(tz).replace(tzinfo=None)
    just_before = (due - timedelta(microseconds=1)).astimezone(tz).replace(tzinfo=None)
    assert due.tzinfo is UTC
    # the clock has reached the target at the deadline and had not a moment before
    assert local >= target
    assert just_before < target
    if local != target:  # only in a gap, where the target time never shows
        assert local - target <= timedelta(hours=24)


def _transition_days(name: str) -> list[date]:
    """Days of 2021-2023 on which the zone's UTC offset changes."""
    tz = ZoneInfo(name)
    days = []
    day = date(2021, 1, 1)
    while day < date(2024, 1, 1):
        start = datetime.combine(day, time(0, 0), tz).utcoffset()
        end = datetime.combine(day + timedelta(days=1), time(0, 0), tz).utcoffset()
        if start != end:
            days.append(day)
        day += timedelta(days=1)
    return days


TRANSITIONS = [(name, d) for name in ZONES for d in _transition_days(name)]


@SETTINGS
@given(
    where=st.sampled_from(TRANSITIONS),
    wall=st.times(min_value=time(0, 0), max_value=time(4, 0)),
    h=hours,
)
def test_deadlines_on_transition_days(where: tuple[str, date], wall: time, h: float) -> None:
    """Wall times on the nights clocks change (many fall in a gap or a fold)."""
    name, day = where
    tz = ZoneInfo(name)
    arrival = datetime.combine(day - timedelta(days=1), time(12, 0), tz)
    assert due_after(arrival, h) - arrival == timedelta(hours=h)
    due = WallDeadline(wall, name, 1).due(arrival)
    target = datetime.combine(day, wall)
    readings = [due.astimezone(tz).replace(tzinfo=None)]
    before = (due - timedelta(microseconds=1)).astimezone(tz).replace(tzinfo=None)
    assert readings[0] >= target > before
    exists = any(
        datetime.combine(day, wall, tz)
        .replace(fold=f)
        .astimezone(UTC)
        .astimezone(tz)
        .replace(tzinfo=None)
        == target
        for f in (0, 1)
    )
    if exists:  # a real time, and in a fold the earlier of its two instants
        assert readings[0] == target
        assert due == min(
            datetime.combine(day, wall, tz).replace(fold=f).astimezone(UTC) for f in (0, 1)
        )


@SETTINGS
@given(arrival=arrivals, wall=st.times(), name=st.sampled_from(ZONES))
def test_status_moves_from_due_to_overdue_exactly_at_the_deadline(
    arrival: datetime, wall: time, name: str
) -> None:
    step = StepSpec("answer", "Answer", by=WallDeadline(wall, name, 1))
    pb = Playbook("p", "P", IncidentType.THREAT, (step,))
    incident = Incident(
        "i", IncidentType.THREAT, "t", "RU", "US", "c", (Arrival("ch", arrival),), 2
    )
    run = PlaybookRun.start(pb, incident)
    due = run.step("answer").due_at
    assert run.view("answer", due).status is StepStatus.DUE
    later = run.view("answer", due + timedelta(minutes=1))
    assert later.status is StepStatus.OVERDUE
    assert later.overdue_by == timedelta(minutes=1)


def test_a_time_in_the_spring_gap_is_due_at_the_transition() -> None:
    # Berlin, 27 March 2022: 02:00 CET jumps to 03:00 CEST; 02:30 never shows.
    due = first_instant_at(date(2022, 3, 27), time(2, 30), ZoneInfo("Europe/Berlin"))
    assert due == datetime(2022, 3, 27, 1, 0, tzinfo=UTC)  # 03:00 CEST


def test_a_time_in_the_autumn_fold_is_due_at_its_first_occurrence() -> None:
    # Berlin, 30 October 2022: 02:30 happens twice, first in CEST (00:30 UTC).
    due = first_instant_at(date(2022, 10, 30), time(2, 30), ZoneInfo("Europe/Berlin"))
    assert due == datetime(2022, 10, 30, 0, 30, tzinfo=UTC)


def test_24_hours_across_the_spring_change_is_25_on_the_wall_clock() -> None:
    ny = ZoneInfo("America/New_York")
    arrival = datetime(2022, 3, 12, 12, 0, tzinfo=ny)  # EST, the day before the change
    due = due_after(arrival, 24)
    assert due.astimezone(ny).hour == 13  # 24 elapsed hours, 13:00 EDT next day


def test_by_nine_moscow_the_next_day() -> None:
    arrival = datetime(2022, 10, 23, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
    due = WallDeadline(time(9, 0), "Europe/Moscow", 1).due(arrival)
    assert due == datetime(2022, 10, 24, 6, 0, tzinfo=UTC)


def test_the_local_date_is_taken_in_the_deadline_zone_not_in_utc() -> None:
    # 23:30 UTC on the 23rd is already the 24th in Moscow: "next day" is the 25th there.
    arrival = datetime(2022, 10, 23, 23, 30, tzinfo=UTC)
    due = WallDeadline(time(9, 0), "Europe/Moscow", 1).due(arrival)
    assert due == datetime(2022, 10, 25, 6, 0, tzinfo=UTC)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="has no time zone"):
        due_after(datetime(2022, 10, 23, 9, 0), 24)
    with pytest.raises(ValueError, match="has no time zone"):
        require_aware(datetime(2022, 10, 23))
    with pytest.raises(ValueError, match="has no time zone"):
        FixedClock(datetime(2022, 10, 23))


def test_unknown_zone_is_refused_with_its_name() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        WallDeadline(time(9, 0), "Mars/Olympus")


def test_fixed_clock_moves_only_when_told() -> None:
    clock = FixedClock(datetime(2022, 10, 23, 12, 0, tzinfo=ZoneInfo("Europe/Moscow")))
    assert clock.now() == datetime(2022, 10, 23, 9, 0, tzinfo=UTC)
    assert clock.now().tzinfo is UTC
    assert clock.advance(timedelta(hours=25)) == datetime(2022, 10, 24, 10, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="advances forward"):
        clock.advance(timedelta(hours=-1))
