"""What covering the case's content costs each audited write (issue 18, finding 5).

    .venv/bin/python benchmarks/audit_cover.py [--sizes 100,1000,10000]

For cases with N messages (SQLite, in a temporary directory), prints the time of one
audit append (what every write pays) beside its part spent on the content digests
(the baseline: an append without them), median of 20.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, select

from offramp.bootstrap import bootstrap
from offramp.services.accounts import SYSTEM
from offramp.store import audit, audit_cover
from offramp.store import tables as t

CASE = """id: bench
title: Bench
parties:
  - {id: A, name: A, role: party}
  - {id: B, name: B, role: party}
issues:
  - id: x
    title: X
    kind: political
    options:
      - {id: one, label: One}
      - {id: two, label: Two}
"""


def median_ms(fn: object, n: int = 20) -> float:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append((time.perf_counter() - start) * 1000)
    return statistics.median(out)


def run(size: int, base: Path) -> tuple[int, float, float]:
    desk = bootstrap(str(base / f"bench-{size}.db"))
    desk.cases.import_case(SYSTEM, CASE)
    now = datetime(2022, 1, 1, tzinfo=UTC)
    with desk.engine.begin() as conn:
        case_id = conn.execute(select(t.cases.c.id).where(t.cases.c.slug == "bench")).scalar()
        channel = conn.execute(
            select(t.channels.c.id).where(t.channels.c.case_id == case_id)
        ).scalar()
        conn.execute(
            insert(t.messages),
            [
                {"case_id": case_id, "channel_id": channel, "author": "a", "body": f"m{i}" * 20,
                 "mark": "may-relay", "at": now}
                for i in range(size)
            ],
        )  # fmt: skip
    with desk.engine.begin() as conn:
        digest = median_ms(lambda: audit_cover.content_digests(conn, "bench"))
        append = median_ms(lambda: audit.append(conn, "bench", "a", "bench", {}, now))
    desk.close()
    return size, append, digest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,1000,10000")
    args = parser.parse_args()
    print(f"{'messages':>9} {'append ms':>10} {'digests ms':>11} {'baseline ms':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            n, append, digest = run(size, Path(tmp))
            print(f"{n:>9} {append:>10.2f} {digest:>11.2f} {max(append - digest, 0):>12.2f}")


if __name__ == "__main__":
    main()
