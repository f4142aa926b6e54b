"""Precision, recall and F1 of proposed items against a gold standard (the intake
benchmarks' common measure)."""

from __future__ import annotations

from typing import Any


def agreement(items: int, tp: int, fp: int, fn: int) -> dict[str, Any]:
    """Counts and scores of ``tp`` true, ``fp`` false and ``fn`` missed proposals over
    ``items`` items. With nothing proposed precision is 1; with nothing to find, recall."""
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "items": items,
        "gold": tp + fn,
        "proposed": tp + fp,
        "tp": tp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }
