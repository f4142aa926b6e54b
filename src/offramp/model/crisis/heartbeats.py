"""Heartbeats: a channel that expects a message at an interval (a hotline test every day,
a routine exchange every week), and the incident a missed one raises.

From ``since``, a message is expected within ``every_hours`` of the previous one (or of
``since``), with ``grace_hours`` of slack. When that deadline passes with no message, the
heartbeat is missed *at the deadline*; the next message is then expected within the
interval counted from that deadline, so a channel that stays silent misses once per
interval, never twice for the same one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from offramp.model.crisis.channels import CrisisChannel
from offramp.model.crisis.incidents import Arrival, Incident, IncidentType
from offramp.model.deadlines import require_aware

MAX_MISSES = 1000  # a sweep raises at most this many per heartbeat at once


@dataclass(frozen=True)
class Heartbeat:
    """``channel`` expects a message from ``expected_from`` every ``every_hours``."""

    channel: str
    expected_from: str
    every_hours: float
    since: datetime
    grace_hours: float = 0.0
    what: str = "a routine message"

    def __post_init__(self) -> None:
        object.__setattr__(self, "since", require_aware(self.since, "heartbeat start"))
        if not self.every_hours > 0:
            raise ValueError(f"heartbeat of {self.channel!r}: the interval must be positive")
        if self.grace_hours < 0:
            raise ValueError(f"heartbeat of {self.channel!r}: the grace may not be negative")

    def missed(self, messages: Iterable[datetime], now: datetime) -> tuple[datetime, ...]:
        """The instants at which a heartbeat was missed, up to ``now``."""
        now = require_aware(now, "time")
        every = timedelta(hours=self.every_hours)
        grace = timedelta(hours=self.grace_hours)
        beats = sorted(m for m in (require_aware(x, "message") for x in messages) if m > self.since)
        out: list[datetime] = []
        last = self.since
        k = 0
        while len(out) < MAX_MISSES:
            deadline = last + every + grace
            while k < len(beats) and beats[k] <= last:
                k += 1
            if k < len(beats) and beats[k] <= deadline:
                last = beats[k]
                continue
            if deadline >= now:
                break
            out.append(deadline)
            last = deadline
        return tuple(out)

    def next_due(self, messages: Iterable[datetime], now: datetime) -> datetime:
        """When the next message is due, given what came in by ``now``."""
        seen = [m for m in messages if m <= now]
        missed = self.missed(seen, now)
        last = max([self.since, *missed, *(m for m in seen if m > self.since)])
        return last + timedelta(hours=self.every_hours + self.grace_hours)

    def incident_id(self, at: datetime) -> str:
        return f"heartbeat-{self.channel}-{at:%Y%m%dt%H%M}"

    def incident(self, channel: CrisisChannel, at: datetime) -> Incident:
        """The ``heartbeat_missed`` incident for the beat missed at ``at``."""
        other = next((p for p in channel.dyad if p != self.expected_from), channel.dyad[0])
        return Incident(
            id=self.incident_id(at),
            type=IncidentType.HEARTBEAT_MISSED,
            title=f"No {self.what} from {self.expected_from} on {channel.id}",
            raised_by=other,
            against=self.expected_from,
            claim=(
                f"{self.expected_from} sent no {self.what} on {channel.id} "
                f"(expected every {self.every_hours:g} h) by {at.isoformat()}."
            ),
            arrivals=(Arrival(channel.id, at),),
            level=1,
            evidence=(f"heartbeat of {channel.id}",),
        )
