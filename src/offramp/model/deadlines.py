"""Deadlines and the clock: absolute hours after arrival, or a wall-clock time in a zone.

Every instant here is a timezone-aware ``datetime``; results are in UTC. A naive
datetime is refused with ``ValueError`` (it would silently mean "the server's zone").

Two kinds of deadline:

``hours``
    ``due = arrival + hours`` in absolute (elapsed) time. Computed in UTC, so a
    daylight-saving change between arrival and deadline neither adds nor removes an
    hour: 24 hours after 01:00 on the night clocks go forward is 02:00 local time.

:class:`WallDeadline` ("by 09:00 Europe/Moscow the next day")
    Take the arrival's *local date in the named zone*, add ``days_after`` days, and
    find the first instant at which that zone's wall clock reaches ``time`` on that
    date. Two cases need a rule, and this is it:

    * **Gap** (the time does not exist, e.g. 02:30 on the night clocks go forward):
      the deadline is the instant of the transition, the first instant at which the
      wall clock shows a time at or after the one asked for (03:00 new time).
    * **Fold** (the time happens twice, e.g. 01:30 on the night clocks go back): the
      deadline is the *first* occurrence (``fold=0``), the earlier of the two instants.

    Both follow from one rule: *a deadline "by T" passes the first time the local
    clock reaches T*. A deadline that falls at or before the arrival (``days_after: 0``
    and a time already past) is returned as is: the step is overdue from the start.

The :class:`Clock` protocol makes "now" injectable: services take a clock, tests pass a
:class:`FixedClock` and move it explicitly instead of sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_RESOLUTION = timedelta(microseconds=1)


def require_aware(value: datetime, what: str = "time") -> datetime:
    """Return ``value`` in UTC, or raise ``ValueError`` if it has no time zone."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"the {what} {value.isoformat()} has no time zone; give an offset")
    return value.astimezone(UTC)


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``, or ``ValueError`` saying it is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}: use an IANA name (Europe/Moscow)") from None


class Clock(Protocol):
    """Where "now" comes from. ``now()`` returns an aware datetime in UTC."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until told to move; for tests and replays."""

    def __init__(self, at: datetime) -> None:
        self._at = require_aware(at, "clock time")

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        """Jump to ``at`` (backwards too: a replay may rewind)."""
        self._at = require_aware(at, "clock time")

    def advance(self, by: timedelta) -> datetime:
        """Move forward by ``by`` and return the new time."""
        if by < timedelta(0):
            raise ValueError("a clock advances forward; use set() to rewind")
        self._at += by
        return self._at


class StartedClock:
    """A clock that starts at ``at`` and runs on in real time from when it was made:
    the demo's clock, set on the example case's own timeline."""

    def __init__(self, at: datetime, base: Clock | None = None) -> None:
        self._base = base or SystemClock()
        self._offset = require_aware(at, "clock time") - self._base.now()

    def now(self) -> datetime:
        return self._base.now() + self._offset


def due_after(arrival: datetime, hours: float) -> datetime:
    """``arrival + hours`` in absolute time, in UTC."""
    if hours < 0:
        raise ValueError(f"a deadline of {hours} hours is before the arrival")
    return require_aware(arrival, "arrival") + timedelta(hours=hours)


@dataclass(frozen=True)
class WallDeadline:
    """ "By ``time`` in ``zone``, ``days_after`` days after the arrival's local date"."""

    time: time
    zone: str
    days_after: int = 1

    def __post_init__(self) -> None:
        zone(self.zone)
        if self.days_after < 0:
            raise ValueError("days_after must be 0 (the same day) or more")
        if self.time.tzinfo is not None:
            raise ValueError("give the wall time without an offset; the zone says where")

    def due(self, arrival: datetime) -> datetime:
        """The deadline for an incident that arrived at ``arrival``, in UTC."""
        tz = zone(self.zone)
        local_day = require_aware(arrival, "arrival").astimezone(tz).date()
        return first_instant_at(local_day + timedelta(days=self.days_after), self.time, tz)

    def describe(self) -> str:
        day = {0: "the same day", 1: "the next day"}.get(self.days_after)
        return f"by {self.time:%H:%M} {self.zone} {day or f'{self.days_after} days later'}"


def first_instant_at(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """The first instant (UTC) at which the wall clock of ``tz`` reaches ``wall`` on ``day``.

    Fold: the earlier of the two instants. Gap: the instant of the transition.
    """
    naive = datetime.combine(day, wall)
    found = [
        u
        for fold in (0, 1)
        if _local(u := naive.replace(tzinfo=tz, fold=fold).astimezone(UTC), tz) == naive
    ]
    if found:
        return min(found)
    # In a gap the two readings straddle the transition: fold=1 uses the offset after it
    # (an instant before the jump), fold=0 the offset before it (an instant after).
    lo = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    hi = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    lo, hi = min(lo, hi), max(lo, hi)
    while hi - lo > _RESOLUTION:
        mid = lo + (hi - lo) / 2
        if _local(mid, tz) >= naive:
            hi = mid
        else:
            lo = mid
    return hi


def _local(instant: datetime, tz: ZoneInfo) -> datetime:
    """The wall-clock reading of ``instant`` in ``tz``, without the zone."""
    return instant.astimezone(tz).replace(tzinfo=None)


def format_duration(delta: timedelta) -> str:
    """``1 d 2 h 5 min`` for a positive span; seconds are dropped under an hour's days."""
    total = int(delta.total_seconds())
    sign = "-" if total < 0 else ""
    total = abs(total)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{days} d"] if days else []
    if hours:
        parts.append(f"{hours} h")
    if minutes or not parts:
        parts.append(f"{minutes} min")
    return sign + " ".join(parts)
