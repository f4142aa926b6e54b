"""The second round of real news (``real-dev2``, ``real-test2``): valid labels, articles
listed with their addresses, no article or address shared with another set, the months
that keep the two apart, and both coders' labels of every sentence kept."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from offramp.extract.labels import read_labelled
from offramp.files.case import load_case

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "benchmarks" / "data" / "intake" / "real"
ROUND = {"real-dev2-2022": "articles-dev2.md", "real-test2-2022": "articles-test2.md"}
ROW = re.compile(r"^\| ([a-z]\d\d) \| (\d{4}-\d\d-\d\d)[^|]* \| .+ \| <(\S+)> \|$", re.M)


def items(name: str) -> list[dict[str, object]]:
    case = load_case(ROOT / "examples" / "ukraine-2022.yaml")
    parties, issues = [p.id for p in case.parties], [i.id for i in case.issues]
    return read_labelled(REAL / f"{name}.jsonl", parties, issues)


def listed(md: str) -> dict[str, tuple[str, str]]:
    """Article id -> (date, address), from a table of articles."""
    text = (REAL / md).read_text(encoding="utf-8")
    return {a: (d, url) for a, d, url in ROW.findall(text)}


@pytest.mark.parametrize("name", list(ROUND))
def test_each_set_is_valid_and_lists_every_article_with_its_date(name: str) -> None:
    got = items(name)
    table = listed(ROUND[name])
    assert {str(i["article"]) for i in got} == set(table)
    for item in got:
        assert table[str(item["article"])][0] == item["article_date"]


def test_development_and_test_articles_come_from_odd_and_even_months_and_differ() -> None:
    dev, test = listed(ROUND["real-dev2-2022"]), listed(ROUND["real-test2-2022"])
    assert all(date.fromisoformat(d).month % 2 == 1 for d, _ in dev.values())
    assert all(date.fromisoformat(d).month % 2 == 0 for d, _ in test.values())
    first_round = (REAL / "README.md").read_text(encoding="utf-8")
    addresses = [url for _, url in [*dev.values(), *test.values()]]
    assert len(set(addresses)) == len(addresses)
    assert not [url for url in addresses if f"<{url}>" in first_round]


@pytest.mark.parametrize("name", list(ROUND))
def test_both_codings_and_the_reconciliation_cover_the_same_sentences(name: str) -> None:
    ids = [i["id"] for i in items(name)]
    for kept in ("first", "second"):
        lines = (REAL / "second-coder" / f"{name}.{kept}.jsonl").read_text(encoding="utf-8")
        assert [json.loads(line)["id"] for line in lines.splitlines()] == ids
    settled = (REAL / "second-coder" / f"{name}.reconciled.jsonl").read_text(encoding="utf-8")
    final = {i["id"]: i["labels"] for i in items(name)}
    for line in settled.splitlines():
        decision = json.loads(line)
        assert final[decision["id"]] == decision["labels"] and decision["why"]
