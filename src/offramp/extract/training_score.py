"""Scoring a reader on held-out labelled items, and the split that holds them out.

An item is counted as :mod:`offramp.extract.training` reads it: without ``judged`` pairs
it is fully labelled, so every proposal on it that matches no label is wrong; with them,
only proposals on the judged pairs count (a discarded proposal's sentence says nothing
about its other pairs). A proposal matches a label when party, issue (or none, for the
issue-less allege, deny, threaten and assure) and stance are all the same.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from offramp.extract.candidates import NO_ISSUE
from offramp.extract.proposals import Extractor
from offramp.extract.training import Item, gold_stances, joined, judged_pairs


@dataclass(frozen=True)
class Score:
    """Proposals that matched a label, proposals counted, labels."""

    right: int
    proposed: int
    labelled: int

    @property
    def precision(self) -> float | None:
        return self.right / self.proposed if self.proposed else None

    @property
    def recall(self) -> float | None:
        return self.right / self.labelled if self.labelled else None


def score(extractor: Extractor, items: Sequence[Item]) -> Score:
    """How ``extractor``'s proposals on ``items`` compare with their labels."""
    texts = [(joined(item)[0], date.fromisoformat(item["article_date"])) for item in items]
    right = proposed = labelled = 0
    for item, found in zip(items, extractor.extract_many(texts), strict=True):
        gold = {(p, i, s) for (p, i), s in gold_stances(item).items()}
        judged = judged_pairs(item)
        got = {(f.party, f.issue or NO_ISSUE, str(f.stance)) for f in found}
        if judged is not None:
            got = {g for g in got if g[:2] in judged}
        right += len(gold & got)
        proposed += len(got)
        labelled += len(gold)
    return Score(right, proposed, labelled)


def held_out(item: Item, share: int = 4) -> bool:
    """Whether ``item`` is in the held-out part: one in ``share`` items, chosen by a hash
    of its ``id``, so an item stays in its part as the desk grows."""
    digest = hashlib.sha256(str(item["id"]).encode("utf-8")).digest()
    return digest[0] % share == 0


def split(items: Sequence[Item], share: int = 4) -> tuple[list[Item], list[Item]]:
    """The items to learn from and the held-out ones (:func:`held_out`); when no item
    falls in the held-out part, the one whose hash is smallest is held out."""
    test = [i for i in items if held_out(i, share)]
    if not test and len(items) > 1:
        test = [min(items, key=lambda i: hashlib.sha256(str(i["id"]).encode()).digest())]
    chosen = {id(i) for i in test}
    return [i for i in items if id(i) not in chosen], test
