"""Agreement between two coders of the same labelled sentences.

    python benchmarks/intake_agreement.py FIRST.jsonl SECOND.jsonl

Both files hold the same items (matched by ``id``), each coded by one person. Prints,
for (party, issue, stance) triples with an issue and for issue-less records
(allege, deny, threaten, assure): the records both coded, those only one coded, and the
F-measure between the coders (positive specific agreement, 2a / (2a + b + c)). For
records with no fixed set of negatives, the F-measure between two coders is the
measure kappa tends to (Hripcsak and Rothschild, "Agreement, the F-measure, and
reliability in information retrieval", JAMIA 12(3), 2005). Cohen's kappa (1960) is
printed for the one binary choice every sentence has: does it state a position at all.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

Triple = tuple[str, str | None, str]


def read(path: Path) -> dict[str, dict[str, Any]]:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return {item["id"]: item for item in items}


def triples(item: dict[str, Any]) -> set[Triple]:
    return {(g["party"], g["issue"], g["stance"]) for g in item["labels"]}


def f_measure(both: int, first: int, second: int) -> float:
    """2a / (2a + b + c): 1.0 when the coders coded exactly the same records."""
    total = 2 * both + first + second
    return 2 * both / total if total else 1.0


def kappa(pairs: list[tuple[bool, bool]]) -> float:
    """Cohen's kappa for two coders' yes/no on the same items."""
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    yes_a = sum(a for a, _ in pairs) / n
    yes_b = sum(b for _, b in pairs) / n
    chance = yes_a * yes_b + (1 - yes_a) * (1 - yes_b)
    return (observed - chance) / (1 - chance) if chance < 1 else 1.0


def compare(first: dict[str, dict[str, Any]], second: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Counts and agreement over the items both files hold."""
    ids = [i for i in first if i in second]
    counts = {"issue": [0, 0, 0], "issueless": [0, 0, 0]}  # both, first only, second only
    any_position: list[tuple[bool, bool]] = []
    for i in ids:
        a, b = triples(first[i]), triples(second[i])
        any_position.append((bool(a), bool(b)))
        for kind, keep in (("issue", True), ("issueless", False)):
            a_k = {t for t in a if (t[1] is not None) == keep}
            b_k = {t for t in b if (t[1] is not None) == keep}
            counts[kind][0] += len(a_k & b_k)
            counts[kind][1] += len(a_k - b_k)
            counts[kind][2] += len(b_k - a_k)
    return {
        "items": len(ids),
        "only_in_one_file": len(set(first) ^ set(second)),
        "kappa_any_position": kappa(any_position) if ids else None,
        **{
            kind: {"both": c[0], "first_only": c[1], "second_only": c[2], "f": f_measure(*c)}
            for kind, c in counts.items()
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    args = parser.parse_args(argv)
    r = compare(read(args.first), read(args.second))
    print(f"{r['items']} items coded by both ({r['only_in_one_file']} in one file only)")
    print(f"states a position at all: Cohen's kappa {r['kappa_any_position']:.2f}")
    print(f"{'records':<22} {'both':>6} {'first only':>11} {'second only':>12} {'F':>6}")
    for kind, label in (("issue", "with an issue"), ("issueless", "issue-less")):
        c = r[kind]
        row = f"{label:<22} {c['both']:>6} {c['first_only']:>11} {c['second_only']:>12}"
        print(f"{row} {c['f']:>6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
