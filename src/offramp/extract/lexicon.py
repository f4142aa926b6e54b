"""The word lists the extractor matches: actors, people, issues, options and stance cues.

Everything case-specific comes from the case file (:meth:`Lexicon.from_case`). Stance
cues have defaults (:data:`offramp.extract.patterns.DEFAULT_CUES`); a case file's own cues
for a stance are added to them (a case lists the wordings its sources use, such as
"proposed that" or "doesn't seek", not a complete vocabulary).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from offramp.extract.names import spellings
from offramp.extract.patterns import DEFAULT_CUES
from offramp.model import Case, Stance
from offramp.model.spans import within


@dataclass(frozen=True)
class ActorTerms:
    """An actor (state, organisation) and the names it goes by."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        return _unique((self.name, *self.aliases))


@dataclass(frozen=True)
class PersonTerms:
    """A person who speaks for an actor between two dates (either may be open)."""

    id: str
    name: str
    party: str
    aliases: tuple[str, ...] = ()
    title: str = ""
    since: date | None = None
    until: date | None = None

    @property
    def forms(self) -> tuple[str, ...]:
        """Full name, surname and aliases, each in its common romanisations.

        "Volodymyr Zelensky" is also found as "Zelenskyy" and "Zelenskiy"
        (:func:`offramp.extract.names.spellings`); other spellings go in ``aliases``.
        """
        surname = self.name.split()[-1] if self.name.split() else self.name
        written = (self.name, surname, *self.aliases)
        return _unique((*written, *(v for w in written for v in spellings(w)[1:])))

    def serves_on(self, day: date) -> bool:
        return within(day, self.since, self.until)


@dataclass(frozen=True)
class OptionTerms:
    id: str
    phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class IssueTerms:
    """An issue's phrases, and each option's phrases (which also point at the issue)."""

    id: str
    phrases: tuple[str, ...] = ()
    options: tuple[OptionTerms, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    """All the word lists of one case."""

    actors: tuple[ActorTerms, ...]
    people: tuple[PersonTerms, ...] = ()
    issues: tuple[IssueTerms, ...] = ()
    stance_cues: Mapping[Stance, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_case(cls, case: Case) -> Lexicon:
        """Word lists from a case: party names and aliases, people, issue and option phrases.

        An issue's title and an option's label are not phrases: a case lists the words
        that name them in news text explicitly.
        """
        cues: dict[Stance, tuple[str, ...]] = {}
        for stance in Stance:
            given = case.stance_cues.get(stance) or case.stance_cues.get(str(stance)) or ()
            cues[stance] = _unique((*DEFAULT_CUES.get(stance, ()), *given))
        return cls(
            actors=tuple(ActorTerms(p.id, p.name, tuple(p.aliases)) for p in case.parties),
            people=tuple(
                PersonTerms(p.id, p.name, p.party, tuple(p.aliases), p.title, p.since, p.until)
                for p in case.people
            ),
            issues=tuple(
                IssueTerms(
                    i.id,
                    tuple(i.phrases),
                    tuple(OptionTerms(o.id, tuple(o.phrases)) for o in i.options),
                )
                for i in case.issues
            ),
            stance_cues=cues,
        )

    def widened(
        self, people: Iterable[PersonTerms] = (), phrases: Mapping[str, Iterable[str]] | None = None
    ) -> Lexicon:
        """This lexicon with more people (those not already known by id) and issue phrases."""
        known = {p.id for p in self.people}
        extra = phrases or {}
        issues = tuple(
            replace(i, phrases=_unique((*i.phrases, *extra.get(i.id, ())))) for i in self.issues
        )
        more = tuple(p for p in people if p.id not in known)
        return replace(self, people=self.people + more, issues=issues)

    def cues(self, stance: Stance) -> tuple[str, ...]:
        """The cue phrases of a stance (the defaults when the lexicon names none)."""
        return self.stance_cues.get(stance) or DEFAULT_CUES.get(stance, ())

    def actor(self, actor_id: str) -> ActorTerms | None:
        return next((a for a in self.actors if a.id == actor_id), None)

    def person(self, person_id: str) -> PersonTerms | None:
        return next((p for p in self.people if p.id == person_id), None)


def _unique(items: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for item in items:
        if item.strip():
            seen.setdefault(item.strip(), None)
    return tuple(seen)
