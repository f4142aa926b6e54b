"""The rules between a case's records, one record at a time.

A case file is checked by running these over every record (``offramp.files.case``);
the desk checks one new record the same way against the stored case, without
re-reading the rest (``offramp.services``). Each rule yields ``(path, message)``: the
path of the field inside the record, ``("option",)`` or ``("values", "nato")``, and
what is wrong, so the caller can say where (``file:line: statements[3].option`` for a
file, ``option`` for a request).

:class:`Known` is what a record may refer to: the ids of the case's parties, people,
issues (with their options), sources, statements and tracks.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from offramp.model.case import Case

FieldPath = tuple[str | int, ...]
Found = tuple[FieldPath, str]
"""One problem: the field's path inside the record, and what is wrong with it."""


@dataclass(frozen=True)
class Known:
    """The ids records refer to. ``issues`` maps an issue id to its option ids."""

    parties: frozenset[str] = frozenset()
    people: frozenset[str] = frozenset()
    issues: Mapping[str, tuple[str, ...]] | None = None
    sources: frozenset[str] = frozenset()
    statements: frozenset[str] = frozenset()
    tracks: frozenset[str] = frozenset()

    @classmethod
    def of(cls, case: Case) -> Known:
        return cls(
            parties=frozenset(p.id for p in case.parties),
            people=frozenset(p.id for p in case.people),
            issues={i.id: i.option_ids for i in case.issues},
            sources=frozenset(s.id for s in case.sources),
            statements=frozenset(s.id for s in case.statements),
            tracks=frozenset(t.id for t in case.tracks),
        )

    def options(self, issue: str) -> tuple[str, ...] | None:
        """The option ids of ``issue``, or None if the case has no such issue."""
        return (self.issues or {}).get(issue)

    def with_source(self, source: str) -> Known:
        return replace(self, sources=self.sources | {source})

    def with_issue(self, issue: str, options: Sequence[str]) -> Known:
        return replace(self, issues={**(self.issues or {}), issue: tuple(options)})


# -- what a rule reads of a record (case-file records and model records alike) ----------


class StatementLike(Protocol):
    @property
    def party(self) -> str | None: ...
    @property
    def source(self) -> str: ...
    @property
    def track(self) -> str | None: ...
    @property
    def issue(self) -> str | None: ...
    @property
    def option(self) -> str | None: ...


class PositionLike(Protocol):
    @property
    def party(self) -> str: ...
    @property
    def issue(self) -> str: ...
    @property
    def ideal(self) -> str: ...
    @property
    def acceptable(self) -> Sequence[str] | None: ...
    @property
    def values(self) -> Mapping[str, float] | None: ...
    @property
    def statements(self) -> Sequence[str]: ...


# -- the rules ---------------------------------------------------------------------------


def duplicate_message(item_id: str) -> str:
    return f"duplicate id {item_id!r}"


def unique_id(item_id: str, taken: Collection[str]) -> Iterator[Found]:
    """``item_id`` is not one of ``taken`` (the ids already used in its section)."""
    if item_id in taken:
        yield ("id",), duplicate_message(item_id)


def party_known(party: str, known: Known, path: FieldPath = ("party",)) -> Iterator[Found]:
    if party not in known.parties:
        yield path, f"unknown party {party!r}"


def statements_known(statements: Sequence[str], known: Known) -> Iterator[Found]:
    for s in statements:
        if s not in known.statements:
            yield ("statements",), f"unknown statement {s!r}"


def duplicate_options(option_ids: Sequence[str]) -> Iterator[Found]:
    """An issue's option ids are unique."""
    seen: set[str] = set()
    repeated: list[str] = []
    for o in option_ids:
        if o in seen and o not in repeated:
            repeated.append(o)
        seen.add(o)
    for o in repeated:
        yield ("options",), f"duplicate option id {o!r}"


def person_problems(party: str, known: Known) -> Iterator[Found]:
    """A person speaks for a party of the case."""
    yield from party_known(party, known)


def track_problems(parties: Sequence[str], known: Known) -> Iterator[Found]:
    for p in parties:
        yield from party_known(p, known, ("parties",))


def statement_problems(st: StatementLike, known: Known) -> Iterator[Found]:
    """A statement's party, source, track, issue and option are the case's."""
    if st.party is not None:
        yield from party_known(st.party, known)
    if st.source not in known.sources:
        yield ("source",), f"unknown source {st.source!r}"
    if st.track is not None and st.track not in known.tracks:
        yield ("track",), f"unknown track {st.track!r}"
    options = known.options(st.issue) if st.issue is not None else None
    if st.issue is not None and options is None:
        yield ("issue",), f"unknown issue {st.issue!r}"
    elif st.option is not None:
        if st.issue is None or options is None:
            yield ("option",), "an option needs its issue"
        elif st.option not in options:
            yield ("option",), f"issue {st.issue!r} has no option {st.option!r}"


def position_problems(pos: PositionLike, known: Known) -> Iterator[Found]:
    """A position's party, issue and statements are the case's; its ideal, acceptable
    options and values are options of its issue; the ideal is acceptable and valued
    highest; values cover every option."""
    yield from party_known(pos.party, known)
    yield from statements_known(pos.statements, known)
    options = known.options(pos.issue)
    if options is None:
        yield ("issue",), f"unknown issue {pos.issue!r}"
        return
    if pos.ideal not in options:
        yield ("ideal",), f"issue {pos.issue!r} has no option {pos.ideal!r}"
        return
    for o in pos.acceptable or []:
        if o not in options:
            yield ("acceptable",), f"issue {pos.issue!r} has no option {o!r}"
    if pos.acceptable is not None and pos.ideal not in pos.acceptable:
        yield ("acceptable",), f"must include the ideal {pos.ideal!r}"
    if pos.values is not None:
        for o in pos.values:
            if o not in options:
                yield ("values", o), f"issue {pos.issue!r} has no option {o!r}"
        missing = [o for o in options if o not in pos.values]
        if missing:
            yield ("values",), f"no value for {', '.join(missing)}"
        elif pos.values[pos.ideal] < max(pos.values.values()):
            yield ("values",), f"the ideal {pos.ideal!r} must have the highest value"


def second_position(
    party: str, issue: str, day: date, taken: Collection[tuple[str, str, date]]
) -> Iterator[Found]:
    """One position per party, issue and day."""
    if (party, issue, day) in taken:
        yield (), f"a second position of {party} on {issue} that day"


def reservation_problems(party: str, statements: Sequence[str], known: Known) -> Iterator[Found]:
    yield from party_known(party, known)
    yield from statements_known(statements, known)


def second_reservation(
    party: str, day: date, taken: Collection[tuple[str, date]]
) -> Iterator[Found]:
    """One reservation value per party and day."""
    if (party, day) in taken:
        yield (), f"a second reservation of {party} that day"


# -- what uses a record (before it is removed or changed) -------------------------------


def _position_label(party: str, issue: str, day: date) -> str:
    return f"position {party}/{issue}/{day.isoformat()}"


def party_uses(case: Case, party: str) -> list[str]:
    """The records of ``case`` that name party ``party``."""
    return [
        *(f"person {p.id}" for p in case.people if p.party == party),
        *(f"statement {s.id}" for s in case.statements if s.party == party),
        *(_position_label(p.party, p.issue, p.date) for p in case.positions if p.party == party),
        *(
            f"reservation {r.party}/{r.date.isoformat()}"
            for r in case.reservations
            if r.party == party
        ),
        *(f"track {t.id}" for t in case.tracks if party in t.parties),
    ]


def issue_uses(case: Case, issue: str, option: str | None = None) -> list[str]:
    """The statements and positions on ``issue`` (that name ``option``, when given)."""

    def names(pos_ideal: str, acceptable: Sequence[str]) -> bool:
        return option is None or option == pos_ideal or option in acceptable

    return [
        *(
            f"statement {s.id}"
            for s in case.statements
            if s.issue == issue and (option is None or s.option == option)
        ),
        *(
            _position_label(p.party, p.issue, p.date)
            for p in case.positions
            if p.issue == issue and names(p.ideal, p.acceptable)
        ),
    ]


def source_uses(case: Case, source: str) -> list[str]:
    return [f"statement {s.id}" for s in case.statements if s.source == source]


def statement_uses(case: Case, statement: str) -> list[str]:
    """The positions and reservations that cite statement ``statement``."""
    return [
        *(
            _position_label(p.party, p.issue, p.date)
            for p in case.positions
            if statement in p.statements
        ),
        *(
            f"reservation {r.party}/{r.date.isoformat()}"
            for r in case.reservations
            if statement in r.statements
        ),
    ]


def person_uses(case: Case, person: str) -> list[str]:
    """The statements whose speaker is person ``person`` (by id)."""
    return [f"statement {s.id}" for s in case.statements if s.speaker == person]


def in_use(what: str, uses: Sequence[str], path: FieldPath = ()) -> Iterator[Found]:
    """``what`` cannot go while ``uses`` name it."""
    if uses:
        shown = ", ".join(uses[:5]) + (f" and {len(uses) - 5} more" if len(uses) > 5 else "")
        yield path, f"{what} is used by {shown}: change or remove those first"


def same_ids(order: Sequence[str], ids: Sequence[str], path: FieldPath = ()) -> Iterator[Found]:
    """A new order names each of ``ids`` exactly once."""
    if sorted(order) != sorted(ids):
        missing = [i for i in ids if i not in order]
        extra = [i for i in order if i not in ids or order.count(i) > 1]
        said = [
            *([f"missing {', '.join(missing)}"] if missing else []),
            *([f"unknown or repeated {', '.join(dict.fromkeys(extra))}"] if extra else []),
        ]
        yield path, f"must list each of {', '.join(ids)} once ({'; '.join(said)})"
