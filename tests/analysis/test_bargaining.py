"""Nash, Kalai-Smorodinsky, egalitarian and utilitarian points on the frontier."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from dealspace_oracle import DEALSPACE, enumerate_packages, in_zone, make_problem, problems
from hypothesis import given
from hypothesis import strategies as st

from offramp.analysis.bargaining import (
    Solution,
    bargaining_solutions,
    egalitarian_point,
    kalai_smorodinsky_point,
    nash_point,
    nash_products,
    utilitarian_point,
)
from offramp.analysis.frontier import pareto_frontier
from offramp.analysis.space import BargainingProblem

# One issue, five options, no-deal worth 0 to both; utilities are the options themselves.
#   o0 (0, 20), o1 (3, 10), o2 (3.6, 7.2), o3 (5, 6), o4 (10, 0)
# Nash products 0, 30, 25.92, 30, 0: o1 and o3 tie, the smaller package o1 wins.
# KS: ideal (10, 20); min(u1/10, u2/20) = 0, .3, .36, .3, 0: o2 (on the ray to the ideal).
# Egalitarian: min gains 0, 3, 3.6, 5, 0: o3. Utilitarian: sums 20, 13, 10.8, 11, 10: o0.
FIVE = make_problem([[1], [1]], [[[0, 3, 3.6, 5, 10], [20, 10, 7.2, 6, 0]]], [0, 0])


def test_hand_example_nash_point_breaks_a_tie_by_smallest_package() -> None:
    point = nash_point(FIVE)
    assert point is not None
    assert point.package.tolist() == [1]
    assert point.value == 30.0


def test_hand_example_kalai_smorodinsky_point_is_on_the_ray_to_the_ideal() -> None:
    point = kalai_smorodinsky_point(FIVE)
    assert point is not None
    assert point.package.tolist() == [2]
    assert point.value == pytest.approx(0.36)


def test_hand_example_egalitarian_point_maximises_the_smallest_gain() -> None:
    point = egalitarian_point(FIVE)
    assert point is not None
    assert (point.package.tolist(), point.value) == ([3], 5.0)


def test_hand_example_utilitarian_point_maximises_the_sum() -> None:
    point = utilitarian_point(FIVE)
    assert (point.package.tolist(), point.value, point.in_zone) == ([0], 20.0, True)


def test_hand_example_ru_ua_nash_point_is_neutrality_with_unlimited_forces() -> None:
    problem = make_problem(
        [[0.6, 0.4], [0.5, 0.5]],
        [[[0, 1], [1, 0]], [[1, 0.5, 0], [0, 0.5, 1]]],
        [0.3, 0.3],
    )
    point = nash_point(problem)
    assert point is not None
    assert point.package.tolist() == [1, 2]
    assert point.value == pytest.approx(0.3 * 0.2)


def test_three_units_tie_goes_to_the_smaller_package() -> None:
    split = [[1, 0], [0, 1]]
    problem = make_problem(np.ones((2, 3)), [split] * 3, [0, 0])
    point = nash_point(problem)
    assert point is not None
    assert point.package.tolist() == [0, 0, 1]  # (2, 1) and (1, 2) tie at product 2


def test_no_package_better_than_no_deal_gives_no_solution_but_a_utilitarian_point() -> None:
    problem = replace(FIVE, reservation=np.array([11.0, 0.0]))
    solutions = bargaining_solutions(problem)
    assert solutions["nash"] is None
    assert solutions["kalai_smorodinsky"] is None
    assert solutions["egalitarian"] is None
    util = solutions["utilitarian"]
    assert util is not None
    assert (util.package.tolist(), util.in_zone) == ([0], False)


def test_party_that_values_nothing_with_zero_reservation_leaves_nash_product_zero() -> None:
    problem = make_problem([[1], [0]], [[[2, 1], [0, 5]]], [0, 0])
    point = nash_point(problem)
    assert point is not None
    assert (point.package.tolist(), point.value) == ([0], 0.0)
    ks = kalai_smorodinsky_point(problem)
    assert ks is not None
    assert ks.value == 1.0  # the flat party counts as ratio 1; the other gets its ideal


def test_single_option_problem_solutions_are_the_only_package() -> None:
    problem = make_problem([[1], [1]], [[[2], [3]]], [1, 1])
    for name, point in bargaining_solutions(problem).items():
        assert point is not None, name
        assert point.package.tolist() == [0]


def _brute_objectives(problem: BargainingProblem) -> dict[str, float | None]:
    e = enumerate_packages(problem)
    r = problem.reservation
    inside = in_zone(e.utilities, r)
    if not inside.any():
        return {
            "nash": None,
            "kalai_smorodinsky": None,
            "egalitarian": None,
            "utilitarian": float(e.utilities.sum(axis=1).max()),
        }
    zone = e.utilities[inside]
    span = zone.max(axis=0) - r
    flat = span <= 0
    ratios = (zone - r) / np.where(flat, 1.0, span)
    ratios[:, flat] = 1.0
    return {
        "nash": float((zone - r).prod(axis=1).max()),
        "kalai_smorodinsky": float(ratios.min(axis=1).max()),
        "egalitarian": float((zone - r).min(axis=1).max()),
        "utilitarian": float(zone.sum(axis=1).max()),
    }


@DEALSPACE
@given(problems())
def test_solution_values_equal_the_enumerated_optimum(problem: BargainingProblem) -> None:
    got = bargaining_solutions(problem)
    for name, expected in _brute_objectives(problem).items():
        point = got[name]
        if expected is None:
            assert point is None, name
        else:
            assert point is not None, name
            assert point.value == expected, name


@DEALSPACE
@given(problems())
def test_nash_point_is_on_frontier_in_zone_and_first_maximiser(
    problem: BargainingProblem,
) -> None:
    front = pareto_frontier(problem)
    point = nash_point(problem, front)
    if point is None:
        assert not in_zone(front.utilities, problem.reservation).any()
        return
    assert (front.utilities[point.row] == point.utilities).all()
    assert (front.packages[point.row] == point.package).all()
    assert (point.utilities >= problem.reservation).all()
    products = nash_products(front.utilities, problem.reservation)
    assert point.row == int(np.flatnonzero(products == products.max())[0])


def _nash_and_ks_before_and_after(
    problem: BargainingProblem, changed: BargainingProblem
) -> list[tuple[Solution, Solution]]:
    """The Nash and the Kalai-Smorodinsky solutions of ``problem`` and of ``changed``, each
    pair where they exist (asserting that one exists exactly when the other does)."""
    pairs = []
    for solve in (nash_point, kalai_smorodinsky_point):
        before, after = solve(problem), solve(changed)
        assert (before is None) == (after is None)
        if before is not None and after is not None:
            pairs.append((before, after))
    return pairs


@DEALSPACE
@given(problems(min_parties=2), st.data())
def test_nash_and_ks_are_invariant_under_scaling_one_party(
    problem: BargainingProblem, data: st.DataObject
) -> None:
    # Powers of two scale floating-point utilities exactly.
    party = data.draw(st.integers(0, problem.n_parties - 1))
    scale = data.draw(st.sampled_from([0.25, 0.5, 2.0, 8.0]))
    weights = problem.weights.copy()
    weights[party] *= scale
    reservation = problem.reservation.copy()
    reservation[party] *= scale
    scaled = replace(problem, weights=weights, reservation=reservation)
    for before, after in _nash_and_ks_before_and_after(problem, scaled):
        assert after.package.tolist() == before.package.tolist()
        assert after.utilities[party] == before.utilities[party] * scale


@DEALSPACE
@given(problems(min_parties=2, integral=True), st.data())
def test_nash_and_ks_are_invariant_under_positive_affine_rescaling_of_one_party(
    problem: BargainingProblem, data: st.DataObject
) -> None:
    # u'_p = a u_p + b: weights and reservation times a, plus a one-option issue worth b.
    # Integer utilities and a power-of-two a keep every step exact.
    party = data.draw(st.integers(0, problem.n_parties - 1))
    scale = data.draw(st.sampled_from([0.5, 2.0, 4.0]))
    shift = data.draw(st.sampled_from([-5.0, 3.0]))
    weights = problem.weights.copy()
    weights[party] *= scale
    reservation = problem.reservation.copy()
    reservation[party] = reservation[party] * scale + shift
    offset = np.zeros((problem.n_parties, 1))
    offset[party] = shift
    rescaled = BargainingProblem(
        parties=problem.parties,
        issues=(*problem.issues, "shift"),
        options=(*problem.options, ("only",)),
        weights=np.column_stack([weights, np.ones(problem.n_parties)]),
        values=(*problem.values, offset),
        reservation=reservation,
    )
    for before, after in _nash_and_ks_before_and_after(problem, rescaled):
        assert after.package.tolist() == [*before.package.tolist(), 0]
        assert after.utilities[party] == before.utilities[party] * scale + shift


@DEALSPACE
@given(problems(min_parties=1, max_parties=1), st.data())
def test_symmetric_problem_has_symmetric_nash_utilities(
    one: BargainingProblem, data: st.DataObject
) -> None:
    # B values each issue's options in the reverse order of A: swapping the parties and
    # reversing every option maps the problem onto itself.
    values = tuple(np.vstack([v, v[:, ::-1]]) for v in one.values)
    r = data.draw(st.sampled_from([0.0, 0.5, 1.0]))
    problem = BargainingProblem(
        parties=("A", "B"),
        issues=one.issues,
        options=one.options,
        weights=np.vstack([one.weights, one.weights]),
        values=values,
        reservation=np.array([r, r]) * float(one.ideal()[0]),
    )
    front = pareto_frontier(problem)
    point = nash_point(problem, front)
    if point is None:
        return
    swapped = point.utilities[::-1]
    products = nash_products(front.utilities, problem.reservation)
    match = np.flatnonzero((front.utilities == swapped).all(axis=1))
    assert match.size == 1  # the mirror image is a frontier point ...
    assert products[match[0]] == point.value  # ... and a Nash point too
    unique = np.count_nonzero(products == point.value) == 1
    if unique:
        assert point.utilities[0] == point.utilities[1]
