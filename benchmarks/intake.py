"""Evidence-intake benchmark: precision and recall of proposed statements, and speed.

    .venv/bin/python benchmarks/intake.py [--case examples/ukraine-2022.yaml] [--errors] [--cross]

Scores (party, issue, stance) triples against hand labels on each JSONL set in
``benchmarks/data/intake/`` (see its README for provenance), for the rules alone and for
the shipped reader (marking the sets it was trained on), the speaker where one is
labelled, actor attribution on PLOVER gold-standard records (CC BY-SA 4.0, Open Event
Data Alliance), and sentences per second through the whole extractor. ``--cross`` also
trains a reader without each independently written set and scores it on that set.

``--real dev`` (or ``--real test``) scores only the sentences of real 2022 news articles in
``benchmarks/data/intake/real/`` (see its README), with 95% Wilson intervals. The test set
is scored once, at the end of a round of changes, never while tuning. ``--tune-real K``
is the K-fold cross-validation over the real development articles that chose the shipped
reader's threshold; ``--startup N`` times one article's intake in N fresh processes.
``--real-case armenia-azerbaijan-2022`` scores the second case's real sets instead
(``real/armenia-azerbaijan-2022/``), and ``--reader FILE`` a reader from
``offramp train-reader`` instead of the shipped one.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from offramp.extract import Extractor, Lexicon, PersonTerms, Reader, find_reader, load_pipeline
from offramp.extract.training import item_rows
from offramp.files.case import load_case
from offramp.model import Case, Person
from scoring import agreement

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
    "heldout7-2022-talks.jsonl",
    "heldout8-2022-talks.jsonl",
)

REAL = DATA / "real"
REAL_SETS = {"dev": "real/real-dev-2022.jsonl", "test": "real/real-test-2022.jsonl"}
REAL_CASES = {
    "ukraine-2022": REAL_SETS,
    "armenia-azerbaijan-2022": {
        "dev": "real/armenia-azerbaijan-2022/real-dev-2022.jsonl",
        "test": "real/armenia-azerbaijan-2022/real-test-2022.jsonl",
    },
}
"""The real-news sets of each case, by the case's id (``examples/<id>.yaml``)."""


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a proportion k/n (Wilson, JASA 22:209-212, 1927)."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def with_interval(k: int, n: int) -> str:
    """``0.62 [0.48, 0.74]`` (k of n), or ``-`` when there is nothing to count."""
    if n == 0:
        return f"{'-':>4} {'':14}"
    lo, hi = wilson(k, n)
    return f"{k / n:4.2f} [{lo:.2f}, {hi:.2f}]"


def real_report(name: str, label: str, r: dict[str, Any]) -> str:
    """One line: triples and issue-less records, precision and recall with intervals."""
    b = r["issueless"]
    return (
        f"{name:22} {label:6} triples {r['gold']:3d} gold: "
        f"P {with_interval(r['tp'], r['proposed'])}  R {with_interval(r['tp'], r['gold'])} | "
        f"issue-less {b['tp'] + b['fn']:3d} gold: P {with_interval(b['tp'], b['tp'] + b['fp'])}"
        f"  R {with_interval(b['tp'], b['tp'] + b['fn'])}"
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
    return {
        **agreement(len(items), tp, fp, fn),
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


def training_sets() -> list[str]:
    """The training sets (``train/tN-*.jsonl``), by name relative to the data folder."""
    return sorted(f"train/{p.name}" for p in (DATA / "train").glob("t*-2022-talks.jsonl"))


def cross(
    lexicon: Lexicon, nlp: Any, reader: Reader, names: list[str], held: list[str]
) -> dict[str, Any]:
    """Leave one set out: for each of ``held``, a reader trained on every other set.

    Same settings and word lists as ``reader``; the held-out set's score is then a score
    on sentences that reader never saw, written by an annotator it never learnt from.
    """
    reading = Extractor(reader.extend(lexicon), nlp)
    rows_of = {
        name: [r for rows in item_rows(reading, read_set(DATA / name)) for r in rows]
        for name in names
    }
    out: dict[str, Any] = {}
    for name in held:
        rows = [row for other, rows in rows_of.items() if other != name for row in rows]
        fold = Reader.train(
            rows,
            issues=reader.issues,
            parties=reader.parties,
            threshold=reader.threshold,
            people=reader.people,
            phrases=reader.phrases,
        )
        out[name] = score(Extractor(lexicon, nlp, reader=fold), read_set(DATA / name), False)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", default=str(ROOT / "examples" / "ukraine-2022.yaml"))
    parser.add_argument(
        "--people",
        default=str(DATA / "people-2022-talks.yaml"),
        help="extra people to add to the case for the rules ('' for none)",
    )
    parser.add_argument(
        "--phrases",
        default=str(DATA / "phrases-2022-talks.yaml"),
        help="extra issue phrases to add to the case for the rules ('' for none)",
    )
    parser.add_argument("--errors", action="store_true", help="print every disagreement")
    parser.add_argument(
        "--cross",
        action="store_true",
        help="also train a reader without each independent set and score it on that set",
    )
    parser.add_argument("--repeat", type=int, default=20, help="copies of the text timed")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--real",
        choices=sorted(REAL_SETS),
        help="score only the real-news set named (the test set: once, at the end)",
    )
    parser.add_argument(
        "--real-case",
        choices=sorted(REAL_CASES),
        default="ukraine-2022",
        help="whose real-news sets --real scores: the case examples/<id>.yaml, with the "
        "extra word lists only for ukraine-2022",
    )
    parser.add_argument(
        "--reader",
        help="score this reader file (from `offramp train-reader`) instead of the shipped one",
    )
    parser.add_argument(
        "--startup",
        type=int,
        metavar="N",
        help="time one article through the intake in N fresh processes (what "
        "`offramp ingest` pays before it prints), phase by phase",
    )
    parser.add_argument(
        "--tune-real",
        type=int,
        metavar="K",
        help="choose the reader's thresholds by K-fold cross-validation over the real "
        "development set's articles (the reader trained as by `make reader`)",
    )
    args = parser.parse_args(argv)

    if args.startup:
        return startup(args.startup, args.case)
    if args.real_case != "ukraine-2022":
        args.case = str(ROOT / "examples" / f"{args.real_case}.yaml")
        args.people = args.phrases = ""
    plain = load_case(args.case)
    case = plain
    if args.people:
        case = with_people(case, Path(args.people))
    if args.phrases:
        case = with_phrases(case, Path(args.phrases))
    nlp = load_pipeline()
    extractor = Extractor(Lexicon.from_case(case), nlp)
    lexicon = Lexicon.from_case(plain)
    shipped = Reader.load(Path(args.reader)) if args.reader else find_reader(lexicon)
    read = Extractor(Lexicon.from_case(plain), nlp, reader=shipped) if shipped else None
    if args.real:
        sets = REAL_CASES[args.real_case]
        return score_real(args.real, extractor, read, shipped, args.errors, args.json, sets)
    if args.tune_real:
        return tune_real(Lexicon.from_case(plain), nlp, args.tune_real)
    names = [*SETS, *training_sets()]
    results: dict[str, Any] = {
        "case": args.case,
        "people": args.people,
        "phrases": args.phrases,
        "reader_trained_on": shipped.trained_on if shipped else None,
        "sets": {},
        "reader": {},
    }
    for name in names:
        if args.errors:
            print(f"{name} (rules):")
        results["sets"][name] = score(extractor, read_set(DATA / name), args.errors)
        if read is not None:
            if args.errors:
                print(f"{name} (reader):")
            results["reader"][name] = score(read, read_set(DATA / name), args.errors)
    if args.cross and shipped is not None:
        written_apart = ("heldout4", "heldout5", "heldout6", "heldout7")
        independent = [n for n in names if n.startswith(written_apart)]
        trained = [n for n in names if Path(n).name in shipped.trained_on]
        results["cross"] = cross(
            Lexicon.from_case(plain), nlp, shipped, trained, [*independent, *training_sets()]
        )
    plover = DATA / "plover-gsr.jsonl"
    if plover.exists():
        from plover_actors import score_plover

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
    if read is not None:
        _, rrate, _ = speed(read, items, args.repeat)
        _, rrate2, _ = speed(read, items, args.repeat, processes=2)
        results["speed"]["reader_sentences_per_second"] = rrate
        results["speed"]["reader_sentences_per_second_2_processes"] = rrate2
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print_results(results, nlp)
    return 0


def score_real(
    which: str,
    rules: Extractor,
    read: Extractor | None,
    shipped: Reader | None,
    show: bool,
    as_json: bool,
    sets: dict[str, str] = REAL_SETS,
) -> int:
    """Score the rules and the shipped reader on one real-news set; print or dump JSON."""
    name = sets[which]
    items = read_set(DATA / name)
    trained_on = shipped.trained_on if shipped else ""
    if which == "test" and Path(name).name in trained_on:
        print(f"{name}: the shipped reader was trained on the test set; refusing to score it")
        return 1
    out: dict[str, Any] = {"set": name, "articles": len({i.get("article") for i in items})}
    if show:
        print(f"{name} (rules):")
    out["rules"] = score(rules, items, show)
    if read is not None:
        if show:
            print(f"{name} (reader):")
        out["reader"] = score(read, items, show)
    if as_json:
        print(json.dumps(out, indent=2))
        return 0
    seen = " (trained on)" if Path(name).name in trained_on else ""
    print(f"{name}{seen}: {out['articles']} articles, {len(items)} sentences; 95% Wilson intervals")
    for label in ("rules", "reader"):
        if label in out:
            print(real_report(name, label, out[label]))
    return 0


_STARTUP = """
import sys, time
t = [time.perf_counter()]
from datetime import date
from pathlib import Path
from offramp.files.case import load_case
t.append(time.perf_counter())
from offramp.extract import Extractor, Lexicon, find_reader, load_pipeline
t.append(time.perf_counter())
nlp = load_pipeline()
t.append(time.perf_counter())
lexicon = Lexicon.from_case(load_case(Path(sys.argv[1])))
extractor = Extractor(lexicon, nlp, reader=find_reader(lexicon))
t.append(time.perf_counter())
extractor.extract(sys.argv[2], date(2022, 3, 27))
t.append(time.perf_counter())
print(" ".join(f"{b - a:.3f}" for a, b in zip(t, t[1:])))
"""
PHASES = (
    "import the case model",
    "import the intake",
    "load spaCy's pipeline",
    "case, reader, word lists",
    "read one article",
)


def startup(n: int, case: str) -> int:
    """Median seconds per phase of one article's intake, each run in a fresh process.

    The file cache is warm after the first run; the first run is not counted. The
    command line's own imports (Typer, Rich) come on top.
    """
    import statistics
    import subprocess

    items = read_set(DATA / REAL_SETS["dev"])
    article = " ".join(str(i["text"]) for i in items if i["article"] == "d01")
    runs = []
    for k in range(n + 1):
        done = subprocess.run(
            [sys.executable, "-c", _STARTUP, case, article],
            check=True,
            capture_output=True,
            text=True,
        )
        if k:
            runs.append([float(x) for x in done.stdout.split()])
    print(f"one real article ({len(article)} characters), median of {n} fresh processes:")
    for name, times in zip(PHASES, zip(*runs, strict=True), strict=True):
        print(f"  {name:28} {statistics.median(times):5.2f} s")
    print(f"  {'total':28} {statistics.median(sum(r) for r in runs):5.2f} s")
    return 0


READER_SETS = (
    "seeds-2022.jsonl",
    *(f"heldout{n}-2022-talks.jsonl" for n in ("", "2", "3", "4", "5", "6", "7")),
)
"""The sets the shipped reader learns from besides ``train/`` and the real dev set
(the Makefile's ``reader`` target); heldout8 and the real test set are never among them."""

GRID = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)


def tune_real(lexicon: Lexicon, nlp: Any, k: int) -> int:
    """Thresholds chosen on real news, by cross-validation over its articles.

    The real development set's articles are split into ``k`` folds; for each fold a
    reader is trained on every other set and fold (as ``make reader`` trains it) and
    scored on the fold at each threshold of :data:`GRID`, for the triples and the
    issue-less records apart. Prints the pooled precision and recall per threshold.
    """
    people = [
        PersonTerms(p["id"], p["name"], p["party"], tuple(p.get("aliases", ())), p.get("title", ""))
        for p in yaml.safe_load((DATA / "people-2022-talks.yaml").read_text(encoding="utf-8"))
    ]
    phrases = {
        key: tuple(v)
        for key, v in yaml.safe_load(
            (DATA / "phrases-2022-talks.yaml").read_text(encoding="utf-8")
        ).items()
    }
    wider = lexicon.widened(people, phrases)
    reading = Extractor(wider, nlp)
    fixed = [
        r
        for name in [*READER_SETS, *training_sets()]
        for rows in item_rows(reading, read_set(DATA / name))
        for r in rows
    ]
    dev = read_set(DATA / REAL_SETS["dev"])
    articles = sorted({str(i["article"]) for i in dev})
    fold_of = {a: n % k for n, a in enumerate(articles)}
    dev_rows = list(item_rows(reading, dev))
    pooled: dict[tuple[str, float], dict[str, int]] = {}
    for fold in range(k):
        held = [i for i in dev if fold_of[str(i["article"])] == fold]
        rows = fixed + [
            r
            for i, rs in zip(dev, dev_rows, strict=True)
            if fold_of[str(i["article"])] != fold
            for r in rs
        ]
        reader = Reader.train(
            rows,
            issues=[i.id for i in lexicon.issues],
            parties=[a.id for a in lexicon.actors],
            people=people,
            phrases=phrases,
        )
        extractor = Extractor(lexicon, nlp, reader=reader)
        for t in GRID:
            reader.threshold = t
            r = score(extractor, held, False)
            triples = {"tp": r["tp"], "fp": r["proposed"] - r["tp"], "fn": r["gold"] - r["tp"]}
            for kind, counts in (("triples", triples), ("issue-less", r["issueless"])):
                total = pooled.setdefault((kind, t), {"tp": 0, "fp": 0, "fn": 0})
                for key in ("tp", "fp", "fn"):
                    total[key] += counts[key]
        print(f"  fold {fold + 1}/{k}: {len(held)} sentences", file=sys.stderr)
    print(f"{k}-fold cross-validation over {len(articles)} real development articles")
    for (kind, t), c in sorted(pooled.items()):
        got, gold = c["tp"] + c["fp"], c["tp"] + c["fn"]
        print(
            f"  {kind:10} threshold {t:.2f}: P {with_interval(c['tp'], got)}  "
            f"R {with_interval(c['tp'], gold)}"
        )
    return 0


def print_results(results: dict[str, Any], nlp: Any) -> None:
    print(f"case: {results['case']}")
    print(f"  rules: + people from {results['people'] or 'nothing'}")
    print(f"  rules: + issue phrases from {results['phrases'] or 'nothing'}")
    trained_on = results["reader_trained_on"] or ""
    print(f"  reader: trained on {trained_on or '(no reader for this case)'}")
    head = f"{'P':>6} {'R':>6} {'F1':>6}"
    print(f"{'set':36} {'items':>5} {'gold':>5} | rules {head} | reader {head} {'spk':>5}")
    for name, r in results["sets"].items():
        rd = results["reader"].get(name)
        seen = "*" if Path(name).name in trained_on else " "
        line = (
            f"{name + seen:36} {r['items']:5d} {r['gold']:5d} | "
            f"      {r['precision']:6.2f} {r['recall']:6.2f} {r['f1']:6.2f} |"
        )
        if rd is not None:
            spk = "-" if rd["speaker_accuracy"] is None else f"{rd['speaker_accuracy']:.2f}"
            line += f"        {rd['precision']:6.2f} {rd['recall']:6.2f} {rd['f1']:6.2f} {spk:>5}"
        print(line)
        for label, x in (("rules", r), ("reader", rd)):
            if x is not None:
                b = x["issueless"]
                print(
                    f"{'':36} {label} issue-less (party, stance): {b['tp']} right, "
                    f"{b['fp']} unlabelled or wrong, {b['fn']} missed"
                )
    print("  * the shipped reader was trained on this set: its reader score is fit, not a test")
    if "cross" in results:
        print("leave one set out (a reader trained on every other set, scored on this one):")
        for name, r in results["cross"].items():
            print(
                f"  {name:34} gold {r['gold']:4d}  P {r['precision']:.2f}  R {r['recall']:.2f}"
                f"  F1 {r['f1']:.2f}"
            )
    if "plover" in results:
        r = results["plover"]
        print(
            f"{'plover-gsr (actor, rules)':36} {r['items']:5d} {r['gold']:5d} "
            f"P {r['precision']:.2f} R {r['recall']:.2f} F1 {r['f1']:.2f}"
        )
    sp = results["speed"]
    print(
        f"speed, rules: {sp['sentences_per_second']:.0f} sentences/s wall clock in one process "
        f"({sp['sentences_per_second_2_processes']:.0f} with two worker processes; the spaCy "
        f"pipeline alone, one process: {sp['spacy_parse_only_sentences_per_second']:.0f}), "
        f"{sp['sentences_per_cpu_second']:.0f} per CPU second "
        f"({sp['sentences']} sentences, spaCy {nlp.meta['name']} "
        f"{nlp.meta['version']}, pipes {','.join(nlp.pipe_names)})"
    )
    if "reader_sentences_per_second" in sp:
        print(
            f"speed, reader: {sp['reader_sentences_per_second']:.0f} sentences/s in one process, "
            f"{sp['reader_sentences_per_second_2_processes']:.0f} with two worker processes"
        )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
