"""Shared pieces of the forecast tests: the loop reference the vectorised model is checked
against, and the actors of the 1994 EU emissions table (Bueno de Mesquita 1994, as in
``examples/eu-emissions-1994.csv`` and ``tests/analysis/data/bdm1994_emissions.csv``).
"""

from __future__ import annotations

from types import ModuleType

from support.benchmarks import benchmark_module

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
    """``benchmarks/forecast_reference.py`` (a plain-loop model)."""
    return benchmark_module("forecast_reference")
