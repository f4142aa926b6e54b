"""The concession ledger: what each side has given and received, by issue, over time.

A party *gives* on an issue when it moves from its ideal option to another; it
*receives* when a counterpart moves towards the party's ideal. Entries are recorded
by the mediator, or derived from an agreed package by :func:`concessions_for_package`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from offramp.errors import Conflict
from offramp.model.case import Case


class Direction(StrEnum):
    GIVES = "gives"
    RECEIVES = "receives"


@dataclass(frozen=True)
class Concession:
    """One ledger entry: ``party`` gives or receives on ``issue``, from one option to another."""

    party: str
    issue: str
    direction: Direction
    at: datetime
    from_option: str | None = None
    to_option: str | None = None
    note: str = ""
    proposal: int | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise Conflict("A ledger entry needs a timezone-aware time.")


def concessions_for_package(
    case: Case,
    package: Mapping[str, str],
    parties: Iterable[str],
    on: date,
    at: datetime,
    proposal: int | None = None,
) -> tuple[Concession, ...]:
    """Entries implied by agreeing to ``package``, against each party's ideal on ``on``.

    A party gives on an issue where the package is not its ideal; it receives on an
    issue where the package is its ideal and some other party gives.
    """
    chosen = tuple(parties)
    ideals = {
        (p, i): pos.ideal
        for p in chosen
        for i in package
        if (pos := case.position_at(p, i, on)) is not None
    }
    out: list[Concession] = []
    for issue, option in package.items():
        givers = [p for p in chosen if ideals.get((p, issue)) not in (None, option)]
        for p in chosen:
            ideal = ideals.get((p, issue))
            if ideal is None:
                continue
            if ideal != option:
                out.append(Concession(p, issue, Direction.GIVES, at, ideal, option, "", proposal))
            elif any(g != p for g in givers):
                out.append(
                    Concession(p, issue, Direction.RECEIVES, at, ideal, option, "", proposal)
                )
    return tuple(out)


@dataclass(frozen=True)
class Balance:
    """How many times a party gave and received on one issue."""

    gives: int = 0
    receives: int = 0


def ledger_balance(entries: Iterable[Concession]) -> dict[str, dict[str, Balance]]:
    """party -> issue -> counts of gives and receives."""
    out: dict[str, dict[str, Balance]] = {}
    for e in entries:
        cur = out.setdefault(e.party, {}).get(e.issue, Balance())
        if e.direction is Direction.GIVES:
            cur = Balance(cur.gives + 1, cur.receives)
        else:
            cur = Balance(cur.gives, cur.receives + 1)
        out[e.party][e.issue] = cur
    return out
