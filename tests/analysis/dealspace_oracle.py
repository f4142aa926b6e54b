"""Brute-force oracle and hypothesis strategies for the deal-space tests.

Every package is enumerated (itertools.product, at most 4 issues x 4 options) and its
utility summed in issue order, the same order the frontier uses, so utility vectors
compare bit for bit.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from offramp.analysis.space import BargainingProblem

settings.register_profile(
    "dealspace",
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
#: Bounded and derandomised, applied per test (never loaded globally).
DEALSPACE = settings.get_profile("dealspace")


def make_problem(
    weights: list[list[float]] | np.ndarray,
    values: list[list[list[float]]] | list[np.ndarray],
    reservation: list[float] | np.ndarray,
    parties: tuple[str, ...] | None = None,
) -> BargainingProblem:
    """A problem from plain lists: ``values[i]`` is (P, n_i)."""
    w = np.asarray(weights, dtype=float)
    n_parties, n_issues = w.shape
    vals = tuple(np.asarray(v, dtype=float) for v in values)
    return BargainingProblem(
        parties=parties or tuple(f"P{p}" for p in range(n_parties)),
        issues=tuple(f"i{i}" for i in range(n_issues)),
        options=tuple(tuple(f"o{o}" for o in range(v.shape[1])) for v in vals),
        weights=w,
        values=vals,
        reservation=np.asarray(reservation, dtype=float),
    )


@dataclass(frozen=True)
class Enumeration:
    """All packages in lexicographic order and their utilities."""

    packages: np.ndarray  # (N, I)
    utilities: np.ndarray  # (N, P)


def enumerate_packages(problem: BargainingProblem) -> Enumeration:
    ranges = [range(len(o)) for o in problem.options]
    packages = np.array(list(itertools.product(*ranges)), dtype=np.int64).reshape(
        -1, problem.n_issues
    )
    utilities = np.zeros((packages.shape[0], problem.n_parties))
    for i in range(problem.n_issues):
        utilities = utilities + problem.contribution(i)[packages[:, i]]
    return Enumeration(packages, utilities)


def dominated(points: np.ndarray, by: np.ndarray) -> np.ndarray:
    """For each row of ``points``: is some row of ``by`` >= it everywhere and different?"""
    ge = (by[None, :, :] >= points[:, None, :]).all(axis=2)
    ne = (by[None, :, :] != points[:, None, :]).any(axis=2)
    return (ge & ne).any(axis=1)


def pareto_set(e: Enumeration) -> set[tuple[float, ...]]:
    """Non-dominated utility vectors, by comparing every pair."""
    keep = ~dominated(e.utilities, e.utilities)
    return {tuple(u) for u in e.utilities[keep]}


def in_zone(utilities: np.ndarray, reservation: np.ndarray) -> np.ndarray:
    return (utilities >= reservation).all(axis=1)


# --- strategies ---------------------------------------------------------------------


@st.composite
def problems(
    draw: st.DrawFn,
    min_parties: int = 1,
    max_parties: int = 4,
    max_issues: int = 4,
    max_options: int = 4,
    integral: bool | None = None,
) -> BargainingProblem:
    """Random small problems: integer-valued (many exact ties) or real-valued."""
    n_parties = draw(st.integers(min_parties, max_parties))
    n_issues = draw(st.integers(1, max_issues))
    sizes = [draw(st.integers(1, max_options)) for _ in range(n_issues)]
    if integral is None:
        integral = draw(st.booleans())
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if integral:
        weights = rng.integers(0, 3, (n_parties, n_issues)).astype(float)
        values = [rng.integers(0, 4, (n_parties, n)).astype(float) for n in sizes]
    else:
        weights = rng.random((n_parties, n_issues))
        values = [rng.random((n_parties, n)) for n in sizes]
    ideal = sum(weights[:, i] * values[i].max(axis=1) for i in range(n_issues))
    # Reservations from 0 to a little above each party's ideal: zones open and closed.
    shares = draw(
        st.lists(
            st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.1]),
            min_size=n_parties,
            max_size=n_parties,
        )
    )
    reservation = np.round(np.asarray(ideal) * np.array(shares) * 4) / 4
    return make_problem(weights, values, reservation)
