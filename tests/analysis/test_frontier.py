"""The exact Pareto frontier: hand-solved examples, and enumeration as the oracle."""

from __future__ import annotations

import numpy as np
import pytest
from dealspace_oracle import (
    DEALSPACE,
    dominated,
    enumerate_packages,
    make_problem,
    pareto_set,
    problems,
)
from hypothesis import given
from hypothesis import strategies as st

from offramp.analysis.frontier import merge, pareto_frontier, prune_dominated
from offramp.analysis.space import BargainingProblem

# Two parties, two issues (worked by hand in tests/analysis/test_bargaining.py too):
# alignment (nato, neutral) and armed_forces (demilitarized, capped, unlimited).
RU_UA = make_problem(
    weights=[[0.6, 0.4], [0.5, 0.5]],
    values=[[[0, 1], [1, 0]], [[1, 0.5, 0], [0, 0.5, 1]]],
    reservation=[0.3, 0.3],
    parties=("RU", "UA"),
)


def test_hand_example_frontier_has_five_points_in_package_order() -> None:
    front = pareto_frontier(RU_UA)
    # (nato, demilitarized) = (0.4, 0.5) is dominated by (neutral, unlimited) = (0.6, 0.5).
    assert front.packages.tolist() == [[0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]
    np.testing.assert_allclose(
        front.utilities, [[0.2, 0.75], [0.0, 1.0], [1.0, 0.0], [0.8, 0.25], [0.6, 0.5]]
    )
    assert front.outcome_space_size == 6


def test_duplicate_utilities_keep_the_lexicographically_smallest_package() -> None:
    # Both issues are identical: (a, b) and (b, a) give the same utilities.
    same = [[1.0, 0.0], [0.0, 1.0]]
    problem = make_problem(np.ones((2, 2)), [same, same], [0, 0])
    front = pareto_frontier(problem)
    assert front.utilities.tolist() == [[2.0, 0.0], [1.0, 1.0], [0.0, 2.0]]
    assert front.packages.tolist() == [[0, 0], [0, 1], [1, 1]]


def test_one_party_frontier_is_the_best_package() -> None:
    problem = make_problem([[1.0, 2.0]], [[[3, 1, 3]], [[0, 2]]], [0])
    front = pareto_frontier(problem)
    assert front.utilities.tolist() == [[7.0]]
    assert front.packages.tolist() == [[0, 1]]  # options 0 and 2 tie on issue 0


def test_one_option_per_issue_gives_a_single_point() -> None:
    problem = make_problem([[1, 1], [2, 1]], [[[1], [2]], [[3], [4]]], [0, 0])
    front = pareto_frontier(problem)
    assert front.packages.tolist() == [[0, 0]]
    assert front.utilities.tolist() == [[4.0, 8.0]]


def test_one_issue_frontier_is_its_undominated_options() -> None:
    problem = make_problem([[1], [1]], [[[3, 1, 2, 0, 3], [0, 2, 1, 1, 0]]], [0, 0])
    front = pareto_frontier(problem)
    assert front.packages.tolist() == [[0], [1], [2]]  # option 4 duplicates option 0
    assert front.utilities.tolist() == [[3.0, 0.0], [1.0, 2.0], [2.0, 1.0]]


def test_identical_parties_have_one_frontier_point() -> None:
    values = [[[1, 4, 2], [1, 4, 2]], [[5, 0], [5, 0]]]
    front = pareto_frontier(make_problem([[1, 1], [1, 1]], values, [0, 0]))
    assert front.utilities.tolist() == [[9.0, 9.0]]
    assert front.packages.tolist() == [[1, 0]]


def test_party_that_values_nothing_sits_at_zero_on_the_frontier() -> None:
    problem = make_problem([[1], [0]], [[[2, 1, 0], [0, 5, 9]]], [0, 0])
    front = pareto_frontier(problem)
    assert front.utilities.tolist() == [[2.0, 0.0]]


def test_no_issues_gives_the_empty_package() -> None:
    problem = BargainingProblem(("A", "B"), (), (), np.zeros((2, 0)), (), np.zeros(2))
    front = pareto_frontier(problem)
    assert front.packages.shape == (1, 0)
    assert front.utilities.tolist() == [[0.0, 0.0]]


@pytest.mark.parametrize("n_parties", [1, 2, 3, 4, 5])
def test_prune_dominated_keeps_first_of_equal_rows(n_parties: int) -> None:
    rng = np.random.default_rng(n_parties)
    points = rng.integers(0, 3, (300, n_parties)).astype(float)
    kept = prune_dominated(points)
    expected = [
        j
        for j in range(len(points))
        if not dominated(points[j : j + 1], points)[0]
        and not any((points[i] == points[j]).all() for i in range(j))
    ]
    assert kept.tolist() == expected


@DEALSPACE
@given(st.integers(1, 5), st.integers(1, 900), st.booleans(), st.integers(0, 2**32 - 1))
def test_prune_dominated_equals_pairwise_comparison(
    n_parties: int, n: int, integral: bool, seed: int
) -> None:
    # Larger than the problems below, so the divide and conquer runs several levels.
    rng = np.random.default_rng(seed)
    points = (
        rng.integers(0, 5, (n, n_parties)).astype(float) if integral else rng.random((n, n_parties))
    )
    kept = prune_dominated(points)
    undominated = ~dominated(points, points)
    _, first = np.unique(points, axis=0, return_index=True)
    is_first = np.zeros(n, dtype=bool)
    is_first[first] = True
    assert kept.tolist() == np.flatnonzero(undominated & is_first).tolist()


@DEALSPACE
@given(problems())
def test_frontier_equals_enumerated_pareto_set(problem: BargainingProblem) -> None:
    front = pareto_frontier(problem)
    points = {tuple(u) for u in front.utilities}
    assert len(points) == len(front)  # one representative per utility vector
    assert points == pareto_set(enumerate_packages(problem))


@DEALSPACE
@given(problems())
def test_frontier_packages_are_lexicographically_smallest_with_their_utility(
    problem: BargainingProblem,
) -> None:
    front = pareto_frontier(problem)
    e = enumerate_packages(problem)
    for package, utility in zip(front.packages, front.utilities, strict=True):
        assert problem.utility(package.tolist()).tolist() == utility.tolist()
        same = np.flatnonzero((e.utilities == utility).all(axis=1))
        assert e.packages[same[0]].tolist() == package.tolist()  # enumeration is lexicographic
    order = np.lexsort(front.packages.T[::-1])
    assert order.tolist() == list(range(len(front)))


@DEALSPACE
@given(problems())
def test_every_package_is_weakly_dominated_by_a_frontier_point(
    problem: BargainingProblem,
) -> None:
    front = pareto_frontier(problem)
    e = enumerate_packages(problem)
    covered = (front.utilities[None, :, :] >= e.utilities[:, None, :]).all(axis=2).any(axis=1)
    assert covered.all()


@DEALSPACE
@given(problems())
def test_no_frontier_point_is_dominated_by_any_package(problem: BargainingProblem) -> None:
    front = pareto_frontier(problem)
    assert not dominated(front.utilities, enumerate_packages(problem).utilities).any()


@DEALSPACE
@given(problems(min_parties=1, max_parties=1))
def test_one_party_frontier_is_its_maximum(problem: BargainingProblem) -> None:
    front = pareto_frontier(problem)
    assert len(front) == 1
    assert front.utilities[0, 0] == enumerate_packages(problem).utilities.max()


@DEALSPACE
@given(st.integers(1, 60), st.integers(1, 8), st.booleans(), st.integers(0, 2**32 - 1))
def test_two_party_merge_of_sorted_runs_equals_pruning_all_candidates(
    k: int, m: int, integral: bool, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    draw = (lambda shape: rng.integers(0, 4, shape).astype(float)) if integral else rng.random
    frontier, options = draw((k, 2)), draw((m, 2))
    candidates = (frontier[:, None, :] + options[None, :, :]).reshape(k * m, 2)
    keep = prune_dominated(candidates)
    utilities, parent, option = merge(frontier, options)
    assert (parent * m + option).tolist() == keep.tolist()
    assert utilities.tolist() == candidates[keep].tolist()
