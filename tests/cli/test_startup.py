"""The ``offramp`` command starts without importing what its verb does not use.

``offramp --help`` lists every verb from :data:`offramp.cli.app.VERBS` without importing
the verbs' modules; each verb's module is imported only when it runs. These tests pin
what that needs: the listing matches each verb's own help, every verb a module
registers is listed, and the heavy libraries stay out of ``--help`` and ``check``.
(How long start-up takes is measured in ``benchmarks/startup.py``.)
"""

from __future__ import annotations

import importlib
import importlib.metadata
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


ARTICLE = "KYIV, March 11, 2022 — Ukraine rejected any talk of neutrality, Zelenskyy said.\n"


def test_ingest_imports_spacy_but_not_its_command_line(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    modules = _imported("ingest", str(article), "--case", str(EXAMPLE))
    assert "spacy" in modules and "offramp.extract.proposals" in modules
    # spacy.cli and what only it needs (offramp.extract.loading): a fifth of a second
    assert not {m for m in modules if m.split(".")[0] in ("requests", "weasel", "jinja2")}
    assert not {m for m in modules if m.startswith("spacy.cli")}


def test_spacy_imported_lean_still_has_its_command_line_on_demand() -> None:
    ran = subprocess.run(
        [
            sys.executable,
            "-c",
            "import offramp.extract, spacy, spacy.cli; "
            "print(type(spacy.cli.app).__name__, spacy.info()['spacy_version'])",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split()[0] == "Typer"
    assert ran.stdout.split()[1] == importlib.metadata.version("spacy")


def test_the_intake_pipeline_tokenizes_as_its_package_does() -> None:
    """``load_pipeline`` keeps the tokenizer the pipeline builds and does not read the
    package's: the two must be the same (a new spaCy or pipeline could make them differ)."""
    import spacy

    from offramp.extract import PIPELINE, load_pipeline

    ours = load_pipeline()
    packaged = spacy.load(PIPELINE, exclude=["ner"])
    # the rules, not the vocabulary, which grows with every text the cached pipeline reads
    rules = ours.tokenizer.to_bytes(exclude=["vocab"])
    assert rules == packaged.tokenizer.to_bytes(exclude=["vocab"])
    assert len(rules) > 10_000  # the exceptions and patterns are in it
    assert ours.pipe_names == [
        "tok2vec",
        "tagger",
        "offramp_sentence_guard",
        "parser",
        "attribute_ruler",
        "lemmatizer",
    ]
