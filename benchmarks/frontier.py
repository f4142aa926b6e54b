"""Benchmark the bounded deal space (frontier + four solutions) beside NegMAS where it runs.

    .venv-bench/bin/python benchmarks/frontier.py            # full ladder, about 3 minutes
    .venv-bench/bin/python benchmarks/frontier.py --quick    # stop at 1e10 packages
    .venv-bench/bin/python benchmarks/frontier.py --family uniform --parties 3 --issues 100
    .venv-bench/bin/python benchmarks/frontier.py --parties 2 --issues 6 --negmas-1e6

A ladder of seeded problems, three families, 2-4 parties, 10 options per issue, from 1e2
to 1e100 packages:

- uniform: weights and values uniform on [0, 1);
- trade-off: on every issue the parties' values are opposed (party 0's ascending,
  party 1's descending, any third party's a shuffle of them);
- constant-sum: every option splits one unit among the parties, so every package is
  Pareto-optimal and the frontier is the whole outcome space.

Weights are normalised per party and each reservation value is half the party's ideal.
offramp computes ``pareto_frontier`` and ``bargaining_solutions`` with their defaults
(exact up to ``default_max_points``, certified epsilon beyond). The time is the best of
two runs; the peak memory is a third run under tracemalloc. NegMAS (when installed)
enumerates the outcome space, so it runs only up to 1e5 packages, and with
``--negmas-1e6`` also on the 2-party rows of 1e6 packages; each run is a forked process
stopped after ``--negmas-limit`` seconds (then its time is reported as "> limit", and the
speed-up as a lower bound). Its ``pareto_frontier`` and ``nash_points`` are compared
with offramp's Nash point.

Bar: every row under 1 s and 200 MiB, and offramp at least 1000x NegMAS on the 2-party
rows of 1e6 packages (a miss is flagged, exit status 1).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import multiprocessing.queues
import queue
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from offramp.analysis.bargaining import bargaining_solutions
from offramp.analysis.frontier import pareto_frontier
from offramp.analysis.space import BargainingProblem

FAMILIES = ("uniform", "trade-off", "constant-sum")
PARTIES = (2, 3, 4)
OPTIONS = 10
ISSUES = (2, 4, 6, 10, 20, 40, 100)
BAR_SECONDS, BAR_MIB = 1.0, 200.0
#: Two parties at this many packages: offramp must be at least BAR_SPEEDUP times NegMAS.
BAR_NEGMAS_PACKAGES, BAR_SPEEDUP = 10**6, 1000.0
NEGMAS_MAX_PACKAGES = 100_000


def make_problem(family: str, n_parties: int, n_issues: int, seed: int) -> BargainingProblem:
    """A seeded problem of ``family``; reservation half of each party's ideal."""
    rng = np.random.default_rng([seed, FAMILIES.index(family), n_parties, n_issues])
    weights = rng.random((n_parties, n_issues))
    values = []
    for _ in range(n_issues):
        if family == "uniform":
            v = rng.random((n_parties, OPTIONS))
        elif family == "trade-off":
            x = np.sort(rng.random(OPTIONS))
            rows = [x, x[::-1]] + [rng.permutation(x) for _ in range(n_parties - 2)]
            v = np.vstack(rows)
        else:
            v = rng.random((n_parties, OPTIONS))
            v = v / v.sum(axis=0)
        values.append(v)
    if family == "constant-sum":
        weights = np.ones((n_parties, n_issues))
    weights = weights / weights.sum(axis=1, keepdims=True)
    problem = BargainingProblem(
        parties=tuple(f"P{p}" for p in range(n_parties)),
        issues=tuple(f"i{i}" for i in range(n_issues)),
        options=tuple(tuple(f"o{o}" for o in range(OPTIONS)) for _ in range(n_issues)),
        weights=weights,
        values=tuple(values),
        reservation=np.zeros(n_parties),
    )
    return BargainingProblem(
        problem.parties,
        problem.issues,
        problem.options,
        problem.weights,
        problem.values,
        problem.ideal() / 2,
    )


def solve(problem: BargainingProblem) -> tuple[Any, dict[str, Any]]:
    front = pareto_frontier(problem)
    return front, bargaining_solutions(problem, front)


def run_offramp(problem: BargainingProblem) -> dict[str, Any]:
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        front, solutions = solve(problem)
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    solve(problem)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    errors = [s.error_bound for s in solutions.values() if s is not None]
    nash = solutions["nash"]
    true_size = (
        f"{front.frontier_size:,}"
        if front.frontier_size is not None
        else f"<= {front.frontier_size_bound:.3g}"
    )
    return {
        "seconds": best,
        "peak": peak,
        "kept": len(front),
        "exact": front.exact,
        "true": true_size,
        "epsilon": front.epsilon,
        "sol_err": max(errors) if errors else 0.0,
        "exact_sols": sum(s.exact for s in solutions.values() if s is not None),
        "nash": None if nash is None else nash.utilities,
    }


NegmasResult = tuple[float, np.ndarray | None]


def negmas_runner() -> Callable[[BargainingProblem], NegmasResult] | None:
    """NegMAS's linear additive ufuns, pareto_frontier and nash_points; None if absent."""
    try:
        from negmas.outcomes import make_issue
        from negmas.preferences import LinearAdditiveUtilityFunction
        from negmas.preferences.ops import nash_points
        from negmas.preferences.ops import pareto_frontier as negmas_frontier
    except ImportError:
        return None

    def run(problem: BargainingProblem) -> NegmasResult:
        issues = [
            make_issue(len(o), n) for n, o in zip(problem.issues, problem.options, strict=True)
        ]
        ufuns = [
            LinearAdditiveUtilityFunction(
                values=[
                    {o: float(v) for o, v in enumerate(problem.values[i][p])}
                    for i in range(problem.n_issues)
                ],
                weights=[float(w) for w in problem.weights[p]],
                issues=issues,
                reserved_value=float(problem.reservation[p]),
            )
            for p in range(problem.n_parties)
        ]
        ranges = [
            (float(r), float(b)) for r, b in zip(problem.reservation, problem.ideal(), strict=True)
        ]
        start = time.perf_counter()
        points, _ = negmas_frontier(ufuns, issues=issues)
        nash = nash_points(ufuns, points, ranges=ranges)
        seconds = time.perf_counter() - start
        return seconds, (np.array(nash[0][0], dtype=float) if nash else None)

    return run


def _negmas_child(
    run: Callable[[BargainingProblem], NegmasResult],
    problem: BargainingProblem,
    out: multiprocessing.queues.Queue[NegmasResult],
) -> None:
    out.put(run(problem))


def run_negmas(
    run: Callable[[BargainingProblem], NegmasResult], problem: BargainingProblem, limit: float
) -> NegmasResult | None:
    """``run`` in a forked process, stopped after ``limit`` seconds (None: it did not finish)."""
    context = multiprocessing.get_context("fork")
    out: multiprocessing.queues.Queue[NegmasResult] = context.Queue()
    child = context.Process(target=_negmas_child, args=(run, problem, out))
    child.start()
    try:
        return out.get(timeout=limit)
    except queue.Empty:
        return None
    finally:
        child.terminate()
        child.join()


def _negmas_row(
    negmas: Callable[[BargainingProblem], NegmasResult] | None,
    problem: BargainingProblem,
    mine: dict[str, Any],
    args: argparse.Namespace,
) -> dict[str, Any]:
    """NegMAS's seconds, the speed-up and whether the Nash points agree, for one row."""
    size = problem.size
    at_bar = problem.n_parties == 2 and size == BAR_NEGMAS_PACKAGES
    if negmas is None:
        return {"negmas s": "not installed", "x NegMAS": None, "Nash =": None}
    if size > NEGMAS_MAX_PACKAGES and not (at_bar and args.negmas_1e6):
        return {"negmas s": "-", "x NegMAS": None, "Nash =": None}
    result = run_negmas(negmas, problem, args.negmas_limit)
    if result is None:  # did not finish: its time is at least the limit
        limit = args.negmas_limit
        return {"negmas s": f"> {limit:g}", "x NegMAS": f"> {limit / mine['seconds']:,.0f}"}
    seconds, theirs = result
    ours = mine["nash"]
    same = (
        (ours is None and theirs is None)
        if ours is None or theirs is None
        else bool(np.allclose(ours, theirs, rtol=0, atol=1e-9))
    )
    return {"negmas s": seconds, "x NegMAS": f"{seconds / mine['seconds']:,.0f}", "Nash =": same}


def _speedup(row: dict[str, Any]) -> float | None:
    """The lower bound on the speed-up a row shows, or None without a NegMAS time."""
    text = row.get("x NegMAS")
    if not isinstance(text, str):
        return None
    return float(text.removeprefix("> ").replace(",", ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="stop at 1e10 packages")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--json", action="store_true", help="print rows as JSON")
    parser.add_argument(
        "--family", choices=FAMILIES, action="append", help="only this family (repeatable)"
    )
    parser.add_argument(
        "--parties", type=int, choices=PARTIES, action="append", help="only this many parties"
    )
    parser.add_argument(
        "--issues", type=int, choices=ISSUES, action="append", help="only this many issues"
    )
    parser.add_argument(
        "--negmas-1e6",
        action="store_true",
        help="also run NegMAS on the 2-party rows of 1e6 packages (the 1000x bar)",
    )
    parser.add_argument(
        "--negmas-limit",
        type=float,
        default=600.0,
        help="stop a NegMAS run after this many seconds and report '>' (default 600)",
    )
    args = parser.parse_args(argv)
    negmas = negmas_runner()
    console = Console(width=180)
    rows: list[dict[str, Any]] = []
    missed: list[str] = []
    for family in args.family or FAMILIES:
        for n_parties in args.parties or PARTIES:
            for n_issues in args.issues or ISSUES:
                if args.quick and n_issues > 10:
                    break
                problem = make_problem(family, n_parties, n_issues, args.seed)
                mine = run_offramp(problem)
                row = {
                    "family": family,
                    "P": n_parties,
                    "issues": n_issues,
                    "packages": problem.size,
                    "offramp s": mine["seconds"],
                    "peak MiB": mine["peak"],
                    "kept": mine["kept"],
                    "exact": mine["exact"],
                    "true size": mine["true"],
                    "epsilon": mine["epsilon"],
                    "exact sols": f"{mine['exact_sols']}/4",
                    "max sol err": mine["sol_err"],
                    **_negmas_row(negmas, problem, mine, args),
                }
                ok = mine["seconds"] < BAR_SECONDS and mine["peak"] < BAR_MIB
                speedup = _speedup(row)
                at_bar = n_parties == 2 and problem.size == BAR_NEGMAS_PACKAGES
                if at_bar and speedup is not None and speedup < BAR_SPEEDUP:
                    ok = False
                if not ok:
                    missed.append(f"{family} {n_parties} x {n_issues}")
                row["bar"] = "ok" if ok else "MISSED"
                rows.append(row)
                if not args.json:
                    console.print(f"  {family} {n_parties} x {n_issues} done", style="dim")
    if args.json:
        print(json.dumps(rows, indent=1, default=str))
    else:
        console.print(_table(rows, negmas is not None))
        if negmas is not None and not args.negmas_1e6:
            console.print(f"(the {BAR_SPEEDUP:,.0f}x bar at 1e6 needs --negmas-1e6)", style="dim")
        if missed:
            console.print(
                f"MISSED (1 s / 200 MiB / {BAR_SPEEDUP:,.0f}x NegMAS): " + "; ".join(missed),
                style="bold red",
            )
    return 1 if missed else 0


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, int):
        return f"{value:.0e}" if value >= 10**6 else f"{value:,}"
    return str(value)


def _table(rows: list[dict[str, Any]], with_negmas: bool) -> Table:
    title = "Bounded deal space (frontier + Nash, KS, egalitarian, utilitarian)" + (
        ", beside NegMAS up to 1e5 packages" if with_negmas else " (NegMAS not installed)"
    )
    table = Table(title=title)
    columns = list(dict.fromkeys(c for row in rows for c in row))
    for column in columns:
        table.add_column(column, justify="left" if column in ("family", "bar") else "right")
    for row in rows:
        table.add_row(*(_fmt(row.get(c)) for c in columns))
    return table


if __name__ == "__main__":
    sys.exit(main())
