"""Labelled sentences to reader training rows, and a reader trained on them.

A labelled item is what ``benchmarks/data/intake/*.jsonl`` holds: ``text``, an optional
``context`` that precedes it (read for pronouns, never labelled), ``article_date`` and
``labels`` of ``{"party", "issue", "stance"}`` (issue null for issue-less stances). Every
candidate pair of every sentence of ``text`` becomes a row; its gold stance is the label
with the same party and issue, or None.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from spacy.language import Language

from offramp.extract.candidates import NO_ISSUE, Candidate, candidates
from offramp.extract.lexicon import Lexicon, PersonTerms
from offramp.extract.proposals import Extractor
from offramp.extract.reader import Reader

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
        gold: dict[tuple[str, str], str] = {}
        for label in item["labels"]:
            gold.setdefault((label["party"], label["issue"] or NO_ISSUE), label["stance"])
        rows: list[Row] = []
        for sent, facts, _ in extractor.sentences(doc, day, with_facts=True):
            if sent.end_char <= offset or facts is None:
                continue
            for c in candidates(facts, issues):
                rows.append((c, gold.get((c.party, c.issue))))
        yield rows


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
) -> Reader:
    """A reader for a case, trained on labelled items.

    ``people`` and ``phrases`` (issue id to phrases) are added to the case's word lists
    for training and travel with the reader, which adds them again wherever it is used.
    """
    extra = {k: tuple(v) for k, v in (phrases or {}).items()}
    wider = lexicon.widened(people, extra)
    extractor = Extractor(wider, nlp)
    listed = list(items)
    rows = [row for rows in item_rows(extractor, listed) for row in rows]
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
