"""Fixtures shared by every test folder.

The folders mirror ``src/offramp`` (model, files, analysis, extract, store, services, api,
web, cli); what they share lives in the ``support`` package beside them (importable as
``support.*`` through ``pythonpath = ["tests"]``), and its fixtures are loaded here:
``world`` (:mod:`support.desk`), ``cw`` and ``crisis_server`` (:mod:`support.crisis`), and
the browser ones, ``server``, ``own_server``, ``playwright_driver``, ``context``, ``page``,
``sign_in`` and ``shot`` (:mod:`support.browser`), and ``keen_items`` (:mod:`support.intake`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ukraine-2022.yaml"

pytest_plugins = ["support.desk", "support.crisis", "support.browser", "support.intake"]

settings.register_profile(
    "ci",
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def example_path() -> Path:
    return EXAMPLE


@pytest.fixture(scope="session")
def example_case():  # type: ignore[no-untyped-def]
    from offramp.files.case import load_case

    return load_case(EXAMPLE)
