"""Shared pieces of the forecast tests: the loop reference the vectorised model is checked
against, and the actors of the 1994 EU emissions table (Bueno de Mesquita 1994, as in
``examples/eu-emissions-1994.csv`` and ``tests/analysis/data/bdm1994_emissions.csv``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]

EU_1994_ACTORS = [
    "Netherlands",
    "Belgium",
    "Luxembourg",
    "Germany",
    "France",
    "Italy",
    "UK",
    "Ireland",
    "Denmark",
    "Greece",
]
"""The ten member states of the table, in its order."""


def forecast_reference() -> ModuleType:
    """``benchmarks/forecast_reference.py`` (a plain-loop model), loaded by its path:
    ``benchmarks/`` is no package."""
    spec = importlib.util.spec_from_file_location(
        "forecast_reference", ROOT / "benchmarks" / "forecast_reference.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
