"""The ``offramp`` command starts without importing what its verb does not use.

``offramp --help`` lists every verb from :data:`offramp.cli.app.VERBS` without importing
the verbs' modules; each verb's module is imported only when it runs. These tests pin
what that needs: the listing matches each verb's own help, every verb a module
registers is listed, and the heavy libraries stay out of ``--help`` and ``check``.
(How long start-up takes is measured in ``benchmarks/startup.py``.)
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
import typer

from offramp.cli.app import VERBS, load_verb

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ukraine-2022.yaml"
HEAVY = ("spacy", "numpy", "scipy", "sqlalchemy", "fastapi", "uvicorn", "alembic", "argon2")


@pytest.mark.parametrize("verb", list(VERBS))
def test_the_listing_of_each_verb_is_its_own_help(verb: str) -> None:
    command = load_verb(verb)
    assert command.name == verb
    first = (command.help or "").strip().split("\n\n")[0].replace("\n", " ")
    assert first == VERBS[verb][1]


def test_every_verb_a_module_registers_is_listed() -> None:
    by_module: dict[str, set[str]] = defaultdict(set)
    for verb, (module, _) in VERBS.items():
        by_module[module].add(verb)
    for module, listed in by_module.items():
        app = typer.Typer()
        importlib.import_module(f"offramp.cli.{module}").register(app)
        group = typer.main.get_group(app)
        assert set(group.commands) == listed, module


PROBE = """
import json, runpy, sys
sys.argv = ["offramp", *sys.argv[1:]]
try:
    runpy.run_module("offramp", run_name="__main__")
except SystemExit:
    pass
print("MODULES=" + json.dumps(sorted(sys.modules)))
"""


def _imported(*args: str) -> set[str]:
    """The modules loaded by ``offramp ARGS`` in a fresh interpreter."""
    # not support.cli.offramp: the probe wraps the CLI to list sys.modules once it is done
    ran = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT
    )
    line = next(x for x in ran.stdout.splitlines() if x.startswith("MODULES="))
    return set(json.loads(line.removeprefix("MODULES=")))


def test_help_imports_no_verb_and_no_heavy_library() -> None:
    modules = _imported("--help")
    assert "offramp.cli.app" in modules
    assert not {m for m in modules if m.split(".")[0] in HEAVY}
    assert not {m for m in modules if m.startswith("offramp.cli.") and m != "offramp.cli.app"}


def test_check_reads_a_case_file_without_the_analysis_or_the_desk() -> None:
    modules = _imported("check", str(EXAMPLE))
    assert "offramp.cli.casefile" in modules
    assert not {m for m in modules if m.split(".")[0] in HEAVY}
