"""The ``forecast`` and ``sensitivity`` verbs.

``register(app)`` attaches both to the main Typer app; ``forecast_report`` and
``sensitivity_report`` build the JSON-ready data the verbs print, for other surfaces.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from offramp.analysis.case_inputs import study_from_case
from offramp.analysis.forecast_report import default_date as _default_date
from offramp.analysis.forecast_report import forecast_report
from offramp.analysis.forecast_report import option_at as _option_at
from offramp.analysis.montecarlo import Backend, Sensitivity, run_sensitivity
from offramp.errors import InputError


def sensitivity_report(result: Sensitivity, warnings: tuple[str, ...], at: date) -> dict[str, Any]:
    """A sensitivity run as plain data."""
    data = result.to_json()
    data["at"] = at.isoformat()
    data["warnings"] = list(warnings)
    options = {f.issue: f.options for f in result.study.forecasts}
    for issue, qs in data["forecast_quantiles"].items():
        qs["p50_option"] = _option_at(options.get(issue, ()), qs["p50"])
    return data


CaseArg = Annotated[Path, typer.Argument(help="A case file (.yaml, .yml or .json).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
AtOpt = Annotated[
    str | None, typer.Option("--at", help="Date of the positions (default: the latest).")
]
RoundsOpt = Annotated[int, typer.Option("--rounds", min=0, max=1000, help="Rounds to run.")]


def register(app: typer.Typer) -> None:
    """Attach ``forecast`` and ``sensitivity`` to the main app."""
    from offramp.cli.common import friendly

    app.command("forecast")(friendly(forecast_cmd))
    app.command("sensitivity")(friendly(sensitivity_cmd))


def forecast_cmd(
    file: Annotated[Path | None, typer.Argument(help="A case file (.yaml, .yml or .json).")] = None,
    issue: Annotated[
        str | None, typer.Option("--issue", help="The issue id to forecast (with a case).")
    ] = None,
    at: AtOpt = None,
    rounds: RoundsOpt = 10,
    actors: Annotated[
        Path | None,
        typer.Option(
            "--actors",
            help="An actor table (CSV: actor, capability, position, salience) instead of a case.",
        ),
    ] = None,
    variant: Annotated[
        str, typer.Option("--variant", help="printed (the paper's equations) or scholz-code.")
    ] = "printed",
    as_json: JsonOpt = False,
) -> None:
    """Forecast how an issue settles: the expected-utility model, round by round."""
    from offramp.analysis.actor_table import load_actor_table
    from offramp.analysis.forecast_options import variant as model_variant
    from offramp.analysis.forecast_report import table_report
    from offramp.cli.common import out, print_json
    from offramp.files.case import load_case
    from offramp.model.parse import parse_day

    try:
        options = model_variant(variant)
    except ValueError as exc:
        raise InputError("--variant", str(exc)) from None
    if actors is not None:
        if file is not None or issue is not None or at is not None:
            raise InputError("--actors", "give either an actor table or a case file, not both")
        report = table_report(load_actor_table(actors), rounds, options)
        title = f"Forecast of {report['source']} ({report['variant']})"
    else:
        if file is None or issue is None:
            raise InputError("forecast", "give a case file and --issue, or --actors TABLE.csv")
        case = load_case(file)
        report = forecast_report(case, issue, parse_day(at, "--at"), rounds, options)
        title = f"Forecast of {report['issue']} from {report['at']} ({report['variant']})"
    if as_json:
        print_json(report)
        return
    names = [a["id"] for a in report["actors"]]
    table = Table(title=title)
    table.add_column("round", justify="right")
    wide = len(names) > 6  # then one column lists the moves instead of one per actor
    for a in [] if wide else names:
        table.add_column(a, justify="right")
    table.add_column("median", justify="right", style="bold")
    table.add_column("mean", justify="right")
    if wide:
        table.add_column("moves")
    for row in report["rounds"]:
        moved = row.get("moved", row["moves"])
        cells = []
        if wide:
            text = "; ".join(
                f"{m['actor']} {m['from']:.2f} -> {m['to']:.2f} ({m['kind']}, {m['with']})"
                for m in moved
            )
        else:
            kinds = {m["actor"]: m["kind"] for m in moved}
            for a in names:
                mark = f" {kinds[a][:4]}." if a in kinds else ""
                cells.append(f"{row['positions'][a]:.2f}{mark}")
        tail = [text] if wide else []
        table.add_row(
            str(row["round"]), *cells, f"{row['median']:.2f}", f"{row['mean']:.2f}", *tail
        )
    out.print(table)
    if report.get("note"):
        out.print(report["note"], markup=False)
    if report.get("scale"):
        out.print(
            f"scale: 0 = {report['scale']['0']}, 100 = {report['scale']['100']}", markup=False
        )
    lo, hi = report["outcome_range"]
    if report["settlement"]["status"] == "converged" or hi - lo <= 1e-9 * max(abs(hi), 1.0):
        option = f" ({report['outcome_option']})" if report.get("outcome_option") else ""
        out.print(f"forecast: {report['outcome']:.2f}{option}", markup=False)
    else:
        out.print(f"forecast: the range {lo:.2f} to {hi:.2f} (does not converge)", markup=False)
    for w in report["warnings"]:
        out.print(f"warning: {w}", markup=False)


def sensitivity_cmd(
    file: CaseArg,
    at: AtOpt = None,
    parties: Annotated[
        str | None, typer.Option("--parties", help="Comma-separated party ids (e.g. RU,UA).")
    ] = None,
    n: Annotated[int, typer.Option("-n", min=1, help="Number of scenarios.")] = 10_000,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed for a reproducible run.")] = None,
    backend: Annotated[str, typer.Option("--backend", help="local or ray.")] = "local",
    address: Annotated[
        str | None, typer.Option("--address", help="Ray cluster address (ray backend).")
    ] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Processes.")] = None,
    rounds: RoundsOpt = 10,
    as_json: JsonOpt = False,
) -> None:
    """How much the verdicts depend on the coded judgement: a Monte Carlo study."""
    from offramp.cli.common import out, print_json
    from offramp.files.case import load_case
    from offramp.model.parse import parse_day

    if backend not in ("local", "ray"):
        raise InputError("--backend", f"{backend!r} is not a backend: use local or ray")
    case = load_case(file)
    when = _default_date(case, parse_day(at, "--at"))
    chosen = tuple(p.strip() for p in parties.split(",") if p.strip()) if parties else None
    study, warnings = study_from_case(case, when, chosen, rounds=rounds)
    kind: Backend = "ray" if backend == "ray" else "local"
    try:
        if as_json:
            result = run_sensitivity(
                study, n, seed=seed, backend=kind, workers=workers, address=address
            )
        else:
            columns = (
                TextColumn("scenarios"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
            )
            with Progress(*columns, console=out, transient=True) as bar:
                task = bar.add_task("run", total=n)
                result = run_sensitivity(
                    study,
                    n,
                    seed=seed,
                    backend=kind,
                    workers=workers,
                    address=address,
                    progress=lambda done, total: bar.update(task, completed=done),
                )
    except RuntimeError as exc:  # the ray extra is missing, or Ray failed to start
        raise InputError("--backend", str(exc)) from None
    report = sensitivity_report(result, warnings, when)
    if as_json:
        print_json(report)
        return
    _print_sensitivity(out, report)


def _print_sensitivity(out: Any, report: dict[str, Any]) -> None:
    out.print(
        f"{report['scenarios']} scenarios on {report['at']} (seed {report['seed']}, "
        f"{report['backend']}); ranges: "
        + ", ".join(f"{k} ±{v:g}" for k, v in report["ranges"].items() if k != "drop_actor")
        + f", drop an actor with p = {report['ranges']['drop_actor']:g}"
    )
    if report["zone_probability"] is not None:
        out.print(f"probability that a zone of agreement exists: {report['zone_probability']:.3f}")
    if report["nash_packages"]:
        t = Table(title="Nash package, most frequent")
        t.add_column("share", justify="right")
        issues = list(report["nash_packages"][0]["package"])
        for i in issues:
            t.add_column(i)
        for row in report["nash_packages"]:
            t.add_row(f"{row['probability']:.3f}", *(row["package"][i] for i in issues))
        out.print(t)
    if report["forecast_quantiles"]:
        t = Table(title="Forecast (weighted median after the last round), 0..100")
        for col in ("issue", "5%", "25%", "50%", "75%", "95%", "50% option"):
            t.add_column(col, justify="left" if col in ("issue", "50% option") else "right")
        for issue, q in report["forecast_quantiles"].items():
            t.add_row(
                issue,
                *(f"{q[k]:.1f}" for k in ("p05", "p25", "p50", "p75", "p95")),
                q["p50_option"],
            )
        out.print(t)
    t = Table(title="Inputs that matter most (Spearman rank correlation)")
    t.add_column("verdict")
    t.add_column("input")
    t.add_column("rho", justify="right")
    for verdict, ranked in report["importance"].items():
        for k, row in enumerate(ranked[:3]):
            t.add_row(verdict if k == 0 else "", row["input"], f"{row['spearman']:+.2f}")
    out.print(t)
    for w in report["warnings"]:
        out.print(f"warning: {w}", markup=False)
