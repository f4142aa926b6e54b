"""Fixtures shared by every test directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ukraine-2022.yaml"

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


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[object]:
    """One Playwright driver per test process: a second sync driver in the same process
    fails ("Sync API inside the asyncio loop"), so every browser test shares this one."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p
