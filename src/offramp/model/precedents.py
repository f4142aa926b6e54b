"""Precedents: historical agreements, the provisions in them that matter, and how they fared.

A :class:`Precedent` is one agreement or arrangement (a treaty, an exchange of letters, a
constitutional clause). Its :class:`Provision` s are summarised in our own words and tagged
with the kinds of issue they settle (:class:`ProvisionKind`). Every fact points at a
public :class:`Source`.

``ProvisionKind`` is not :class:`offramp.model.issues.IssueKind`: that one says how grave
an issue is (existential ... political); this one says what a provision settles.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum


class ProvisionKind(StrEnum):
    """The kinds of issue a provision settles."""

    NEUTRALITY_ALIGNMENT = "neutrality_alignment"
    TERRITORIAL_STATUS = "territorial_status"
    AUTONOMY = "autonomy"
    SECURITY_GUARANTEES = "security_guarantees"
    DEMILITARISATION_FORCE_LIMITS = "demilitarisation_force_limits"
    WEAPONS_PLACEMENT = "weapons_placement"
    VERIFICATION_MONITORING = "verification_monitoring"
    NOTIFICATIONS_HOTLINES = "notifications_hotlines"
    TRANSITIONAL_ARRANGEMENTS = "transitional_arrangements"


class Outcome(StrEnum):
    """How a precedent held up, in one word; the note says how and when."""

    HELD = "held"
    PARTLY_HELD = "partly_held"
    BROKEN = "broken"
    ENDED = "ended"  # a party withdrew or it ran out, before it could be said to fail


@dataclass(frozen=True)
class Source:
    """A public source: a treaty series entry, a UN document, an official page, a reference work."""

    id: str
    title: str
    publisher: str
    url: str = ""
    reference: str = ""  # volume and page, document symbol, chapter

    def __str__(self) -> str:
        parts = [self.title, self.publisher, self.reference, self.url]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class Party:
    """A party to a precedent. ``continued_by`` names successor states (SU -> RU)."""

    id: str
    name: str
    continued_by: tuple[str, ...] = ()

    def is_named(self, query: str) -> bool:
        """True if ``query`` is this party's id or a successor's (any case), or begins a
        word of its name ("soviet", "united"; "aland" is not "New Zealand")."""
        q = query.strip().casefold()
        if not q:
            return False
        ids = (self.id, *self.continued_by)
        if any(q == i.casefold() for i in ids):
            return True
        return re.search(rf"(?<!\w){re.escape(q)}", self.name.casefold()) is not None


@dataclass(frozen=True)
class Provision:
    """One provision that matters, in our words, with the kinds of issue it settles."""

    id: str
    kinds: tuple[ProvisionKind, ...]
    text: str
    sources: tuple[str, ...] = ()  # ids of the precedent's sources; empty: all of them

    def __post_init__(self) -> None:
        if not self.kinds:
            raise ValueError(f"provision {self.id!r} settles no kind of issue")


@dataclass(frozen=True)
class HeldUp:
    """How a precedent fared: an outcome and a note, with the sources for it."""

    outcome: Outcome
    note: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Precedent:
    """One historical agreement or arrangement."""

    id: str
    name: str
    date: dt.date
    parties: tuple[Party, ...]
    provisions: tuple[Provision, ...]
    held_up: HeldUp
    sources: tuple[Source, ...]
    summary: str = ""
    form: str = ""  # treaty, memorandum, exchange of letters, constitution, ...
    end: dt.date | None = None
    parties_note: str = ""  # e.g. "and 23 other states"

    def __post_init__(self) -> None:
        if not self.sources:
            raise ValueError(f"precedent {self.id!r} has no source")
        if not self.provisions:
            raise ValueError(f"precedent {self.id!r} has no provision")

    @property
    def kinds(self) -> frozenset[ProvisionKind]:
        """Every kind of issue some provision of this precedent settles."""
        return frozenset(k for p in self.provisions for k in p.kinds)

    def has_party(self, query: str) -> bool:
        return any(p.is_named(query) for p in self.parties)

    def source(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(f"precedent {self.id!r} has no source {source_id!r}")

    def sources_of(self, provision: Provision) -> tuple[Source, ...]:
        """The sources a provision cites (all the precedent's sources if it names none)."""
        if not provision.sources:
            return self.sources
        return tuple(self.source(s) for s in provision.sources)

    def text(self) -> str:
        """Everything searchable about this precedent, as one string."""
        parts = [self.name, self.summary, self.form, self.parties_note, self.held_up.note]
        parts += [p.name for p in self.parties]
        parts += [p.text for p in self.provisions]
        return "\n".join(x for x in parts if x)


@dataclass(frozen=True)
class Library:
    """Precedents in date order, with unique ids."""

    precedents: tuple[Precedent, ...]

    def __post_init__(self) -> None:
        ids = [p.id for p in self.precedents]
        if len(set(ids)) != len(ids):
            dup = sorted({i for i in ids if ids.count(i) > 1})
            raise ValueError(f"duplicate precedent ids: {', '.join(dup)}")
        ordered = tuple(sorted(self.precedents, key=lambda p: (p.date, p.id)))
        object.__setattr__(self, "precedents", ordered)

    @classmethod
    def of(cls, *parts: Sequence[Precedent]) -> Library:
        return cls(tuple(p for part in parts for p in part))

    def __iter__(self) -> Iterator[Precedent]:
        return iter(self.precedents)

    def __len__(self) -> int:
        return len(self.precedents)

    def __contains__(self, precedent_id: object) -> bool:
        return any(p.id == precedent_id for p in self.precedents)

    def get(self, precedent_id: str) -> Precedent:
        for p in self.precedents:
            if p.id == precedent_id:
                return p
        raise KeyError(f"no precedent {precedent_id!r} in the library")
