"""Escalation policy files: the shipped ones load; a bad file is refused with its file,
line and field (an unknown level, a policy with no stop, a cycle in the steps)."""

from __future__ import annotations

from pathlib import Path

import pytest

from offramp.errors import InputError
from offramp.files.escalation import builtin_policies, load_policies, load_policy, parse_policy
from offramp.model.crisis.escalation import PolicySubject

GOOD = """\
policy: 1
id: team_ack
title: Our own acknowledgement policy
applies_to: acknowledgement
stop: acknowledged
steps:
  - id: resend
    action: resend
    hours: 1
  - id: up
    action: escalate
    level: next
    hours: 2
    repeat: 2
  - id: hotline
    action: escalate
    level: hotline
    by: {time: "08:00", zone: Europe/Moscow, days_after: 1}
"""


def _errors(text: str, name: str = "team.yaml") -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_policy(text, name)
    return [str(p) for p in caught.value.problems]


def test_the_shipped_policies_load() -> None:
    policies = builtin_policies()
    assert set(policies) == {"ack_late", "step_late", "wmd_referral_late"}
    assert policies["ack_late"].subject is PolicySubject.ACKNOWLEDGEMENT
    assert policies["wmd_referral_late"].for_steps == ("consult_ally", "refer")


def test_a_good_team_policy_parses() -> None:
    p = parse_policy(GOOD, "team.yaml")
    assert [s.id for s in p.steps] == ["resend", "up", "hotline"]
    assert p.steps[2].by is not None and p.steps[2].by.zone == "Europe/Moscow"


def test_an_unknown_level_names_file_line_and_field() -> None:
    text = GOOD.replace("level: hotline", "level: working_lunch")
    assert _errors(text) == [
        "team.yaml:17: steps[2].level: unknown channel level 'working_lunch': use next or one of "
        "heads_of_state, foreign_ministers, defence_ministers, chiefs_of_staff, "
        "senior_officials, un_security_council, hotline, back_channel, public"
    ]


def test_a_policy_with_no_stop_is_refused_at_its_subject() -> None:
    text = GOOD.replace("stop: acknowledged\n", "")
    assert _errors(text) == ["team.yaml:4: stop: the policy never stops: give `stop: acknowledged`"]


def test_a_stop_that_does_not_fit_the_subject_is_refused() -> None:
    text = GOOD.replace("stop: acknowledged", "stop: done")
    assert _errors(text) == [
        "team.yaml:5: stop[0]: an acknowledgement policy stops when acknowledged, not 'done'"
    ]


def test_a_cycle_in_the_steps_is_named_in_full_at_its_line() -> None:
    text = GOOD.replace("    repeat: 2\n", "    repeat: 2\n    then: resend\n")
    assert _errors(text) == [
        "team.yaml:7: steps[0].then: a cycle in the steps: resend -> up -> resend "
        "(use `repeat:` to take a step again; a policy must end)"
    ]


def test_then_naming_an_unknown_step_and_a_bad_shape_are_refused_with_lines() -> None:
    text = GOOD.replace("    repeat: 2\n", "    repeat: 2\n    then: nowhere\n")
    assert _errors(text) == [
        "team.yaml:15: steps[1].then: step 'up' goes on to unknown step 'nowhere'"
    ]
    text = GOOD.replace("action: resend", "action: shout")
    (err,) = _errors(text)
    assert err.startswith("team.yaml:8: steps[0].action:")


def test_a_team_folder_with_a_repeated_id_names_both_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_policies(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'b.yaml'}: policy id 'team_ack' is also used by {tmp_path / 'a.yaml'}"
    ]
    assert set(load_policies(tmp_path / "none")) == set()
    with pytest.raises(InputError, match="no such file"):
        load_policy(tmp_path / "missing.yaml")
