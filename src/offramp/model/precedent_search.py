"""Finding precedents by filters (:func:`search`) and for an issue (:func:`matches_for_issue`).

Both are pure functions over a :class:`~offramp.model.precedents.Library`.

Matching an issue works on words. The issue's words (id, title, description, phrases,
and each option's id, label, phrases and description) are reduced to crude stems, so that
"neutral" meets "neutrality" and "missiles" meets "missile". An issue's *kinds* are the
provision kinds whose cue words it uses (:data:`CUES`), plus ``territorial_status`` for
a territorial issue. A provision matches when it settles one of those kinds; it is ranked
by the words it shares with the issue's options, which are also reported, per option, so
a mediator sees why it was offered.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from offramp.model.issues import Issue, IssueKind, Option
from offramp.model.precedents import Library, Precedent, Provision, ProvisionKind

# -- filters --------------------------------------------------------------------------


def search(
    library: Library,
    *,
    kind: ProvisionKind | None = None,
    party: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    keyword: str | None = None,
) -> tuple[Precedent, ...]:
    """The precedents that pass every filter given, in date order.

    ``kind``: some provision settles it. ``party``: a party's id, a successor's id or part
    of its name (any case). ``since``/``until``: the date, both ends included.
    ``keyword``: every word of it occurs in the precedent's text (any case).
    """
    words = keyword.casefold().split() if keyword else []
    out = []
    for p in library:
        if kind is not None and kind not in p.kinds:
            continue
        if party and not p.has_party(party):
            continue
        if since is not None and p.date < since:
            continue
        if until is not None and p.date > until:
            continue
        if words:
            text = p.text().casefold()
            if not all(w in text for w in words):
                continue
        out.append(p)
    return tuple(out)


# -- words ----------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+")
_STOP_WORDS = """
a about after all also an and any are as at be been before
between both but by can each for from had has have in into is
it its like may more most must new no non none not now of
on one only or other others out over own same should so still such
than that the their them then there these they this those to two under
up was were will with within would issue option options party parties side sides
state states united security military council government
"""
_STOP = frozenset(_STOP_WORDS.split())
_SUFFIXES = (
    "isation", "ization", "ication", "ations", "ation", "ality", "ities", "ments",
    "ment", "ised", "ized", "ions", "ion", "ity", "ing", "ial", "ian", "ed", "al", "ia", "y",
)  # fmt: skip


def stem(word: str) -> str:
    """A crude stem: plural, one common suffix and a final e dropped ("neutrality" -> "neutr")."""
    w = word.casefold()
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


def stems(text: str) -> frozenset[str]:
    """The stems of the content words of a text (ids split on ``_`` and ``-``)."""
    words = _WORD.findall(text.replace("_", " "))
    out = (stem(w) for w in words if w.casefold() not in _STOP)
    return frozenset(w for w in out if len(w) > 2)


_CUE_WORDS: dict[ProvisionKind, str] = {
    ProvisionKind.NEUTRALITY_ALIGNMENT: (
        "neutral neutrality alignment aligned nonaligned non-aligned bloc blocs alliance "
        "alliances nato membership"
    ),
    ProvisionKind.TERRITORIAL_STATUS: (
        "territory territorial border borders frontier frontiers boundary annexed "
        "annexation sovereignty partition demarcation independence independent"
    ),
    ProvisionKind.AUTONOMY: "autonomy autonomous devolution devolved decentralisation "
    "decentralization federal federalisation self-rule",
    ProvisionKind.SECURITY_GUARANTEES: "guarantee guarantees guarantor assurance "
    "assurances binding defend defence protection",
    ProvisionKind.DEMILITARISATION_FORCE_LIMITS: (
        "demilitarised demilitarized demilitarisation demilitarization armed forces army "
        "troops capped ceiling ceilings limits disarmament ceasefire"
    ),
    ProvisionKind.WEAPONS_PLACEMENT: "missile missiles nuclear weapons placement deploy "
    "deployment stationing stationed bases basing warheads",
    ProvisionKind.VERIFICATION_MONITORING: "verification verify verified monitor "
    "monitoring monitors inspection inspections inspectors observers observation",
    ProvisionKind.NOTIFICATIONS_HOTLINES: "hotline notification notifications notify "
    "notice exercises exercise manoeuvres information sharing shared communication",
    ProvisionKind.TRANSITIONAL_ARRANGEMENTS: "transition transitional interim referendum "
    "elections phased timetable sequence handover",
}
CUES: dict[ProvisionKind, frozenset[str]] = {k: stems(v) for k, v in _CUE_WORDS.items()}
"""For each kind, the stems that say an issue is about it."""
_ALL_CUES: frozenset[str] = frozenset().union(*CUES.values())


def kinds_in(words: Iterable[str]) -> frozenset[ProvisionKind]:
    """The kinds whose cue stems occur among ``words`` (stems)."""
    have = frozenset(words)
    return frozenset(k for k, cue in CUES.items() if cue & have)


def _option_text(o: Option) -> str:
    return " ".join((o.id, o.label, o.description, *o.phrases))


def _issue_text(issue: Issue) -> str:
    return " ".join((issue.id, issue.title, issue.description, *issue.phrases))


def issue_kinds(issue: Issue) -> frozenset[ProvisionKind]:
    """The provision kinds an issue is about, from its words and its kind."""
    words = stems(_issue_text(issue)).union(*(stems(_option_text(o)) for o in issue.options))
    found = set(kinds_in(words))
    if issue.kind is IssueKind.TERRITORIAL:
        found.add(ProvisionKind.TERRITORIAL_STATUS)
    return frozenset(found)


# -- matching an issue ----------------------------------------------------------------


@dataclass(frozen=True)
class OptionMatch:
    """Why a provision bears on one option: shared words, and kinds both name in other words."""

    option: str
    words: frozenset[str]
    kinds: frozenset[ProvisionKind]


@dataclass(frozen=True)
class IssueMatch:
    """One provision of one precedent that bears on an issue, and why."""

    precedent: Precedent
    provision: Provision
    kinds: frozenset[ProvisionKind]  # the issue's kinds this provision settles
    options: tuple[OptionMatch, ...]  # in issue order
    words: frozenset[str]  # stems shared with the issue's own title and description

    @property
    def shared(self) -> frozenset[str]:
        """Every stem the provision shares with the issue or one of its options."""
        return self.words.union(*(o.words for o in self.options))

    @property
    def score(self) -> int:
        """A cue word (one naming a kind) shared with an option counts 3, with the issue 2;
        another shared word 1; a kind an option names in other words 2; each kind 1."""
        option_words = frozenset().union(*(o.words for o in self.options))
        concepts = frozenset().union(*(o.kinds for o in self.options))
        cues = self.shared & _ALL_CUES
        option_cues = cues & option_words
        return (
            3 * len(option_cues)
            + 2 * len(cues - option_cues)
            + len(self.shared - cues)
            + 2 * len(concepts)
            + len(self.kinds)
        )

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.option for o in self.options)


def matches_for_issue(
    library: Library, issue: Issue, *, limit: int | None = None
) -> tuple[IssueMatch, ...]:
    """The provisions whose kinds are the issue's, best first (ties: older first, then id).

    A match's ``options`` are the issue's options that share a word with the provision or
    its precedent's name, or that name one of the match's kinds with other cue words
    ("guarantees" for a provision on "assurances"); ``words`` are the words the issue's
    title and description share with it.
    """
    wanted = issue_kinds(issue)
    if not wanted:
        return ()
    issue_words = stems(_issue_text(issue))
    option_words = [(o.id, stems(_option_text(o))) for o in issue.options]
    option_kinds = {oid: kinds_in(ow) for oid, ow in option_words}
    found = []
    for p in library:
        name_words = stems(p.name)
        for prov in p.provisions:
            kinds = wanted & frozenset(prov.kinds)
            if not kinds:
                continue
            words = stems(prov.text) | name_words
            named = kinds & kinds_in(words)
            options = []
            for oid, ow in option_words:
                same = ow & words
                # a kind the option and the provision both name, in different words
                concepts = frozenset(k for k in named & option_kinds[oid] if not CUES[k] & same)
                if same or concepts:
                    options.append(OptionMatch(oid, same, concepts))
            found.append(IssueMatch(p, prov, kinds, tuple(options), issue_words & words))
    found.sort(key=lambda m: (-m.score, m.precedent.date, m.precedent.id, m.provision.id))
    return tuple(found[:limit] if limit is not None else found)
