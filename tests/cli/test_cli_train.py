"""``offramp train-reader``, and ``offramp ingest --reader`` using what it wrote."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from support.cli import offramp

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ukraine-2022.yaml"


def _labels(tmp_path: Path, items: list[dict[str, Any]]) -> Path:
    path = tmp_path / "labels.jsonl"
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    return path


def test_a_trained_reader_is_written_and_ingest_uses_it(tmp_path, keen_items):
    out = tmp_path / "mine.reader.json.gz"
    result = offramp(
        "train-reader",
        str(_labels(tmp_path, keen_items)),
        "--case",
        str(EXAMPLE),
        "--out",
        str(out),
        "--threshold",
        "0.5",
    )
    assert result.code == 0, result.output
    assert f"trained on {len(keen_items)} sentences (8 labels); wrote {out}" in result.output
    article = tmp_path / "a.txt"
    article.write_text("Russia is keen on security guarantees.\n", encoding="utf-8")
    base = ["ingest", str(article), "--case", str(EXAMPLE), "--date", "2022-03-11", "--json"]
    used = offramp(*base, "--reader", str(out))
    assert used.code == 0, used.output
    proposals = json.loads(used.out)["proposals"]
    assert [(p["party"], p["issue"], p["stance"], p["rule"]) for p in proposals] == [
        ("RU", "security_guarantees", "demand", "reader")
    ]
    assert proposals[0]["confidence"] >= 0.5
    rules = offramp(*base, "--rules-only")
    assert rules.code == 0 and json.loads(rules.out)["proposals"] == []


def test_bad_labels_are_listed_by_file_line_and_field_and_nothing_is_written(tmp_path, keen_items):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps(keen_items[0]) + "\n" + '{"text": "x", "article_date": "2022-03-32", "labels": '
        '[{"party": "XX", "issue": "crimea", "stance": "demand"}]}\n'
        + "{not json\n"
        + '{"text": "y", "article_date": "2022-03-01", "labels": '
        '[{"party": "RU", "issue": null, "stance": "offer"}]}\n',
        encoding="utf-8",
    )
    out = tmp_path / "bad.reader.json.gz"
    result = offramp("train-reader", str(bad), "--case", str(EXAMPLE), "--out", str(out))
    assert result.code == 1
    assert "Traceback" not in result.output
    assert f"error: {bad}:2: article_date: not a date (YYYY-MM-DD): '2022-03-32'" in result.output
    assert f"error: {bad}:2: labels[0].party: 'XX' is not a party of the case" in result.output
    assert f"error: {bad}:3: not JSON" in result.output
    assert f"error: {bad}:4: labels[0].issue: a offer needs an issue of the case" in result.output
    assert not out.exists()


def test_settings_and_reader_files_are_checked(tmp_path, keen_items):
    labels = _labels(tmp_path, keen_items)
    listed, unknown = tmp_path / "listed.yaml", tmp_path / "unknown.yaml"
    listed.write_text("- neutrality\n", encoding="utf-8")
    unknown.write_text("tariffs: [customs duties]\n", encoding="utf-8")
    stranger = tmp_path / "people.yaml"
    stranger.write_text("- {id: li, name: Li Hui, party: CN}\n", encoding="utf-8")
    for args, message in (
        (["--out", str(tmp_path / "x.json")], "--out: name the file <something>.reader.json.gz"),
        (
            ["--out", str(tmp_path / "x.reader.json.gz"), "--threshold", "1.5"],
            "--threshold: must be between 0 and 1",
        ),
        (
            ["--out", str(tmp_path / "x.reader.json.gz"), "--phrases", str(listed)],
            "must map issue ids to lists of phrases",
        ),
        (
            ["--out", str(tmp_path / "x.reader.json.gz"), "--phrases", str(unknown)],
            f"{unknown}: tariffs: not an issue of the case",
        ),
        (
            ["--out", str(tmp_path / "x.reader.json.gz"), "--people", str(stranger)],
            f"{stranger}: [0].party: 'CN' is not a party of the case",
        ),
    ):
        result = offramp("train-reader", str(labels), "--case", str(EXAMPLE), *args)
        assert result.code == 1 and message in result.output, result.output
    article = tmp_path / "a.txt"
    article.write_text("Russia is keen on security guarantees.\n", encoding="utf-8")
    junk = tmp_path / "junk.reader.json.gz"
    junk.write_bytes(b"not gzip")
    result = offramp(
        "ingest",
        str(article),
        "--case",
        str(EXAMPLE),
        "--date",
        "2022-03-11",
        "--reader",
        str(junk),
    )
    assert result.code == 1
    assert f"error: {junk}: not a reader from `offramp train-reader`" in result.output
