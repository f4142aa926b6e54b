"""Benchmark: the vectorised forecast beside a plain-Python loop of the same equations.

    .venv/bin/python benchmarks/forecast.py [--quick]

Prints (1) scenarios per second of the expected-utility model, 20 rounds, for 10, 50
and 200 actors: numpy (``offramp.analysis.forecast``) in both variants (``printed``
and ``scholz-code``) beside the loop reference of the printed equations
(``benchmarks/forecast_reference.py``), measured in the same run on the same inputs,
with the ratio at 50 actors against the bar of 100x (the loop is not run at 200 actors
unless ``--full``: one scenario takes minutes); and (2) the wall time of a 100,000-scenario
sensitivity study of the example case (``examples/ukraine-2022.yaml``, March 2022:
bargaining verdicts and the forecast of every issue), against the bar of 60 s.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from offramp.analysis.forecast import forecast
from offramp.analysis.forecast_options import PRINTED, SCHOLZ_CODE, ModelOptions

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "forecast_reference", ROOT / "benchmarks" / "forecast_reference.py"
)
assert _spec is not None and _spec.loader is not None
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)


def speed(
    actors: int,
    rounds: int,
    loop_runs: int,
    vec_scenarios: int,
    options: ModelOptions = PRINTED,
) -> tuple[float, float, bool]:
    """Scenarios/s of the numpy model and of the loop (NaN if not run), and agreement."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 100, (vec_scenarios, actors))
    c = rng.uniform(0.1, 10, (vec_scenarios, actors))
    s = rng.uniform(0.01, 1, (vec_scenarios, actors))
    forecast(x[:2], c[:2], s[:2], rounds=1, options=options)  # warm up
    best_vec = np.inf
    for _ in range(3):
        t = time.perf_counter()
        f = forecast(x, c, s, rounds=rounds, options=options)
        best_vec = min(best_vec, time.perf_counter() - t)
    if loop_runs == 0:
        return vec_scenarios / best_vec, float("nan"), True
    best_loop = np.inf
    agree = True
    for k in range(loop_runs):
        t = time.perf_counter()
        path, _ = reference.run(list(x[k]), list(c[k]), list(s[k]), rounds)
        best_loop = min(best_loop, time.perf_counter() - t)
        agree &= bool(np.allclose(np.array(path), f.positions[k], atol=1e-9))
    return vec_scenarios / best_vec, 1.0 / best_loop, agree


def example_study_time(n: int, workers: int) -> tuple[float, float, str]:
    """Seconds for ``n`` scenarios of the example case; its zone probability; a label."""
    from offramp.analysis.case_inputs import study_from_case
    from offramp.analysis.montecarlo import run_sensitivity
    from offramp.files.case import load_case

    path = ROOT / "examples" / "ukraine-2022.yaml"
    case = load_case(path)
    study, _ = study_from_case(case, date(2022, 3, 11))
    shape = (
        f"{len(study.forecasts)} forecast issues, "
        f"{study.problem.size if study.problem else 0} packages, {study.rounds} rounds"
    )
    t = time.perf_counter()
    result = run_sensitivity(study, n, seed=1, workers=workers)
    return time.perf_counter() - t, result.zone_probability, shape


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (for CI smoke)")
    parser.add_argument("--full", action="store_true", help="run the loop at 200 actors too")
    parser.add_argument("--no-study", action="store_true", help="skip the sensitivity study")
    args = parser.parse_args()
    console = Console()
    table = Table(title="Forecast, 20 rounds, scenarios per second (same run, same inputs)")
    for col in ("actors", "loop (printed)", "numpy printed", "ratio", "numpy scholz-code"):
        table.add_column(col, justify="right")
    ratio, agree = float("nan"), True
    for actors in (10, 50, 200):
        n_vec = {10: 512, 50: 128, 200: 8}[actors] // (4 if args.quick else 1)
        loops = 0 if actors == 200 and not args.full else (1 if args.quick else 3)
        vec, loop, ok = speed(actors, 20, loops, max(n_vec, 2))
        scholz, _, _ = speed(actors, 20, 0, max(n_vec, 2), SCHOLZ_CODE)
        agree &= ok
        if actors == 50:
            ratio = vec / loop
        table.add_row(
            str(actors),
            "not run" if loop != loop else f"{loop:.3f}",
            f"{vec:.1f}",
            "" if loop != loop else f"{vec / loop:.0f}x",
            f"{scholz:.1f}",
        )
    console.print(table)
    met = "yes" if ratio >= 100 else "NO"
    console.print(f"numpy printed vs loop at 50 actors: {ratio:.0f}x (bar >= 100x: {met})")
    console.print(f"results agree with the loop reference: {'yes' if agree else 'NO'}")

    if args.no_study:
        if ratio < 100 or not agree:
            sys.exit(1)
        return
    n = 10_000 if args.quick else 100_000
    workers = os.cpu_count() or 1
    seconds, zone, shape = example_study_time(n, workers)
    table = Table(title=f"Sensitivity study of examples/ukraine-2022.yaml on 2022-03-11 ({shape})")
    for col in ("scenarios", "workers", "seconds", "scenarios/s", "bar", "met"):
        table.add_column(col, justify="right")
    bar = 60.0 * n / 100_000
    table.add_row(
        f"{n:,}",
        str(workers),
        f"{seconds:.1f}",
        f"{n / seconds:,.0f}",
        f"< {bar:.0f} s",
        "yes" if seconds < bar else "NO",
    )
    console.print(table)
    console.print(f"zone-of-agreement probability in this run: {zone:.3f}")
    if ratio < 100 or seconds >= bar or not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
