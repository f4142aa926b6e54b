"""Fixtures shared by every test folder.

The folders mirror ``src/offramp`` (model, files, analysis, extract, store, services, api,
web, cli); what they share lives in the ``support`` package beside them (importable as
``support.*`` through ``pythonpath = ["tests"]``), and its fixtures are loaded here:
``world``, ``desk_client`` and ``world_server`` (:mod:`support.desk`), ``cw`` and
``crisis_server`` (:mod:`support.crisis`), the browser ones, ``server``, ``own_server``,
``playwright_driver``, ``context``, ``other_context``, ``page``, ``sign_in`` and ``shot``
(:mod:`support.browser`), ``keen_items`` (:mod:`support.intake`), and ``clocked``, a desk on
a fixed clock (:mod:`support.rounds`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ukraine-2022.yaml"

# one data key for every desk of this test process (store/data_key.py), so that a
# database file copied from a template opens like the template; each process its own
# (xdist's workers inherit the controller's environment: a shared file would be made by
# two at once); a test of the key's own sources sets or removes the variables itself
os.environ["OFFRAMP_DATA_KEY_FILE"] = str(
    Path(tempfile.mkdtemp(prefix="offramp-key-")) / "data.key"
)

pytest_plugins = [
    "support.desk",
    "support.crisis",
    "support.browser",
    "support.intake",
    "support.rounds",
]

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
