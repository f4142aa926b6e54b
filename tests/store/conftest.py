"""Desk fixtures (shared with the other desk test packages through tests/desk_fixtures.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from desk_fixtures import _templates, world  # noqa: F401
