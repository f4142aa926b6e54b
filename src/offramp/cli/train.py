"""``offramp train-reader LABELS.jsonl ... --case CASEFILE --out READER``: teach the intake.

Trains the intake's reader (:mod:`offramp.extract.reader`) for one case on labelled
sentences and writes it as a ``.reader.json.gz`` file. Put it in
``src/offramp/data/intake/`` to have ``offramp ingest`` and the web desk use it for every
case with the same issue and party ids. Bad input becomes ``error: <file>:<line>:
<field>: <message>`` on stderr and exit code 1, and nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import yaml

from offramp.errors import InputError, OfframpError
from offramp.files.case import load_case


def train_reader(
    labels: Annotated[list[Path], typer.Argument(help="Labelled sentences (JSON Lines).")],
    case: Annotated[Path, typer.Option("--case", help="The case file the labels use.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the reader (.json.gz).")],
    people: Annotated[
        Path | None, typer.Option("--people", help="YAML list of people to add to the case's.")
    ] = None,
    phrases: Annotated[
        Path | None,
        typer.Option("--phrases", help="YAML mapping of issue id to phrases to add."),
    ] = None,
    threshold: Annotated[
        float, typer.Option("--threshold", help="Lowest probability of a proposal (0-1).")
    ] = 0.3,
) -> None:
    """Train the intake's reader for a case on labelled sentences."""
    try:
        summary = run_train(labels, case, out, people, phrases, threshold)
    except OfframpError as exc:
        for problem in exc.problems:
            typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(1) from None
    typer.echo(summary)


def run_train(
    labels: list[Path],
    case: Path,
    out: Path,
    people: Path | None,
    phrases: Path | None,
    threshold: float,
) -> str:
    """Check everything, train, write; the summary line. Raises :class:`InputError`."""
    if not 0.0 < threshold < 1.0:
        raise InputError("--threshold", f"must be between 0 and 1, not {threshold}")
    if not out.name.endswith(".reader.json.gz"):
        raise InputError("--out", "name the file <something>.reader.json.gz")
    loaded = load_case(case)
    from offramp.extract import Lexicon, load_pipeline
    from offramp.extract.labels import read_labelled
    from offramp.extract.lexicon import PersonTerms
    from offramp.extract.training import train

    lexicon = Lexicon.from_case(loaded)
    party_ids = [a.id for a in lexicon.actors]
    issue_ids = [i.id for i in lexicon.issues]
    items = [item for path in labels for item in read_labelled(path, party_ids, issue_ids)]
    labelled = sum(len(item["labels"]) for item in items)
    if not labelled:
        raise InputError(str(labels[0]), "no labelled positions to learn from")
    listed = _yaml_list(people)
    for k, p in enumerate(listed):
        if p["party"] not in party_ids:
            raise InputError(f"{people}: [{k}].party", f"{p['party']!r} is not a party of the case")
    extra_people = [
        PersonTerms(p["id"], p["name"], p["party"], tuple(p.get("aliases", ())), p.get("title", ""))
        for p in listed
    ]
    extra_phrases = _yaml_mapping(phrases, issue_ids)
    reader = train(
        lexicon,
        load_pipeline(),
        items,
        people=extra_people,
        phrases=extra_phrases,
        threshold=threshold,
        trained_on=", ".join(p.name for p in labels),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    reader.save(out)
    return f"trained on {len(items)} sentences ({labelled} labels); wrote {out}"


def _yaml_list(path: Path | None) -> list[dict[str, str]]:
    if path is None:
        return []
    data = _yaml(path)
    if not isinstance(data, list) or not all(
        isinstance(p, dict) and {"id", "name", "party"} <= set(p) for p in data
    ):
        raise InputError(str(path), "must be a list of people, each with id, name and party")
    return data


def _yaml_mapping(path: Path | None, issues: list[str]) -> dict[str, list[str]]:
    if path is None:
        return {}
    data = _yaml(path)
    if not isinstance(data, dict):
        raise InputError(str(path), "must map issue ids to lists of phrases")
    for key, value in data.items():
        if key not in issues:
            raise InputError(f"{path}: {key}", "not an issue of the case")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f"{path}: {key}", "must be a list of phrases")
    return data


def _yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(str(path), f"cannot be read as YAML: {exc}") from None
