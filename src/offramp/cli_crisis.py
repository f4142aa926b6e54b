"""The crisis desk's CLI verbs (being written; ``register`` is a no-op until then)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach the ``crisis`` sub-app to the main app."""
