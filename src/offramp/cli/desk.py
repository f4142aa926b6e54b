"""The desk's CLI verbs, as Typer sub-apps for ``offramp.cli`` to register.

    serve [--db URL] [--host] [--port] [--case-file FILE] [--clock] [--log-format json]
          [--metrics-loopback] [--policies DIR] [--key-file FILE] [--idle-timeout 30m]
          [--write-rate 60/30s]
    demo [--db FILE] [--host] [--port] [--password] [--clock] [--keep] [--idle-timeout]
         [--write-rate]
    db upgrade [--key-file] | db rotate-key [--key-file]
    user add|disable|enable NAME | user 2fa enable|disable NAME
    member add|role CASE USER ROLE [--party] | member remove CASE USER
    token create USER [--expires-in 30d] | token list USER | token revoke USER ID
    case import FILE | case export CASE [--out]
    audit checkpoint --out FILE | audit verify CASE [--checkpoint FILE]

``register(app)`` adds them all to a Typer app. Errors print ``error: <where>: <message>``
and exit 1, never a traceback.
"""

from __future__ import annotations

import os
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
from offramp.services.accounts import SYSTEM, parse_idle_limit
from offramp.services.write_limits import DEFAULT_WRITE_RATE_TEXT, parse_write_rate

DbOption = Annotated[
    str,
    typer.Option("--db", envvar="OFFRAMP_DB", help="SQLite path or postgresql://... URL."),
]
KeyFileOption = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        envvar="OFFRAMP_DATA_KEY_FILE",
        help="The data key file that encrypts confidential text (default: DB.data-key "
        "beside a SQLite file; OFFRAMP_DATA_KEY overrides both). Never inside the database.",
    ),
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


IdleOption = Annotated[
    str,
    typer.Option(
        "--idle-timeout",
        envvar="OFFRAMP_IDLE_TIMEOUT",
        help="End a web session after this long without use: 30m, 2h, 1d; 0: never "
        "(API tokens keep their own expiry).",
    ),
]
WriteRateOption = Annotated[
    str,
    typer.Option(
        "--write-rate",
        envvar="OFFRAMP_WRITE_RATE",
        help="How fast each signed-in user may write: BURST/SECONDS, e.g. 60/30s (60 at "
        "once, then 2 a second); over it a write is refused with 429. 0 or off: no limit. "
        "Counted per server process.",
    ),
]
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
    precedents: Annotated[
        Path | None,
        typer.Option(
            "--precedents", help="A team's own precedent library file, added to the shipped one."
        ),
    ] = None,
    policies: Annotated[
        Path | None,
        typer.Option(
            "--policies",
            envvar="OFFRAMP_POLICIES",
            help="A team's folder of escalation policies (*.yaml), beside the shipped ones; "
            "checked at start, every problem at its file and line.",
        ),
    ] = None,
    require_2fa_for: Annotated[
        str,
        typer.Option(
            "--require-2fa-for",
            envvar="OFFRAMP_REQUIRE_2FA_FOR",
            help="Refuse sign-in without two-factor enrolment for these roles: "
            "'mediator', 'admin' or 'mediator,admin'.",
        ),
    ] = "",
    idle_timeout: IdleOption = "30m",
    write_rate: WriteRateOption = DEFAULT_WRITE_RATE_TEXT,
    key_file: KeyFileOption = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            envvar="OFFRAMP_WORKERS",
            min=1,
            max=64,
            help="Server processes on one port (PostgreSQL only; SQLite serves from one).",
        ),
    ] = 1,
) -> None:
    """Run the desk server: the web desk and the API (migrates the database first)."""
    with _errors():
        parse_write_rate(write_rate)  # refused at once, by its name, not in each worker
    from offramp.server import OPTIONS_ENV, ServeOptions

    options = ServeOptions(
        db=db,
        clock=clock,
        precedents=str(precedents) if precedents else None,
        policies=str(policies) if policies else None,
        require_2fa_for=require_2fa_for,
        idle_timeout=idle_timeout,
        write_rate=write_rate,
        key_file=str(key_file) if key_file else None,
        metrics_loopback=metrics_loopback,
        sweep_seconds=sweep_seconds,
        json_logs=log_format is LogFormat.JSON,
    )
    with _errors():
        if workers > 1 and "://" not in db:
            raise _input("--workers", "several server processes need PostgreSQL; "
                         "a SQLite desk is served by one (leave out --workers)")  # fmt: skip
        desk = options.services()
        if case_file is not None:
            from offramp.files.case import load_case

            case = load_case(case_file)
            if not desk.cases.exists(case.id):
                desk.cases.create_case(SYSTEM, case)
                typer.echo(f"imported case {case.id}")
    typer.echo(f"offramp desk on http://{host}:{port}/ (API at /api, its docs at /docs)")
    if workers == 1:
        _run(options.app(desk), host, port)
        return
    desk.close()  # checked and migrated; each worker builds its own
    import uvicorn

    os.environ[OPTIONS_ENV] = options.to_json()
    typer.echo(f"{workers} server processes")
    uvicorn.run(
        "offramp.server:app_from_serve_options",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=True,
    )


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
    idle_timeout: IdleOption = "30m",
    write_rate: WriteRateOption = DEFAULT_WRITE_RATE_TEXT,
) -> None:
    """Open the desk on the example case, with demo accounts for every role."""
    with _errors():
        rate = parse_write_rate(write_rate)  # refused at once, before the desk loads
    from offramp import demo as example
    from offramp.api.app import Settings
    from offramp.server import create_desk_app

    with _errors():
        idle_limit = parse_idle_limit(idle_timeout)
        settings = Settings(write_rate=rate)
        try:
            db.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _input("--db", f"cannot create {db.parent}: {exc.strerror}") from None
        start = example.timeline_start()
        prepared = example.prepare(
            db, password=password, clock=parse_clock(clock, "--clock", start=start), keep=keep
        )
    prepared.services.accounts.idle_limit = idle_limit
    url = f"http://{host}:{port}"
    typer.echo(example.banner(prepared, url))
    _run(create_desk_app(settings, services=prepared.services), host, port)


db_app = typer.Typer(help="The database.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = DEFAULT_DB, key_file: KeyFileOption = None) -> None:
    """Migrate the database to the newest revision."""
    with _errors():
        migrate(db, key_file=key_file)
    typer.echo("database is up to date")


@db_app.command("rotate-key")
def db_rotate_key(db: DbOption = DEFAULT_DB, key_file: KeyFileOption = None) -> None:
    """Re-encrypt confidential text under a new data key (stop the server first)."""
    from offramp.services.operations import rotate_key

    with _errors():
        done = rotate_key(db, key_file)
    retired = ", ".join(done.retired) or "none"
    typer.echo(f"re-encrypted {done.values} values under data key {done.key} (retired: {retired})")
    if done.chains:
        typer.echo(f"recorded the re-encryption in the audit chain of {', '.join(done.chains)}")
    if done.file_updated:
        typer.echo(f"{done.source} now holds only the new key; back it up apart from the database")
    else:
        typer.echo(f"now remove every key but the first from {done.source}")


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


@user_app.command("disable")
def user_disable(name: str, db: DbOption = DEFAULT_DB) -> None:
    """Disable an account: no sign-in, and every session and token of it ends."""
    with _desk(db) as desk:
        ended = desk.accounts.set_disabled(SYSTEM, name, True)
    typer.echo(f"disabled user {name} ({ended} sessions and tokens ended)")


@user_app.command("enable")
def user_enable(name: str, db: DbOption = DEFAULT_DB) -> None:
    """Let a disabled account sign in again (with its old password)."""
    with _desk(db) as desk:
        desk.accounts.set_disabled(SYSTEM, name, False)
    typer.echo(f"enabled user {name}")


two_factor_app = typer.Typer(help="Two-factor sign-in (TOTP).", no_args_is_help=True)
user_app.add_typer(two_factor_app, name="2fa")


@two_factor_app.command("enable")
def user_2fa_enable(name: str, db: DbOption = DEFAULT_DB) -> None:
    """Turn on two-factor sign-in for NAME; prints the otpauth:// URI and the recovery
    codes, once (hand them over privately)."""
    with _desk(db) as desk:
        uri, codes = desk.accounts.two_factor.enable_now(SYSTEM, desk.accounts.get_actor(name))
    typer.echo(f"two-factor sign-in is on for {name}")
    typer.echo(f"authenticator URI (add it to an app, e.g. as a QR code): {uri}")
    typer.echo("recovery codes (each works once; they are not shown again):")
    for code in codes:
        typer.echo(f"  {code}")


@two_factor_app.command("disable")
def user_2fa_disable(name: str, db: DbOption = DEFAULT_DB) -> None:
    """Turn off two-factor sign-in for NAME (its secret and recovery codes are deleted)."""
    with _desk(db) as desk:
        desk.accounts.two_factor.remove(SYSTEM, desk.accounts.get_actor(name))
    typer.echo(f"two-factor sign-in is off for {name}")


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


@member_app.command("remove")
def member_remove(case: str, user: str, db: DbOption = DEFAULT_DB) -> None:
    """Take USER off CASE (and what the mediator shared with them)."""
    with _desk(db) as desk:
        desk.cases.remove_member(SYSTEM, case, user)
    typer.echo(f"{user} is no longer a member of {case}")


@member_app.command("role")
def member_role(
    case: str,
    user: str,
    role: str,
    db: DbOption = DEFAULT_DB,
    party: Annotated[str | None, typer.Option(help="The party of a delegate.")] = None,
) -> None:
    """Give USER, a member of CASE, another ROLE (or party)."""
    with _desk(db) as desk:
        desk.cases.change_member(SYSTEM, case, user, role, party)
    typer.echo(f"{user} is {role}{' of ' + party if party else ''} on {case}")


token_app = typer.Typer(help="API bearer tokens.", no_args_is_help=True)


@token_app.command("create")
def token_create(
    user: str,
    db: DbOption = DEFAULT_DB,
    expires_in: Annotated[
        str, typer.Option("--expires-in", help="How long it lives: 90m, 12h, 30d (at most 366d).")
    ] = "90d",
) -> None:
    """Print a new bearer token for USER (shown once); it expires."""
    from offramp.services.accounts import parse_lifetime

    with _desk(db) as desk:
        span = parse_lifetime(expires_in, "--expires-in")
        typer.echo(desk.accounts.create_token(SYSTEM, user, span))


@token_app.command("list")
def token_list(user: str, db: DbOption = DEFAULT_DB) -> None:
    """USER's tokens: id, created, expires (never the secret)."""
    with _desk(db) as desk:
        rows = desk.accounts.list_tokens(SYSTEM, user)
    for r in rows:
        expires = r.expires_at.isoformat(timespec="seconds") if r.expires_at else "never"
        typer.echo(f"{r.id}\t{r.created_at.isoformat(timespec='seconds')}\t{expires}")


@token_app.command("revoke")
def token_revoke(user: str, token_id: int, db: DbOption = DEFAULT_DB) -> None:
    """Revoke USER's token TOKEN_ID (from ``token list``); it stops working at once."""
    with _desk(db) as desk:
        desk.accounts.revoke_token(SYSTEM, user, token_id)
    typer.echo(f"revoked token {token_id} of {user}")


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


@audit_app.command("checkpoint")
def audit_checkpoint(
    out: Annotated[Path, typer.Option("--out", help="Write the signed checkpoint here.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Record every chain's head, signed with the server's audit key (keep it elsewhere)."""
    import json

    with _desk(db) as desk:
        taken = desk.audit.checkpoint(desk.clock.now())
        out.write_text(json.dumps(taken, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    typer.echo(f"wrote {out}: {len(taken['heads'])} chains")


@audit_app.command("verify")
def audit_verify(
    case: str,
    db: DbOption = DEFAULT_DB,
    checkpoint: Annotated[
        Path | None,
        typer.Option(
            "--checkpoint", help="A file from `audit checkpoint`: also catch cut or deleted chains."
        ),
    ] = None,
) -> None:
    """Check every event of CASE's chain; exit 1 naming the first bad event."""
    import json

    with _desk(db) as desk:
        seen = None
        if checkpoint is not None:
            try:
                seen = json.loads(checkpoint.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise _input(str(checkpoint), f"cannot be read as JSON: {exc}") from None
        report = desk.audit.verify(case, seen)
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
