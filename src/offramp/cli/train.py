"""``offramp train-reader LABELS.jsonl ... --case CASEFILE --out READER``: teach the intake.

Trains the intake's reader (:mod:`offramp.extract.reader`) for one case on labelled
sentences and writes it as a ``.reader.json.gz`` file. Put it in
``src/offramp/data/intake/`` to have ``offramp ingest`` and the web desk use it for every
case with the same issue and party ids. Bad input becomes ``error: <file>:<line>:
<field>: <message>`` on stderr and exit code 1, and nothing is written.

``--from-desk --db URL --case SLUG --user NAME`` learns from the desk instead: the
statements people confirmed on the case (``IntakeService.training_items``, which needs
the ``reader.train`` right) and the proposals they discarded, plus any label files
given; ``--test FILE`` prints the precision and recall of (party, issue, stance) triples
on labelled sentences before (the case's shipped reader, or the rules alone) and after.
"""

from __future__ import annotations

from datetime import date as Date
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from offramp.errors import InputError, OfframpError
from offramp.files.case import load_case


def train_reader(
    case: Annotated[
        str, typer.Option("--case", help="The case file the labels use (with --from-desk: its id).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Where to write the reader (.json.gz).")],
    labels: Annotated[
        list[Path] | None, typer.Argument(help="Labelled sentences (JSON Lines).")
    ] = None,
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
    from_desk: Annotated[
        bool,
        typer.Option("--from-desk", help="Learn from the statements confirmed on the desk."),
    ] = False,
    db: Annotated[
        str | None,
        typer.Option("--db", envvar="OFFRAMP_DB", help="The desk's database (with --from-desk)."),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option("--user", help="The member who trains (needs reader.train on the case)."),
    ] = None,
    test: Annotated[
        Path | None,
        typer.Option("--test", help="Labelled sentences to score before and after."),
    ] = None,
) -> None:
    """Train the intake's reader for a case on labelled sentences (or the desk's)."""
    try:
        if from_desk:
            summary = run_train_from_desk(
                list(labels or []), case, out, db, user, people, phrases, threshold, test
            )
        elif not labels:
            raise InputError("LABELS", "give label files, or --from-desk")
        else:
            summary = run_train(labels, Path(case), out, people, phrases, threshold)
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
    from offramp.extract.training import train

    lexicon = Lexicon.from_case(loaded)
    party_ids = [a.id for a in lexicon.actors]
    issue_ids = [i.id for i in lexicon.issues]
    items = [item for path in labels for item in read_labelled(path, party_ids, issue_ids)]
    labelled = sum(len(item["labels"]) for item in items)
    if not labelled:
        raise InputError(str(labels[0]), "no labelled positions to learn from")
    extra_people, extra_phrases = _extras(people, phrases, party_ids, issue_ids)
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


def run_train_from_desk(
    labels: list[Path],
    slug: str,
    out: Path,
    db: str | None,
    user: str | None,
    people: Path | None,
    phrases: Path | None,
    threshold: float,
    test: Path | None,
) -> str:
    """Train on the desk's confirmed statements and ``labels``; the summary lines."""
    if db is None:
        raise InputError("--db", "name the desk's database (or set OFFRAMP_DB)")
    if user is None:
        raise InputError("--user", "name the member who trains the reader")
    if not 0.0 < threshold < 1.0:
        raise InputError("--threshold", f"must be between 0 and 1, not {threshold}")
    if not out.name.endswith(".reader.json.gz"):
        raise InputError("--out", "name the file <something>.reader.json.gz")
    from offramp.bootstrap import bootstrap
    from offramp.services.access import Actor

    desk = bootstrap(db)
    try:
        with desk.uow() as uow:
            row = uow.repo.get_user_by_name(user)
        if row is None:
            raise InputError("--user", f"no user {user!r} on this desk")
        loaded, desk_items = desk.intake.training_items(Actor(row.id, row.name, row.is_admin), slug)
    finally:
        desk.close()
    from offramp.extract import Extractor, Lexicon, find_reader, load_pipeline
    from offramp.extract.labels import read_labelled
    from offramp.extract.training import train

    lexicon = Lexicon.from_case(loaded)
    party_ids = [a.id for a in lexicon.actors]
    issue_ids = [i.id for i in lexicon.issues]
    items = desk_items + [i for path in labels for i in read_labelled(path, party_ids, issue_ids)]
    tests = read_labelled(test, party_ids, issue_ids) if test else []
    labelled = sum(len(item["labels"]) for item in items)
    if not labelled:
        raise InputError(slug, "no confirmed statements and no labels to learn from")
    extra_people, extra_phrases = _extras(people, phrases, party_ids, issue_ids)
    nlp = load_pipeline()
    reader = train(
        lexicon,
        nlp,
        items,
        people=extra_people,
        phrases=extra_phrases,
        threshold=threshold,
        trained_on=", ".join([f"desk:{slug}", *(p.name for p in labels)]),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    reader.save(out)
    discarded = [i for i in desk_items if "judged" in i]
    negatives = sum(len(i["judged"]) for i in discarded)
    lines = [
        f"trained on {len(desk_items) - len(discarded)} confirmed statements of {slug} and "
        f"{len(items) - len(desk_items)} labelled sentences ({labelled} labels); wrote {out}",
        f"(and, as negatives, the desk's discarded proposals: {negatives})",
    ]
    if tests:
        before = find_reader(lexicon)
        for name, chosen in (
            ("before" + ("" if before else " (rules alone)"), before),
            ("after", reader),
        ):
            p, r, n = triple_score(Extractor(lexicon, nlp, reader=chosen), tests)
            lines.append(f"{name:22} on {test}: P {p:.2f}  R {r:.2f}  ({n} triples)")
    return "\n".join(lines)


def triple_score(extractor: Any, items: list[dict[str, Any]]) -> tuple[float, float, int]:
    """Micro precision and recall of (party, issue, stance) triples; the gold count."""
    tp = fp = fn = 0
    texts = [(i["text"], Date.fromisoformat(i["article_date"])) for i in items]
    for item, found in zip(items, extractor.extract_many(texts), strict=True):
        gold = {(g["party"], g["issue"], g["stance"]) for g in item["labels"] if g["issue"]}
        got = {(f.party, f.issue, str(f.stance)) for f in found if f.issue}
        tp, fp, fn = tp + len(gold & got), fp + len(got - gold), fn + len(gold - got)
    return (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0, tp + fn)


def _extras(
    people: Path | None, phrases: Path | None, party_ids: list[str], issue_ids: list[str]
) -> tuple[list[Any], dict[str, list[str]]]:
    from offramp.extract.lexicon import PersonTerms

    listed = _yaml_list(people)
    for k, p in enumerate(listed):
        if p["party"] not in party_ids:
            raise InputError(f"{people}: [{k}].party", f"{p['party']!r} is not a party of the case")
    terms = [
        PersonTerms(p["id"], p["name"], p["party"], tuple(p.get("aliases", ())), p.get("title", ""))
        for p in listed
    ]
    return terms, _yaml_mapping(phrases, issue_ids)


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


def register(app: typer.Typer) -> None:
    """Add ``train-reader`` to ``app``."""
    app.command("train-reader")(train_reader)
