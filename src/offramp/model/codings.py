"""A party's private coding of its own preferences: values, salience and reservation.

The case's positions are the mediator's coding of every party. A delegation may code
its own party too, privately: for each issue on the table (and, if it likes, candidate
issues) how much the issue matters (``salience``, in [0, 1]) and what each option is
worth (``values``, in [0, 1]); and its no-deal value (``reservation``, in [0, 1]). A
coding is the delegation's alone until it shares it with the mediator; it may revoke
the share. :func:`coded_case` puts codings in place of the mediator's positions, so the
deal space can be computed on them with the same analysis.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from offramp.errors import Problem
from offramp.model.case import Case
from offramp.model.positions import Position, Reservation

MAX_NOTE = 2000


class Coder(StrEnum):
    """Whose coding a party's preferences in an analysis come from."""

    MEDIATOR = "mediator"
    PARTY = "party"


@dataclass(frozen=True)
class IssueCoding:
    """One issue as the party codes it."""

    issue: str
    salience: float
    values: Mapping[str, float] = field(hash=False)


@dataclass(frozen=True)
class Coding:
    """A party's coding of its own preferences."""

    party: str
    issues: tuple[IssueCoding, ...]
    reservation: float
    note: str = ""

    def issue(self, issue_id: str) -> IssueCoding | None:
        for i in self.issues:
            if i.issue == issue_id:
                return i
        return None


@dataclass(frozen=True)
class StoredCoding:
    """A coding with its desk state: who may see it follows from ``shared_at``."""

    coding: Coding
    version: int
    updated_at: datetime
    updated_by: str
    shared_at: datetime | None = None
    shared_by: str | None = None

    @property
    def shared(self) -> bool:
        return self.shared_at is not None

    def share(self, actor: str, now: datetime) -> StoredCoding:
        return replace(self, shared_at=now, shared_by=actor)

    def revoke(self) -> StoredCoding:
        return replace(self, shared_at=None, shared_by=None)


def _unit(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0.0 <= value <= 1.0


def check_coding(case: Case, coding: Coding) -> list[Problem]:
    """Every problem with ``coding`` for ``case``, each with its field."""
    problems: list[Problem] = []
    if coding.party not in case.negotiating_parties():
        problems.append(Problem("party", f"{coding.party} is not a negotiating party"))
    if not _unit(coding.reservation):
        problems.append(Problem("reservation", "a number from 0 to 1"))
    if len(coding.note) > MAX_NOTE:
        problems.append(Problem("note", f"at most {MAX_NOTE} characters"))
    issues = {i.id: i for i in case.issues}
    seen: set[str] = set()
    for ic in coding.issues:
        where = f"issues.{ic.issue}"
        if ic.issue in seen:
            problems.append(Problem(where, "the issue is coded twice"))
            continue
        seen.add(ic.issue)
        spec = issues.get(ic.issue)
        if spec is None:
            problems.append(Problem(where, f"the case has no issue {ic.issue!r}"))
            continue
        if not _unit(ic.salience):
            problems.append(Problem(f"{where}.salience", "a number from 0 to 1"))
        for option in ic.values:
            if option not in spec.option_ids:
                problems.append(
                    Problem(f"{where}.values.{option}", f"issue {ic.issue!r} has no such option")
                )
        for option in spec.option_ids:
            if option not in ic.values:
                problems.append(Problem(f"{where}.values.{option}", "every option needs a value"))
            elif not _unit(ic.values[option]):
                problems.append(Problem(f"{where}.values.{option}", "a number from 0 to 1"))
    for issue in case.table_issues():
        if issue.id not in seen:
            problems.append(
                Problem(f"issues.{issue.id}", "a coding covers every issue on the table")
            )
    return problems


def coded_case(case: Case, codings: Mapping[str, Coding], at: date) -> Case:
    """``case`` with each coded party's positions and reservation taken from its coding.

    A coding has no dates: it holds from the case's first date (or ``at`` if the case
    has none), replacing the mediator's positions of that party on the issues it
    codes, and the party's reservations. Candidate issues the coding leaves out keep
    the mediator's positions. ``codings`` must have passed :func:`check_coding`.
    """
    if not codings:
        return case
    start = min((*case.dates(), at))
    positions = [
        p
        for p in case.positions
        if p.party not in codings or codings[p.party].issue(p.issue) is None
    ]
    reservations = [r for r in case.reservations if r.party not in codings]
    for party, coding in codings.items():
        for ic in coding.issues:
            options = case.issue(ic.issue).option_ids
            values = {o: float(ic.values[o]) for o in options}
            ideal = max(options, key=lambda o: values[o])  # the first best, in option order
            positions.append(
                Position(
                    party=party,
                    issue=ic.issue,
                    date=start,
                    ideal=ideal,
                    acceptable=(ideal,),
                    salience=float(ic.salience),
                    values=values,
                    note="the party's own coding",
                )
            )
        reservations.append(
            Reservation(party, start, float(coding.reservation), note="the party's own coding")
        )
    return replace(case, positions=tuple(positions), reservations=tuple(reservations))
