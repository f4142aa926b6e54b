"""An incident's people and its record: roles, the shared timeline, notes and the review.

- **Roles**: a lead, a scribe, a liaison to the ally and a liaison to the impartial body,
  each held by one person; a step is answerable to one role (the lead unless assigned).
- **Timeline**: every arrival, step, acknowledgement, message, decision, escalation and
  note, each with who and when, in time order (ties in the order recorded).
- **Review**: after the incident is closed, what happened, what the playbook got right
  and wrong, and follow-ups with an owner and a due date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from offramp.errors import Conflict
from offramp.model.deadlines import require_aware


class IncidentRole(StrEnum):
    LEAD = "lead"
    SCRIBE = "scribe"
    ALLY_LIAISON = "ally_liaison"
    BODY_LIAISON = "body_liaison"


ROLE_TITLES = {
    IncidentRole.LEAD: "lead",
    IncidentRole.SCRIBE: "scribe",
    IncidentRole.ALLY_LIAISON: "liaison to the ally",
    IncidentRole.BODY_LIAISON: "liaison to the impartial body",
}


@dataclass(frozen=True)
class RoleHolder:
    role: IncidentRole
    holder: str
    since: datetime
    named_by: str


class EntryKind(StrEnum):
    ARRIVAL = "arrival"
    STEP = "step"
    ACKNOWLEDGEMENT = "acknowledgement"
    MESSAGE = "message"
    DECISION = "decision"
    NOTE = "note"
    ESCALATION = "escalation"
    ROLE = "role"
    CLOSED = "closed"


NOTE_KINDS = (EntryKind.NOTE, EntryKind.MESSAGE, EntryKind.DECISION)
"""What a person writes onto the timeline; the rest the desk records itself."""


@dataclass(frozen=True)
class TimelineEntry:
    """One line of an incident's timeline."""

    at: datetime
    kind: EntryKind
    who: str
    text: str
    ref: str = ""  # the step, channel or recipient concerned

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", require_aware(self.at, "timeline time"))


def ordered(entries: Iterable[TimelineEntry]) -> tuple[TimelineEntry, ...]:
    """Entries in time order; equal instants keep the order given (a stable sort)."""
    return tuple(sorted(entries, key=lambda e: e.at))


@dataclass(frozen=True)
class FollowUp:
    what: str
    owner: str
    due: date
    done: bool = False

    def __post_init__(self) -> None:
        if not self.what.strip() or not self.owner.strip():
            raise ValueError("a follow-up needs what is to be done and who owns it")


@dataclass(frozen=True)
class Review:
    """The review after an incident: what happened, right, wrong, and what follows."""

    incident: str
    what_happened: str
    went_right: tuple[str, ...]
    went_wrong: tuple[str, ...]
    follow_ups: tuple[FollowUp, ...]
    written_by: str
    written_at: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "written_at", require_aware(self.written_at, "review time"))
        if not self.what_happened.strip():
            raise ValueError("say what happened")

    @classmethod
    def after(cls, closed_at: datetime | None, incident: str, **fields: object) -> Review:
        """A review of ``incident``, which must be closed before ``written_at``."""
        if closed_at is None:
            raise Conflict(f"Incident {incident} is not closed yet; review it after it is.")
        review = cls(incident=incident, **fields)  # type: ignore[arg-type]
        if review.written_at < closed_at:
            raise Conflict(
                f"Incident {incident} closed at {closed_at.isoformat()}; a review cannot "
                f"be written before that, at {review.written_at.isoformat()}."
            )
        return review
