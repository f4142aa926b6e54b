"""Named recipients: a notification or a step addressed to several parties, each of whom
acknowledges on its own.

The whole is acknowledged only when every named recipient has, at the last of their
acknowledgements; until then :meth:`Acknowledgements.pending` says who has not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from offramp.errors import Conflict
from offramp.model.deadlines import require_aware


@dataclass(frozen=True)
class RecipientAck:
    """One recipient and, once it has acknowledged, when, by whom and on which channel."""

    recipient: str
    at: datetime | None = None
    by: str = ""
    channel: str | None = None

    def __post_init__(self) -> None:
        if self.at is not None:
            object.__setattr__(self, "at", require_aware(self.at, "acknowledgement"))

    def done_by(self, now: datetime) -> bool:
        return self.at is not None and self.at <= now


@dataclass(frozen=True)
class Acknowledgements:
    """The recipients of one notification or step (``subject`` says which), in order."""

    subject: str
    acks: tuple[RecipientAck, ...]

    def __post_init__(self) -> None:
        names = [a.recipient for a in self.acks]
        if not names:
            raise ValueError(f"{self.subject}: name at least one recipient")
        if len(set(names)) != len(names):
            raise ValueError(f"{self.subject}: a recipient is named twice")

    @classmethod
    def of(cls, subject: str, recipients: tuple[str, ...]) -> Acknowledgements:
        return cls(subject, tuple(RecipientAck(r) for r in recipients))

    @property
    def recipients(self) -> tuple[str, ...]:
        return tuple(a.recipient for a in self.acks)

    def ack(self, recipient: str) -> RecipientAck:
        for a in self.acks:
            if a.recipient == recipient:
                return a
        raise Conflict(
            f"{recipient} is not a recipient of {self.subject} "
            f"(recipients: {', '.join(self.recipients)})."
        )

    def acknowledge(
        self, recipient: str, by: str, at: datetime, channel: str | None = None
    ) -> Acknowledgements:
        """Record ``recipient``'s acknowledgement (once)."""
        at = require_aware(at, "acknowledgement")
        mine = self.ack(recipient)
        if mine.at is not None:
            raise Conflict(
                f"{recipient} already acknowledged {self.subject} at {mine.at.isoformat()}."
            )
        new = replace(mine, at=at, by=by or recipient, channel=channel)
        return replace(self, acks=tuple(new if a is mine else a for a in self.acks))

    def pending(self, now: datetime) -> tuple[str, ...]:
        """Who has not acknowledged by ``now``."""
        return tuple(a.recipient for a in self.acks if not a.done_by(now))

    def completed_at(self, now: datetime) -> datetime | None:
        """When the last recipient acknowledged, if all had by ``now``."""
        if self.pending(now):
            return None
        return max(a.at for a in self.acks if a.at is not None)
