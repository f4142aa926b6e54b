"""``offramp check``, ``timeline`` and ``schema``: a case file on its own."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from offramp.cli.common import JsonOpt, friendly, out, print_json
from offramp.files.case import case_schema, load_case
from offramp.model.changes import changes_between
from offramp.model.parse import parse_day

CaseArg = Annotated[Path, typer.Argument(help="A case file (.yaml, .yml or .json).")]


@friendly
def check(file: CaseArg, as_json: JsonOpt = False) -> None:
    """Validate a case file and summarise it."""
    case = load_case(file)
    summary = {
        "ok": True,
        "case": case.id,
        "parties": len(case.parties),
        "issues": len(case.issues),
        "statements": len(case.statements),
        "positions": len(case.positions),
        "dates": [d.isoformat() for d in case.dates()],
    }
    if as_json:
        print_json(summary)
        return
    out.print(
        f"[green]ok[/green] {file}: case {case.id!r}, {len(case.parties)} actors, "
        f"{len(case.issues)} issues, {len(case.statements)} statements, "
        f"{len(case.positions)} positions"
    )


@friendly
def timeline(
    file: CaseArg,
    since: Annotated[str | None, typer.Option("--from", help="Start date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--to", help="End date (YYYY-MM-DD).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Statements in date order, and what changed in the positions between two dates."""
    case = load_case(file)
    start, end = parse_day(since, "--from"), parse_day(until, "--to")
    dates = case.dates()
    first = start or (dates[0] if dates else None)
    last = end or (dates[-1] if dates else None)
    statements = case.statements_between(start, end)
    changes = changes_between(case, first, last) if first and last else None
    if as_json:
        print_json(
            {
                "from": first,
                "to": last,
                "statements": [
                    {
                        "id": s.id,
                        "date": s.date,
                        "party": s.party,
                        "speaker": s.speaker,
                        "stance": s.stance,
                        "issue": s.issue,
                        "option": s.option,
                        "quote": " ".join(s.quote.split()),
                        "source": s.source,
                    }
                    for s in statements
                ],
                "shifts": [
                    {
                        "party": sh.party,
                        "issue": sh.issue,
                        "before": sh.before.ideal if sh.before else None,
                        "after": sh.after.ideal if sh.after else None,
                        "kind_before": sh.kind_before,
                        "kind_after": sh.kind_after,
                        "statements": list(sh.statements),
                        "sentence": sh.sentence(),
                    }
                    for sh in (changes.shifts if changes else ())
                ],
                "kinds": [
                    {
                        "party": k.party,
                        "before": k.before.dominant(),
                        "after": k.after.dominant(),
                        "sentence": k.sentence(),
                    }
                    for k in (changes.kinds if changes else ())
                ],
            }
        )
        return
    table = Table(title=f"Statements {first} .. {last}")
    for col in ("date", "party", "speaker", "stance", "issue", "quote"):
        table.add_column(col, overflow="fold")
    for s in statements:
        table.add_row(
            s.date.isoformat(),
            s.party or "",
            s.speaker,
            s.stance or "",
            f"{s.issue}:{s.option}" if s.option else (s.issue or ""),
            " ".join(s.quote.split()),
        )
    out.print(table)
    if changes:
        out.print(f"\n[bold]What changed between {first} and {last}[/bold]")
        for k in changes.kinds:
            out.print(f"  {k.sentence()}", markup=False)
        for sh in changes.shifts:
            out.print(f"  - {sh.sentence()}", markup=False)


def schema() -> None:
    """Print the JSON Schema of case files."""
    print_json(case_schema())


def register(app: typer.Typer) -> None:
    """Add ``check``, ``timeline`` and ``schema`` to ``app``."""
    app.command("check")(check)
    app.command("timeline")(timeline)
    app.command("schema")(schema)
