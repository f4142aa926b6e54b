"""``offramp forecast --actors TABLE.csv``: the worked example from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from support.cli import Ran, offramp

ROOT = Path(__file__).resolve().parents[2]
TABLE = str(ROOT / "examples" / "eu-emissions-1994.csv")

# The reference re-run of SCS2011's example (see tests/analysis/test_forecast_scholz.py):
# Belgium's position and the weighted mean after rounds 1-10.
BELGIUM = [8.416, 9.611, 9.962, 4.801, 5.524, 7.472, 8.825, 9.671, 4.145, 4.292]
MEAN = [7.461, 7.553, 7.590, 7.358, 7.349, 7.415, 7.510, 7.572, 7.325, 7.242]


def run(*args: str) -> Ran:
    return offramp("forecast", *args)


def test_scholz_code_json_matches_the_reference_rounds_1_to_10() -> None:
    result = run("--actors", TABLE, "--rounds", "10", "--variant", "scholz-code", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    rounds = data["rounds"]
    assert [r["round"] for r in rounds] == list(range(11))
    assert rounds[0]["positions"]["Netherlands"] == 4.0
    assert round(rounds[0]["mean"], 2) == 7.39 and rounds[0]["median"] == 7.0
    for t in range(1, 11):
        assert abs(rounds[t]["positions"]["Belgium"] - BELGIUM[t - 1]) < 0.01, t
        assert abs(rounds[t]["mean"] - MEAN[t - 1]) < 0.01, t
    first = {m["actor"]: m for m in rounds[1]["moves"]}
    assert first["Belgium"]["kind"] == "compromise" and first["Belgium"]["with"] == "France"
    assert first["Belgium"]["from"] == 7.0
    assert data["variant"] == "scholz-code" and data["salience_scale"] == "0-100"
    assert data["settlement"]["status"] == "cycle" and data["settlement"]["period"] == 5
    assert [round(v, 3) for v in data["outcome_range"]] == [7.0, 9.671]
    assert any("does not converge" in w for w in data["warnings"])


def test_printed_variant_is_the_default_and_differs() -> None:
    result = run("--actors", TABLE, "--rounds", "2", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["variant"] == "printed" and data["model_options"]["probability"] == "pairwise"
    assert data["rounds"][1]["positions"]["Belgium"] != BELGIUM[0]


def test_the_table_says_the_forecast_is_a_range_and_which_salience_scale() -> None:
    result = run("--actors", TABLE, "--rounds", "10", "--variant", "scholz-code")
    assert result.returncode == 0, result.stderr
    assert "salience read on 0-100" in result.stdout
    assert "forecast: the range 7.00 to 9.67 (does not converge)" in result.stdout
    assert "Belgium 7.00 -> 8.42 (compromise, France)" in " ".join(result.stdout.split())


def test_bad_table_names_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("actor,capability,position,salience\nA,1,2,0.5\nB,one,3,0.5\n")
    result = run("--actors", str(bad))
    assert result.returncode == 1
    assert f"{bad}:3: capability: 'one' is not a number" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_variant_and_mixed_inputs_are_refused() -> None:
    result = run("--actors", TABLE, "--variant", "paper")
    assert result.returncode == 1
    assert "--variant" in result.stderr and "printed or scholz-code" in result.stderr
    both = run(str(ROOT / "examples" / "ukraine-2022.yaml"), "--actors", TABLE)
    assert both.returncode == 1 and "not both" in both.stderr
    neither = run()
    assert neither.returncode == 1 and "--actors" in neither.stderr
