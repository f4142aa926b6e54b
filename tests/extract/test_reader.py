"""The trained reader: it learns a wording the rules do not know, saves, and is found."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from offramp.extract import Extractor, Lexicon, Reader, find_reader
from offramp.extract.lexicon import PersonTerms
from offramp.extract.training import item_rows, train
from offramp.model import Case


@pytest.fixture(scope="module")
def reader(case: Case, extractor: Extractor, keen_items: list[dict[str, Any]]) -> Reader:
    return train(Lexicon.from_case(case), extractor.nlp, keen_items, threshold=0.5, l2=0.1)


@pytest.fixture(scope="module")
def reading(case: Case, extractor: Extractor, reader: Reader) -> Extractor:
    return Extractor(Lexicon.from_case(case), extractor.nlp, reader=reader)


def test_it_proposes_what_it_learnt_where_the_rules_propose_nothing(reading, extractor):
    text = "Russia is keen on security guarantees."
    assert extractor.extract(text, date(2022, 3, 11)) == []
    found = reading.extract(text, date(2022, 3, 11))
    assert [(p.party, p.issue, str(p.stance)) for p in found] == [
        ("RU", "security_guarantees", "demand")
    ]
    (p,) = found
    assert p.rule == "reader"
    assert p.confidence is not None and 0.5 <= p.confidence <= 1.0
    assert p.quote == text and p.sentence == text
    assert p.speaker == "RU"  # nobody named: the party speaks for itself
    assert p.date == date(2022, 3, 11)


def test_a_mention_without_the_learnt_wording_gives_nothing(reading):
    assert reading.extract("Ukraine mentioned demilitarization.", date(2022, 3, 11)) == []


def test_a_saved_reader_reads_the_same(reader, reading, case, extractor, tmp_path):
    path = tmp_path / "talks.reader.json.gz"
    reader.save(path)
    again = Extractor(Lexicon.from_case(case), extractor.nlp, reader=Reader.load(path))
    text = "Ukraine is keen on regime change. Russia mentioned Donbas."
    assert again.extract(text, date(2022, 3, 11)) == reading.extract(text, date(2022, 3, 11))
    with pytest.raises(ValueError, match="not an offramp reader"):
        Reader.from_dict({"format": "something-else"})


def test_find_reader_matches_the_case_by_its_issue_and_party_ids(reader, case, tmp_path):
    reader.save(tmp_path / "talks.reader.json.gz")
    lexicon = Lexicon.from_case(case)
    found = find_reader(lexicon, tmp_path)
    assert found is not None and found.to_dict() == reader.to_dict()
    fewer = replace(lexicon, issues=lexicon.issues[1:])
    assert find_reader(fewer, tmp_path) is None
    assert find_reader(lexicon, tmp_path / "empty") is None


def test_rows_carry_the_gold_stance_of_their_pair(extractor, keen_items):
    (rows,) = item_rows(extractor, [keen_items[0]])
    gold = {(c.party, c.issue): s for c, s in rows if s}
    assert gold == {("UA", "alignment"): "demand"}
    assert {c.issue for c, _ in rows} >= {"alignment", "crimea", "-"}


def test_context_is_read_but_never_labelled(extractor, keen_items):
    item = {**keen_items[0], "context": "Russia is keen on Crimea."}
    (rows,) = item_rows(extractor, [item])
    (alone,) = item_rows(extractor, [keen_items[0]])
    assert [(c.party, c.issue, s) for c, s in rows] == [(c.party, c.issue, s) for c, s in alone]
    assert "RU" not in {c.party for c, _ in rows}


def test_people_and_phrases_learnt_with_travel_with_the_reader(case, extractor, keen_items):
    extra = PersonTerms("arakhamia", "David Arakhamia", "UA")
    taught = train(
        Lexicon.from_case(case),
        extractor.nlp,
        keen_items,
        people=[extra],
        phrases={"alignment": ["Austrian model"]},
        threshold=0.5,
        l2=0.1,
    )
    wider = Extractor(Lexicon.from_case(case), extractor.nlp, reader=taught).lexicon
    assert wider.person("arakhamia") == extra
    alignment = next(i for i in wider.issues if i.id == "alignment")
    assert "Austrian model" in alignment.phrases
    assert Lexicon.from_case(case).person("arakhamia") is None
