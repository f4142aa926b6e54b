"""Mutual security assurances, each codable as a candidate issue with the parties' positions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from offramp.model.crisis.records import NO_PROVENANCE, Provenance
from offramp.model.issues import Issue, IssueKind, Option
from offramp.model.positions import Position


@dataclass(frozen=True)
class Stake:
    """One party's values over an assurance's options (analyst judgement)."""

    party: str
    salience: float
    values: Mapping[str, float] = field(hash=False)
    acceptable: tuple[str, ...] = ()

    @property
    def ideal(self) -> str:
        return max(self.values, key=lambda o: self.values[o])


@dataclass(frozen=True)
class Assurance:
    """A proposed mutual security assurance, codable as a candidate issue.

    ``to_issue`` gives an :class:`~offramp.model.Issue` with ``candidate=True``;
    ``positions`` gives each party's position on it, so "enlarge the problem" can
    weigh it like any other linked issue.
    """

    id: str
    title: str
    proposed_by: str
    to: tuple[str, ...]
    options: tuple[Option, ...]
    stakes: tuple[Stake, ...]
    precedent: str = ""
    provenance: Provenance = NO_PROVENANCE

    def __post_init__(self) -> None:
        ids = [o.id for o in self.options]
        if len(ids) < 2 or len(set(ids)) != len(ids):
            raise ValueError(f"assurance {self.id!r} needs two or more distinct options")
        object.__setattr__(self, "stakes", tuple(sorted(self.stakes, key=lambda s: s.party)))
        for stake in self.stakes:
            if set(stake.values) != set(ids):
                raise ValueError(
                    f"assurance {self.id!r}: {stake.party}'s values must cover "
                    f"exactly the options {', '.join(ids)}"
                )

    def to_issue(self) -> Issue:
        return Issue(
            id=self.id,
            title=self.title,
            kind=IssueKind.SECURITY,
            options=self.options,
            description=f"A mutual security assurance proposed by {self.proposed_by}.",
            candidate=True,
        )

    def positions(self, on: date, statements: tuple[str, ...] = ()) -> tuple[Position, ...]:
        """Each stakeholder's position on the candidate issue from ``on``."""
        return tuple(
            Position(
                party=s.party,
                issue=self.id,
                date=on,
                ideal=s.ideal,
                acceptable=tuple(dict.fromkeys((s.ideal, *s.acceptable))),
                salience=s.salience,
                values=dict(s.values),
                statements=statements,
                note="analyst judgement, from the crisis desk's assurance record",
            )
            for s in self.stakes
        )
