"""Cue lists and closed word classes, as data.

A cue is a phrase matched by lemma ("call for" finds "called for", "demand" finds
"demands") or as written ("proposed that", "doesn’t seek"). A word
may carry a part of speech after a slash: ``guarantee/VERB`` matches the verb only, so
"security guarantees" (an issue phrase) is not read as an assurance.

Case files add cues to any stance (``stance_cues``); everything else here is
grammar, not vocabulary of a case, and is the same for every case.
"""

from __future__ import annotations

from offramp.model import Stance

DEFAULT_CUES: dict[Stance, tuple[str, ...]] = {
    Stance.DEMAND: (
        "demand",
        "insist",
        "insistence",
        "call for",
        "require",
        "push for",
        "press for",
        "seek",
        "want",
        "ultimatum",
        "urge",
        "apply for",
        "ask for",
        "request",
        "precondition",
        "condition/NOUN",
        "press/VERB",
    ),
    Stance.OFFER: (
        "offer",
        "propose",
        "proposal",
        "suggest",
        "float",
        "pledge/VERB",
        "promise/VERB",
        "put forward",
        "in a position to",
        "willing",
        "ready",
        "prepared",
    ),
    Stance.ACCEPT: (
        "accept",
        "agree",
        "acknowledge",
        "accede",
        "consent/VERB",
        "endorse",
        "acceptance",
        "support/VERB",
        "back/VERB",
        "approve",
        "welcome/VERB",
        "recognise/VERB",
        "recognize/VERB",
    ),
    Stance.REJECT: (
        "reject",
        "refuse",
        "rule out",
        "dismiss",
        "brush off",
        "oppose",
        "turn down",
        "say no",
        "unacceptable",
        "refusal",
        "rejection",
        "out of the question",
        "non-starter",
        "non-negotiable",
        "not negotiable",
    ),
    Stance.CONSIDER: (
        "consider",
        "discuss",
        "discussion",
        "negotiate",
        "open to",
        "explore",
        "compromise",
        "talk about",
        "weigh",
        "examine",
        "entertain",
        "flexible",
        "talk/VERB",
    ),
    Stance.THREATEN: (
        "threaten",
        "threat",
        "warn",
        "warning",
        "legitimate target",
        "retaliate",
        "retaliation",
    ),
    Stance.ALLEGE: (
        "allege",
        "allegation",
        "accuse",
        "accusation",
        "claim",
        "charge/NOUN",
        "blame",
    ),
    Stance.DENY: ("deny", "denial", "refute"),
    Stance.ASSURE: (
        "assure",
        "assurance",
        "guarantee/VERB",
        "vow",
        "commit to",
        "no intention",
        "no plans",
        "no plan",
        "no need",
        "not seeking",
        "does not seek",
        "did not seek",
    ),
}
"""Cues used for any stance a case file gives none for."""

REPORTING_VERBS = frozenset(
    {
        "say",
        "tell",
        "add",
        "announce",
        "state",
        "write",
        "declare",
        "report",
        "note",
        "stress",
        "emphasize",
        "emphasise",
        "indicate",
        "signal",
        "confirm",
        "explain",
        "reiterate",
        "repeat",
        "acknowledge",
        "insist",
        "argue",
        "warn",
        "claim",
        "name",
    }
)
"""Verbs whose subject is the speaker of what their complement says."""

QUOTING_VERBS = frozenset({"quote", "cite"})
"""Verbs of reporting chains, whose object or passive subject is the speaker."""

NEGATED: dict[Stance, Stance | None] = {
    Stance.ACCEPT: Stance.REJECT,  # "did not accept", "not prepared to accept"
    Stance.CONSIDER: Stance.REJECT,  # "will not discuss"
    Stance.REJECT: Stance.CONSIDER,  # "did not rule out"
    Stance.DEMAND: None,  # "is no longer demanding": a dropped demand is not a stance
    Stance.OFFER: None,
    Stance.THREATEN: None,
    Stance.ALLEGE: None,
    Stance.DENY: None,
    Stance.ASSURE: None,
}
"""What a negated cue means; None: nothing is emitted."""

NEGATIVE_IMPLICATIVES = frozenset({"afraid", "reluctant", "hesitant", "hesitate", "unwilling"})
"""Words that negate what they govern ("reluctant to discuss"); negated, they cancel out."""

HYPOTHETICAL_DETERMINERS = frozenset({"any"})
""""Any compromise would need a referendum": a noun cue under these states no stance."""

IMPERSONAL_CUES = frozenset({"require"})
"""Cues whose subject may be a thing ("peace requires ..."): then the speaker is the agent."""

NEGATORS = frozenset({"not", "n't", "never", "no", "neither", "nor"})

WEAKENING_MODALS = frozenset({"could", "might", "may"})
"""Possibility modals: "might accept" is read as *consider*, "would accept" stays *accept*."""

DEONTIC_MODALS = frozenset({"should", "must", "ought"})
"""In the author's own voice (no reporting speaker) these give advice, not a position."""

WITHDRAWAL_VERBS: tuple[str, ...] = (
    "back away from",
    "back away",
    "back off",
    "drop",
    "abandon",
    "give up",
    "walk back",
    "retreat from",
    "soften",
    "shelve",
    "ease",
)
"""A cue governed by one of these is a dropped or softened position: nothing is emitted."""

CONCESSION_VERBS: tuple[str, ...] = (
    "give up",
    "drop/VERB",
    "abandon",
    "renounce",
    "forgo",
    "forswear",
    "cede",
    "relinquish",
    "surrender/VERB",
    "trade/VERB",
)
"""Giving up an option of one's own is an offer ("could drop its bid to join NATO");
refusing to is a rejection ("would not cede territory"). Governing a cue instead, the
same verbs withdraw it ("dropped its demand"): see ``WITHDRAWAL_VERBS``."""

UNCHANGED = frozenset({"unchanged", "firm", "same", "unaltered"})
""""X's position on Y is unchanged / remains firm": X maintains its demand on Y."""

AIM_NOUNS = frozenset(
    {"aim", "goal", "objective", "purpose", "condition", "demand", "requirement", "precondition"}
)
""""The aim ... was X", "the conditions were that Y": what is stated is demanded."""

POSITION_NOUNS = frozenset({"position", "stance", "stand"})

WITHDRAWAL_ADVERBS: tuple[tuple[str, str], ...] = (("no", "longer"), ("any", "longer"))

STRONG_CONDITIONS: tuple[str, ...] = (
    "only if",
    "only after",
    "only when",
    "only once",
    "unless",
    "on condition that",
    "provided that",
    "provided",
    "in exchange for",
    "in return for",
)
"""Conditions whose content is itself demanded by whoever sets them."""

WEAK_CONDITIONS: tuple[str, ...] = ("if", "once", "as long as", "after", "when")
"""Conditions recorded on a proposal, demanded only if the clause they qualify has a stance."""

ISSUELESS = frozenset({Stance.ALLEGE, Stance.DENY, Stance.THREATEN, Stance.ASSURE})
"""Stances proposed even without an issue: allegations, denials, threats and assurances
are crisis-desk records in their own right. The others state a position on an issue."""

CONTRASTS: tuple[tuple[str, str], ...] = (("rather", "than"), ("instead", "of"))
""""Rather than X", "instead of X": X is the alternative set aside, not the content."""

TOPIC_MARKERS = frozenset({"regarding", "as for", "on", "concerning", "as to", "about"})
"""A sentence opening with one of these names its topic, which supplies the issue of a
cue whose own clause names none ("Regarding NATO, ... not prepared to accept Ukraine")."""

SENTENCE_END = frozenset({".", "!", "?", "”", '"', "’", "'", ":", ";", ")", "…"})
"""A sentence may start only after one of these (or a line break)."""

ALLEGATION_NOUNS = frozenset({"allegation", "accusation", "claim", "charge"})
"""Rejecting one of these is a denial: "rejecting the allegations" -> deny."""

VOLITIONAL = frozenset({"willing", "ready", "prepared"})
""""Ready to adopt a neutral status" is an offer; "ready to discuss" is the inner cue's."""

PROPOSING_VERBS = frozenset({"propose", "suggest", "urge", "call", "insist", "want", "offer"})
"""Proposing that *another* party do something is a demand on it."""

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his"})
ACTOR_PRONOUNS = frozenset({"it", "they", "its", "their"})
SPEAKER_PRONOUNS = frozenset({"i", "we", "me", "us", "our", "my"})


def split_cue(cue: str) -> list[tuple[str, str]]:
    """``"guarantee/VERB"`` -> ``[("guarantee", "VERB")]``; words without a tag get ""."""
    out: list[tuple[str, str]] = []
    for word in cue.split():
        text, _, pos = word.partition("/")
        out.append((text, pos))
    return out


def is_short_acronym(word: str) -> bool:
    """A name of two capitals ("US", "UK", "UN"), matched only as written."""
    return len(word) == 2 and word.isalpha() and word.isupper()


def phrase_variants(words: list[str]) -> list[list[str]]:
    """Forms of a tokenized case phrase to match (case-insensitively): as given, with the
    last word in plural, and with the other -ize/-ise spelling of each word."""
    variants: list[list[str]] = [[]]
    for n, word in enumerate(words):
        forms = spellings(word.lower())
        if n == len(words) - 1:
            forms = [*forms, *(f + "s" for f in forms), *(f + "es" for f in forms)]
        variants = [[*v, f] for v in variants for f in forms]
    return variants


def spellings(word: str) -> list[str]:
    """The word and its other -ize/-ise spelling, if it has one."""
    for us, uk in (("ization", "isation"), ("ize", "ise"), ("ized", "ised")):
        if word.endswith(us):
            return [word, word[: -len(us)] + uk]
        if word.endswith(uk):
            return [word, word[: -len(uk)] + us]
    return [word]


PRONOUNS = PERSON_PRONOUNS | ACTOR_PRONOUNS | SPEAKER_PRONOUNS
