"""Notifications of exercises and launches, and their acknowledgements.

A notification moves ``sent -> acknowledged``; an acknowledgement that is not in by its
deadline raises a ``notification_missed`` incident.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from offramp.errors import Conflict
from offramp.model.crisis.incidents import Arrival, Incident, IncidentType
from offramp.model.crisis.records import NO_PROVENANCE, Provenance
from offramp.model.deadlines import due_after, require_aware


class NotificationKind(StrEnum):
    EXERCISE = "exercise"
    MISSILE_LAUNCH = "missile_launch"


class AckStatus(StrEnum):
    AWAITED = "awaited"
    ACKNOWLEDGED = "acknowledged"
    ACKNOWLEDGED_LATE = "acknowledged_late"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Notification:
    """A structured notice of an exercise or launch, sent to a counterpart to acknowledge.

    ``what`` / ``where`` / ``size`` are free text ("strategic nuclear forces exercise",
    "Plesetsk", "ICBM and SLBM launches"); ``starts``/``ends`` are when it happens.
    """

    id: str
    kind: NotificationKind
    sender: str
    to: str
    what: str
    where: str
    starts: datetime
    size: str
    channel: str
    sent_at: datetime
    ack_due: datetime
    ends: datetime | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str = ""
    provenance: Provenance = NO_PROVENANCE

    def __post_init__(self) -> None:
        for name in ("starts", "sent_at", "ack_due", "ends", "acknowledged_at"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, require_aware(value, name.replace("_", " ")))
        if self.sender == self.to:
            raise ValueError(f"notification {self.id!r} is addressed to its sender")
        if self.ack_due < self.sent_at:
            raise ValueError(f"notification {self.id!r}: acknowledgement due before it was sent")
        if self.ends is not None and self.ends < self.starts:
            raise ValueError(f"notification {self.id!r} ends before it starts")

    @classmethod
    def send(
        cls,
        id: str,
        kind: NotificationKind,
        *,
        sender: str,
        to: str,
        what: str,
        where: str,
        starts: datetime,
        size: str,
        channel: str,
        sent_at: datetime,
        ack_hours: float,
        ends: datetime | None = None,
        provenance: Provenance = NO_PROVENANCE,
    ) -> Notification:
        """A new notification whose acknowledgement is due ``ack_hours`` after sending."""
        return cls(
            id, kind, sender, to, what, where, starts, size, channel, sent_at,
            due_after(sent_at, ack_hours), ends, provenance=provenance,
        )  # fmt: skip

    def acknowledge(self, by: str, at: datetime) -> Notification:
        """Record the counterpart's acknowledgement."""
        at = require_aware(at, "acknowledgement")
        if self.acknowledged_at is not None:
            raise Conflict(
                f"Notification {self.id} was already acknowledged by {self.acknowledged_by} "
                f"at {self.acknowledged_at.isoformat()}."
            )
        if at < self.sent_at:
            raise Conflict(
                f"Notification {self.id} cannot be acknowledged at {at.isoformat()}, "
                f"before it was sent at {self.sent_at.isoformat()}."
            )
        return replace(self, acknowledged_at=at, acknowledged_by=by)

    def status(self, now: datetime) -> AckStatus:
        now = require_aware(now, "time")
        if self.acknowledged_at is not None and self.acknowledged_at <= now:
            late = self.acknowledged_at > self.ack_due
            return AckStatus.ACKNOWLEDGED_LATE if late else AckStatus.ACKNOWLEDGED
        return AckStatus.OVERDUE if now > self.ack_due else AckStatus.AWAITED

    @property
    def missed_incident_id(self) -> str:
        return f"ack-missed-{self.id}"

    def missed_incident(self, now: datetime) -> Incident | None:
        """The incident a missed acknowledgement raises, or None if none is missed by ``now``.

        Missed means: the deadline passed before ``now`` with no acknowledgement by then
        (a late acknowledgement still leaves the incident on record).
        """
        now = require_aware(now, "time")
        if now <= self.ack_due:
            return None
        if self.acknowledged_at is not None and self.acknowledged_at <= self.ack_due:
            return None
        return Incident(
            id=self.missed_incident_id,
            type=IncidentType.NOTIFICATION_MISSED,
            title=f"{self.to} has not acknowledged notification {self.id}",
            raised_by=self.sender,
            against=self.to,
            claim=(
                f"{self.to} did not acknowledge {self.sender}'s notification of {self.what} "
                f"by {self.ack_due.isoformat()}."
            ),
            arrivals=(Arrival(self.channel, self.ack_due),),
            level=1,
            evidence=(f"notification {self.id}",),
        )


def missed_acknowledgements(
    notifications: Iterable[Notification], now: datetime, known: Iterable[str] = ()
) -> tuple[Incident, ...]:
    """Incidents for acknowledgements overdue at ``now``, leaving out ids already ``known``."""
    skip = set(known)
    found = (n.missed_incident(now) for n in notifications)
    return tuple(i for i in found if i is not None and i.id not in skip)
