"""Helpers every CLI module shares: consoles, error handling, JSON output.

Values typed by people (dates, instants, choices) are read by :mod:`offramp.model.parse`,
as the web desk reads them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from offramp.errors import OfframpError

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])


def friendly(fn: F) -> F:
    """Turn offramp's errors into one line per problem and exit status 1."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except OfframpError as exc:
            for problem in exc.problems:
                err.print(f"error: {problem}", markup=False)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def print_json(data: Any) -> None:
    """Stable JSON on standard output."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
