"""Folders of articles for ``offramp ingest DIR`` (``tests/cli/test_ingest_dir.py`` and
``tests/cli/test_ingest_ray.py``): short ones written here, and real news from the
development set of ``benchmarks/data/intake/real`` (provenance in its README)."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "benchmarks" / "data" / "intake" / "real" / "real-dev-2022.jsonl"

PESKOV = (
    "Kremlin spokesman Dmitry Peskov signaled Putin’s altered demands in public comments "
    "Monday. He also demanded that Ukraine recognize that Crimea is Russian territory.\n"
)
DATED = "MOSCOW, March 11, 2022 — " + PESKOV


def write_short(folder: Path) -> Path:
    """``a-dated.txt`` (a dateline), ``b-undated.txt`` (none) and ``notes.md`` (not read)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a-dated.txt").write_text(DATED, encoding="utf-8")
    (folder / "b-undated.txt").write_text(PESKOV, encoding="utf-8")
    (folder / "notes.md").write_text("not an article", encoding="utf-8")
    return folder


def write_real(folder: Path, count: int) -> list[Path]:
    """The first ``count`` articles of the real development set, one file each, dated."""
    rows = [json.loads(line) for line in REAL.read_text("utf-8").splitlines() if line.strip()]
    by_article: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_article.setdefault(row["article"], []).append(row)
    written = []
    for name, sentences in list(by_article.items())[:count]:
        path = folder / f"real-{name}.txt"
        body = " ".join(s["text"] for s in sentences)
        path.write_text(f"{sentences[0]['article_date']} — {body}\n", encoding="utf-8")
        written.append(path)
    return written
