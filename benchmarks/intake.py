"""Evidence-intake benchmark: precision and recall of proposed statements, and speed.

    .venv/bin/python benchmarks/intake.py [--case examples/ukraine-2022.yaml] [--errors]

Scores (party, issue, stance) triples against hand labels on each JSONL set in
``benchmarks/data/intake/`` (see its README for provenance), the speaker where one is
labelled, actor attribution on PLOVER gold-standard records (CC BY-SA 4.0, Open Event
Data Alliance), and sentences per second through the whole extractor.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from offramp.casefile import load_case
from offramp.extract import Extractor, Lexicon, load_pipeline
from offramp.model import Case, Person

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data" / "intake"
SETS = (
    "seeds-2022.jsonl",
    "heldout-2022-talks.jsonl",
    "heldout2-2022-talks.jsonl",
    "heldout3-2022-talks.jsonl",
    "heldout4-2022-talks.jsonl",
    "heldout5-2022-talks.jsonl",
    "heldout6-2022-talks.jsonl",
)


def with_people(case: Case, path: Path) -> Case:
    """The case with extra people (a YAML list of person records) added."""
    extra = [Person(**row) for row in yaml.safe_load(path.read_text(encoding="utf-8"))]
    known = {p.id for p in case.people}
    return dataclasses.replace(
        case, people=case.people + tuple(p for p in extra if p.id not in known)
    )


def with_phrases(case: Case, path: Path) -> Case:
    """The case with extra issue phrases (a YAML mapping of issue id to phrases) added."""
    extra: dict[str, list[str]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    issues = tuple(
        dataclasses.replace(i, phrases=(*i.phrases, *extra.get(i.id, []))) for i in case.issues
    )
    return dataclasses.replace(case, issues=issues)


def read_set(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def score(extractor: Extractor, items: list[dict[str, Any]], show: bool) -> dict[str, Any]:
    """Micro precision/recall/F1 of (party, issue, stance) triples, and speaker accuracy."""
    texts = []
    for item in items:
        context = item.get("context", "")
        texts.append(
            (
                f"{context} {item['text']}" if context else item["text"],
                date.fromisoformat(item["article_date"]),
            )
        )
    tp = fp = fn = 0
    bare = {"tp": 0, "fp": 0, "fn": 0}
    speakers_right = speakers_total = 0
    for item, found in zip(items, extractor.extract_many(texts), strict=True):
        offset = len(item.get("context", "")) + 1 if item.get("context") else 0
        found = [p for p in found if p.start >= offset]
        every_gold = {(g["party"], g["issue"], g["stance"]) for g in item["labels"]}
        every_got = {(p.party, p.issue, str(p.stance)) for p in found}
        gold = {t for t in every_gold if t[1] is not None}
        got = {t for t in every_got if t[1] is not None}
        tp += len(gold & got)
        fp += len(got - gold)
        fn += len(gold - got)
        bare_gold, bare_got = every_gold - gold, every_got - got
        bare["tp"] += len(bare_gold & bare_got)
        bare["fp"] += len(bare_got - bare_gold)
        bare["fn"] += len(bare_gold - bare_got)
        for g in item["labels"]:
            if "speaker" in g:
                match = [
                    p
                    for p in found
                    if (p.party, p.issue, str(p.stance)) == (g["party"], g["issue"], g["stance"])
                ]
                if match:
                    speakers_total += 1
                    speakers_right += match[0].speaker == g["speaker"]
        if show and every_gold != every_got:
            print(f"  {item['id']}: {item['text']}")
            for t in sorted(every_gold - every_got, key=str):
                print(f"      missed {t}")
            for p in found:
                if (p.party, p.issue, str(p.stance)) not in every_gold:
                    print(f"      wrong  {(p.party, p.issue, str(p.stance))}  rule={p.rule}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "items": len(items),
        "gold": tp + fn,
        "proposed": tp + fp,
        "tp": tp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "speaker_accuracy": speakers_right / speakers_total if speakers_total else None,
        "issueless": bare,
    }


def speed(
    extractor: Extractor, items: list[dict[str, Any]], repeat: int, processes: int = 1
) -> tuple[int, float, float]:
    """Sentences per wall-clock second and per CPU second, through parse and rules.

    The labelled sentences are joined into one article and ingested ``repeat`` times
    (pipeline already loaded). CPU seconds are this process's: on a shared machine the
    wall-clock rate depends on what else runs, the CPU rate much less. With ``processes``
    > 1 the articles are parsed in worker processes (start-up included in the time), and
    the CPU rate is not meaningful.
    """
    article = " ".join(i["text"] for i in items)
    docs = [(article, date(2022, 3, 29))] * repeat
    sentences = sum(1 for _ in extractor.nlp(article).sents) * repeat
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in extractor.extract_many(docs, n_process=processes):
        pass
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return sentences, sentences / wall, sentences / cpu


def parse_speed(extractor: Extractor, items: list[dict[str, Any]], repeat: int) -> float:
    """The peer: spaCy's pipeline alone on the same text (what any spaCy intake pays)."""
    article = " ".join(i["text"] for i in items)
    sentences = sum(1 for _ in extractor.nlp(article).sents) * repeat
    wall = time.perf_counter()
    for _ in extractor.nlp.pipe([article] * repeat):
        pass
    return sentences / (time.perf_counter() - wall)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", default=str(ROOT / "examples" / "ukraine-2022.yaml"))
    parser.add_argument(
        "--people",
        default=str(DATA / "people-2022-talks.yaml"),
        help="extra people to add to the case ('' for none)",
    )
    parser.add_argument(
        "--phrases",
        default=str(DATA / "phrases-2022-talks.yaml"),
        help="extra issue phrases to add to the case ('' for none)",
    )
    parser.add_argument("--errors", action="store_true", help="print every disagreement")
    parser.add_argument("--repeat", type=int, default=20, help="copies of the text timed")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    case = load_case(args.case)
    if args.people:
        case = with_people(case, Path(args.people))
    if args.phrases:
        case = with_phrases(case, Path(args.phrases))
    nlp = load_pipeline()
    extractor = Extractor(Lexicon.from_case(case), nlp)
    results: dict[str, Any] = {
        "case": args.case,
        "people": args.people,
        "phrases": args.phrases,
        "sets": {},
    }
    for name in SETS:
        if args.errors:
            print(f"{name}:")
        results["sets"][name] = score(extractor, read_set(DATA / name), args.errors)
    plover = DATA / "plover-gsr.jsonl"
    if plover.exists():
        from plover_actors import score_plover  # type: ignore[import-not-found]

        results["plover"] = score_plover(nlp, read_set(plover), args.errors)
    items = [i for name in SETS for i in read_set(DATA / name)]
    n, rate, cpu_rate = speed(extractor, items, args.repeat)
    _, rate2, _ = speed(extractor, items, args.repeat, processes=2)
    parse_only = parse_speed(extractor, items, args.repeat)
    results["speed"] = {
        "sentences": n,
        "sentences_per_second": rate,
        "sentences_per_cpu_second": cpu_rate,
        "sentences_per_second_2_processes": rate2,
        "spacy_parse_only_sentences_per_second": parse_only,
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"case: {args.case}")
    print(f"  + people from {args.people or 'nothing'}")
    print(f"  + issue phrases from {args.phrases or 'nothing'}")
    print(f"{'set':28} {'items':>5} {'gold':>5} {'prop':>5} {'P':>6} {'R':>6} {'F1':>6} {'spk':>6}")
    for name, r in results["sets"].items():
        spk = "-" if r["speaker_accuracy"] is None else f"{r['speaker_accuracy']:.2f}"
        print(
            f"{name:28} {r['items']:5d} {r['gold']:5d} {r['proposed']:5d} "
            f"{r['precision']:6.2f} {r['recall']:6.2f} {r['f1']:6.2f} {spk:>6}"
        )
        b = r["issueless"]
        print(
            f"{'':28} issue-less (party, stance): {b['tp']} right, {b['fp']} unlabelled"
            f" or wrong, {b['fn']} missed"
        )
    if "plover" in results:
        r = results["plover"]
        print(
            f"{'plover-gsr (actor)':28} {r['items']:5d} {r['gold']:5d} {r['proposed']:5d} "
            f"{r['precision']:6.2f} {r['recall']:6.2f} {r['f1']:6.2f}"
        )
    print(
        f"speed: {rate:.0f} sentences/s wall clock in one process ({rate2:.0f} with two "
        f"worker processes; the spaCy pipeline alone, one process: {parse_only:.0f}), "
        f"{cpu_rate:.0f} per CPU second "
        f"({n} sentences, spaCy {nlp.meta['name']} "
        f"{nlp.meta['version']}, pipes {','.join(nlp.pipe_names)})"
    )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
