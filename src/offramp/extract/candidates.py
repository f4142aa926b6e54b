"""Candidate (party, issue) pairs of one sentence, and the features the reader weighs.

Every party the sentence names (people count for their party), its reporting speaker,
for a sentence whose subject is a pronoun the last actor named before it, and every party
the rules proposed for, is paired with every issue of the case and with "no issue" (for
allegations, denials, threats and assurances). Each pair gets two feature lists, in
blocks that the pairs of one sentence share where they can:

- **relevance**: does this party take a position on this issue here? The party's place in
  the parse (subject of which verb, speaker, object of "from"), the sentence's nouns,
  names, adjectives and verbs each joined to the issue (so the model learns an issue's
  vocabulary beyond the case's phrase lists), whether the case's phrases name the issue,
  the verb joining the party's mention to the issue's (their lowest common ancestor in
  the parse), and what the rules proposed;
- **stance**: which stance? The sentence's words, the words around the issue's mention,
  that verb and its negation and modal, and the rules' stance.

The features are strings; :mod:`.linear` turns them into weights.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from spacy.tokens import Span, Token

NO_ISSUE = "-"
"""The issue slot of issue-less records (allegations, denials, threats, assurances)."""

_SKIP_POS = frozenset({"PUNCT", "SPACE", "DET", "NUM", "SYM", "X"})
_CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB"})
_MODALS = frozenset({"can", "could", "may", "might", "must", "shall", "should", "will", "would"})
_NEGATIONS = frozenset({"not", "no", "never", "n't", "nothing", "without", "neither", "nor"})


@dataclass(frozen=True)
class Mention:
    """A word in the sentence that names a party or an issue (the phrase's head)."""

    id: str
    token: Token


@dataclass(frozen=True)
class RuleHit:
    """A triple the rules proposed in this sentence, and the rule that fired."""

    party: str
    issue: str | None
    stance: str
    rule: str


Block = tuple[str, ...]
"""Features shared by several candidates of a sentence (scored once, see :mod:`.linear`)."""


@dataclass(frozen=True)
class Candidate:
    """One (party, issue) pair of a sentence and its two feature lists, in blocks."""

    party: str
    issue: str  # an issue id or NO_ISSUE
    relevance: tuple[Block, ...]
    stance: tuple[Block, ...]


@dataclass(frozen=True)
class SentenceFacts:
    """What the extractor knows of a sentence before the reader weighs it."""

    sent: Span
    parties: Sequence[Mention]
    issues: Sequence[Mention]
    speaker: str | None  # the reporting speaker's party
    carried: str | None  # the last actor named before, when the subject is a pronoun
    rules: Sequence[RuleHit]
    speaker_id: str | None = None  # the reporting speaker (a person id, else a party id)
    people: Mapping[str, str] = field(default_factory=dict)  # party -> first person named


def candidates(facts: SentenceFacts, issue_ids: Sequence[str]) -> list[Candidate]:
    """Every (party, issue) pair of the sentence, with its features."""
    sent = facts.sent
    words = _words(sent)
    topic_words = _content_words(sent)
    negated = any(t.dep_ == "neg" or t.lower_ in _NEGATIONS for t in sent)
    parties: dict[str, list[Token]] = {}
    for m in facts.parties:
        parties.setdefault(m.id, []).append(m.token)
    everyone = list(parties)
    for extra in (facts.speaker, facts.carried, *(r.party for r in facts.rules)):
        if extra and extra not in everyone:
            everyone.append(extra)
    issue_tokens: dict[str, list[Token]] = {}
    for m in facts.issues:
        issue_tokens.setdefault(m.id, []).append(m.token)
    first_named = facts.parties[0].id if facts.parties else None
    sentence_block: Block = (
        *(f"w={w}" for w in words),
        *(("neg-in-sentence",) if negated else ()),
    )
    issue_blocks: dict[str, tuple[Block, Block]] = {}
    for issue in (*issue_ids, NO_ISSUE):
        marks = issue_tokens.get(issue, [])
        rel: list[str] = [f"I={issue}", *(f"I={issue}|w={w}" for w in topic_words)]
        near: list[str] = [f"s:I={issue}"]
        if marks:
            rel += ["issue-named", f"I={issue}|named"]
            near += [f"near={w}" for w in sorted({w for m in marks for w in _window(m, 4)})]
        issue_blocks[issue] = (tuple(rel), tuple(near))
    out: list[Candidate] = []
    for party in everyone:
        mine = parties.get(party, [])
        party_rel = tuple(_party_features(party, mine, facts, first_named))
        party_stance = tuple(f"s:{f}" for f in party_rel) + tuple(_party_verbs(mine))
        for issue in (*issue_ids, NO_ISSUE):
            marks = issue_tokens.get(issue, [])
            rel, stance = _pair_features(party, issue, mine, marks, facts.rules)
            # the party's role, joined to whether the issue is named (a linear model
            # cannot join them itself)
            named = "named" if marks else "unnamed"
            rel.extend(f"{named}&{f}" for f in party_rel if not f.startswith("P="))
            if issue == NO_ISSUE:
                rel.extend(f"none|{f}" for f in party_rel)
            issue_rel, issue_stance = issue_blocks[issue]
            out.append(
                Candidate(
                    party,
                    issue,
                    (party_rel, issue_rel, tuple(rel)),
                    (sentence_block, party_stance, issue_stance, tuple(stance)),
                )
            )
    return out


def flat(blocks: Iterable[Block]) -> list[str]:
    """A candidate's blocks as one feature list (for training)."""
    return [f for block in blocks for f in block]


def _pair_features(
    party: str,
    issue: str,
    mine: Sequence[Token],
    marks: Sequence[Token],
    rules: Sequence[RuleHit],
) -> tuple[list[str], list[str]]:
    """Features of the party and the issue together: how the parse links them, the rules."""
    rel: list[str] = [f"P={party}|I={issue}"]
    stance: list[str] = [f"s:P={party}|I={issue}"]
    links = [_link(p, m) for p in mine for m in marks]
    for head, path in links[:3]:
        lemma = head.lemma_.lower()
        rel += [f"lca={lemma}", f"lca-path={path}"]
        stance += [f"s:lca={lemma}", *(f"lca-{f}" for f in _verb_marks(head))]
    if mine and marks:
        gap = min(abs(p.i - m.i) for p in mine for m in marks)
        rel.append("gap<4" if gap < 4 else "gap<12" if gap < 12 else "gap>=12")
    for hit in rules:
        same_party = hit.party == party
        same_issue = (hit.issue or NO_ISSUE) == issue
        if same_party and same_issue:
            rel += ["rule", f"rule={hit.stance}"]
            rel += [f"rule-step={step}" for step in hit.rule.split("+")[:3]]
            stance.append(f"s:rule={hit.stance}")
        elif same_party:
            rel.append(f"rule-other-issue={hit.stance}")
        elif same_issue:
            rel.append(f"rule-other-party={hit.stance}")
    return rel, stance


def _party_verbs(mine: Sequence[Token]) -> list[str]:
    """The verbs the party's mentions hang on, with their negation and modality."""
    out: list[str] = []
    for token in mine[:3]:
        out.append(f"pv={token.head.lemma_.lower()}")
        out.extend(f"pv-{f}" for f in _verb_marks(token.head))
    return out


def _party_features(
    party: str, mine: Sequence[Token], facts: SentenceFacts, first_named: str | None
) -> list[str]:
    feats = [f"P={party}"]
    if not mine:
        feats.append("unnamed")
    if party == facts.speaker:
        feats.append("speaker")
    if party == facts.carried:
        feats.append("carried")
    if party == first_named:
        feats.append("first-named")
    if len(set(m.id for m in facts.parties)) == 1 and mine:
        feats.append("only-named")
    for token in mine[:3]:
        dep = token.dep_
        head = token.head.lemma_.lower()
        feats.append(f"dep={dep}")
        feats.append(f"dep={dep}|head={head}")
        if dep == "pobj":
            feats.append(f"pobj-of={token.head.lower_}")
        if dep == "poss":
            feats.append(f"poss-of={head}")
        if token.head.i == facts.sent.root.i:
            feats.append("on-root")
    return feats


def _words(sent: Span) -> list[str]:
    """Lower-case lemmas of content and function words, and adjacent pairs of them."""
    lemmas = [t.lemma_.lower() for t in sent if t.pos_ not in _SKIP_POS and not t.like_num]
    bigrams = [f"{a}_{b}" for a, b in pairwise(lemmas)]
    return list(dict.fromkeys([*lemmas, *bigrams]))


def _content_words(sent: Span) -> list[str]:
    """Lower-case lemmas of the nouns, names, adjectives and verbs: what an issue is about."""
    return list(dict.fromkeys(t.lemma_.lower() for t in sent if t.pos_ in _CONTENT_POS))


def _window(token: Token, width: int) -> Iterable[str]:
    doc = token.doc
    lo, hi = max(token.i - width, token.sent.start), min(token.i + width + 1, token.sent.end)
    return {doc[i].lemma_.lower() for i in range(lo, hi) if doc[i].pos_ not in _SKIP_POS}


def _link(a: Token, b: Token) -> tuple[Token, str]:
    """The lowest common ancestor of two tokens and the dependency labels up to it."""
    up_a = [a, *a.ancestors]
    up_b = [b, *b.ancestors]
    on_b = {t.i for t in up_b}
    for depth_a, t in enumerate(up_a):
        if t.i in on_b:
            depth_b = next(k for k, u in enumerate(up_b) if u.i == t.i)
            left = "/".join(u.dep_ for u in up_a[: min(depth_a, 2)])
            right = "/".join(u.dep_ for u in up_b[: min(depth_b, 2)])
            return t, f"{left}^{right}"
    return a.sent.root, "none"


def _verb_marks(verb: Token) -> list[str]:
    """Negation and modality on a verb (and the verb it is the complement of)."""
    marks: list[str] = []
    for v in (verb, verb.head) if verb.dep_ in ("xcomp", "ccomp") else (verb,):
        for c in v.children:
            if c.dep_ == "neg" or c.lower_ in _NEGATIONS:
                marks.append("neg")
            elif c.dep_ == "aux" and c.lower_ in _MODALS:
                marks.append(f"modal={c.lower_}")
    return marks
