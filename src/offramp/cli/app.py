"""The ``offramp`` command: case files, analysis, the desk server, intake, forecasting.

Every verb that prints a table also takes ``--json``. Errors print
``error: <where>: <message>`` and exit with status 1, never a traceback.

Each group of verbs lives in its own module and is imported only when one of its verbs
runs (:class:`LazyVerbs`), so ``offramp --help`` and ``offramp check`` do not pay for
spaCy, numpy or the desk server. :data:`VERBS` names each verb's module and the line
``offramp --help`` shows for it; a test checks that line against the verb's own help.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer import _click as click  # Typer vendors Click (0.29+); its group is what we extend
from typer.core import TyperCommand, TyperGroup

__all__ = ["VERBS", "LazyVerbs", "app", "main"]

VERBS: dict[str, tuple[str, str]] = {
    "check": ("casefile", "Validate a case file and summarise it."),
    "timeline": (
        "casefile",
        "Statements in date order, and what changed in the positions between two dates.",
    ),
    "schema": ("casefile", "Print the JSON Schema of case files."),
    "analyze": (
        "analyze",
        "The deal space at a date: zone of agreement, ripeness, frontier, solutions.",
    ),
    "forecast": (
        "forecast",
        "Forecast how an issue settles: the expected-utility model, round by round.",
    ),
    "sensitivity": (
        "forecast",
        "How much the verdicts depend on the coded judgement: a Monte Carlo study.",
    ),
    "ingest": (
        "ingest",
        "Read an article and propose statements for a person to confirm. Nothing is recorded.",
    ),
    "train-reader": (
        "train",
        "Train the intake's reader for a case on labelled sentences (or the desk's).",
    ),
    "precedents": (
        "precedents",
        "The library of precedents: historical agreements and their provisions.",
    ),
    "serve": (
        "desk",
        "Run the desk server: the web desk and the API (migrates the database first).",
    ),
    "demo": ("desk", "Open the desk on the example case, with demo accounts for every role."),
    "db": ("desk", "The database."),
    "user": ("desk", "Accounts."),
    "member": ("desk", "Case memberships."),
    "token": ("desk", "API bearer tokens."),
    "case": ("desk", "Cases in the database."),
    "audit": ("desk", "The hash-chained audit log."),
    "backup": ("ops", "Copy the database to one file; safe while the server runs."),
    "restore": ("ops", "Replace the database with a backup, then verify every audit chain."),
    "crisis": ("crisis", "The crisis desk of a case, through the desk server's API."),
}
"""verb -> (module of ``offramp.cli`` that registers it, its line in ``offramp --help``)."""


def load_verb(name: str) -> click.Command:
    """The real command ``name``, from its module's ``register(app)``."""
    module = importlib.import_module(f"offramp.cli.{VERBS[name][0]}")
    group = typer.Typer()
    module.register(group)
    command = typer.main.get_group(group).commands.get(name)
    if command is None:  # a VERBS row that its module does not register
        raise LookupError(f"offramp.cli.{VERBS[name][0]} does not register {name!r}")
    return command


class _Deferred(TyperCommand):
    """A verb as ``offramp --help`` lists it; parsing its arguments loads the real one."""

    def __init__(self, name: str, help_line: str) -> None:
        super().__init__(name, help=help_line, short_help=help_line, add_help_option=False)
        self.rich_help_panel: str | None = None

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        assert self.name is not None
        return load_verb(self.name).make_context(info_name, args, parent, **extra)


class LazyVerbs(TyperGroup):
    """The ``offramp`` group: every verb of :data:`VERBS`, each module imported on use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(VERBS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in VERBS:
            return None
        return _Deferred(cmd_name, VERBS[cmd_name][1])


app = typer.Typer(
    name="offramp",
    cls=LazyVerbs,
    help="Software for mediators and crisis desks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def offramp() -> None:
    """Software for mediators and crisis desks."""


def main() -> None:
    """Entry point of the ``offramp`` script."""
    app()


if __name__ == "__main__":
    main()
