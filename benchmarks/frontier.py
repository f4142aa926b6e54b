"""Benchmark the bounded deal space (frontier + four solutions) beside NegMAS where it runs.

    .venv-bench/bin/python benchmarks/frontier.py            # full ladder, about 3 minutes
    .venv-bench/bin/python benchmarks/frontier.py --quick    # stop at 1e10 packages

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
enumerates the outcome space, so it runs only up to 1e5 packages: its
``pareto_frontier`` and ``nash_points`` are compared with offramp's Nash point.

Bar: every row under 1 s and 200 MiB (a miss is flagged, exit status 1).
"""

from __future__ import annotations

import argparse
import json
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


def negmas_runner() -> Callable[[BargainingProblem], tuple[float, np.ndarray | None]] | None:
    """NegMAS's linear additive ufuns, pareto_frontier and nash_points; None if absent."""
    try:
        from negmas.outcomes import make_issue
        from negmas.preferences import LinearAdditiveUtilityFunction
        from negmas.preferences.ops import nash_points
        from negmas.preferences.ops import pareto_frontier as negmas_frontier
    except ImportError:
        return None

    def run(problem: BargainingProblem) -> tuple[float, np.ndarray | None]:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="stop at 1e10 packages")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--json", action="store_true", help="print rows as JSON")
    args = parser.parse_args(argv)
    negmas = negmas_runner()
    console = Console(width=160)
    rows: list[dict[str, Any]] = []
    missed: list[str] = []
    for family in FAMILIES:
        for n_parties in PARTIES:
            for n_issues in ISSUES:
                if args.quick and n_issues > 10:
                    break
                problem = make_problem(family, n_parties, n_issues, args.seed)
                mine = run_offramp(problem)
                size = problem.size
                negmas_s: Any = "not installed" if negmas is None else "-"
                nash_same: Any = None
                if negmas is not None and size <= NEGMAS_MAX_PACKAGES:
                    seconds, theirs = negmas(problem)
                    negmas_s = seconds
                    ours = mine["nash"]
                    nash_same = (
                        (ours is None and theirs is None)
                        if ours is None or theirs is None
                        else bool(np.allclose(ours, theirs, rtol=0, atol=1e-9))
                    )
                ok = mine["seconds"] < BAR_SECONDS and mine["peak"] < BAR_MIB
                if not ok:
                    missed.append(f"{family} {n_parties} x {n_issues}")
                rows.append(
                    {
                        "family": family,
                        "P": n_parties,
                        "issues": n_issues,
                        "packages": size,
                        "offramp s": mine["seconds"],
                        "peak MiB": mine["peak"],
                        "kept": mine["kept"],
                        "exact": mine["exact"],
                        "true size": mine["true"],
                        "epsilon": mine["epsilon"],
                        "exact sols": f"{mine['exact_sols']}/4",
                        "max sol err": mine["sol_err"],
                        "negmas s": negmas_s,
                        "Nash =": nash_same,
                        "bar": "ok" if ok else "MISSED",
                    }
                )
                if not args.json:
                    console.print(f"  {family} {n_parties} x {n_issues} done", style="dim")
    if args.json:
        print(json.dumps(rows, indent=1, default=str))
    else:
        console.print(_table(rows, negmas is not None))
        if missed:
            console.print("MISSED (1 s / 200 MiB): " + "; ".join(missed), style="bold red")
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
    for column in rows[0]:
        table.add_column(column, justify="left" if column in ("family", "bar") else "right")
    for row in rows:
        table.add_row(*(_fmt(v) for v in row.values()))
    return table


if __name__ == "__main__":
    sys.exit(main())
