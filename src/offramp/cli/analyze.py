"""``offramp analyze``: the deal space of a case file at a date."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from offramp.analysis.report import AnalysisReport, analyze
from offramp.cli.common import JsonOpt, friendly, out, print_json
from offramp.errors import InputError
from offramp.files.case import load_case
from offramp.model import Case
from offramp.model.parse import parse_day, parse_parties

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "ukraine-2022.yaml"


def default_date(case: Case) -> date:
    """The last date on which a position or reservation changed."""
    dates = case.dates()
    if not dates:
        raise InputError("--at", "the case has no dated positions: give --at")
    return dates[-1]


def _options(options: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in options.items())


def print_report(report: AnalysisReport) -> None:
    """The report as Rich tables and sentences."""
    data = report.to_dict()
    verdict = "[green]ripe[/green]" if data["ripe"] else "[red]not ripe[/red]"
    out.print(
        f"[bold]{data['case']}[/bold] on {data['at']}, parties {', '.join(data['parties'])}: "
        f"{verdict}; {data['frontier_size']} Pareto-efficient packages out of "
        f"{data['outcome_space_size']:,}"
    )
    out.print(data["ripeness"]["sentence"], markup=False)
    for line in data["why"]:
        out.print(f"  {line}", markup=False)
    table = Table(title="Bargaining solutions")
    table.add_column("solution")
    table.add_column("package", overflow="fold")
    for party in data["parties"]:
        table.add_column(party, justify="right")
    for name in ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian"):
        sol = data[name]
        if sol is None:
            table.add_row(name, "(no zone of agreement)", *["" for _ in data["parties"]])
        else:
            table.add_row(
                name,
                _options(sol["options"]),
                *[f"{sol['utilities'][p]:.3f}" for p in data["parties"]],
            )
    table.add_row(
        "no deal", "", *[f"{data['reservation'][p]:.3f}" for p in data["parties"]], style="dim"
    )
    out.print(table)
    if data["packages"]:
        out.print("[bold]Best packages, as reciprocal concessions[/bold]")
        for pkg in data["packages"]:
            out.print(f"  {pkg['rank']}. {pkg['sentence']}", markup=False)
    if data["enlarge"]:
        out.print(f"[bold]Enlarge the problem:[/bold] {data['enlarge']['sentence']}")
    for warning in data["warnings"]:
        out.print(f"[yellow]warning:[/yellow] {warning}")


def register(app: typer.Typer) -> None:
    """Attach ``analyze`` to the main app."""

    @app.command("analyze")
    @friendly
    def analyze_cmd(
        file: Annotated[Path, typer.Argument(help="A case file.")],
        at: Annotated[
            str | None, typer.Option(help="Date to analyse (default: the case's last date).")
        ] = None,
        parties: Annotated[
            str | None, typer.Option(help="Comma-separated party ids (default: role 'party').")
        ] = None,
        top: Annotated[int, typer.Option(min=0, help="How many best packages to explain.")] = 3,
        as_json: JsonOpt = False,
    ) -> None:
        """The deal space at a date: zone of agreement, ripeness, frontier, solutions."""
        case = load_case(file)
        day = parse_day(at, "--at") or default_date(case)
        report = analyze(case, day, parse_parties(parties, case, "--parties"), top=top)
        if as_json:
            print_json(report.to_dict())
        else:
            print_report(report)
