"""Actor attribution on PLOVER gold-standard records (CC BY-SA 4.0, Open Event Data Alliance).

Each record's source and target actors become actors of a throw-away lexicon (id: the
record's country code, or the actor text when the code is "---"; alias: the actor text),
as a case file would list them. The extractor runs without issues (``require_issue=False``)
and its proposals' parties are compared with the records' *source* actors: a proposal
for the target, or for nobody, is the error this measures.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from spacy.language import Language

from offramp.extract import ActorTerms, Extractor, Lexicon
from scoring import agreement

STANCES = {
    "AGREE": {"offer", "accept", "assure"},
    "DEMAND": {"demand"},
    "DISAPPROVE": {"allege", "demand", "reject"},
    "REJECT": {"reject", "deny"},
    "THREATEN": {"threaten", "demand"},
}
"""Stances of offramp counted as agreeing with a PLOVER event type."""


def actor_id(actor: dict[str, str]) -> str:
    code = actor.get("code", "---")
    return code if code and code != "---" else actor["actorText"]


def score_plover(nlp: Language, records: list[dict[str, Any]], show: bool) -> dict[str, Any]:
    records = [r for r in records if "id" in r]
    aliases: dict[str, set[str]] = {}
    for r in records:
        for a in (*r["source"], *r["target"]):
            aliases.setdefault(actor_id(a), set()).add(a["actorText"])
    lexicon = Lexicon(actors=tuple(ActorTerms(k, k, tuple(sorted(v))) for k, v in aliases.items()))
    extractor = Extractor(lexicon, nlp, require_issue=False)
    tp = fp = fn = stance_ok = 0
    for record, found in zip(
        records,
        extractor.extract_many((r["text"], date(2000, 1, 1)) for r in records),
        strict=True,
    ):
        gold = {actor_id(a) for a in record["source"]}
        got = {p.party for p in found}
        tp += len(gold & got)
        fp += len(got - gold)
        fn += len(gold - got)
        stance_ok += any(
            p.party in gold and str(p.stance) in STANCES[record["event"]] for p in found
        )
        if show and gold != got:
            print(f"  {record['id']}: {record['text']}")
            print(
                f"      gold source {sorted(gold)}; proposed "
                f"{[(p.party, str(p.stance), p.rule) for p in found]}"
            )
    return {
        **agreement(len(records), tp, fp, fn),
        "stance_agrees": stance_ok,
    }
