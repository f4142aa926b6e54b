"""What changed between two dates: position shifts and the kinds of contested demands.

A party's *contested demands* at a date are its ideal options that some counterpart
does not accept. Their kinds (an option's own kind, else its issue's) summarise what
the party is fighting for. The *dominant* kind is the one carrying the most salience
among the contested demands (ties go to the graver kind); "from existential to
territorial" is a change of the dominant kind between two dates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from offramp.model.case import Case
from offramp.model.issues import IssueKind
from offramp.model.positions import Position


@dataclass(frozen=True)
class PositionShift:
    """One party's change on one issue between two dates."""

    party: str
    issue: str
    before: Position | None
    after: Position | None
    kind_before: IssueKind | None
    kind_after: IssueKind | None

    @property
    def ideal_changed(self) -> bool:
        return _ideal(self.before) != _ideal(self.after)

    @property
    def acceptable_added(self) -> tuple[str, ...]:
        old = set(self.before.acceptable) if self.before else set()
        return tuple(o for o in (self.after.acceptable if self.after else ()) if o not in old)

    @property
    def acceptable_removed(self) -> tuple[str, ...]:
        new = set(self.after.acceptable) if self.after else set()
        return tuple(o for o in (self.before.acceptable if self.before else ()) if o not in new)

    @property
    def statements(self) -> tuple[str, ...]:
        """The statements behind the later position."""
        return self.after.statements if self.after else ()

    def sentence(self) -> str:
        """One line a mediator can read aloud."""
        before, after = _ideal(self.before) or "no position", _ideal(self.after) or "no position"
        if before == after:
            text = f"{self.party} on {self.issue}: still {after}"
        else:
            text = f"{self.party} on {self.issue}: {before} -> {after}"
        if self.kind_before != self.kind_after and self.kind_before and self.kind_after:
            text += f" ({self.kind_before} -> {self.kind_after})"
        if self.acceptable_added:
            text += f"; now accepts {', '.join(self.acceptable_added)}"
        if self.acceptable_removed:
            text += f"; no longer accepts {', '.join(self.acceptable_removed)}"
        return text


@dataclass(frozen=True)
class DemandProfile:
    """A party's contested demands at a date, grouped by kind (issue ids per kind)."""

    party: str
    at: date
    contested: dict[IssueKind, tuple[str, ...]]
    salience: dict[IssueKind, float]

    def dominant(self) -> IssueKind | None:
        """The kind with the most salience at stake, ties to the graver; None if none."""
        kinds = [k for k, issues in self.contested.items() if issues]
        return min(kinds, key=lambda k: (-round(self.salience[k], 9), k.gravity), default=None)

    def gravest(self) -> IssueKind | None:
        """The gravest kind among the contested demands, or None if nothing is contested."""
        kinds = [k for k, issues in self.contested.items() if issues]
        return min(kinds, key=lambda k: k.gravity) if kinds else None

    def describe(self) -> str:
        parts = [
            f"{k} ({', '.join(v)})"
            for k, v in sorted(self.contested.items(), key=lambda kv: kv[0].gravity)
            if v
        ]
        return "; ".join(parts) if parts else "nothing contested"


@dataclass(frozen=True)
class KindShift:
    """How the gravest contested demand of a party moved between two dates."""

    party: str
    before: DemandProfile
    after: DemandProfile

    @property
    def dropped(self) -> tuple[IssueKind, ...]:
        return tuple(
            k for k in IssueKind if self.before.contested.get(k) and not self.after.contested.get(k)
        )

    @property
    def moved(self) -> bool:
        return self.before.dominant() != self.after.dominant()

    def sentence(self) -> str:
        b, a = self.before.dominant(), self.after.dominant()
        if b == a:
            return f"{self.party}: contested demands still {b or 'none'}"
        return (
            f"{self.party}: contested demands moved from {b or 'none'} to {a or 'none'} "
            f"(before: {self.before.describe()}; after: {self.after.describe()})"
        )


@dataclass(frozen=True)
class Changes:
    """Everything that changed between ``since`` and ``until``."""

    since: date
    until: date
    shifts: tuple[PositionShift, ...]
    kinds: tuple[KindShift, ...]


def _ideal(position: Position | None) -> str | None:
    return position.ideal if position else None


def demand_profile(
    case: Case, party: str, at: date, counterparts: Iterable[str] | None = None
) -> DemandProfile:
    """The party's ideal options that some counterpart does not accept, by kind."""
    others = [p for p in (counterparts or case.negotiating_parties()) if p != party]
    contested: dict[IssueKind, list[str]] = {}
    weight: dict[IssueKind, float] = {}
    for issue in case.table_issues():
        own = case.position_at(party, issue.id, at)
        if own is None:
            continue
        refusing = [
            o
            for o in others
            if (pos := case.position_at(o, issue.id, at)) is not None
            and own.ideal not in pos.acceptable
        ]
        if refusing:
            kind = issue.kind_of(own.ideal)
            contested.setdefault(kind, []).append(issue.id)
            weight[kind] = weight.get(kind, 0.0) + own.salience
    return DemandProfile(party, at, {k: tuple(v) for k, v in contested.items()}, weight)


def changes_between(
    case: Case, since: date, until: date, parties: Iterable[str] | None = None
) -> Changes:
    """Position shifts and kind shifts of the given parties (default: the negotiating ones)."""
    chosen = tuple(parties or case.negotiating_parties())
    shifts: list[PositionShift] = []
    for party in chosen:
        for issue in case.issues:
            before = case.position_at(party, issue.id, since)
            after = case.position_at(party, issue.id, until)
            if before == after:
                continue
            shifts.append(
                PositionShift(
                    party,
                    issue.id,
                    before,
                    after,
                    issue.kind_of(before.ideal) if before else None,
                    issue.kind_of(after.ideal) if after else None,
                )
            )
    kinds = tuple(
        KindShift(p, demand_profile(case, p, since, chosen), demand_profile(case, p, until, chosen))
        for p in chosen
    )
    return Changes(since, until, tuple(shifts), kinds)
