"""Operating the desk: ``offramp backup`` and ``offramp restore``.

    backup  --db URL --out FILE          SQLite: online backup; PostgreSQL: pg_dump -Fc
    restore --db URL FILE [--force] [--key-file FILE]   then every audit chain is verified

A backup holds the confidential text encrypted, as the database does; restoring it
needs the data key it was written under (``--key-file``, ``OFFRAMP_DATA_KEY``, or the
key file beside the restored SQLite database).

``restore`` refuses a database that holds data unless ``--force``, migrates what it
restored to the newest revision, re-hashes every audit chain and exits 1 if one fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from offramp.bootstrap import DEFAULT_DB, bootstrap
from offramp.cli.desk import DbOption, KeyFileOption, _errors
from offramp.services import operations


def backup(
    out: Annotated[Path, typer.Option("--out", help="The backup file to write.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Copy the database to one file; safe while the server runs.

    Encrypted text stays encrypted: keep the data key too, apart from the backup."""
    with _errors():
        result = operations.backup(db, out)
    typer.echo(f"wrote {result.path} ({result.backend}, {result.size} bytes)")
    typer.echo(
        "its confidential text stays encrypted: restoring it needs the data key from "
        f"{operations.data_key_source(db)}; keep a copy of the key apart from the backup"
    )


def restore(
    file: Annotated[Path, typer.Argument(help="A file written by `offramp backup`.")],
    db: DbOption = DEFAULT_DB,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a database that already holds data.")
    ] = False,
    key_file: KeyFileOption = None,
) -> None:
    """Replace the database with a backup, then verify every audit chain."""
    with _errors():
        operations.restore(db, file, force=force)
        desk = bootstrap(db, key_file=key_file)  # the backup's data key, or a clear error
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
