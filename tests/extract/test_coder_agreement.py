"""``benchmarks/intake_agreement.py``: two coders' labels of the same sentences."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from support.benchmarks import benchmark_module


def agreement() -> ModuleType:
    return benchmark_module("intake_agreement")


def item(i: str, *labels: tuple[str, str | None, str]) -> dict[str, object]:
    return {
        "id": i,
        "text": "...",
        "labels": [{"party": p, "issue": s, "stance": st} for p, s, st in labels],
    }


FIRST = [
    item("a", ("UA", "alignment", "offer")),
    item("b", ("RU", None, "allege")),
    item("c"),
    item("d", ("RU", "donbas", "demand"), ("UA", "donbas", "reject")),
]
SECOND = [
    item("a", ("UA", "alignment", "offer")),
    item("b", ("RU", None, "deny")),
    item("c", ("UA", "crimea", "reject")),
    item("d", ("RU", "donbas", "demand")),
]


def test_counts_and_f_measure_by_kind() -> None:
    r = agreement().compare({x["id"]: x for x in FIRST}, {x["id"]: x for x in SECOND})
    assert r["items"] == 4
    assert r["issue"] == {"both": 2, "first_only": 1, "second_only": 1, "f": pytest.approx(4 / 6)}
    assert r["issueless"] == {"both": 0, "first_only": 1, "second_only": 1, "f": 0.0}
    # any position at all: (yes, yes), (yes, yes), (no, yes), (yes, yes): po 0.75, pe 0.75
    assert r["kappa_any_position"] == pytest.approx(0.0)


def test_identical_coders_agree_fully(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in FIRST), encoding="utf-8")
    assert agreement().main([str(path), str(path)]) == 0
    out = capsys.readouterr().out
    assert "Cohen's kappa 1.00" in out
    assert "with an issue" in out and out.count("1.00") == 3
