"""A case's desk as labelled items for the intake's reader (:mod:`offramp.extract.training`).

- Each **confirmed** statement with a party and a stance is a label (party, issue,
  stance, speaker when a person of the case) on an item whose ``text`` is its quote and
  ``article_date`` its date; statements with the same quote and date share one item.
  The store keeps the quote, not the sentence around it.
- Each **discarded** proposal is an item whose ``text`` is the sentence it was read
  from, with the discarded (party, issue) ``judged`` to hold no position there and no
  labels. Discards of one sentence of one article share an item. A discarded pair that
  a confirmed statement quoted from the same sentence states after all (the proposal
  was discarded for its stance, say, and added corrected) is left to that statement's
  item: it is not a negative, and no label is learnt twice.

Statements recorded and not yet confirmed are not used either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from offramp.model import Case
from offramp.store.intake_repository import DiscardRow
from offramp.store.repository import StatementRow

Item = dict[str, Any]


def desk_items(
    case: Case, statements: Sequence[StatementRow], discards: Sequence[DiscardRow]
) -> list[Item]:
    """The confirmed statements' items, then the discards' (oldest first)."""
    people = {p.id for p in case.people}
    confirmed: dict[tuple[str, str], Item] = {}
    stated: list[tuple[str, tuple[str, str | None]]] = []  # (quote, (party, issue))
    for row in sorted(statements, key=lambda r: (r.statement.date, r.statement.id)):
        s = row.statement
        if row.confirmed_at is None or s.party is None or s.stance is None:
            continue
        label = {"party": s.party, "issue": s.issue, "stance": str(s.stance)}
        if s.speaker in people:
            label["speaker"] = s.speaker
        item = confirmed.setdefault(
            (s.quote, s.date.isoformat()),
            {"id": f"desk-{s.id}", "article_date": s.date.isoformat(), "text": s.quote},
        )
        _add(item.setdefault("labels", []), label)
        stated.append((s.quote, (s.party, s.issue)))
    rejected: dict[tuple[str, str], Item] = {}
    for d in sorted(discards, key=lambda r: r.id):
        if d.discard.party is None:
            continue
        item = rejected.setdefault(
            (d.discard.sentence, d.discard.article_date),
            {
                "id": f"discard-{d.id}",
                "article_date": d.discard.article_date,
                "text": d.discard.sentence,
                "labels": [],
                "judged": [],
            },
        )
        _add(item["judged"], {"party": d.discard.party, "issue": d.discard.issue})
    negatives = []
    for item in rejected.values():
        held = {pair for quote, pair in stated if quoted_in(quote, item["text"])}
        item["judged"] = [j for j in item["judged"] if (j["party"], j["issue"]) not in held]
        if item["judged"]:
            negatives.append(item)
    return [*confirmed.values(), *negatives]


def quoted_in(quote: str, sentence: str) -> bool:
    """Whether every piece of ``quote`` (pieces joined by " … ") is in ``sentence``."""
    pieces = [p for p in quote.split(" … ") if p.strip()]
    return bool(pieces) and all(p in sentence for p in pieces)


def _add(listed: list[dict[str, Any]], entry: dict[str, Any]) -> None:
    if entry not in listed:
        listed.append(entry)
