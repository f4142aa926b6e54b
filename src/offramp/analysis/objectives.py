"""The bargaining solutions' objectives, each as a score and an optimistic bound.

A score rates rows (K, P) of utilities, higher is better; every one here is
non-decreasing in each party's utility. The optimistic bound of a partial package (after
``merged`` issues) adds each party's best on the issues left (``zone.remaining_best``),
so no completion can score higher. ``solution_search`` prunes with these; the
definitions themselves are in ``bargaining``'s docstring.
"""

from __future__ import annotations

import numpy as np

from offramp.analysis.solution_search import Optimistic, Score
from offramp.analysis.space import BargainingProblem, FloatArray
from offramp.analysis.zone import remaining_best


def ks_scores(utilities: FloatArray, reservation: FloatArray, ideal: FloatArray) -> FloatArray:
    """``min_p (u_p - r_p) / (ideal_p - r_p)`` per row, ratio 1 for a flat party."""
    span = ideal - reservation
    flat = span <= 0
    ratios = (utilities - reservation) / np.where(flat, 1.0, span)
    ratios[:, flat] = 1.0
    return np.asarray(ratios.min(axis=1)) if ratios.shape[1] else np.ones(len(utilities))


def nash_objective(problem: BargainingProblem) -> tuple[Score, Optimistic]:
    """Product of gains over the reservation values (negative gains count as 0 when optimistic)."""
    r, rem = problem.reservation, remaining_best(problem)

    def score(u: FloatArray) -> FloatArray:
        return np.asarray((u - r).prod(axis=1))

    def optimistic(points: FloatArray, merged: int) -> FloatArray:
        return np.asarray(np.maximum(points + rem[merged] - r, 0.0).prod(axis=1))

    return score, optimistic


def egalitarian_objective(problem: BargainingProblem) -> tuple[Score, Optimistic]:
    """Smallest gain over the reservation values."""
    r, rem = problem.reservation, remaining_best(problem)

    def score(u: FloatArray) -> FloatArray:
        return np.asarray((u - r).min(axis=1))

    def optimistic(points: FloatArray, merged: int) -> FloatArray:
        return np.asarray((points + rem[merged] - r).min(axis=1))

    return score, optimistic


def ks_objective(problem: BargainingProblem, ideal: FloatArray) -> tuple[Score, Optimistic]:
    """Smallest fraction of each party's gain to ``ideal`` (``ks_scores``)."""
    r, rem = problem.reservation, remaining_best(problem)

    def score(u: FloatArray) -> FloatArray:
        return ks_scores(u, r, ideal)

    def optimistic(points: FloatArray, merged: int) -> FloatArray:
        return ks_scores(points + rem[merged], r, ideal)

    return score, optimistic


def party_objective(problem: BargainingProblem, party: int) -> tuple[Score, Optimistic]:
    """One party's utility (its best zone utility is a Kalai-Smorodinsky ideal)."""
    rem = remaining_best(problem)

    def score(u: FloatArray) -> FloatArray:
        return np.asarray(u[:, party])

    def optimistic(points: FloatArray, merged: int) -> FloatArray:
        return np.asarray(points[:, party] + rem[merged, party])

    return score, optimistic


def utilitarian_objective(problem: BargainingProblem) -> tuple[Score, Optimistic]:
    """Sum of utilities; optimistic: plus the largest sum each issue left can add."""
    steps = np.array([problem.contribution(i).sum(axis=1).max() for i in range(problem.n_issues)])
    tail = np.concatenate([np.cumsum(steps[::-1])[::-1], [0.0]]) if steps.size else np.zeros(1)

    def score(u: FloatArray) -> FloatArray:
        return np.asarray(u.sum(axis=1))

    def optimistic(points: FloatArray, merged: int) -> FloatArray:
        return np.asarray(points.sum(axis=1) + tail[merged])

    return score, optimistic
