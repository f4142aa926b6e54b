"""The crisis section's formats are imported only for a case file that has one, and its
problems read as they did when the section was checked inline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from offramp.errors import InputError
from offramp.files.case import parse_case

ROOT = Path(__file__).resolve().parents[2]
CRISIS_MODULES = ("offramp.files.crisis", "offramp.files.playbooks")

PROBE = """
import json, sys
from offramp.files.case import load_case
imported = lambda: sorted(m for m in sys.modules if m in {names})
seen = {{"import": imported()}}
seen["plain"] = load_case("examples/armenia-azerbaijan-2022.yaml").crisis is None, imported()
seen["crisis"] = load_case("examples/ukraine-2022.yaml").crisis is not None, imported()
print(json.dumps(seen))
"""

CASE = """\
id: lazy
title: A small case
parties:
  - {id: RU, name: Russia, role: party}
  - {id: UA, name: Ukraine, role: chairman}
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_case(text, "c.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_case_without_a_crisis_section_does_not_import_its_formats() -> None:
    ran = subprocess.run(
        [sys.executable, "-c", PROBE.format(names=set(CRISIS_MODULES))],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    seen = json.loads(ran.stdout)
    assert seen["import"] == []
    assert seen["plain"] == [True, []]
    assert seen["crisis"] == [True, list(CRISIS_MODULES)]


def test_problems_of_the_case_and_of_its_crisis_section_come_together_crisis_last() -> None:
    text = CASE + (
        "crisis:\n  channels:\n    - {id: hotline, between: [RU, UA], level: ambassadors}\n"
    )
    problems = _problems(text)
    assert len(problems) == 2
    assert problems[0].startswith("c.yaml:5: parties[1].role: 'chairman' is not allowed")
    assert problems[1].startswith("c.yaml:8: crisis.channels[0].level: 'ambassadors' is not")


def test_a_crisis_section_that_is_not_a_mapping_is_refused_at_its_line() -> None:
    text = CASE.replace("chairman", "party") + "crisis: soon\n"
    assert _problems(text) == [
        "c.yaml:6: crisis: Input should be a valid dictionary or instance of CrisisIn (got 'soon')"
    ]


def test_an_empty_crisis_section_is_no_crisis() -> None:
    assert parse_case(CASE.replace("chairman", "party") + "crisis:\n", "c.yaml").crisis is None
