"""Channels: who can talk to whom, at which level, and when the line was last used."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from offramp.model.crisis.records import NO_PROVENANCE, Dyad, Provenance, dyad
from offramp.model.deadlines import require_aware


class ChannelLevel(StrEnum):
    """The level at which two counterparts talk, from the top down."""

    HEADS_OF_STATE = "heads_of_state"
    FOREIGN_MINISTERS = "foreign_ministers"
    DEFENCE_MINISTERS = "defence_ministers"
    CHIEFS_OF_STAFF = "chiefs_of_staff"
    SENIOR_OFFICIALS = "senior_officials"
    UN_SECURITY_COUNCIL = "un_security_council"
    HOTLINE = "hotline"
    BACK_CHANNEL = "back_channel"
    PUBLIC = "public"


ARRIVAL_CHANNEL = "arrival"
"""In a playbook step, "the channel(s) the incident came through"."""


@dataclass(frozen=True)
class CrisisChannel:
    """A channel between two counterparts at one level.

    ``endpoints`` names who holds each end (party id -> person id or title).
    """

    id: str
    dyad: Dyad
    level: ChannelLevel
    endpoints: Mapping[str, str] = field(default_factory=dict, hash=False)
    last_used: datetime | None = None
    provenance: Provenance = NO_PROVENANCE

    def __post_init__(self) -> None:
        if len(self.dyad) != 2 or self.dyad != dyad(*self.dyad):
            raise ValueError(f"channel {self.id!r}: the dyad must be two sorted party ids")
        for party in self.endpoints:
            if party not in self.dyad:
                raise ValueError(f"channel {self.id!r}: {party} is not one of {self.dyad}")
        if self.last_used is not None:
            object.__setattr__(self, "last_used", require_aware(self.last_used, "last use"))

    def used(self, at: datetime) -> CrisisChannel:
        """The channel with ``last_used`` moved to ``at`` if that is later."""
        at = require_aware(at, "use")
        if self.last_used is not None and self.last_used >= at:
            return self
        return replace(self, last_used=at)
