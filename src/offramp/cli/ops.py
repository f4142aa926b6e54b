"""Operating the desk: ``offramp backup`` and ``offramp restore``.

    backup  --db URL --out FILE          SQLite: online backup; PostgreSQL: pg_dump -Fc
    restore --db URL FILE [--force]      then every audit chain is verified

``restore`` refuses a database that holds data unless ``--force``, migrates what it
restored to the newest revision, re-hashes every audit chain and exits 1 if one fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from offramp.bootstrap import DEFAULT_DB, bootstrap
from offramp.cli.desk import DbOption, _errors
from offramp.services import operations


def backup(
    out: Annotated[Path, typer.Option("--out", help="The backup file to write.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Copy the database to one file; safe while the server runs."""
    with _errors():
        result = operations.backup(db, out)
    typer.echo(f"wrote {result.path} ({result.backend}, {result.size} bytes)")


def restore(
    file: Annotated[Path, typer.Argument(help="A file written by `offramp backup`.")],
    db: DbOption = DEFAULT_DB,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a database that already holds data.")
    ] = False,
) -> None:
    """Replace the database with a backup, then verify every audit chain."""
    with _errors():
        operations.restore(db, file, force=force)
        desk = bootstrap(db)
        try:
            reports = desk.operations.verify_chains()
        finally:
            desk.close()
    typer.echo(f"restored {file} into {db}")
    bad = [r for r in reports if not r.ok]
    for r in reports:
        if r.ok:
            typer.echo(f"{r.chain}: ok, {r.message}")
        else:
            typer.echo(f"error: {r.chain}: {r.message}", err=True)
    if bad:
        typer.echo(f"error: {len(bad)} of {len(reports)} audit chains failed", err=True)
        raise typer.Exit(1)
    typer.echo(f"all {len(reports)} audit chains verified")


def register(app: typer.Typer) -> None:
    """Add ``backup`` and ``restore`` to ``app``."""
    app.command("backup")(backup)
    app.command("restore")(restore)
