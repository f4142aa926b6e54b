"""The reader shipped for the example case: found, trained on what it says, never on the
unseen set it is scored on, and reading what the rules miss. Its file holds whole
ten-thousandths (offramp-reader/2); readers saved before as decimals (offramp-reader/1:
files, and what desks stored) read the same."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy
import pytest

from offramp.cli.ingest import load_reader
from offramp.extract import Extractor, Lexicon, Reader, find_reader
from offramp.extract.linear import LinearModel
from offramp.extract.reader import MODELS
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


ARTICLE = (
    "Ukraine is prepared to discuss adopting a neutral status as part of a peace deal, "
    "Zelenskyy said. NATO's door remains open to Ukraine, Stoltenberg told reporters. "
    "Russia demanded that Kyiv recognise Crimea as Russian."
)


def _decimals(model: LinearModel) -> dict[str, Any]:
    """The model as offramp-reader/1 saved it: a list of decimals per feature name."""
    names = sorted(model.index, key=model.index.__getitem__)
    return {
        "classes": list(model.classes),
        "bias": [float(v) for v in model.weights[-1]],
        "weights": {n: [float(v) for v in model.weights[model.index[n]]] for n in names},
    }


def _first_format(reader: Reader) -> dict[str, Any]:
    data = reader.to_dict()
    data["format"] = "offramp-reader/1"
    data["relevance"] = _decimals(reader.relevance)
    data["stance"] = _decimals(reader.stance)
    return data


def test_the_shipped_reader_holds_whole_numbers_in_the_second_format() -> None:
    path = MODELS / "ukraine-2022.reader.json.gz"
    data = json.loads(gzip.decompress(path.read_bytes()))
    assert data["format"] == "offramp-reader/2"
    for model in ("relevance", "stance"):
        assert data[model]["scale"] == 10_000
        assert all(type(v) is int for v in data[model]["weights"][:1000])


def test_a_reader_in_the_first_format_reads_to_the_same_weights_and_proposals(
    shipped: Reader, lexicon: Lexicon, extractor: Extractor
) -> None:
    old = Reader.from_dict(_first_format(shipped))
    for model in ("relevance", "stance"):
        a, b = getattr(old, model), getattr(shipped, model)
        assert a.classes == b.classes and a.index == b.index
        assert numpy.array_equal(a.weights, b.weights)
    assert old.to_dict() == shipped.to_dict()
    day = date(2022, 3, 27)
    with_old = Extractor(lexicon, extractor.nlp, reader=old).extract(ARTICLE, day)
    with_new = Extractor(lexicon, extractor.nlp, reader=shipped).extract(ARTICLE, day)
    assert with_old == with_new
    assert any(p.confidence is not None for p in with_new)  # the reader decided some


def test_a_first_format_file_is_still_a_reader_for_ingest(
    shipped: Reader, lexicon: Lexicon, tmp_path: Path
) -> None:
    path = tmp_path / "old.reader.json.gz"
    path.write_bytes(gzip.compress(json.dumps(_first_format(shipped)).encode("utf-8")))
    assert load_reader(path, lexicon).to_dict() == shipped.to_dict()


def test_a_saved_reader_is_written_in_the_second_format(shipped: Reader, tmp_path: Path) -> None:
    path = tmp_path / "again.reader.json.gz"
    shipped.save(path)
    assert json.loads(gzip.decompress(path.read_bytes()))["format"] == "offramp-reader/2"
    assert Reader.load(path).to_dict() == shipped.to_dict()
