"""What covering the case's content costs each audited write (issue 18, finding 5; issue 21).

    .venv/bin/python benchmarks/audit_cover.py [--sizes 100,1000,10000]

For cases with N messages (SQLite, in a temporary directory), prints the time of one
audited message post (a message row and its event, the content sums moved by that one
row) beside its baseline, what the same append paid when each one digested the case's
tables whole (the scheme before migration 0010), and the time of verifying the content
of the case in full (recomputing every sum from the rows), median of 20.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, insert, select

from offramp.bootstrap import bootstrap
from offramp.model.shuttle import HandlingMark
from offramp.services.accounts import SYSTEM
from offramp.store import audit, audit_cover
from offramp.store import tables as t
from offramp.store.tables import audit_events

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


def run(size: int, base: Path) -> tuple[int, float, float, float]:
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
        audit_cover.forget(conn, t.messages, case_id)  # rows written behind the desk's back
        audit.append(conn, "bench", "a", "bench", {}, now)

    def post() -> None:
        with desk.uow(write=True) as uow:
            row = uow.repo.get_channel(case_id, "A")
            assert row is not None
            uow.repo.add_message(case_id, row, "a", "one more", HandlingMark.MAY_RELAY)
            uow.audit("bench", "a", "message.post", {})
            uow.commit()

    with desk.engine.begin() as conn:
        whole = median_ms(lambda: legacy_digests(conn, case_id))
        content = conn.execute(
            select(audit_events.c.content).where(audit_events.c.chain == "bench")
            .order_by(audit_events.c.seq.desc()).limit(1)
        ).scalar_one()  # fmt: skip
        verify = median_ms(lambda: audit_cover.changed_tables(conn, "bench", content))
    appended = median_ms(post)
    desk.close()
    return size, appended, appended + whole, verify


def legacy_digests(conn: Connection, case_id: int) -> None:
    """What every append computed before the sums: each covered table digested whole."""
    for table in audit_cover.COVERED:
        audit_cover._recomputed(conn, table, case_id, "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,1000,10000")
    args = parser.parse_args()
    print(f"{'messages':>9} {'post ms':>8} {'whole-digest post ms':>21} {'verify ms':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            n, post, whole, verify = run(size, Path(tmp))
            print(f"{n:>9} {post:>8.2f} {whole:>21.2f} {verify:>10.2f}")


if __name__ == "__main__":
    main()
