"""One new record is checked against the stored case with the case file's own rules,
without re-reading the case: errors name the field and what is wrong, the same words
a case file gets at its line, and nothing is written."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from offramp.errors import InputError
from offramp.files.case import parse_case
from offramp.services import stored_case
from offramp.services.intake import NewSource
from support.desk import SMALL_CASE_YAML, World

GOOD: dict[str, Any] = {
    "id": "ua-neutral",
    "date": "2022-03-20",
    "party": "UA",
    "speaker": "zelensky",
    "quote": "Neutrality is on the table.",
    "source": "wapo",
    "stance": "consider",
    "issue": "alignment",
    "option": "neutral",
}

BAD_STATEMENTS = [
    ({"source": "nope"}, "source", "unknown source 'nope'"),
    ({"party": "XX"}, "party", "unknown party 'XX'"),
    ({"option": "nato_plus"}, "option", "issue 'alignment' has no option 'nato_plus'"),
    ({"issue": "crimea"}, "issue", "unknown issue 'crimea'"),
    ({"track": "april"}, "track", "unknown track 'april'"),
    ({"id": "ru-neutral"}, "id", "duplicate id 'ru-neutral'"),
    ({"date": "2022-13-01"}, "date", "'2022-13-01' is not a date"),
    ({"stance": "shrug"}, "stance", "'shrug' is not allowed"),
    ({"quote": "bell\x07"}, "quote", "contains U+0007, a control character"),
]


def _state(world: World) -> tuple[int, int]:
    record = world.desk.cases.public_record(world.actor("mediator_il"), "small")
    return record.version, len(record.case.statements)


@pytest.mark.parametrize(("change", "where", "words"), BAD_STATEMENTS)
def test_a_bad_statement_names_its_field_and_writes_nothing(
    world: World, change: dict[str, Any], where: str, words: str
) -> None:
    before = _state(world)
    with pytest.raises(InputError) as err:
        world.desk.cases.add_statement(world.actor("mediator_il"), "small", {**GOOD, **change})
    assert err.value.where == where
    assert words in err.value.problems[0].message
    assert _state(world) == before


@pytest.mark.parametrize(("change", "where", "words"), BAD_STATEMENTS[:6])
def test_a_case_file_gets_the_same_words_at_its_line(
    change: dict[str, Any], where: str, words: str
) -> None:
    item = {**GOOD, **change}
    lines = "".join(f"    {k}: {v}\n" for k, v in item.items()).replace("    ", "  - ", 1)
    text = SMALL_CASE_YAML.replace("positions:\n", lines + "positions:\n", 1)
    with pytest.raises(InputError) as err:
        parse_case(text, "small.yaml")
    found = {(p.where.split(": ", 1)[1], p.message) for p in err.value.problems}
    assert any(w.endswith(f".{where}") and words == m for w, m in found), found


def test_a_good_statement_is_stored_and_the_kept_case_is_the_stored_one(world: World) -> None:
    med = world.actor("mediator_il")
    row = world.desk.cases.add_statement(med, "small", GOOD)
    assert row.statement.id == "ua-neutral" and row.confirmed_at is None
    kept = world.desk.cases.public_record(med, "small").case
    stored_case.forget()  # read it back from the rows
    rebuilt = world.desk.cases.public_record(med, "small").case
    assert rebuilt == kept and rebuilt.statement("ua-neutral").option == "neutral"


def test_intake_checks_the_new_source_and_statement_before_writing(world: World) -> None:
    analyst = world.actor("analyst")
    before = _state(world)
    with pytest.raises(InputError) as err:
        world.desk.intake.accept(
            analyst, "small", speaker="x", party="RU", issue="donbas", stance="demand",
            quote="Donbas is ours.", date=date(2022, 3, 20), option="crimea",
            source=NewSource("Kommersant"),
        )  # fmt: skip
    assert err.value.where == "option"
    assert err.value.problems[0].message == "issue 'donbas' has no option 'crimea'"
    assert _state(world) == before
    sources = len(world.desk.cases.public_record(analyst, "small").case.sources)
    assert sources == 1  # the source was not added either


@pytest.mark.parametrize(
    ("changes", "where", "words"),
    [
        ({"acceptable": ["bloc_free"]}, "acceptable", "must include the ideal 'nato'"),
        ({"ideal": "swiss"}, "ideal", "issue 'alignment' has no option 'swiss'"),
        ({"salience": 1.5}, "salience", "out of range"),
        (
            {"values": {"nato": 1.0, "bloc_free": 0.5, "neutral": 0.0, "swiss": 0.2}},
            "values.swiss",
            "issue 'alignment' has no option 'swiss'",
        ),
        ({"values": {"nato": 0.2, "bloc_free": 0.5, "neutral": 0.0}}, "values", "highest"),
        ({"statements": ["nope"]}, "statements", "unknown statement 'nope'"),
    ],
)
def test_an_edited_position_is_checked_at_its_field(
    world: World, changes: dict[str, Any], where: str, words: str
) -> None:
    med = world.actor("mediator_il")
    pos = next(
        p
        for p in world.desk.cases.list_positions(med, "small")
        if (p.value["party"], p.value["issue"]) == ("UA", "alignment")
    )
    with pytest.raises(InputError) as err:
        world.desk.cases.update_position(med, "small", pos.id, changes, pos.version)
    assert err.value.where == where
    assert words in err.value.problems[0].message
    again = world.desk.cases.list_positions(med, "small")
    assert next(p for p in again if p.id == pos.id) == pos


def test_an_edited_position_fills_its_values_as_a_case_file_would(world: World) -> None:
    med = world.actor("mediator_il")
    pos = next(
        p
        for p in world.desk.cases.list_positions(med, "small")
        if (p.value["party"], p.value["issue"]) == ("UA", "alignment")
    )
    got = world.desk.cases.update_position(med, "small", pos.id, {"ideal": "neutral"}, 1)
    assert got.value["acceptable"] == ["nato", "neutral"]
    assert got.value["values"] == {"nato": 0.0, "bloc_free": 0.5, "neutral": 1.0}
