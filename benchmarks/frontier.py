"""Benchmark the exact Pareto frontier and Nash point beside NegMAS, on the same problems.

    .venv-bench/bin/python benchmarks/frontier.py            # full ladder, about 2 minutes
    .venv-bench/bin/python benchmarks/frontier.py --quick    # stop at 1e5 packages

NegMAS lives in its own venv (see benchmarks/README.md); without it, only offramp runs.
Problems are random and seeded: weights and values uniform on [0, 1), each party's
reservation value halfway between its worst and its best package. NegMAS gets linear
additive utility functions over the same discrete issues, enumerates the outcome space
(``negmas.preferences.ops.pareto_frontier``, which keeps the outcomes at or above the
reservation values) and then takes ``nash_points`` on that frontier, given the utility
ranges so it need not enumerate again. offramp computes its whole frontier by issue-wise
merge and prune, then its Nash point; the two frontiers are compared on the zone of
agreement (where NegMAS's lies), as sets of utility vectors, to 1e-9.

The bars (a missed bar is flagged in the table and the exit status is 1):
1e6 packages with 2 parties at least 1000x faster than NegMAS in the same run;
offramp alone: 2 parties x 40 issues x 10 options < 0.1 s, 3 x 20 x 6 < 2 s,
4 x 10 x 5 < 2 s.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from offramp.analysis.bargaining import nash_point
from offramp.analysis.frontier import pareto_frontier
from offramp.analysis.space import BargainingProblem
from offramp.analysis.zone import zone_mask

#: The NegMAS comparison stops before a rung predicted to take longer than this.
NEGMAS_BUDGET_SECONDS = 60.0
#: Each rung multiplies the outcome space by about 10 (2 parties), 6 or 5.
LADDERS = {2: (10, range(3, 9)), 3: (6, range(4, 10)), 4: (5, range(5, 11))}
ALONE = (  # parties, issues, options, bar in seconds
    (2, 40, 10, 0.1),
    (3, 20, 6, 2.0),
    (4, 10, 5, 2.0),
)
SPEEDUP_BAR = (2, 1_000_000, 1000.0)  # parties, packages, minimum ratio


def random_problem(n_parties: int, n_issues: int, n_options: int, seed: int) -> BargainingProblem:
    """A seeded random problem; reservation halfway between each party's worst and best."""
    rng = np.random.default_rng([seed, n_parties, n_issues, n_options])
    weights = rng.random((n_parties, n_issues))
    values = tuple(rng.random((n_parties, n_options)) for _ in range(n_issues))
    worst = sum(weights[:, i] * values[i].min(axis=1) for i in range(n_issues))
    best = sum(weights[:, i] * values[i].max(axis=1) for i in range(n_issues))
    return BargainingProblem(
        parties=tuple(f"P{p}" for p in range(n_parties)),
        issues=tuple(f"i{i}" for i in range(n_issues)),
        options=tuple(tuple(f"o{o}" for o in range(n_options)) for _ in range(n_issues)),
        weights=weights,
        values=values,
        reservation=np.asarray((worst + best) / 2),
    )


@dataclass
class Run:
    seconds: float
    frontier: int  # all frontier points
    zone_frontier: np.ndarray  # (k, P) frontier points in the zone, lexicographically sorted
    nash: np.ndarray | None
    peak_mib: float | None = None


def _sorted_rows(points: np.ndarray) -> np.ndarray:
    return points[np.lexsort(points.T[::-1])] if len(points) else points


def run_offramp(problem: BargainingProblem, repeats: int = 3) -> Run:
    """Best of ``repeats`` wall times, then one more run under tracemalloc for the peak."""

    def solve() -> tuple[Any, Any]:
        front = pareto_frontier(problem)
        return front, nash_point(problem, front)

    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        front, point = solve()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    solve()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    inside = front.utilities[zone_mask(front.utilities, problem.reservation)]
    return Run(
        seconds=best,
        frontier=len(front),
        zone_frontier=_sorted_rows(inside),
        nash=None if point is None else point.utilities,
        peak_mib=peak / 2**20,
    )


def negmas_runner() -> Callable[[BargainingProblem], Run] | None:
    """NegMAS's linear additive ufuns, pareto_frontier and nash_points; None if absent."""
    try:
        from negmas.outcomes import make_issue
        from negmas.preferences import LinearAdditiveUtilityFunction
        from negmas.preferences.ops import nash_points
        from negmas.preferences.ops import pareto_frontier as negmas_frontier
    except ImportError:
        return None

    def run(problem: BargainingProblem) -> Run:
        issues = [
            make_issue(len(o), name)
            for name, o in zip(problem.issues, problem.options, strict=True)
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
        array = np.array(points, dtype=float).reshape(-1, problem.n_parties)
        return Run(
            seconds=seconds,
            frontier=len(array),
            zone_frontier=_sorted_rows(array),
            nash=np.array(nash[0][0], dtype=float) if nash else None,
        )

    return run


def agree(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=0, atol=1e-9))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="stop the ladder at 1e5 packages")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--json", action="store_true", help="print rows as JSON")
    parser.add_argument(
        "--budget",
        type=float,
        default=NEGMAS_BUDGET_SECONDS,
        help="skip NegMAS rungs predicted to take longer than this many seconds",
    )
    args = parser.parse_args(argv)
    negmas = negmas_runner()
    console = Console(width=150)
    rows: list[dict[str, Any]] = []
    missed: list[str] = []
    for n_parties, (n_options, issue_counts) in LADDERS.items():
        last_negmas: tuple[int, float] | None = None
        for n_issues in issue_counts:
            size = n_options**n_issues
            if args.quick and size > 200_000:
                break
            if last_negmas is not None and negmas is not None:
                prev_size, prev_seconds = last_negmas
                if prev_seconds * size / prev_size > args.budget:
                    break
            problem = random_problem(n_parties, n_issues, n_options, args.seed)
            mine = run_offramp(problem)
            theirs = negmas(problem) if negmas else None
            row: dict[str, Any] = {
                "parties": n_parties,
                "issues x opts": f"{n_issues} x {n_options}",
                "packages": size,
                "offramp s": mine.seconds,
                "negmas s": theirs.seconds if theirs else None,
                "ratio": theirs.seconds / mine.seconds if theirs else None,
                "frontier": mine.frontier,
                "zone pts o/N": f"{len(mine.zone_frontier)}/"
                + (str(theirs.frontier) if theirs else "-"),
                "fronts =": agree(mine.zone_frontier, theirs.zone_frontier) if theirs else None,
                "Nash =": agree(mine.nash, theirs.nash) if theirs else None,
                "peak MiB": mine.peak_mib,
                "bar": "",
            }
            if theirs:
                last_negmas = (size, theirs.seconds)
                if (n_parties, size) == SPEEDUP_BAR[:2]:
                    ok = row["ratio"] >= SPEEDUP_BAR[2]
                    row["bar"] = f">= {SPEEDUP_BAR[2]:.0f}x: {'ok' if ok else 'MISSED'}"
                    if not ok:
                        missed.append(f"speed-up at {size} packages")
                if not (row["fronts ="] and row["Nash ="]):
                    row["bar"] += " DISAGREE"
                    missed.append(f"agreement at {n_parties} parties, {size} packages")
            rows.append(row)
            if not args.json:
                console.print(f"  {n_parties} parties, {size:,} packages done", style="dim")
    for n_parties, n_issues, n_options, bar in ALONE:
        problem = random_problem(n_parties, n_issues, n_options, args.seed)
        mine = run_offramp(problem)
        ok = mine.seconds < bar
        if not ok:
            missed.append(f"{n_parties} parties {n_issues} x {n_options} took {mine.seconds:.3f} s")
        rows.append(
            {
                "parties": n_parties,
                "issues x opts": f"{n_issues} x {n_options}",
                "packages": n_options**n_issues,
                "offramp s": mine.seconds,
                "negmas s": None,
                "ratio": None,
                "frontier": mine.frontier,
                "zone pts o/N": f"{len(mine.zone_frontier)}/-",
                "fronts =": None,
                "Nash =": None,
                "peak MiB": mine.peak_mib,
                "bar": f"< {bar} s: {'ok' if ok else 'MISSED'}",
            }
        )
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        console.print(_table(rows, negmas is not None))
        if missed:
            console.print("MISSED: " + "; ".join(missed), style="bold red")
    return 1 if missed else 0


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:.3g}" if value < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:.3g}" if value >= 10**6 else f"{value:,}"
    return str(value)


def _table(rows: list[dict[str, Any]], with_negmas: bool) -> Table:
    title = "Exact Pareto frontier + Nash point: offramp" + (
        " beside NegMAS" if with_negmas else " (NegMAS not installed)"
    )
    table = Table(title=title)
    for column in rows[0]:
        table.add_column(column, justify="left" if column == "bar" else "right")
    for row in rows:
        table.add_row(*(_fmt(v) for v in row.values()))
    return table


if __name__ == "__main__":
    sys.exit(main())
