"""``offramp ingest DIR``: every .txt article of a folder, one output, errors per file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from offramp.cli.ingest import run_ingest_folder
from support.articles import write_short
from support.cli import Ran, offramp

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ukraine-2022.yaml"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    return write_short(tmp_path / "articles")


def run(*args: str) -> Ran:
    return offramp("ingest", *args, "--case", str(EXAMPLE), env={"COLUMNS": "240"})


def test_json_has_each_article_dated_by_its_dateline_or_the_default(folder: Path) -> None:
    result = run(str(folder), "--date", "2022-03-01", "--json")
    assert result.code == 0, result.output
    data = json.loads(result.out)
    assert data["errors"] == []
    by_file = {Path(a["file"]).name: a for a in data["articles"]}
    assert sorted(by_file) == ["a-dated.txt", "b-undated.txt"]  # notes.md is not read
    assert by_file["a-dated.txt"]["article_date"] == "2022-03-11"  # the dateline wins
    assert by_file["b-undated.txt"]["article_date"] == "2022-03-01"  # --date is the default
    for article in data["articles"]:
        found = {(p["speaker"], p["party"], p["issue"], p["stance"]) for p in article["proposals"]}
        assert ("peskov", "RU", "crimea", "demand") in found


def test_a_bad_file_is_one_error_line_and_the_others_are_still_read(folder: Path) -> None:
    (folder / "c-latin1.txt").write_bytes("Kiev, 11 March 2022 - caf\xe9".encode("latin-1"))
    result = run(str(folder), "--json")  # no --date: b-undated.txt cannot be dated
    assert result.code == 1
    assert "Traceback" not in result.output
    errors = result.stderr.splitlines()
    assert errors == [
        f"error: {folder / 'b-undated.txt'}: no dateline found in the first lines; "
        "give --date YYYY-MM-DD",
        f"error: {folder / 'c-latin1.txt'}: not UTF-8 text",
    ]
    data = json.loads(result.out)
    assert [Path(a["file"]).name for a in data["articles"]] == ["a-dated.txt"]
    assert {Path(e["file"]).name for e in data["errors"]} == {"b-undated.txt", "c-latin1.txt"}


def test_table_names_the_file_of_each_proposal(folder: Path) -> None:
    result = run(str(folder), "--date", "2022-03-01")
    assert result.code == 0, result.output
    assert "a-dated.txt" in result.stdout and "b-undated.txt" in result.stdout
    assert "2 articles" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "11/03/2022"], "error: --date: not a date"),
        (["--reader", "missing.reader.json.gz"], "error: missing.reader.json.gz: no such file"),
    ],
)
def test_what_spoils_every_file_is_one_error_before_any_is_read(
    folder: Path, args: list[str], message: str
) -> None:
    result = run(str(folder), *args)
    assert result.code == 1
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.output


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    result = run(str(tmp_path))
    assert result.code == 1
    assert result.stderr.strip() == f"error: {tmp_path}: no .txt files in this folder"


def test_the_python_function_returns_articles_and_errors_apart(folder: Path) -> None:
    (folder / "d-empty.txt").write_text("", encoding="utf-8")
    result = run_ingest_folder(folder, EXAMPLE, None, rules_only=True)
    assert [p.name for p, _, _ in result.articles] == ["a-dated.txt"]
    assert [p.name for p, _ in result.errors] == ["b-undated.txt", "d-empty.txt"]
