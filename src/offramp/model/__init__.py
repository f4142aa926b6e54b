"""The case model: plain typed classes with their invariants. No I/O, no frameworks."""

from offramp.model.case import Case, Party, Person, Role, Track
from offramp.model.issues import Issue, IssueKind, Option
from offramp.model.positions import Position, Reservation
from offramp.model.statements import Source, Stance, Statement

__all__ = [
    "Case",
    "Issue",
    "IssueKind",
    "Option",
    "Party",
    "Person",
    "Position",
    "Reservation",
    "Role",
    "Source",
    "Stance",
    "Statement",
    "Track",
]
