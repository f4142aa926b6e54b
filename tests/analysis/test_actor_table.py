"""The plain actor table: what is read, on which salience scale, and its errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from offramp.analysis.actor_table import load_actor_table, parse_actor_table
from offramp.errors import InputError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "eu-emissions-1994.csv"
PAPER = Path(__file__).resolve().parent / "data" / "bdm1994_emissions.csv"


def test_shipped_example_is_the_papers_table_with_printed_salience() -> None:
    t = load_actor_table(EXAMPLE)
    assert t.salience_scale == "0-100"
    assert "divided by 100" in t.note
    # the same table as the test fixture, whose salience is already on 0-1
    fixture = load_actor_table(PAPER)
    assert fixture.salience_scale == "0-1"
    assert t.issue.actors == fixture.issue.actors
    np.testing.assert_allclose(t.issue.salience, fixture.issue.salience, rtol=1e-15)
    np.testing.assert_array_equal(t.issue.positions, fixture.issue.positions)
    np.testing.assert_array_equal(t.issue.capability, fixture.issue.capability)
    assert t.issue.capability.sum() == pytest.approx(1.01)  # as printed


def test_columns_in_any_order_with_extras_and_comments() -> None:
    text = "# a comment\nsalience,note,position,actor,capability\n0.5,x,3,A,1\n\n1,y,9,B,2\n"
    t = parse_actor_table(text, "mine.csv")
    assert t.issue.actors == ("A", "B")
    np.testing.assert_array_equal(t.issue.positions, [3.0, 9.0])
    np.testing.assert_array_equal(t.issue.salience, [0.5, 1.0])
    assert t.salience_scale == "0-1" and t.issue.issue == "mine"


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("actor,capability,position\nA,1,2\n", "t.csv:1", "missing column salience"),
        ("actor,capability,position,salience\nA,x,2,1\n", "t.csv:2: capability", "'x' is not"),
        ("actor,capability,position,salience\nA,1,2,1\nA,1,3,1\n", "t.csv:3: actor", "twice"),
        ("actor,capability,position,salience\nA,1,2,120\n", "t.csv:2: salience", "above 100"),
        ("actor,capability,position,salience\nA,-1,2,1\n", "t.csv:2: capability", "below 0"),
        ("actor,capability,position,salience\n# c\nA,1,2\n", "t.csv:3", "3 fields"),
        ("actor,capability,position,salience\n", "t.csv", "no actors"),
        ("", "t.csv", "no header row"),
    ],
)
def test_bad_tables_name_file_line_and_field(text: str, where: str, what: str) -> None:
    with pytest.raises(InputError) as info:
        parse_actor_table(text, "t.csv")
    assert info.value.where == where
    assert what in str(info.value)


def test_every_bad_row_is_reported_at_once() -> None:
    text = "actor,capability,position,salience\nA,x,2,1\nB,1,y,1\n"
    with pytest.raises(InputError) as info:
        parse_actor_table(text, "t.csv")
    assert [p.where for p in info.value.problems] == ["t.csv:2: capability", "t.csv:3: position"]


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_actor_table(tmp_path / "none.csv")
