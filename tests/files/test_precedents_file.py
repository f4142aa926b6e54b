"""The precedent library file: the shipped data, its checks, and a team's own file."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
import yaml

from offramp.errors import InputError
from offramp.files.precedents import (
    builtin_library,
    builtin_path,
    load_library,
    load_library_file,
    parse_library,
    precedent_to_data,
)
from offramp.model.precedents import Outcome, Precedent, ProvisionKind

SHIPPED = builtin_library()

# the agreements issue 20 names, by the ids the library gives them
NAMED = {
    "austria-1955",
    "finland-ussr-1948",
    "moldova-neutrality-1994",
    "cuba-1962",
    "hotline-1963",
    "incidents-at-sea-1972",
    "budapest-memorandum-1994",
    "dayton-1995",
    "good-friday-1998",
    "minsk-protocol-2014",
    "minsk-ii-2015",
    "black-sea-grain-2022",
}

ONE = """\
library: 1
precedents:
  - id: test-accord
    name: A test accord
    date: 2001-02-03
    parties: [{id: AA, name: Aland}, {id: BB, name: Bland}]
    provisions:
      - id: neutral
        kinds: [neutrality_alignment]
        text: Aland stays out of alliances.
        sources: [s1]
    held_up: {outcome: held, note: It held.}
    sources:
      - {id: s1, title: The accord, publisher: A registry, url: "https://example.org/a"}
"""


def _problems(text: str, filename: str = "team.yaml") -> list[str]:
    with pytest.raises(InputError) as info:
        parse_library(text, filename)
    return [str(p) for p in info.value.problems]


# -- the shipped library ---------------------------------------------------------------


def test_the_shipped_library_is_large_and_spans_1945_to_today() -> None:
    assert len(SHIPPED) >= 40
    years = [p.date.year for p in SHIPPED]
    assert min(years) < 1950 and max(years) >= 2020
    assert max(p.date for p in SHIPPED) <= dt.date.today()
    # at least one precedent in every decade from the 1940s to the 2020s
    assert {y // 10 * 10 for y in years} >= set(range(1940, 2030, 10))


def test_the_agreements_the_issue_names_are_in_it() -> None:
    assert {p.id for p in SHIPPED} >= NAMED


def test_every_kind_and_outcome_occurs() -> None:
    assert set().union(*(p.kinds for p in SHIPPED)) == set(ProvisionKind)
    assert {p.held_up.outcome for p in SHIPPED} == set(Outcome)


@pytest.mark.parametrize("p", SHIPPED.precedents, ids=lambda p: p.id)
def test_every_precedent_is_sourced_and_complete(p: Precedent) -> None:
    assert p.sources, "at least one source"
    for s in p.sources:
        assert s.title and s.publisher
        assert s.url or s.reference, f"{s.id}: a source needs a link or a reference"
        assert not s.url or s.url.startswith(("https://", "http://"))
    for prov in p.provisions:
        assert prov.kinds and len(prov.text) > 20
        assert all(p.sources_of(prov))
    assert p.parties and p.held_up.note
    assert p.end is None or p.end >= p.date
    assert dt.date(1945, 1, 1) <= p.date <= dt.date.today()


def test_the_shipped_file_round_trips_exactly() -> None:
    data = {"library": 1, "precedents": [precedent_to_data(p) for p in SHIPPED]}
    again = parse_library(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "dump")
    assert again == SHIPPED


def test_the_shipped_file_is_inside_the_package() -> None:
    assert builtin_path().name == "library.yaml"
    assert load_library_file(builtin_path()) == SHIPPED


# -- errors at their lines ---------------------------------------------------------------


def test_a_precedent_without_sources_is_refused_at_its_line() -> None:
    text = ONE.replace(
        '    sources:\n      - {id: s1, title: The accord, publisher: A registry, url: "https://example.org/a"}\n',
        "    sources: []\n",
    ).replace("        sources: [s1]\n", "")
    assert _problems(text) == [
        "team.yaml:12: precedents[0].sources: List should have at least 1 item after "
        "validation, not 0"
    ]


def test_a_missing_field_and_an_unknown_kind_are_named_with_lines() -> None:
    text = ONE.replace("kinds: [neutrality_alignment]", "kinds: [neutrality]").replace(
        "    name: A test accord\n", ""
    )
    problems = _problems(text)
    assert problems[0] == "team.yaml:3: precedents[0].name: is required"
    assert problems[1].startswith("team.yaml:8: precedents[0].provisions[0].kinds[0]: 'neutrality'")
    assert "use one of" in problems[1] and "'neutrality_alignment'" in problems[1]


def test_a_provision_citing_an_unknown_source_is_refused() -> None:
    problems = _problems(ONE.replace("sources: [s1]", "sources: [s2]"))
    assert problems == [
        "team.yaml:11: precedents[0].provisions[0].sources[0]: 's2' is not one of this "
        "precedent's sources"
    ]


def test_a_repeated_precedent_id_names_both_lines() -> None:
    entry = ONE.split("precedents:\n", 1)[1]
    problems = _problems(ONE + entry)
    assert problems == [
        "team.yaml:15: precedents[1].id: precedent id 'test-accord' is used twice (first at line 3)"
    ]


def test_an_end_before_the_date_and_a_lowercase_party_are_refused() -> None:
    text = ONE.replace("    date: 2001-02-03\n", "    date: 2001-02-03\n    end: 2000-01-01\n")
    assert _problems(text) == [
        "team.yaml:6: precedents[0].end: 2000-01-01 is before the date, 2001-02-03"
    ]
    problems = _problems(ONE.replace("{id: AA,", "{id: aa,"))
    assert problems == [
        "team.yaml:6: precedents[0].parties[0].id: 'aa' is not a valid id: use upper case (like UA)"
    ]


def test_a_bad_url_and_a_bad_date_are_refused() -> None:
    problems = _problems(
        ONE.replace('"https://example.org/a"', "example.org").replace("2001-02-03", "2001-02-30")
    )
    assert problems[0].startswith("team.yaml:5: precedents[0].date: '2001-02-30' is not a date")
    assert problems[1].startswith("team.yaml:14: precedents[0].sources[0].url:")


# -- a team's own file -------------------------------------------------------------------


def test_a_team_file_adds_to_the_shipped_library(tmp_path: Path) -> None:
    team = tmp_path / "ours.yaml"
    team.write_text(ONE, encoding="utf-8")
    merged = load_library(team)
    assert len(merged) == len(SHIPPED) + 1
    assert merged.get("test-accord").parties[1].name == "Bland"
    assert [p.date for p in merged] == sorted(p.date for p in merged)
    assert load_library() == SHIPPED


def test_a_team_file_may_not_reuse_a_shipped_id(tmp_path: Path) -> None:
    team = tmp_path / "ours.yaml"
    team.write_text(ONE.replace("id: test-accord", "id: cuba-1962"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_library(team)
    assert str(info.value) == (
        f"{team}:3: precedents[0].id: precedent id 'cuba-1962' is already in the shipped "
        "library: choose another"
    )


def test_a_missing_team_file_and_a_non_mapping_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_library(tmp_path / "absent.yaml")
    assert _problems("- just\n- a list\n") == [
        "team.yaml:1: a precedent library must be a mapping at the top level"
    ]
    assert _problems(textwrap.dedent("library: 2\nprecedents: []\n"))[0].startswith(
        "team.yaml:1: library:"
    )
