"""Commitments: declared restraints, red lines and rules of engagement, and their violations."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from offramp.errors import Conflict
from offramp.model.crisis.incidents import Incident, IncidentType
from offramp.model.crisis.records import NO_PROVENANCE, Provenance


class CommitmentKind(StrEnum):
    RESTRAINT = "restraint"
    RED_LINE = "red_line"
    RULE_OF_ENGAGEMENT = "rule_of_engagement"


@dataclass(frozen=True)
class Commitment:
    """A declared restraint, red line or rule of engagement, and its reported violations."""

    id: str
    kind: CommitmentKind
    text: str
    declared_by: str
    to: tuple[str, ...]
    date: date
    channel: str | None = None
    violations: tuple[str, ...] = ()
    provenance: Provenance = NO_PROVENANCE

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ValueError(f"commitment {self.id!r} has no text")
        if not self.to:
            raise ValueError(f"commitment {self.id!r} is declared to nobody")
        if self.declared_by in self.to:
            raise ValueError(f"commitment {self.id!r}: {self.declared_by} declares it to itself")

    def report_violation(self, incident: Incident) -> Commitment:
        """Link a violation incident to the commitment."""
        if incident.type is not IncidentType.VIOLATION:
            raise Conflict(
                f"Incident {incident.id} is {incident.type.replace('_', ' ')}, not a violation; "
                f"log a violation to link it to commitment {self.id}."
            )
        if incident.id in self.violations:
            raise Conflict(f"Incident {incident.id} is already linked to commitment {self.id}.")
        return replace(self, violations=(*self.violations, incident.id))
