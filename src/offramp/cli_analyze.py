"""The ``analyze`` verb (wired once the analysis engine lands)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach ``analyze`` and ``demo`` to the main app."""
