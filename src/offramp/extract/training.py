"""Labelled sentences to reader training rows, and a reader trained on them.

A labelled item is what ``benchmarks/data/intake/*.jsonl`` holds: ``text``, an optional
``context`` that precedes it (read for pronouns, never labelled), ``article_date`` and
``labels`` of ``{"party", "issue", "stance"}`` (issue null for issue-less stances). Every
candidate pair of every sentence of ``text`` becomes a row; its gold stance is the label
with the same party and issue, or None.

An item may also list ``judged`` pairs (``{"party", "issue"}``): then only those pairs and
the labelled ones become rows. A proposal a person discarded on the desk is such an
item: the sentence, with the discarded pair judged to hold no position, and nothing said
about the sentence's other pairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from spacy.language import Language

from offramp.extract.candidates import NO_ISSUE, Candidate, candidates, flat
from offramp.extract.lexicon import Lexicon, PersonTerms
from offramp.extract.proposals import Extractor
from offramp.extract.reader import Reader
from offramp.extract.training_prior import fit_near

Item = Mapping[str, Any]
Row = tuple[Candidate, str | None]


def joined(item: Item) -> tuple[str, int]:
    """The text the extractor reads for an item, and where ``text`` starts in it."""
    context = str(item.get("context") or "")
    if not context:
        return str(item["text"]), 0
    return f"{context} {item['text']}", len(context) + 1


def item_rows(extractor: Extractor, items: Sequence[Item]) -> Iterator[list[Row]]:
    """For each item, its candidate rows with their gold stances (None: no position)."""
    issues = [i.id for i in extractor.lexicon.issues]
    texts = [joined(item) for item in items]
    prepared = [
        extractor.prepare(t, date.fromisoformat(item["article_date"]))
        for item, (t, _) in zip(items, texts, strict=True)
    ]
    docs = extractor.nlp.pipe(t for t, _ in prepared)
    for item, doc, (_, offset), (_, day) in zip(items, docs, texts, prepared, strict=True):
        gold = gold_stances(item)
        judged = judged_pairs(item)
        rows: list[Row] = []
        for sent, facts, _ in extractor.sentences(doc, day, with_facts=True):
            if sent.end_char <= offset or facts is None:
                continue
            for c in candidates(facts, issues):
                if judged is None or (c.party, c.issue) in judged:
                    rows.append((c, gold.get((c.party, c.issue))))
        yield rows


def gold_stances(item: Item) -> dict[tuple[str, str], str]:
    """The item's labels as (party, issue or NO_ISSUE) to stance."""
    gold: dict[tuple[str, str], str] = {}
    for label in item["labels"]:
        gold.setdefault((label["party"], label["issue"] or NO_ISSUE), label["stance"])
    return gold


def judged_pairs(item: Item) -> set[tuple[str, str]] | None:
    """The pairs an item speaks about (its ``judged`` and labelled ones); None: all."""
    if "judged" not in item:
        return None
    listed = {(p["party"], p["issue"] or NO_ISSUE) for p in item["judged"]}
    return listed | set(gold_stances(item))


def train(
    lexicon: Lexicon,
    nlp: Language,
    items: Iterable[Item],
    *,
    people: Sequence[PersonTerms] = (),
    phrases: Mapping[str, Sequence[str]] | None = None,
    threshold: float = 0.5,
    l2: float = 1.0,
    trained_on: str = "",
    start: Reader | None = None,
) -> Reader:
    """A reader for a case, trained on labelled items.

    ``people`` and ``phrases`` (issue id to phrases) are added to the case's word lists
    for training and travel with the reader, which adds them again wherever it is used.
    With ``start``, the reader is ``start`` refitted near its weights
    (:func:`~offramp.extract.training_prior.fit_near`), with its people and phrases too.
    """
    if start is not None:
        people = (*start.people, *people)
        phrases = {**start.phrases, **(phrases or {})}
    extra = {k: tuple(v) for k, v in (phrases or {}).items()}
    wider = lexicon.widened(people, extra)
    extractor = Extractor(wider, nlp)
    listed = list(items)
    rows = [row for rows in item_rows(extractor, listed) for row in rows]
    if start is not None:
        return _refit(start, rows, threshold, l2, trained_on)
    return Reader.train(
        rows,
        issues=[i.id for i in lexicon.issues],
        parties=[a.id for a in lexicon.actors],
        threshold=threshold,
        l2=l2,
        trained_on=trained_on,
        people=people,
        phrases=extra,
    )


def _refit(
    start: Reader, rows: Sequence[Row], threshold: float, l2: float, trained_on: str
) -> Reader:
    """``start`` refitted near its weights on ``rows`` (its stances only on positive rows)."""
    if not rows:
        raise ValueError("no candidate pairs to learn from")
    relevance = fit_near(
        start.relevance, [flat(c.relevance) for c, _ in rows], [_yes(s) for _, s in rows], l2=l2
    )
    positive = [(c, s) for c, s in rows if s]
    stance = (
        fit_near(
            start.stance, [flat(c.stance) for c, _ in positive], [s for _, s in positive], l2=l2
        )
        if positive
        else start.stance
    )
    return replace(
        start, relevance=relevance, stance=stance, threshold=threshold, trained_on=trained_on
    )


def _yes(stance: str | None) -> str:
    return "yes" if stance else "no"
