"""The paths a thinned deal space takes, against brute force on small spaces.

- the two-party thinning is the general grid thinning, row for row;
- the hull bounds (``hull_bounds``) are never below the enumerated optimum;
- every solution, asked for alone or all four at once (one joint search), is a real zone
  package within its error bound, and exact when the search has room for everything;
- a thinned frontier restricted to what can reach the zone covers the zone's Pareto points.
"""

from __future__ import annotations

import numpy as np
import pytest
from dealspace_oracle import DEALSPACE, dominated, enumerate_packages, in_zone, problems
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from test_bounded import _objectives, constant_sum

from offramp.analysis.bargaining import (
    SOLUTION_NAMES,
    Solution,
    bargaining_solutions,
    egalitarian_point,
    kalai_smorodinsky_point,
    nash_point,
    utilitarian_point,
)
from offramp.analysis.frontier import pareto_frontier
from offramp.analysis.hull_bounds import (
    Hull,
    egalitarian_bound,
    ks_bound,
    nash_bound,
    utilitarian_bound,
    zone_ideal_bound,
)
from offramp.analysis.space import BargainingProblem
from offramp.analysis.thinning import _thin_grid, _thin_two
from offramp.analysis.zone import reachable, zone_frontier

ALONE = {
    "nash": nash_point,
    "kalai_smorodinsky": kalai_smorodinsky_point,
    "egalitarian": egalitarian_point,
    "utilitarian": utilitarian_point,
}

coordinates = st.one_of(
    st.integers(0, 5).map(float), st.floats(0, 1, allow_nan=False, allow_subnormal=False)
)


@DEALSPACE
@given(
    arrays(np.float64, st.tuples(st.integers(2, 60), st.just(2)), elements=coordinates),
    st.integers(1, 30),
)
def test_two_party_thinning_keeps_the_same_rows_as_the_grid(
    points: np.ndarray, target: int
) -> None:
    fast_keep, fast_keeper = _thin_two(points, target)
    grid_keep, grid_keeper = _thin_grid(points, target)
    assert fast_keep.tolist() == grid_keep.tolist()
    assert fast_keeper.tolist() == grid_keeper.tolist()


def _zone_optima(problem: BargainingProblem) -> dict[str, float] | None:
    e = enumerate_packages(problem)
    r = problem.reservation
    inside = in_zone(e.utilities, r)
    if not inside.any():
        return None
    u = e.utilities[inside]
    return {
        "nash": float((u - r).prod(axis=1).max()),
        "egalitarian": float((u - r).min(axis=1).max()),
        "utilitarian": float(u.sum(axis=1).max()),
        **{f"ideal {p}": float(u[:, p].max()) for p in range(problem.n_parties)},
    }


@DEALSPACE
@given(problems(min_parties=1))
def test_hull_bounds_are_never_below_the_enumerated_optimum(problem: BargainingProblem) -> None:
    optima = _zone_optima(problem)
    if optima is None:
        return
    hull, r = Hull.of(problem), problem.reservation
    slack = 1e-9
    assert nash_bound(hull, r) >= optima["nash"] - slack
    assert egalitarian_bound(hull, r) >= optima["egalitarian"] - slack
    assert utilitarian_bound(hull, r) >= optima["utilitarian"] - slack
    upper, met = zone_ideal_bound(hull, r)
    for p in range(problem.n_parties):
        assert upper[p] >= optima[f"ideal {p}"] - slack
    for package in met:  # real packages, whatever the hull's rounding
        assert len(package) == problem.n_issues
    # Kalai-Smorodinsky against the true zone ideal.
    ideal = np.array([optima[f"ideal {p}"] for p in range(problem.n_parties)])
    e = enumerate_packages(problem)
    inside = in_zone(e.utilities, r)
    span = ideal - r
    flat = span <= 0
    ratios = (e.utilities[inside] - r) / np.where(flat, 1.0, span)
    ratios[:, flat] = 1.0
    assert ks_bound(hull, r, ideal) >= float(ratios.min(axis=1).max()) - slack


def _check_within_bound(
    problem: BargainingProblem, name: str, point: Solution | None, exact_front: bool
) -> None:
    expected = _objectives(problem).get(name)
    if name == "utilitarian" and expected is None:  # no zone: the sum over all packages
        totals = enumerate_packages(problem).utilities.sum(axis=1)
        assert point is not None and not point.in_zone
        assert point.value == pytest.approx(totals.max(), rel=1e-12, abs=1e-12)
        return
    if expected is None:
        assert point is None, name
        return
    if point is None or not point.in_zone:  # only when thinning hid the zone (documented)
        assert not exact_front, name
        return
    best, scores = expected
    e = enumerate_packages(problem)
    row = int(np.flatnonzero((e.packages == point.package).all(axis=1))[0])
    assert (e.utilities[row] >= problem.reservation).all(), name
    tolerance = 1e-9 * (1 + abs(best))
    assert scores[row] >= best - point.error_bound - tolerance, name
    if point.exact:
        assert scores[row] == pytest.approx(best, rel=1e-12, abs=1e-12), name


@DEALSPACE
@given(problems(min_parties=2), st.integers(1, 4), st.sampled_from(SOLUTION_NAMES))
def test_each_solution_alone_on_a_thinned_frontier_is_within_its_bound(
    problem: BargainingProblem, max_points: int, name: str
) -> None:
    front = pareto_frontier(problem, max_points=max_points)
    point = ALONE[name](problem, front, max_points=max_points)
    _check_within_bound(problem, name, point, front.exact)


@DEALSPACE
@given(problems(min_parties=2), st.integers(1, 4))
def test_one_joint_search_with_room_answers_all_four_exactly(
    problem: BargainingProblem, max_points: int
) -> None:
    thinned = pareto_frontier(problem, max_points=max_points)
    got = bargaining_solutions(problem, thinned, max_points=10**6)
    exact = bargaining_solutions(problem)
    for name in SOLUTION_NAMES:
        point, reference = got[name], exact[name]
        assert (point is None) == (reference is None), name
        if point is None or reference is None:
            continue
        _check_within_bound(problem, name, point, True)
        assert point.exact and point.error_bound == 0.0, name
        assert point.value == pytest.approx(reference.value, rel=1e-12, abs=1e-12), name


@DEALSPACE
@given(problems(min_parties=2), st.integers(1, 6))
def test_a_thinned_restricted_frontier_covers_every_zone_pareto_point(
    problem: BargainingProblem, max_points: int
) -> None:
    # Restricted to what can reach the zone (the search behind the solutions): every
    # Pareto-optimal zone package has a kept row within epsilon (that row itself may
    # fall short of the zone; ``zone_frontier`` then leaves it out).
    search = pareto_frontier(problem, max_points=max_points, restrict=reachable(problem))
    e = enumerate_packages(problem)
    r = problem.reservation
    wanted = e.utilities[in_zone(e.utilities, r) & ~dominated(e.utilities, e.utilities)]
    for package, utility in zip(search.packages, search.utilities, strict=True):
        assert problem.utility(package.tolist()).tolist() == utility.tolist()
    if wanted.size:
        eps = search.epsilon_vector + 1e-12
        near = (search.utilities[None, :, :] >= wanted[:, None, :] - eps).all(axis=2).any(axis=1)
        assert near.all()
    zone = zone_frontier(problem, max_points=max_points)
    assert in_zone(zone.utilities, r).all()
    assert zone.exact or len(zone) <= max_points


def test_thinning_spreads_the_error_over_the_parties() -> None:
    # Two parties, every package efficient: thinning that always kept party 1 exact
    # would leave all the error on party 0.
    problem = constant_sum(2, 12, 5, seed=3)
    front = pareto_frontier(problem, max_points=200)
    assert not front.exact
    assert (front.epsilon_vector > 0).all()
    ratio = front.epsilon_vector.max() / front.epsilon_vector.min()
    assert ratio < 3


def test_hull_bounds_tighten_the_solutions_of_a_large_thinned_problem() -> None:
    # 10^30 packages, three parties: the summed epsilon says little, the hull much more.
    rng = np.random.default_rng(11)
    n_issues = 30
    weights = rng.random((3, n_issues))
    weights /= weights.sum(axis=1, keepdims=True)
    values = [rng.random((3, 10)) for _ in range(n_issues)]
    ideal = sum(weights[:, i] * values[i].max(axis=1) for i in range(n_issues))
    problem = BargainingProblem(
        parties=("A", "B", "C"),
        issues=tuple(f"i{i}" for i in range(n_issues)),
        options=tuple(tuple(f"o{o}" for o in range(10)) for _ in range(n_issues)),
        weights=weights,
        values=tuple(values),
        reservation=np.asarray(ideal) / 2,
    )
    solutions = bargaining_solutions(problem)
    front = pareto_frontier(problem)
    assert not front.exact
    for name in ("nash", "egalitarian"):
        point = solutions[name]
        assert point is not None
        assert point.error_bound < 0.1 * point.value, name
