"""Authoring a case through the API: the three-party river case of the tests, built
record by record on the real server over loopback (issue 15).

    python benchmarks/authoring.py [--runs 3]

Runs ``offramp serve`` on a fresh SQLite desk; the admin creates the empty case and
makes a mediator; the mediator adds its 4 parties, 3 people, 5 issues, 1 source, 3
statements, 27 positions and 6 reservation values (49 POSTs), reorders one issue's
options, and asks for the ripeness verdict at both dates. Baseline: the same case
exported as one case file and imported in one request (``POST /api/cases`` with its
text). Columns: wall time of the whole build, and the median and slowest write.
Bar: the whole build under 5 s, every write under 250 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from offramp.bootstrap import bootstrap  # noqa: E402
from offramp.services.accounts import SYSTEM  # noqa: E402
from support.authoring import COLLECTIONS, EARLY, LATE, RIVER, steps  # noqa: E402
from support.desk import FAST_HASHER, PASSWORD  # noqa: E402
from support.launch import start_server  # noqa: E402

BAR_TOTAL, BAR_WRITE = 5.0, 0.25


def _desk(db: str) -> dict[str, str]:
    """A fresh desk with its first admin (as ``offramp user add --admin`` makes one)."""
    desk = bootstrap(db, hasher=FAST_HASHER)
    try:
        admin = desk.accounts.add_user(SYSTEM, "admin", PASSWORD, admin=True)
        return {"Authorization": f"Bearer {desk.accounts.create_token(admin, 'admin')}"}
    finally:
        desk.close()


def run_once(workdir: Path) -> dict[str, float | str]:
    db = str(workdir / "desk.db")
    admin = _desk(db)
    server = start_server(db)
    try:
        with httpx.Client(base_url=server.base, timeout=30) as http:
            start = time.perf_counter()
            http.post("/api/cases", json=RIVER, headers=admin).raise_for_status()
            http.post(
                "/api/users", json={"name": "med", "password": PASSWORD}, headers=admin
            ).raise_for_status()
            http.post(
                "/api/cases/river/members", json={"user": "med", "role": "mediator"}, headers=admin
            ).raise_for_status()
            token = http.post("/api/tokens", json={"user": "med"}, headers=admin).json()["token"]
            me = {"Authorization": f"Bearer {token}"}
            writes: list[float] = []
            for kind, record in steps():
                t = time.perf_counter()
                res = http.post(f"/api/cases/river/{COLLECTIONS[kind]}", json=record, headers=me)
                writes.append(time.perf_counter() - t)
                res.raise_for_status()
            t = time.perf_counter()
            http.put(
                "/api/cases/river/issues/data/options/order",
                json={"order": ["none", "voluntary", "real_time"]},
                headers={**me, "If-Match": res.headers["ETag"]},
            ).raise_for_status()
            writes.append(time.perf_counter() - t)
            verdict = " / ".join(
                "ripe"
                if http.get(f"/api/cases/river/analysis?at={d}", headers=me).json()["ripe"]
                else "not ripe"
                for d in (EARLY, LATE)
            )
            total = time.perf_counter() - start
            text = http.get("/api/cases/river/export", headers=me).json()["text"]
            t = time.perf_counter()
            renamed = text.replace("id: river\n", "id: river-file\n", 1)
            http.post("/api/cases", json={"text": renamed}, headers=admin).raise_for_status()
            imported = time.perf_counter() - t
    finally:
        server.stop()
    slowest = max(range(len(writes)), key=writes.__getitem__)
    which = steps()[slowest][0] if slowest < len(steps()) else "option order"
    return {
        "total": total,
        "median": statistics.median(writes),
        "slowest": writes[slowest],
        "which": f"{which} #{slowest + 1}",
        "writes": len(writes),
        "import": imported,
        "verdict": verdict,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as d:
            rows.append(run_once(Path(d)))
    best = min(rows, key=lambda r: float(r["total"]))
    table = Table(title=f"Authoring the river case through the API (best of {args.runs})")
    for col in (
        "how",
        "requests",
        "wall s",
        "median write ms",
        "slowest write ms",
        "verdicts (2020-07 / 2021-04)",
        "bar",
    ):
        table.add_column(col)
    ok = float(best["total"]) < BAR_TOTAL and float(best["slowest"]) < BAR_WRITE
    table.add_row(
        "record by record (API)",
        str(int(best["writes"]) + 6),
        f"{float(best['total']):.2f}",
        f"{1000 * float(best['median']):.1f}",
        f"{1000 * float(best['slowest']):.1f} ({best['which']})",
        str(best["verdict"]),
        "ok" if ok else "MISSED",
    )
    table.add_row(
        "baseline: one case file (POST /api/cases)",
        "1",
        f"{float(best['import']):.2f}",
        "-",
        "-",
        "-",
        "-",
    )
    Console(width=160).print(table)


if __name__ == "__main__":
    main()
