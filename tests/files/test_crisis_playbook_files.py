"""Playbook files: the shipped ones load; bad ones fail with file, line and a sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from offramp.errors import InputError
from offramp.files.playbooks import (
    DEFAULT_PLAYBOOK,
    builtin_playbooks,
    load_playbook,
    parse_playbook,
    playbook_to_data,
)
from offramp.model.crisis import IncidentType

GOOD = """\
playbook: 1
id: drill
title: A drill
incident_type: threat
steps:
  - id: first
    title: First
    hours: 1
  - id: second
    title: Second
    after: [first]
    hours: 2
"""


def _errors(text: str, name: str = "bad.yaml") -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_playbook(text, name)
    return [str(p) for p in caught.value.problems]


def test_every_incident_type_has_a_shipped_playbook() -> None:
    books = builtin_playbooks()
    for kind, pid in DEFAULT_PLAYBOOK.items():
        assert books[pid].incident_type is kind
    assert set(DEFAULT_PLAYBOOK) == set(IncidentType)


def test_the_wmd_playbook_follows_the_column() -> None:
    pb = builtin_playbooks()["wmd_allegation"]
    assert [s.id for s in pb.steps] == [
        "acknowledge", "consult_ally", "refer", "answer_publicly", "receive_finding",
    ]  # fmt: skip
    assert pb.step("acknowledge").channel == "arrival"
    assert pb.step("refer").hours == 24
    assert pb.step("refer").after == ("consult_ally",)
    assert pb.step("answer_publicly").by is not None


def test_a_playbook_round_trips_through_its_data(tmp_path: Path) -> None:
    import yaml

    for pb in builtin_playbooks().values():
        path = tmp_path / f"{pb.id}.yaml"
        path.write_text(yaml.safe_dump(playbook_to_data(pb), sort_keys=False), encoding="utf-8")
        assert load_playbook(path) == pb


def test_a_step_with_no_deadline_names_the_step_and_its_line() -> None:
    text = GOOD.replace("    hours: 2\n", "")
    assert _errors(text) == [
        "bad.yaml:9: steps[1].id: step 'second' has no deadline: give `hours:` or `by:`"
    ]


def test_a_step_with_two_deadlines_is_refused() -> None:
    text = GOOD.replace("    hours: 1\n", "    hours: 1\n    by: {time: '09:00', zone: UTC}\n")
    assert _errors(text) == [
        "bad.yaml:6: steps[0].id: step 'first' has two deadlines: give `hours:` or `by:`, not both"
    ]


def test_an_unknown_channel_level_lists_the_known_ones() -> None:
    text = GOOD.replace("    hours: 1\n", "    hours: 1\n    channel: ambassadors\n")
    (message,) = _errors(text)
    assert message.startswith("bad.yaml:9: steps[0].channel: unknown channel level 'ambassadors'")
    assert "heads_of_state" in message and "hotline" in message and "arrival" in message


def test_an_unknown_step_in_after_is_named() -> None:
    text = GOOD.replace("after: [first]", "after: [frist]")
    assert _errors(text) == [
        "bad.yaml:11: steps[1].after: step 'second' comes after unknown step 'frist'"
    ]


def test_a_cycle_in_step_dependencies_is_named_in_full() -> None:
    text = GOOD.replace("    hours: 1\n", "    after: [second]\n    hours: 1\n")
    assert _errors(text) == [
        "bad.yaml:8: steps[0].after: a cycle in step dependencies: first -> second -> first "
        "(each step comes after the next)"
    ]


def test_a_three_step_cycle() -> None:
    text = """\
playbook: 1
id: loop
title: Loop
incident_type: accident
steps:
  - {id: a, title: A, hours: 1, after: [c]}
  - {id: b, title: B, hours: 1, after: [a]}
  - {id: c, title: C, hours: 1, after: [b]}
"""
    assert _errors(text, "loop.yaml") == [
        "loop.yaml:6: steps[0].after: a cycle in step dependencies: a -> c -> b -> a "
        "(each step comes after the next)"
    ]


def test_a_step_after_itself() -> None:
    text = GOOD.replace("after: [first]", "after: [second]")
    assert _errors(text) == ["bad.yaml:11: steps[1].after: step 'second' comes after itself"]


def test_duplicate_step_ids_point_at_the_second() -> None:
    text = GOOD.replace("id: second", "id: first").replace("after: [first]", "after: []")
    assert _errors(text) == [
        "bad.yaml:9: steps[1].id: duplicate step id 'first' (first used by step 1)"
    ]


def test_a_step_due_before_the_step_it_follows() -> None:
    text = GOOD.replace("    hours: 2\n", "    hours: 0.5\n")
    assert _errors(text) == [
        "bad.yaml:12: steps[1].hours: step 'second' is due at 0.5 h, before step 'first' "
        "(1 h) that it comes after"
    ]


def test_an_unquoted_wall_time_is_explained() -> None:
    text = GOOD.replace("    hours: 2\n", "    by: {time: 18:00, zone: Europe/Moscow}\n")
    assert _errors(text) == [
        "bad.yaml:12: steps[1].by.time: write the time in quotes, like '18:00' "
        "(unquoted, YAML reads a number)"
    ]


def test_an_unknown_zone_and_incident_type() -> None:
    text = GOOD.replace("    hours: 2\n", "    by: {time: '09:00', zone: Europe/Mordor}\n")
    text = text.replace("incident_type: threat", "incident_type: rumour")
    errors = _errors(text)
    assert errors[0].startswith("bad.yaml:4: incident_type: 'rumour' is not allowed: use one of")
    assert errors[1] == (
        "bad.yaml:12: steps[1].by.zone: unknown time zone 'Europe/Mordor': "
        "use an IANA name (Europe/Moscow)"
    )


def test_a_missing_file() -> None:
    with pytest.raises(InputError, match="no such file"):
        load_playbook("/nonexistent/playbook.yaml")
