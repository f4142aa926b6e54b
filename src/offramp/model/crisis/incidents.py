"""Incidents: allegations, threats, violations, accidents and missed notifications.

An incident may arrive through several channels; the desk keeps it as one record with
many arrivals, and two incidents logged separately can be merged into one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from offramp.errors import Conflict
from offramp.model.crisis.records import NO_PROVENANCE, Provenance
from offramp.model.deadlines import require_aware


class IncidentType(StrEnum):
    ALLEGATION = "allegation"
    THREAT = "threat"
    VIOLATION = "violation"
    ACCIDENT = "accident"
    NOTIFICATION_MISSED = "notification_missed"
    HEARTBEAT_MISSED = "heartbeat_missed"


@dataclass(frozen=True)
class Arrival:
    """The incident reaching the desk through one channel at one instant."""

    channel: str
    at: datetime
    provenance: Provenance = NO_PROVENANCE

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", require_aware(self.at, "arrival"))


@dataclass(frozen=True)
class Incident:
    """An allegation, threat, violation, accident or missed notification.

    ``raised_by`` is the party that raised it (the accuser, the one threatening, the
    one reporting); ``against`` the party it is directed at. ``level`` is the rung of
    the escalation ladder the desk gives it. Arrivals are kept in time order.
    """

    id: str
    type: IncidentType
    title: str
    raised_by: str
    against: str
    claim: str
    arrivals: tuple[Arrival, ...]
    level: int
    evidence: tuple[str, ...] = ()
    provenance: Provenance = NO_PROVENANCE

    def __post_init__(self) -> None:
        if not self.arrivals:
            raise ValueError(f"incident {self.id!r} has no arrival")
        seen = {(a.channel, a.at) for a in self.arrivals}
        if len(seen) != len(self.arrivals):
            raise ValueError(f"incident {self.id!r} lists the same arrival twice")
        ordered = tuple(sorted(self.arrivals, key=lambda a: (a.at, a.channel)))
        object.__setattr__(self, "arrivals", ordered)

    @property
    def first_arrival(self) -> datetime:
        return self.arrivals[0].at

    @property
    def channels(self) -> tuple[str, ...]:
        """The channels it came through, in order of first arrival, each once."""
        return tuple(dict.fromkeys(a.channel for a in self.arrivals))

    def arrive(self, arrival: Arrival) -> Incident:
        """The same incident, arriving once more (another channel, or again)."""
        if any((a.channel, a.at) == (arrival.channel, arrival.at) for a in self.arrivals):
            raise Conflict(
                f"Incident {self.id} already arrived through {arrival.channel} "
                f"at {arrival.at.isoformat()}."
            )
        return replace(self, arrivals=(*self.arrivals, arrival))

    def merge(self, other: Incident) -> Incident:
        """Fold ``other``, logged separately, into this incident: the desk shows one."""
        if other.id == self.id:
            raise Conflict(f"Incident {self.id} cannot be merged into itself.")
        same = (other.type, other.raised_by, other.against) == (
            self.type,
            self.raised_by,
            self.against,
        )
        if not same:
            raise Conflict(
                f"Incident {other.id} ({other.type} by {other.raised_by} against "
                f"{other.against}) is not the same incident as {self.id} ({self.type} by "
                f"{self.raised_by} against {self.against}); only the same claim can be merged."
            )
        known = {(a.channel, a.at) for a in self.arrivals}
        extra = tuple(a for a in other.arrivals if (a.channel, a.at) not in known)
        evidence = tuple(dict.fromkeys((*self.evidence, *other.evidence)))
        return replace(
            self,
            arrivals=(*self.arrivals, *extra),
            evidence=evidence,
            level=max(self.level, other.level),
        )
