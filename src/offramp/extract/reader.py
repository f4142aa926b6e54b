"""The trained reader: which (party, issue) pairs of a sentence hold a position, and which.

The rules (:mod:`.proposals`) need a cue word and a parse they can follow; on news written
by people who had not seen them they found about a third of the positions a reader codes
(``docs/intake.md``). The reader learns from labelled sentences instead, in two steps over
every candidate pair of :mod:`.candidates`:

1. **relevance**: a logistic model gives the probability that the party states a position
   on the issue in this sentence; pairs above ``threshold`` are kept;
2. **stance**: a multinomial model picks the stance of each kept pair.

What the rules proposed is one of the features, so the reader can keep, drop or add to
them. A reader is trained for one case (its issue and party ids are in its features) and
saved as JSON; :func:`find_reader` finds the one shipped for a case. Everything it
proposes still waits for a person's confirmation.

Format ``offramp-reader/2`` stores each model's weights as whole numbers of a ten
thousandth (:meth:`.LinearModel.to_dict`), which loads in a third of the time of the
decimals of ``offramp-reader/1``; readers in the first format (files, and those a desk
stored) still load, to the same weights.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from offramp.extract.candidates import NO_ISSUE, Candidate, flat
from offramp.extract.lexicon import Lexicon, PersonTerms
from offramp.extract.linear import LinearModel
from offramp.extract.patterns import ISSUELESS

MODELS = Path(__file__).resolve().parent.parent / "data" / "intake"
"""Where readers shipped with offramp live (``<name>.reader.json.gz``)."""
FORMAT = "offramp-reader/2"
"""The format readers are saved in."""
FORMATS = ("offramp-reader/1", FORMAT)
"""The formats readers are read from."""


@dataclass(frozen=True)
class Reading:
    """A (party, issue, stance) the reader proposes, with its probability."""

    party: str
    issue: str | None
    stance: str
    probability: float


@dataclass
class Reader:
    """Two linear models and the relevance threshold, for one case's ids."""

    relevance: LinearModel
    stance: LinearModel
    threshold: float
    issues: tuple[str, ...]
    parties: tuple[str, ...]
    trained_on: str = ""
    people: tuple[PersonTerms, ...] = ()  # people it was trained with, beyond the case's
    phrases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # issue phrases too

    def extend(self, lexicon: Lexicon) -> Lexicon:
        """The lexicon with the people and issue phrases this reader was trained with.

        The reader's features include what the word lists match, so it reads best with
        the lists it learnt on.
        """
        return lexicon.widened(self.people, self.phrases)

    def read(self, found: Sequence[Candidate]) -> list[Reading]:
        """The pairs above the threshold, each with its most likely stance.

        Candidates are one sentence's (their shared feature blocks are summed once).
        """
        yes = self.relevance.classes.index("yes")
        relevant = self.relevance.predict_blocks([c.relevance for c in found])[:, yes]
        kept = [(c, float(p)) for c, p in zip(found, relevant, strict=True) if p >= self.threshold]
        stances = self.stance.predict_blocks([c.stance for c, _ in kept])
        issueless = [s in ISSUELESS for s in self.stance.classes]
        out: list[Reading] = []
        for (c, p), row in zip(kept, stances, strict=True):
            # a record without an issue can only be an allegation, denial, threat or
            # assurance; on an issue any stance may be taken ("threatened over NATO")
            allowed = [
                (float(v), s)
                for v, s, bare in zip(row, self.stance.classes, issueless, strict=True)
                if bare or c.issue != NO_ISSUE
            ]
            if allowed:
                issue = None if c.issue == NO_ISSUE else c.issue
                out.append(Reading(c.party, issue, max(allowed)[1], p))
        return out

    def fits(self, issues: Iterable[str], parties: Iterable[str]) -> bool:
        """Whether this reader was trained for a case with these issue and party ids."""
        return set(self.issues) == set(issues) and set(self.parties) <= set(parties)

    @classmethod
    def train(
        cls,
        rows: Sequence[tuple[Candidate, str | None]],
        *,
        issues: Sequence[str],
        parties: Sequence[str],
        threshold: float = 0.5,
        l2: float = 1.0,
        trained_on: str = "",
        people: Sequence[PersonTerms] = (),
        phrases: Mapping[str, Sequence[str]] | None = None,
    ) -> Reader:
        """Train on candidates and their gold stance (None: the pair states nothing).

        ``people`` and ``phrases`` are what the training lexicon added to the case's.
        """
        relevance = LinearModel.fit(
            [flat(c.relevance) for c, _ in rows], ["yes" if s else "no" for _, s in rows], l2=l2
        )
        positive = [(c, s) for c, s in rows if s]
        stance = LinearModel.fit(
            [flat(c.stance) for c, _ in positive], [s for _, s in positive], l2=l2
        )
        return cls(
            relevance,
            stance,
            threshold,
            tuple(issues),
            tuple(parties),
            trained_on,
            tuple(people),
            {k: tuple(v) for k, v in (phrases or {}).items()},
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "trained_on": self.trained_on,
            "issues": list(self.issues),
            "parties": list(self.parties),
            "threshold": self.threshold,
            "people": [_person_dict(p) for p in self.people],
            "phrases": {k: list(v) for k, v in self.phrases.items()},
            "relevance": self.relevance.to_dict(),
            "stance": self.stance.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reader:
        if data.get("format") not in FORMATS:
            raise ValueError(f"not an offramp reader (format {data.get('format')!r})")
        return cls(
            LinearModel.from_dict(data["relevance"]),
            LinearModel.from_dict(data["stance"]),
            float(data["threshold"]),
            tuple(data["issues"]),
            tuple(data["parties"]),
            str(data.get("trained_on", "")),
            tuple(_person(p) for p in data.get("people", [])),
            {str(k): tuple(v) for k, v in data.get("phrases", {}).items()},
        )

    def save(self, path: Path) -> None:
        text = json.dumps(self.to_dict(), separators=(",", ":"), sort_keys=True)
        path.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))

    @classmethod
    def load(cls, path: Path) -> Reader:
        return cls.from_dict(json.loads(gzip.decompress(path.read_bytes()).decode("utf-8")))


def find_reader(lexicon: Lexicon, folder: Path = MODELS) -> Reader | None:
    """The reader in ``folder`` trained for a case with the lexicon's issue and party ids."""
    issues = [i.id for i in lexicon.issues]
    parties = [a.id for a in lexicon.actors]
    for path in sorted(folder.glob("*.reader.json.gz")):
        reader = _load(path, path.stat().st_mtime_ns)
        if reader.fits(issues, parties):
            return reader
    return None


@functools.lru_cache(maxsize=8)
def _load(path: Path, mtime: int) -> Reader:
    """A reader file, read once while it is unchanged (readers are not modified in use)."""
    del mtime  # part of the cache key only
    return Reader.load(path)


def _person_dict(p: PersonTerms) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "party": p.party,
        "aliases": list(p.aliases),
        "title": p.title,
        "since": p.since.isoformat() if p.since else None,
        "until": p.until.isoformat() if p.until else None,
    }


def _person(d: dict[str, Any]) -> PersonTerms:
    return PersonTerms(
        d["id"],
        d["name"],
        d["party"],
        tuple(d.get("aliases", ())),
        d.get("title", ""),
        date.fromisoformat(d["since"]) if d.get("since") else None,
        date.fromisoformat(d["until"]) if d.get("until") else None,
    )
