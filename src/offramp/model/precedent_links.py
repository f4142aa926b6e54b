"""A link from one option of a case to a precedent of the library (or one provision).

A link holds ids only: the precedent's text stays in the library, so a link shows the
library as it is now, and one whose precedent (or provision) left it says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

NO_LONGER_IN_LIBRARY = "no longer in the library"


@dataclass(frozen=True)
class PrecedentLink:
    """The mediator's team links option ``option`` of issue ``issue`` to a precedent."""

    id: int
    issue: str
    option: str
    precedent: str
    provision: str | None
    note: str
    created_by: str
    created_at: datetime
    version: int = 1

    @property
    def option_key(self) -> tuple[str, str]:
        """The (issue, option) pair the link is on."""
        return (self.issue, self.option)
