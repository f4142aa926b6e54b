"""Positions over time: each party's stance on each issue, and what changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Position:
    """A party's stance on one issue from ``date`` until its next position.

    ``values`` maps every option of the issue to a value in [0, 1] (1 = the ideal);
    when a case file leaves them out they are derived from the distance along the
    issue's ordered options. ``salience`` in [0, 1] is how much the issue matters
    to the party. ``statements`` are the ids of the statements behind the position.
    """

    party: str
    issue: str
    date: date
    ideal: str
    acceptable: tuple[str, ...]
    salience: float
    values: dict[str, float] = field(hash=False)
    statements: tuple[str, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.salience <= 1.0:
            raise ValueError(f"salience {self.salience} is outside [0, 1]")
        if self.ideal not in self.acceptable:
            raise ValueError(f"ideal {self.ideal!r} is not among the acceptable options")
        for option, value in self.values.items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"value {value} of option {option!r} is outside [0, 1]")
        best = max(self.values.values())
        if self.values[self.ideal] < best:
            raise ValueError(f"ideal {self.ideal!r} is valued below another option")


@dataclass(frozen=True)
class Reservation:
    """A party's no-deal utility from ``date`` on, on the scale of weighted values."""

    party: str
    date: date
    value: float
    statements: tuple[str, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.value <= 1.0:
            raise ValueError(f"reservation value {self.value} is outside [0, 1]")


def distance_values(option_ids: tuple[str, ...], ideal: str) -> dict[str, float]:
    """Values falling linearly with the distance from the ideal along the ordered options."""
    n = len(option_ids)
    if n == 1:
        return {option_ids[0]: 1.0}
    k = option_ids.index(ideal)
    span = max(k, n - 1 - k)
    return {o: 1.0 - abs(j - k) / span for j, o in enumerate(option_ids)}
