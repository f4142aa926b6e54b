"""The desk's CLI verbs, as Typer sub-apps for ``offramp.cli`` to register.

    serve [--db URL] [--host] [--port] [--case-file FILE] [--clock] [--log-format json]
          [--metrics-loopback]
    demo [--db FILE] [--host] [--port] [--password] [--clock] [--keep]
    db upgrade | user add NAME | member add CASE USER ROLE [--party]
    token create USER | case import FILE | case export CASE [--out] | audit verify CASE

``register(app)`` adds them all to a Typer app. Errors print ``error: <where>: <message>``
and exit 1, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import typer
from fastapi import FastAPI

from offramp.bootstrap import DEFAULT_DB, Services, bootstrap, migrate
from offramp.errors import OfframpError
from offramp.model.parse import parse_clock
from offramp.services.accounts import SYSTEM

DbOption = Annotated[
    str,
    typer.Option("--db", envvar="OFFRAMP_DB", help="SQLite path or postgresql://... URL."),
]


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except OfframpError as exc:
        for p in exc.problems:
            where = f"{p.where}: " if p.where else ""
            typer.echo(f"error: {where}{p.message}", err=True)
        raise typer.Exit(1) from None
    except (OSError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


@contextmanager
def _desk(db: str) -> Iterator[Services]:
    with _errors():
        desk = bootstrap(db)
        try:
            yield desk
        finally:
            desk.close()


ClockOption = Annotated[
    str | None,
    typer.Option(
        "--clock",
        help="Where the desk reads 'now': 'real', an instant to start from "
        "(2022-10-28T19:00Z, then running), or 'fixed:INSTANT' (standing still).",
    ),
]


def _run(app: FastAPI, host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=True)


class LogFormat(StrEnum):
    """How ``serve`` logs requests: not at all (``text``), or one JSON line each."""

    TEXT = "text"
    JSON = "json"


def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    case_file: Annotated[
        Path | None, typer.Option("--case-file", help="Import this case file if not stored yet.")
    ] = None,
    clock: ClockOption = None,
    log_format: Annotated[
        LogFormat,
        typer.Option(
            "--log-format",
            help="'json': one JSON line per request on stderr (method, route, status, "
            "duration, request id; never bodies or secrets).",
        ),
    ] = LogFormat.TEXT,
    metrics_loopback: Annotated[
        bool,
        typer.Option(
            "--metrics-loopback",
            envvar="OFFRAMP_METRICS_LOOPBACK",
            help="Let /metrics answer requests from 127.0.0.1/::1 that no proxy relayed, "
            "without a token.",
        ),
    ] = False,
    sweep_seconds: Annotated[
        float,
        typer.Option(
            "--sweep-seconds",
            envvar="OFFRAMP_SWEEP_SECONDS",
            min=0,
            help="Check acknowledgement and step deadlines this often (0: never).",
        ),
    ] = 30.0,
) -> None:
    """Run the desk server: the web desk and the API (migrates the database first)."""
    from offramp.api.app import Settings
    from offramp.server import create_desk_app

    if log_format is LogFormat.JSON:
        from offramp.api.requestlog import use_json_lines

        use_json_lines()
    with _errors():
        desk = bootstrap(db, clock=parse_clock(clock, "--clock"))
        if case_file is not None:
            from offramp.files.case import load_case

            case = load_case(case_file)
            if not desk.cases.exists(case.id):
                desk.cases.create_case(SYSTEM, case)
                typer.echo(f"imported case {case.id}")
    app = create_desk_app(
        Settings(db=db, metrics_loopback=metrics_loopback, sweep_seconds=sweep_seconds),
        services=desk,
    )
    typer.echo(f"offramp desk on http://{host}:{port}/ (API at /api, its docs at /docs)")
    _run(app, host, port)


def demo(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: Annotated[Path, typer.Option(help="SQLite file for the demo.")] = Path("var/demo.db"),
    password: Annotated[
        str | None, typer.Option(help="One password for every demo account (default: random).")
    ] = None,
    clock: Annotated[
        str | None,
        typer.Option(
            "--clock",
            help="'real', an instant to start from (then running), or 'fixed:INSTANT'; "
            "default: the example case's own timeline, from its last date.",
        ),
    ] = None,
    keep: Annotated[
        bool, typer.Option("--keep", help="Serve an existing demo database as it is.")
    ] = False,
) -> None:
    """Open the desk on the example case, with demo accounts for every role."""
    from offramp import demo as example
    from offramp.server import create_desk_app

    with _errors():
        try:
            db.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _input("--db", f"cannot create {db.parent}: {exc.strerror}") from None
        start = example.timeline_start()
        prepared = example.prepare(
            db, password=password, clock=parse_clock(clock, "--clock", start=start), keep=keep
        )
    url = f"http://{host}:{port}"
    typer.echo(example.banner(prepared, url))
    _run(create_desk_app(services=prepared.services), host, port)


db_app = typer.Typer(help="The database.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = DEFAULT_DB) -> None:
    """Migrate the database to the newest revision."""
    with _errors():
        migrate(db)
    typer.echo("database is up to date")


user_app = typer.Typer(help="Accounts.", no_args_is_help=True)


@user_app.command("add")
def user_add(
    name: str,
    db: DbOption = DEFAULT_DB,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
    admin: Annotated[bool, typer.Option("--admin", help="A server admin.")] = False,
) -> None:
    """Create an account."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    with _desk(db) as desk:
        desk.accounts.add_user(SYSTEM, name, password, admin=admin)
    typer.echo(f"added user {name}" + (" (admin)" if admin else ""))


member_app = typer.Typer(help="Case memberships.", no_args_is_help=True)


@member_app.command("add")
def member_add(
    case: str,
    user: str,
    role: str,
    db: DbOption = DEFAULT_DB,
    party: Annotated[str | None, typer.Option(help="The party of a delegate.")] = None,
) -> None:
    """Give USER the ROLE on CASE (mediator, delegate, facilitator, observer, ...)."""
    with _desk(db) as desk:
        desk.cases.add_member(SYSTEM, case, user, role, party)
    typer.echo(f"{user} is {role}{' of ' + party if party else ''} on {case}")


token_app = typer.Typer(help="API bearer tokens.", no_args_is_help=True)


@token_app.command("create")
def token_create(user: str, db: DbOption = DEFAULT_DB) -> None:
    """Print a new bearer token for USER (shown once)."""
    with _desk(db) as desk:
        typer.echo(desk.accounts.create_token(SYSTEM, user))


case_app = typer.Typer(help="Cases in the database.", no_args_is_help=True)


@case_app.command("import")
def case_import(file: Path, db: DbOption = DEFAULT_DB) -> None:
    """Import a case file into the database."""
    with _desk(db) as desk:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise _input(str(file), f"cannot be read: {exc.strerror}") from None
        row = desk.cases.import_case(SYSTEM, text, str(file))
    typer.echo(f"imported case {row.slug}")


@case_app.command("export")
def case_export(
    case: str,
    db: DbOption = DEFAULT_DB,
    out: Annotated[Path | None, typer.Option("--out", help="Write here (.json or .yaml).")] = None,
) -> None:
    """Export a case back to a case file (stdout by default)."""
    fmt: Literal["yaml", "json"] = "json" if out is not None and out.suffix == ".json" else "yaml"
    with _desk(db) as desk:
        text = desk.cases.export_case_as_operator(case, fmt)
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.write_text(text, encoding="utf-8")
            typer.echo(f"wrote {out}")


audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


@audit_app.command("verify")
def audit_verify(case: str, db: DbOption = DEFAULT_DB) -> None:
    """Check every event of CASE's chain; exit 1 naming the first bad event."""
    with _desk(db) as desk:
        report = desk.audit.verify(case)
    if report.ok:
        typer.echo(f"{case}: ok, {report.message}")
        return
    typer.echo(f"error: {case}: {report.message}", err=True)
    raise typer.Exit(1)


def _input(where: str, message: str) -> OfframpError:
    from offramp.errors import InputError

    return InputError(where, message)


SUBAPPS: dict[str, typer.Typer] = {
    "db": db_app,
    "user": user_app,
    "member": member_app,
    "token": token_app,
    "case": case_app,
    "audit": audit_app,
}
COMMANDS: dict[str, Callable[..., None]] = {"serve": serve, "demo": demo}


def register(app: typer.Typer) -> None:
    """Add ``serve`` and the desk's sub-apps to ``app``."""
    for name, fn in COMMANDS.items():
        app.command(name)(fn)
    for name, sub in SUBAPPS.items():
        app.add_typer(sub, name=name)
