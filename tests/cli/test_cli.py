"""The command line as a user runs it: real processes, exit codes, stable JSON, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.cli import offramp

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "examples" / "ukraine-2022.yaml")


run = offramp  # from the repository root, as the examples' paths expect


def test_check_accepts_the_example() -> None:
    result = run("check", EXAMPLE)
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout and "ukraine-2022" in result.stdout


def test_analyze_json_has_the_documented_keys() -> None:
    result = run("analyze", EXAMPLE, "--at", "2022-03-11", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for key in (
        "zone_exists",
        "ripe",
        "frontier",
        "nash",
        "kalai_smorodinsky",
        "egalitarian",
        "utilitarian",
        "packages",
        "enlarge",
        "ripeness",
        "history",
        "why",
        "version",
    ):
        assert key in data, key
    assert data["ripe"] is True
    first = data["frontier"][0]
    assert set(first["options"]) == {i["id"] for i in data["issues"]}
    assert set(first["utilities"]) == {"RU", "UA"}


def test_analyze_prints_the_verdict_and_packages() -> None:
    result = run("analyze", EXAMPLE, "--at", "2022-10-28")
    assert result.returncode == 0, result.stderr
    assert "not ripe" in result.stdout
    assert "UA's no-deal value rose" in result.stdout


def test_analyze_parties_option_selects_actors() -> None:
    result = run("analyze", EXAMPLE, "--at", "2022-03-11", "--parties", "RU,UA,US", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["parties"] == ["RU", "UA", "US"]
    assert any("US has no position on armed_forces" in w for w in data["warnings"])


def test_timeline_shows_the_shift_from_existential_to_territorial() -> None:
    result = run("timeline", EXAMPLE, "--from", "2022-02-24", "--to", "2022-03-11", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    ru = next(k for k in data["kinds"] if k["party"] == "RU")
    assert (ru["before"], ru["after"]) == ("existential", "territorial")
    assert any(s["id"] == "ru-peskov-bloc" for s in data["statements"])
    assert all("2022-02-24" <= s["date"] <= "2022-03-11" for s in data["statements"])


def test_schema_prints_json_schema() -> None:
    result = run("schema")
    assert result.returncode == 0
    assert json.loads(result.stdout)["title"] == "offramp case file"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", "no-such-file.yaml"), "error: no-such-file.yaml: no such file"),
        (("analyze", EXAMPLE, "--at", "March"), "error: --at: 'March' is not a date"),
        (("analyze", EXAMPLE, "--parties", "RU,XX"), "error: --parties: unknown party 'XX'"),
        (
            ("timeline", EXAMPLE, "--from", "2022-13-01"),
            "error: --from: '2022-13-01' is not a date",
        ),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_1(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_bad_case_file_reports_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(Path(EXAMPLE).read_text().replace("role: mediator", "role: referee", 1))
    result = run("check", str(bad))
    assert result.returncode == 1
    assert "bad.yaml:" in result.stderr and "parties[2].role" in result.stderr
    assert "Traceback" not in result.stderr
