"""``offramp precedents``: real processes, exit codes, stable JSON, errors with file and line."""

from __future__ import annotations

import json
from pathlib import Path

from support.cli import Ran, offramp

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "examples" / "ukraine-2022.yaml")
SHIPPED = str(ROOT / "src" / "offramp" / "data" / "precedents" / "library.yaml")

TEAM = """\
library: 1
precedents:
  - id: our-own-accord
    name: Our own accord on river traffic
    date: 2003-04-05
    parties: [{id: AA, name: Aland}, {id: RU, name: Russia}]
    provisions:
      - {id: notices, kinds: [notifications_hotlines], text: Each side notifies river convoys.}
    held_up: {outcome: held, note: It held.}
    sources: [{id: s, title: Our notes, publisher: Our team, reference: file 12}]
"""


def run(*args: str) -> Ran:
    return offramp("precedents", *args)


def test_search_json_applies_every_filter() -> None:
    result = run(
        "search", "--kind", "neutrality_alignment", "--party", "RU", "--from", "1950-01-01",
        "--to", "1999-12-31", "--keyword", "neutral", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    ids = [p["id"] for p in data["precedents"]]
    assert data["count"] == len(ids) and "austria-1955" in ids
    for p in data["precedents"]:
        assert "1950-01-01" <= p["date"] <= "1999-12-31"
        assert any("neutrality_alignment" in x["kinds"] for x in p["provisions"])
        assert any(x["id"] == "RU" or "RU" in x.get("continued_by", []) for x in p["parties"])
        assert p["sources"]


def test_search_table_and_a_team_library(tmp_path: Path) -> None:
    team = tmp_path / "ours.yaml"
    team.write_text(TEAM, encoding="utf-8")
    result = run("search", "--keyword", "river convoys", "--library", str(team))
    assert result.returncode == 0, result.stderr
    assert "2003-04-05" in result.stdout and result.stdout.endswith("\n1 precedent\n")
    result = run("search", "--party", "aland", "--library", str(team), "--json")
    assert [p["id"] for p in json.loads(result.stdout)["precedents"]] == ["our-own-accord"]
    assert run("search", "--keyword", "river convoys").stdout.endswith("\n0 precedents\n")


def test_bad_filters_are_one_line_errors() -> None:
    result = run("search", "--kind", "neutrality")
    assert result.returncode == 1
    assert result.stderr.startswith(
        "error: --kind: 'neutrality' is not one of neutrality_alignment"
    )
    result = run("search", "--from", "1955-13-01")
    assert result.returncode == 1
    assert result.stderr == "error: --from: '1955-13-01' is not a date (use YYYY-MM-DD)\n"


def test_check_accepts_the_shipped_library_and_a_team_file(tmp_path: Path) -> None:
    result = run("check", SHIPPED, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["precedents"] >= 40
    team = tmp_path / "ours.yaml"
    team.write_text(TEAM, encoding="utf-8")
    result = run("check", str(team))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ok: {team}: 1 precedent"


def test_check_names_file_line_and_field(tmp_path: Path) -> None:
    team = tmp_path / "ours.yaml"
    team.write_text(TEAM.replace("id: our-own-accord", "id: cuba-1962"), encoding="utf-8")
    result = run("check", str(team))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr == (
        f"error: {team}:3: precedents[0].id: precedent id 'cuba-1962' is already in the "
        "shipped library: choose another\n"
    )
    team.write_text(TEAM.replace("outcome: held", "outcome: fine"), encoding="utf-8")
    result = run("check", str(team))
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {team}:9: precedents[0].held_up.outcome: 'fine'")


def test_match_gives_each_issue_its_precedents() -> None:
    result = run("match", EXAMPLE, "--issue", "alignment", "--limit", "2", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["alignment"]
    first = data["alignment"][0]
    assert first["precedent"] == "austria-1955" and first["provision"] == "permanent-neutrality"
    assert "neutral_austria" in [o["option"] for o in first["options"]]
    result = run("match", EXAMPLE, "--issue", "nowhere")
    assert result.returncode == 1
    assert result.stderr.startswith("error: --issue: 'nowhere' is not an issue of the case")
