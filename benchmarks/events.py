"""The live desk under load: 200 open event streams and 20 writers on loopback.

    .venv/bin/python benchmarks/events.py [--streams 200] [--writers 20] [--seconds 8]
                                          [--runs 3] [--pg postgresql://...]

Starts ``offramp serve`` (sweeps off) on a fresh SQLite desk (or the PostgreSQL
database at ``--pg``) with the example case; then, ``--runs`` times, runs ``--writers``
threads that post messages to the UA channel through the HTTP API for ``--seconds``
twice, back to back: first with no stream open, then with ``--streams`` streams open
(half the mediator's, half UA's delegate's; every one of them sees every message; they
are opened for the run and closed after it). Prints, per run and beside the bars:

* writes/s of each half, and the ratio (bar: the half with streams within 20% of the
  half without, on the median run);
* delivery latency, from the write's response to the event's arrival on each stream,
  p50 and p99 over every (message, stream) pair (bar: p99 under 1 s in every run);
* the CPU seconds of the server and of the readers' process in each half (from
  ``/proc/<pid>/stat``).

Exits 1 if a bar is missed or a delivery is lost. The writers, the readers and the
server share the machine's cores, so the numbers are of the whole loopback system:
run it on a quiet machine, and read the runs side by side.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any

import httpx
from argon2 import PasswordHasher

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from offramp.bootstrap import bootstrap  # noqa: E402
from offramp.services.accounts import SYSTEM  # noqa: E402
from support.launch import Running, start_server  # noqa: E402

EXAMPLE = ROOT / "examples" / "ukraine-2022.yaml"
P99_BAR_S = 1.0
THROUGHPUT_BAR = 0.8


def prepare(url: str) -> dict[str, str]:
    """The example case, a mediator and UA's delegate, and their tokens."""
    desk = bootstrap(url, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    try:
        admin = desk.accounts.add_user(SYSTEM, "admin", "bench-password", admin=True)
        case = desk.cases.import_case(admin, EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))
        tokens = {}
        for name, role, party in (("med", "mediator", None), ("ua", "delegate", "UA")):
            desk.accounts.add_user(admin, name, "bench-password")
            desk.cases.add_member(admin, case.slug, name, role, party)
            tokens[name] = desk.accounts.create_token(admin, name)
        tokens["case"] = case.slug
        return tokens
    finally:
        desk.close()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Reader(threading.Thread):
    """One open stream, recording when each message's event arrived."""

    def __init__(self, url: str, token: str, arrivals: dict[int, list[float]]) -> None:
        super().__init__(daemon=True)
        self.url, self.token, self.arrivals = url, token, arrivals
        self.ready = threading.Event()
        self.stop = threading.Event()

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "text/event-stream"}
        with (
            httpx.Client(timeout=httpx.Timeout(30, read=None)) as client,
            client.stream("GET", self.url, headers=headers, params={"wait": 600}) as res,
        ):
            buf = ""
            for chunk in res.iter_text():
                now = time.monotonic()
                buf += chunk
                while "\n\n" in buf:
                    block, buf = buf.split("\n\n", 1)
                    if "event: ready" in block:
                        self.ready.set()
                    elif "event: message.posted" in block:
                        data = json.loads(block.split("data: ", 1)[1])
                        self.arrivals.setdefault(int(data["message"]), []).append(now)
                if self.stop.is_set():
                    return


def read_streams(
    url: str,
    tokens: dict[str, str],
    n: int,
    opened: Any,
    finish: Any,
    results: Any,
) -> None:
    """In a child process: open ``n`` streams, and at ``finish`` send what arrived."""
    arrivals: dict[int, list[float]] = {}
    readers = [Reader(url, tokens["med" if k % 2 else "ua"], arrivals) for k in range(n)]
    for r in readers:
        r.start()
    for r in readers:
        r.ready.wait(60)
    opened.set()
    finish.wait()
    results.put(arrivals)


def write_for(
    server: Running, token: str, case: str, writers: int, seconds: float
) -> tuple[int, dict[int, float]]:
    """Writes done by ``writers`` threads in ``seconds``, and when each one's response came."""
    done: dict[int, float] = {}
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def writer(k: int) -> None:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            n = 0
            while time.monotonic() < end:
                res = client.post(
                    f"/api/cases/{case}/channels/UA/messages",
                    json={"body": f"writer {k} message {n}", "mark": "may-relay"},
                    headers={"Authorization": f"Bearer {token}"},
                )
                res.raise_for_status()
                with lock:
                    done[int(res.json()["id"])] = time.monotonic()
                n += 1

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(done), done


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Run:
    """One back-to-back pair: writes without streams, then with them."""

    quiet_rate: float
    busy_rate: float
    cpu_quiet: float
    cpu_busy: float
    cpu_readers: float
    got: int
    expected: int
    p50: float
    p99: float

    @property
    def ratio(self) -> float:
        return self.busy_rate / self.quiet_rate if self.quiet_rate else 0.0


def run_pair(server: Running, tokens: dict[str, str], args: argparse.Namespace) -> Run:
    """Writes for ``args.seconds`` with no stream open, then with ``args.streams`` open."""
    case = tokens["case"]
    cpu0 = cpu_seconds(server.proc.pid)
    quiet_n, _ = write_for(server, tokens["ua"], case, args.writers, args.seconds)
    cpu_quiet = cpu_seconds(server.proc.pid) - cpu0
    stream_url = f"{server.url}/api/cases/{case}/events"
    ctx = multiprocessing.get_context("fork")
    results: multiprocessing.Queue[dict[int, list[float]]] = ctx.Queue()
    opened, finish = ctx.Event(), ctx.Event()
    child = ctx.Process(
        target=read_streams, args=(stream_url, tokens, args.streams, opened, finish, results)
    )
    child.start()  # the readers get their own process (and GIL)
    try:
        if not opened.wait(60):
            raise SystemExit("the streams did not open within 60 s")
        assert child.pid is not None
        cpu1, readers0 = cpu_seconds(server.proc.pid), cpu_seconds(child.pid)
        busy_n, done = write_for(server, tokens["ua"], case, args.writers, args.seconds)
        time.sleep(2.0)  # let the last events arrive
        cpu_busy = cpu_seconds(server.proc.pid) - cpu1
        cpu_readers = cpu_seconds(child.pid) - readers0
        finish.set()
        arrivals = results.get(timeout=60)
    finally:
        child.join(timeout=10)
        if child.is_alive():
            child.kill()
    latencies = [max(0.0, t - done[m]) for m, times in arrivals.items() if m in done for t in times]
    p50, p99 = (pct(latencies, 0.5), pct(latencies, 0.99)) if latencies else (0.0, 0.0)
    return Run(
        quiet_n / args.seconds,
        busy_n / args.seconds,
        cpu_quiet,
        cpu_busy,
        cpu_readers,
        len(latencies),
        len(done) * args.streams,
        p50,
        p99,
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--streams", type=int, default=200)
    ap.add_argument("--writers", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--runs", type=int, default=3, help="back-to-back pairs of halves")
    ap.add_argument("--pg", help="a PostgreSQL URL (an empty database) instead of SQLite")
    args = ap.parse_args()
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = args.pg or str(Path(tmp) / "bench.db")
        tokens = prepare(url)
        os.environ["OFFRAMP_SWEEP_SECONDS"] = "0"
        server = start_server(url, extra_args=("--write-rate", "off"))  # writers flat out
        try:
            for _ in range(args.runs):
                runs.append(run_pair(server, tokens, args))
        finally:
            server.stop()
    backend = "PostgreSQL" if args.pg else "SQLite"
    print(f"live desk: {args.streams} streams, {args.writers} writers, {args.seconds:g} s per half")
    print(f"({backend}, loopback, one server process, {args.runs} runs back to back)\n")
    heads = "".join(f"{f'run {k + 1}':>12}" for k in range(len(runs)))
    print(f"{'':30}{heads}{'bar':>22}")

    def row(name: str, cells: list[str], bar: str = "") -> None:
        print(f"{name:30}{''.join(f'{c:>12}' for c in cells)}{bar:>22}")

    row("writes/s, no streams", [f"{r.quiet_rate:.1f}" for r in runs])
    row("writes/s, with streams", [f"{r.busy_rate:.1f}" for r in runs])
    row("writes/s ratio", [f"{r.ratio:.2f}" for r in runs], "median >= 0.80")
    row("server CPU s, no streams", [f"{r.cpu_quiet:.2f}" for r in runs])
    row("server CPU s, with streams", [f"{r.cpu_busy:.2f}" for r in runs])
    row("readers' CPU s", [f"{r.cpu_readers:.2f}" for r in runs])
    row("deliveries got/expected", [f"{r.got}/{r.expected}" for r in runs])
    row("latency p50 ms", [f"{r.p50 * 1000:.0f}" for r in runs])
    row("latency p99 ms", [f"{r.p99 * 1000:.0f}" for r in runs], "< 1000 in every run")
    ratio = median(r.ratio for r in runs)
    lost = any(r.got != r.expected for r in runs)
    ok = all(r.p99 < P99_BAR_S for r in runs) and ratio >= THROUGHPUT_BAR and not lost
    print(f"\nmedian ratio {ratio:.2f}; " + ("bars met" if ok else "a bar was missed"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
