"""Authoring a case record by record (issue 15): the rules of a case file, versions,
audit, the shuttle's channels, and the analysis following every edit."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from offramp.errors import Conflict, Forbidden, InputError, NotFound
from offramp.files.case import parse_case
from offramp.services.access import Actor
from support.authoring import EARLY, LATE, RIVER, steps
from support.desk import World


def _river(world: World) -> Actor:
    """The river case created empty by the admin, with the mediator as its author."""
    world.desk.authoring.create_case(world.admin, *RIVER.values())
    world.desk.cases.add_member(world.admin, "river", "mediator_il", "mediator")
    return world.actors["mediator_il"]


def _version(world: World, slug: str = "small") -> int:
    return world.desk.cases.public_record(world.actors["mediator_il"], slug).version


def _problems(exc: pytest.ExceptionInfo[InputError]) -> list[tuple[str, str]]:
    return [(p.where, p.message) for p in exc.value.problems]


def test_a_case_authored_from_nothing_reaches_its_verdicts_and_exports_exactly(
    world: World,
) -> None:
    med = _river(world)
    authoring = world.desk.authoring
    versions = [authoring.add(med, "river", kind, record).version for kind, record in steps()]
    assert versions == list(range(2, len(steps()) + 2))  # one version per edit
    early = world.desk.analysis.report(med, "river", date.fromisoformat(EARLY)).to_dict()
    late = world.desk.analysis.report(med, "river", date.fromisoformat(LATE)).to_dict()
    assert (early["ripe"], late["ripe"]) == (False, True)
    assert early["enlarge"]["chosen"] == ["power"] and early["enlarge"]["opens_zone"]
    text = world.desk.cases.export_case(med, "river").text
    stored = world.desk.cases.public_record(med, "river").case
    assert parse_case(text, "river.yaml") == stored
    assert [p.id for p in stored.parties] == ["UP", "MID", "DOWN", "UNION"]
    assert {p.id: p.until for p in stored.people}["mo"] == date(2022, 1, 2)
    assert stored.issue("power").candidate


def test_an_empty_case_is_a_case_file_and_is_created_once(world: World) -> None:
    med = _river(world)
    text = world.desk.cases.export_case(med, "river").text
    assert parse_case(text).parties == ()
    with pytest.raises(Conflict):
        world.desk.authoring.create_case(world.admin, *RIVER.values())
    with pytest.raises(Forbidden):
        world.desk.authoring.create_case(med, "another", "Another")
    with pytest.raises(InputError) as bad:
        world.desk.authoring.create_case(world.admin, "Not A Slug", "x")
    assert bad.value.problems[0].where == "id"


@pytest.mark.parametrize(
    ("kind", "record", "where", "says"),
    [
        (
            "position",
            {
                "party": "UA",
                "issue": "alignment",
                "date": "2022-03-20",
                "ideal": "nope",
                "salience": 0.5,
            },
            "ideal",
            "issue 'alignment' has no option 'nope'",
        ),
        (
            "position",
            {
                "party": "UA",
                "issue": "alignment",
                "date": "2022-03-20",
                "ideal": "nato",
                "salience": -0.1,
            },
            "salience",
            "greater than or equal to 0",
        ),
        (
            "position",
            {
                "party": "UA",
                "issue": "alignment",
                "date": "2022-03-20",
                "ideal": "nato",
                "salience": 0.5,
                "values": {"nato": 0.5, "bloc_free": 0.9, "neutral": 0},
            },
            "values",
            "the ideal 'nato' must have the highest value",
        ),
        (
            "position",
            {
                "party": "UA",
                "issue": "alignment",
                "date": "2022-03-01",
                "ideal": "nato",
                "salience": 0.5,
            },
            "",
            "UA already has a position on alignment on 2022-03-01",
        ),
        ("party", {"id": "UA", "name": "Ukraine again", "role": "party"}, "id", "duplicate id"),
        ("person", {"id": "peskov", "name": "D. Peskov", "party": "XX"}, "party", "unknown party"),
        (
            "statement",
            {
                "id": "s9",
                "date": "2022-03-20",
                "speaker": "x",
                "quote": "q.",
                "source": "wapo",
                "issue": "donbas",
                "option": "neutral",
            },
            "option",
            "issue 'donbas' has no option 'neutral'",
        ),
        (
            "issue",
            {
                "id": "crimea",
                "title": "Crimea",
                "kind": "territorial",
                "options": [{"id": "ua", "label": "A"}, {"id": "ua", "label": "B"}],
            },
            "options",
            "duplicate option id 'ua'",
        ),
        ("reservation", {"party": "UA", "date": "2022-03-20", "value": 1.5}, "value", "less than"),
    ],
)
def test_a_bad_record_is_refused_naming_its_field_and_nothing_is_written(
    world: World, kind: Any, record: dict[str, Any], where: str, says: str
) -> None:
    med = world.actors["mediator_il"]
    before = world.desk.cases.export_case(med, "small")
    with pytest.raises(InputError) as bad:
        world.desk.authoring.add(med, "small", kind, record)
    assert any(w == where and says in m for w, m in _problems(bad)), _problems(bad)
    assert world.desk.cases.export_case(med, "small") == before


def test_what_others_use_cannot_be_removed_or_taken_away(world: World) -> None:
    med, authoring = world.actors["mediator_il"], world.desk.authoring
    v = _version(world)
    with pytest.raises(InputError) as bad:
        authoring.remove(med, "small", "issue", "donbas", v)
    [(where, message)] = _problems(bad)
    assert where == ""
    assert message.startswith("issue 'donbas' is used by position UA/donbas/2022-03-01")
    with pytest.raises(InputError) as bad:
        authoring.remove(med, "small", "source", "wapo", v)
    assert "used by statement ru-neutral, statement ua-bloc-free" in _problems(bad)[0][1]
    with pytest.raises(InputError) as bad:  # dropping an option a position stands on
        options = [{"id": "ukraine", "label": "U"}, {"id": "russia", "label": "R"}]
        authoring.edit(med, "small", "issue", "donbas", {"options": options}, v)
    assert _problems(bad) == [
        (
            "options",
            "option 'autonomy' is used by position RU/donbas/2022-03-01: "
            "change or remove those first",
        )
    ]
    with pytest.raises(InputError) as bad:  # a delegate speaks for UA on the shuttle
        authoring.edit(med, "small", "party", "UA", {"role": "stakeholder"}, v)
    assert _problems(bad)[0][0] == "role" and "1 delegate" in _problems(bad)[0][1]
    with pytest.raises(InputError) as bad:
        authoring.edit(med, "small", "party", "UA", {"id": "UKR"}, v)
    assert _problems(bad)[0][0] == "id"
    assert _version(world) == v  # nothing was written


def test_a_stale_version_is_a_conflict_naming_who_changed_the_case(world: World) -> None:
    med, analyst = world.actors["mediator_il"], world.actors["analyst"]
    authoring = world.desk.authoring
    opened = _version(world)
    authoring.edit(analyst, "small", "party", "US", {"name": "The United States"}, opened)
    with pytest.raises(Conflict) as stale:
        authoring.edit(med, "small", "party", "US", {"name": "USA"}, opened)
    assert "changed by analyst since you opened it" in stale.value.message
    assert world.desk.cases.public_record(med, "small").case.party("US").name == (
        "The United States"
    )
    with pytest.raises(InputError) as unsaid:
        authoring.remove(med, "small", "party", "US", None)
    assert _problems(unsaid)[0][0] == "version"
    done = authoring.remove(med, "small", "party", "US", opened + 1)
    assert done.version == opened + 2


def test_each_edit_is_audited_as_itself(world: World) -> None:
    med, authoring = world.actors["mediator_il"], world.desk.authoring
    head = world.desk.audit.head("small")[0]
    v = authoring.add(med, "small", "source", {"id": "ft", "publication": "FT"}).version
    v = authoring.edit(med, "small", "issue", "donbas", {"title": "The Donbas"}, v).version
    v = authoring.reorder_options(med, "small", "donbas", ["russia", "autonomy", "ukraine"], v)
    authoring.reorder(med, "small", "party", ["RU", "UA", "IL", "DE", "US"], v.version)
    events = world.desk.audit.events(med, "small", after=head)
    assert [e.action for e in events] == [
        "case.source.add",
        "case.issue.edit",
        "case.option.reorder",
        "case.party.reorder",
    ]
    assert events[1].payload["was"]["title"] == "Donetsk and Luhansk"
    case = world.desk.cases.public_record(med, "small").case
    assert case.issue("donbas").option_ids == ("russia", "autonomy", "ukraine")
    assert [p.id for p in case.parties][:2] == ["RU", "UA"]


def test_the_analysis_follows_each_edit(world: World) -> None:
    med, authoring = world.actors["mediator_il"], world.desk.authoring
    day = date(2022, 3, 1)
    before = world.desk.analysis.report(med, "small", day).to_dict()
    v = _version(world)
    authoring.edit(med, "small", "reservation", "UA/2022-03-01", {"value": 0.99}, v)
    after = world.desk.analysis.report(med, "small", day).to_dict()
    assert before["reservation"]["UA"] == 0.3 and after["reservation"]["UA"] == 0.99
    assert before["ripe"] and not after["ripe"]


def test_channels_follow_the_negotiating_parties(world: World) -> None:
    med, authoring = world.actors["mediator_il"], world.desk.authoring
    v = authoring.add(med, "small", "party", {"id": "BY", "name": "Belarus", "role": "party"})
    keys = [c.key for c in world.desk.shuttle.list_channels(med, "small")]
    assert "BY" in keys
    authoring.remove(med, "small", "party", "BY", v.version)
    assert "BY" not in [c.key for c in world.desk.shuttle.list_channels(med, "small")]


def test_an_edit_keeps_what_it_does_not_touch(world: World) -> None:
    med, authoring = world.actors["mediator_il"], world.desk.authoring
    world.desk.cases.confirm_statement(med, "small", "ua-bloc-free")
    positions = {p.id: p.version for p in world.desk.cases.list_positions(med, "small")}
    v = _version(world)
    v = authoring.edit(med, "small", "statement", "ru-neutral", {"note": "Seen."}, v).version
    authoring.edit(med, "small", "party", "DE", {"note": "Facilitates."}, v)
    rows = {r.statement.id: r for r in world.desk.cases.list_statements(med, "small")}
    assert rows["ua-bloc-free"].confirmed_by == "mediator_il"
    assert rows["ru-neutral"].statement.note == "Seen."
    after = {p.id: p.version for p in world.desk.cases.list_positions(med, "small")}
    assert {k: after[k] for k in positions} == positions


def test_a_field_set_to_none_returns_to_its_default(world: World) -> None:
    med, authoring = world.actors["mediator_il"], world.desk.authoring
    v = _version(world)
    done = authoring.edit(med, "small", "person", "zelensky", {"title": None}, v)
    assert done.record == {"id": "zelensky", "name": "Volodymyr Zelensky", "party": "UA"}


def test_only_authors_author_and_missing_records_are_not_found(world: World) -> None:
    authoring = world.desk.authoring
    for name in ("delegate_ua", "observer_us", "facilitator_de", "desk_officer"):
        with pytest.raises(Forbidden) as no:
            authoring.add(world.actors[name], "small", "source", {"id": "x", "publication": "X"})
        assert no.value.action == "case.author"
    with pytest.raises(NotFound):
        authoring.remove(world.actors["outsider"], "small", "party", "US", 1)
    with pytest.raises(NotFound):
        authoring.remove(world.actors["analyst"], "small", "party", "XX", _version(world))
    with pytest.raises(NotFound):
        authoring.remove(world.actors["analyst"], "small", "position", "999999", _version(world))
