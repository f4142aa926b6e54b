"""The reader shipped for the example case: found, trained on what it says, never on the
unseen set it is scored on, and reading what the rules miss."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from offramp.extract import Extractor, Lexicon, Reader, find_reader
from offramp.files.case import load_case

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "benchmarks" / "data" / "intake"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.from_case(load_case(ROOT / "examples" / "ukraine-2022.yaml"))


@pytest.fixture(scope="module")
def shipped(lexicon: Lexicon) -> Reader:
    found = find_reader(lexicon)
    assert found is not None, "no reader ships for the example case"
    return found


def test_it_was_trained_on_every_training_set_and_never_on_the_unseen_one(shipped):
    trained = set(shipped.trained_on.split(", "))
    assert {p.name for p in (DATA / "train").glob("t*-2022-talks.jsonl")} <= trained
    assert "heldout8-2022-talks.jsonl" not in trained
    assert (DATA / "heldout8-2022-talks.jsonl").exists()
    # real news: trained on the development articles, never on the test articles
    assert "real-dev-2022.jsonl" in trained
    assert "real-test-2022.jsonl" not in trained
    assert (DATA / "real" / "real-test-2022.jsonl").exists()


def test_it_reads_a_position_without_a_stance_word(shipped, lexicon, extractor):
    text = "NATO's door remains open to Ukraine, Stoltenberg told reporters."
    day = date(2022, 3, 11)
    rules = Extractor(lexicon, extractor.nlp)
    reading = Extractor(lexicon, extractor.nlp, reader=shipped)
    assert rules.extract(text, day) == []
    (p,) = reading.extract(text, day)
    assert (p.party, p.issue, str(p.stance), p.speaker) == (
        "NATO",
        "alignment",
        "offer",
        "stoltenberg",
    )
    assert p.rule == "reader" and p.confidence is not None and p.confidence > 0.5


def test_it_keeps_the_rules_reading_where_it_agrees(shipped, lexicon, extractor):
    text = "Zelensky said he would also consider “compromise” on Donetsk and Luhansk."
    reading = Extractor(lexicon, extractor.nlp, reader=shipped)
    (p,) = reading.extract(text, date(2022, 3, 11))
    assert (p.party, p.issue, str(p.stance)) == ("UA", "donbas", "consider")
    assert p.rule == "cue:consider(consider)+reader"
    assert p.quote == "compromise" and p.quoted
