"""The bounded frontier: exact when small, certified epsilon-Pareto when thinned.

Small random problems are thinned on purpose (a tiny ``max_points``) and checked against
enumeration: the kept rows are real packages, every Pareto-optimal package is covered
within the reported epsilon, and every solution's optimum lies within its error bound.
"""

from __future__ import annotations

import numpy as np
import pytest
from dealspace_oracle import DEALSPACE, enumerate_packages, in_zone, make_problem, problems
from hypothesis import given
from hypothesis import strategies as st

from offramp.analysis.bargaining import (
    bargaining_solutions,
    kalai_smorodinsky_point,
    nash_point,
    separable_utilitarian,
    utilitarian_point,
)
from offramp.analysis.frontier import every_package_efficient, pareto_frontier
from offramp.analysis.space import BargainingProblem
from offramp.analysis.thinning import thin
from offramp.analysis.zone import zone_frontier


def constant_sum(n_parties: int, n_issues: int, n_options: int, seed: int) -> BargainingProblem:
    """Every option splits one unit among the parties: every package is Pareto-optimal."""
    rng = np.random.default_rng([seed, n_parties, n_issues, n_options])
    values = []
    for _ in range(n_issues):
        v = rng.random((n_parties, n_options))
        values.append(v / v.sum(axis=0))
    ideal = np.ones(n_parties)
    return make_problem(np.ones((n_parties, n_issues)) / n_issues, values, ideal / n_parties / 2)


def _brute(problem: BargainingProblem) -> tuple[np.ndarray, np.ndarray]:
    e = enumerate_packages(problem)
    u = e.utilities
    ge = (u[None, :, :] >= u[:, None, :]).all(axis=2)
    gt = (u[None, :, :] > u[:, None, :]).any(axis=2)
    efficient = ~(ge & gt).any(axis=1)
    return u[efficient], u


@DEALSPACE
@given(problems(min_parties=2), st.integers(1, 6))
def test_thinned_frontier_covers_every_pareto_point_within_epsilon(
    problem: BargainingProblem, max_points: int
) -> None:
    front = pareto_frontier(problem, max_points=max_points)
    pareto, _ = _brute(problem)
    true_size = len({tuple(u) for u in pareto})
    if true_size > max_points:
        assert not front.exact
    if front.exact:
        assert front.frontier_size == true_size == len(front)
    else:
        assert front.frontier_size is None
        assert front.frontier_size_bound >= true_size
    # Real packages with their true utilities, at most max_points of them.
    assert len(front) <= max(max_points, 1)
    for package, utility in zip(front.packages, front.utilities, strict=True):
        assert problem.utility(package.tolist()).tolist() == utility.tolist()
    # Coverage: every Pareto point has a kept row within epsilon in every coordinate.
    eps = front.epsilon_vector + 1e-12
    covered = (front.utilities[None, :, :] >= pareto[:, None, :] - eps).all(axis=2).any(axis=1)
    assert covered.all()
    assert front.epsilon == float(front.epsilon_vector.max())


def test_a_frontier_under_the_cap_is_exact_and_unchanged() -> None:
    problem = constant_sum(2, 4, 3, seed=1)
    exact = pareto_frontier(problem, max_points=10**6)
    assert exact.exact and exact.epsilon == 0.0
    assert exact.frontier_size == len(exact) == 3**4  # every package, distinct utilities
    thinned = pareto_frontier(problem, max_points=10)
    assert not thinned.exact and 0 < thinned.epsilon < 0.5
    assert len(thinned) <= 10
    assert thinned.pareto_packages == 3**4


def test_thinning_keeps_at_most_target_rows_and_measures_its_error() -> None:
    rng = np.random.default_rng(7)
    x = np.sort(rng.random(5000))
    points = np.column_stack([x, 1 - x])  # a constant-sum staircase
    keep, error = thin(points, 50)
    assert keep.size <= 50
    deficit = np.maximum(points[:, None, :] - points[keep][None, :, :], 0).max(axis=2)
    assert deficit.min(axis=1).max() <= error.max() + 1e-15
    assert error[1] == 0.0  # the last coordinate is kept exactly within a cell


@pytest.mark.parametrize("n_parties", [2, 3, 4])
def test_constant_sum_is_detected_as_every_package_efficient(n_parties: int) -> None:
    problem = constant_sum(n_parties, 3, 3, seed=n_parties)
    assert every_package_efficient(problem)
    pareto, everything = _brute(problem)
    assert len(pareto) == len(everything)
    # Rescaling one party keeps every package efficient (a positive weighting exists).
    rescaled = make_problem(
        problem.weights * np.arange(1, n_parties + 1)[:, None],
        list(problem.values),
        problem.reservation,
    )
    assert every_package_efficient(rescaled)


@DEALSPACE
@given(problems(min_parties=2, max_parties=3))
def test_every_package_efficient_implies_an_all_pareto_enumeration(
    problem: BargainingProblem,
) -> None:
    if every_package_efficient(problem):
        pareto, everything = _brute(problem)
        assert len(pareto) == len(everything)


def test_a_hundred_million_constant_sum_packages_are_bounded() -> None:
    # 5^12 = 2.4e8 packages, all Pareto-optimal: the exact frontier cannot be held.
    problem = constant_sum(2, 12, 5, seed=3)
    front = pareto_frontier(problem)
    assert not front.exact
    assert len(front) <= 20_000
    assert front.pareto_packages == 5**12
    assert front.frontier_size_bound <= 5**12
    nash = nash_point(problem, front)
    assert nash is not None and (nash.utilities >= problem.reservation).all()
    assert nash.error_bound < 1e-2


def _objectives(problem: BargainingProblem) -> dict[str, tuple[float, np.ndarray] | None]:
    """Optimum of each objective and the objective of every package, by enumeration."""
    e = enumerate_packages(problem)
    r = problem.reservation
    inside = in_zone(e.utilities, r)
    if not inside.any():
        return {"nash": None, "kalai_smorodinsky": None, "egalitarian": None}
    gains = e.utilities - r
    span = e.utilities[inside].max(axis=0) - r
    flat = span <= 0
    ratios = gains / np.where(flat, 1.0, span)
    ratios[:, flat] = 1.0
    out: dict[str, tuple[float, np.ndarray] | None] = {}
    for name, score in (
        ("nash", gains.prod(axis=1)),
        ("kalai_smorodinsky", ratios.min(axis=1)),
        ("egalitarian", gains.min(axis=1)),
        ("utilitarian", e.utilities.sum(axis=1)),
    ):
        masked = np.where(inside, score, -np.inf)
        out[name] = (float(masked.max()), masked)
    return out


@DEALSPACE
@given(problems(min_parties=2), st.integers(1, 4))
def test_solutions_on_a_thinned_frontier_are_within_their_error_bound(
    problem: BargainingProblem, max_points: int
) -> None:
    front = pareto_frontier(problem, max_points=max_points)
    got = bargaining_solutions(problem, front, max_points=max_points)
    e = enumerate_packages(problem)
    for name, expected in _objectives(problem).items():
        point = got[name]
        if expected is None:
            assert point is None, name
            continue
        if point is None or not point.in_zone:
            # Allowed only when thinning hid every zone package (documented; the
            # utilitarian point is then the best package overall, flagged out of the zone).
            assert not front.exact, name
            continue
        best, scores = expected
        # The package is a real zone package; its true objective is within the bound.
        row = int(np.flatnonzero((e.packages == point.package).all(axis=1))[0])
        assert (e.utilities[row] >= problem.reservation).all(), name
        true_value = scores[row]
        tolerance = 1e-9 * (1 + abs(best))
        assert true_value >= best - point.error_bound - tolerance, name
        if point.exact:
            assert true_value == pytest.approx(best, rel=1e-12, abs=1e-12), name


@DEALSPACE
@given(problems(min_parties=2))
def test_zone_frontier_is_the_frontier_part_inside_the_zone(problem: BargainingProblem) -> None:
    zone = zone_frontier(problem, max_points=10**6)
    front = pareto_frontier(problem)
    inside = in_zone(front.utilities, problem.reservation)
    assert zone.exact
    assert zone.utilities.tolist() == front.utilities[inside].tolist()
    assert zone.packages.tolist() == front.packages[inside].tolist()


@DEALSPACE
@given(problems(min_parties=1))
def test_separable_utilitarian_is_the_enumerated_maximiser_of_the_sum(
    problem: BargainingProblem,
) -> None:
    e = enumerate_packages(problem)
    package = separable_utilitarian(problem)
    total = problem.utility(package.tolist()).sum()
    assert total >= e.utilities.sum(axis=1).max() - 1e-12


def test_utilitarian_on_a_thinned_frontier_is_exact_by_separability() -> None:
    problem = constant_sum(3, 10, 4, seed=5)
    front = pareto_frontier(problem, max_points=50)
    point = utilitarian_point(problem, front)
    assert not front.exact and point.exact
    assert point.value == pytest.approx(1.0)  # every package sums to one


def test_search_finds_the_exact_nash_point_when_the_frontier_is_thinned() -> None:
    # The whole frontier has 4^6 points; the Nash search keeps only what can beat the
    # incumbent and answers exactly.
    problem = constant_sum(2, 6, 4, seed=2)
    exact = nash_point(problem, pareto_frontier(problem, max_points=10**6))
    thinned = pareto_frontier(problem, max_points=64)
    assert not thinned.exact
    point = nash_point(problem, thinned, max_points=4096)
    assert exact is not None and point is not None
    assert point.exact and point.error_bound == 0.0
    assert point.package.tolist() == exact.package.tolist()
    ks = kalai_smorodinsky_point(problem, thinned, max_points=4096)
    ks_exact = kalai_smorodinsky_point(problem)
    assert ks is not None and ks_exact is not None and ks.exact
    assert ks.package.tolist() == ks_exact.package.tolist()
