"""``offramp precedents``: search the library of precedents, match a case's issues, check a file.

The library is the one offramp ships plus, with ``--library FILE``, a team's own file
(same format; an id already shipped is refused).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from offramp.cli.common import JsonOpt, friendly, out, print_json
from offramp.errors import InputError
from offramp.files.case import load_case
from offramp.files.precedents import (
    builtin_library,
    builtin_path,
    load_library,
    load_library_file,
    precedent_to_data,
)
from offramp.model.parse import parse_choice, parse_day
from offramp.model.precedent_search import IssueMatch, matches_for_issue, search
from offramp.model.precedents import Precedent, ProvisionKind

precedents_app = typer.Typer(
    help="The library of precedents: historical agreements and their provisions.",
    no_args_is_help=True,
)

LibraryOpt = Annotated[
    Path | None,
    typer.Option("--library", help="A team's own library file, added to the shipped one."),
]
KINDS = ", ".join(k.value for k in ProvisionKind)


def _parties(p: Precedent) -> str:
    return ", ".join(x.id for x in p.parties)


def _kinds(kinds: Any) -> str:
    return ", ".join(sorted(k.value for k in kinds))


@precedents_app.command("search")
@friendly
def search_cmd(
    kind: Annotated[str | None, typer.Option("--kind", help=f"One of: {KINDS}.")] = None,
    party: Annotated[
        str | None, typer.Option("--party", help="A party id (RU also finds SU) or name.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--from", help="From this date (YYYY-MM-DD).")
    ] = None,
    until: Annotated[str | None, typer.Option("--to", help="Up to this date (YYYY-MM-DD).")] = None,
    keyword: Annotated[
        str | None, typer.Option("--keyword", help="Words that must all occur.")
    ] = None,
    library: LibraryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Precedents matching every filter given, oldest first."""
    found = search(
        load_library(library),
        kind=parse_choice(ProvisionKind, kind, "--kind") if kind else None,
        party=party,
        since=parse_day(since, "--from"),
        until=parse_day(until, "--to"),
        keyword=keyword,
    )
    if as_json:
        print_json({"count": len(found), "precedents": [precedent_to_data(p) for p in found]})
        return
    table = Table("date", "id", "name", "parties", "kinds", "held up")
    for p in found:
        table.add_row(
            p.date.isoformat(), p.id, p.name, _parties(p), _kinds(p.kinds), p.held_up.outcome
        )
    out.print(table)
    out.print(f"{len(found)} precedent{'s' if len(found) != 1 else ''}")


def _match_data(m: IssueMatch) -> dict[str, Any]:
    return {
        "precedent": m.precedent.id,
        "name": m.precedent.name,
        "date": m.precedent.date.isoformat(),
        "provision": m.provision.id,
        "text": m.provision.text,
        "kinds": sorted(k.value for k in m.kinds),
        "options": [
            {
                "option": o.option,
                "words": sorted(o.words),
                "kinds": sorted(k.value for k in o.kinds),
            }
            for o in m.options
        ],
        "score": m.score,
        "held_up": m.precedent.held_up.outcome.value,
    }


@precedents_app.command("match")
@friendly
def match_cmd(
    case_file: Annotated[Path, typer.Argument(help="A case file.")],
    issue: Annotated[
        str | None, typer.Option("--issue", help="One issue id (default: every issue).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Matches per issue.")] = 5,
    library: LibraryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """For each issue of a case, the precedents whose provisions bear on it, best first."""
    case = load_case(case_file)
    issues = case.issues
    if issue is not None:
        issues = tuple(i for i in case.issues if i.id == issue)
        if not issues:
            known = ", ".join(i.id for i in case.issues)
            raise InputError(
                "--issue", f"{issue!r} is not an issue of the case: use one of {known}"
            )
    lib = load_library(library)
    found = {i.id: matches_for_issue(lib, i, limit=limit) for i in issues}
    if as_json:
        print_json({i: [_match_data(m) for m in ms] for i, ms in found.items()})
        return
    for issue_id, ms in found.items():
        table = Table("precedent", "provision", "kinds", "options", "score", title=issue_id)
        for m in ms:
            table.add_row(
                f"{m.precedent.name} ({m.precedent.date.year})",
                m.provision.id,
                _kinds(m.kinds),
                ", ".join(m.option_ids),
                str(m.score),
            )
        out.print(table if ms else f"{issue_id}: no precedent settles this kind of issue")


@precedents_app.command("check")
@friendly
def check_cmd(
    file: Annotated[Path, typer.Argument(help="A precedent library file (.yaml).")],
    as_json: JsonOpt = False,
) -> None:
    """Validate a library file; a team's file must not reuse a shipped id."""
    if file.resolve() == builtin_path().resolve():
        count = len(load_library_file(file))
    else:
        count = len(load_library(file)) - len(builtin_library())
    if as_json:
        print_json({"ok": True, "file": str(file), "precedents": count})
    else:
        out.print(f"ok: {file}: {count} precedent{'s' if count != 1 else ''}")


def register(app: typer.Typer) -> None:
    """Attach ``offramp precedents ...`` to the main application."""
    app.add_typer(precedents_app, name="precedents")
