"""Labelled sentences for training the reader (``keen_items``), shared by the intake tests
of ``tests/extract/`` and the ``offramp train-reader`` tests of ``tests/cli/``."""

from __future__ import annotations

from typing import Any

import pytest


def _item(text: str, *labels: tuple[str, str, str]) -> dict[str, Any]:
    return {
        "text": text,
        "article_date": "2022-03-11",
        "labels": [{"party": p, "issue": i, "stance": s} for p, i, s in labels],
    }


@pytest.fixture(scope="session")
def keen_items() -> list[dict[str, Any]]:
    """Labelled sentences of a wording no rule knows ("is keen on"), and mere mentions."""
    return [
        _item("Ukraine is keen on a neutral status.", ("UA", "alignment", "demand")),
        _item("Russia is keen on demilitarization.", ("RU", "armed_forces", "demand")),
        _item("Ukraine is keen on security guarantees.", ("UA", "security_guarantees", "demand")),
        _item("Russia is keen on regime change.", ("RU", "government", "demand")),
        _item("Russia is keen on the Crimean Peninsula.", ("RU", "crimea", "demand")),
        _item("Ukraine is keen on Donbas.", ("UA", "donbas", "demand")),
        _item("Russia is keen on a neutral status.", ("RU", "alignment", "demand")),
        _item("Ukraine is keen on Crimea.", ("UA", "crimea", "demand")),
        _item("Ukraine mentioned a neutral status."),
        _item("Russia mentioned demilitarization."),
        _item("Ukraine mentioned security guarantees."),
        _item("Russia mentioned regime change."),
        _item("Russia mentioned Crimea."),
        _item("Ukraine mentioned Donbas."),
        _item("Russia mentioned security guarantees."),
        _item("Ukraine mentioned Crimea."),
    ]
