"""``offramp ingest``: a table or JSON of proposals; bad input is one line, no traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from support.cli import offramp

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ukraine-2022.yaml"
SEEDS = os.environ.get("OFFRAMP_SEEDS") or next(
    p / "shared" / "seeds"
    for p in Path(__file__).resolve().parents
    if (p / "shared" / "seeds").is_dir() or p == Path("/")
)
SEED = Path(SEEDS) / "000_f8afb8b1e157c18d.txt"  # the seed column beside the repository
TEXT = (
    "Kremlin spokesman Dmitry Peskov signaled Putin’s altered demands in public comments "
    "Monday. He also demanded that Ukraine recognize that Crimea is Russian territory.\n"
)


@pytest.fixture()
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_json_lists_the_proposals_with_resolved_dates(article):
    result = offramp(
        "ingest", str(article), "--case", str(EXAMPLE), "--date", "2022-03-11", "--json"
    )
    assert result.code == 0, result.output
    data = json.loads(result.out)
    assert data["article_date"] == "2022-03-11"
    [p] = data["proposals"]
    assert (p["speaker"], p["party"], p["issue"], p["stance"]) == (
        "peskov",
        "RU",
        "crimea",
        "demand",
    )


def test_table_shows_the_columns_and_says_nothing_was_changed(article):
    result = offramp("ingest", str(article), "--case", str(EXAMPLE), "--date", "2022-03-11")
    assert result.code == 0, result.output
    for word in ("speaker", "party", "issue", "stance", "quote", "rule", "peskov", "crimea"):
        assert word in result.output
    assert "nothing changes a position" in result.output


def test_the_first_seed_column_is_ingested_whole():
    """The column beside the repository (shared/seeds), with the example case."""
    result = offramp("ingest", str(SEED), "--case", str(EXAMPLE), "--date", "2022-03-11", "--json")
    assert result.code == 0, result.output
    found = {(p["party"], p["issue"], p["stance"]) for p in json.loads(result.out)["proposals"]}
    assert {
        ("RU", "alignment", "demand"),
        ("RU", "crimea", "demand"),
        ("RU", "donbas", "demand"),
        ("UA", "donbas", "consider"),
        ("UA", "crimea", "consider"),
    } <= found
    assert ("RU", "armed_forces", "demand") not in found  # "backed away from his demand"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["missing.txt", "--case", str(EXAMPLE), "--date", "2022-03-11"],
            "missing.txt: no such file",
        ),
        (
            ["{article}", "--case", str(EXAMPLE), "--date", "11/03/2022"],
            "error: --date: not a date",
        ),
        (
            ["{article}", "--case", "nowhere.yaml", "--date", "2022-03-11"],
            "nowhere.yaml: no such file",
        ),
        (["{article}", "--case", str(EXAMPLE)], "no dateline found"),
    ],
)
def test_bad_input_is_one_error_line_without_traceback(article, args, message):
    args = [a.replace("{article}", str(article)) for a in args]
    result = offramp("ingest", *args)
    assert result.code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_dateline_in_the_text_is_used_when_no_date_is_given(tmp_path):
    path = tmp_path / "dated.txt"
    path.write_text("March 11, 2022\n\n" + TEXT, encoding="utf-8")
    result = offramp("ingest", str(path), "--case", str(EXAMPLE), "--json")
    assert result.code == 0, result.output
    data = json.loads(result.out)
    assert data["article_date"] == "2022-03-11"
    assert data["proposals"][0]["date"] == "2022-03-11"  # "Monday" belongs to another sentence
