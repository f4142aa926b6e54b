"""Zone of agreement and ripeness: the smallest concession that opens a zone."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from dealspace_oracle import DEALSPACE, enumerate_packages, in_zone, make_problem, problems
from hypothesis import given

from offramp.analysis.frontier import pareto_frontier
from offramp.analysis.space import BargainingProblem
from offramp.analysis.zone import ripeness, zone_exists, zone_of_agreement

# alignment (nato, neutral) x armed_forces (demilitarized, capped, unlimited); frontier
# (0.2, .75) (0, 1) (1, 0) (.8, .25) (.6, .5) in package order.
RU_UA = make_problem(
    weights=[[0.6, 0.4], [0.5, 0.5]],
    values=[[[0, 1], [1, 0]], [[1, 0.5, 0], [0, 0.5, 1]]],
    reservation=[0.3, 0.3],
    parties=("RU", "UA"),
)


def test_hand_example_zone_is_neutrality_with_unlimited_forces() -> None:
    rows = zone_of_agreement(RU_UA)
    front = pareto_frontier(RU_UA)
    assert front.packages[rows].tolist() == [[1, 2]]
    result = ripeness(RU_UA)
    assert result.ripe
    assert result.zone_size_on_frontier == 1
    assert result.opening_concession == 0.0
    assert result.explain() == (
        "Ripe: 1 Pareto-efficient package gives every party at least its no-deal value."
    )


def test_hand_example_unripe_ua_must_concede_five_hundredths() -> None:
    # RU now wants 0.7: (.8, .25) needs UA to drop 0.05, (.6, .5) needs RU to drop 0.1.
    problem = replace(RU_UA, reservation=np.array([0.7, 0.3]))
    result = ripeness(problem)
    assert not result.ripe
    assert not zone_exists(problem)
    assert result.package.tolist() == [1, 1]
    assert result.opening_concession == pytest.approx(0.05)
    np.testing.assert_allclose(result.concessions, [0.0, 0.05])
    assert result.explain() == (
        "Not ripe: no package gives every party its no-deal value; the smallest opening "
        "needs a total concession of 0.05 (UA 0.05) on the package i0=o1, i1=o1."
    )


def test_zone_counts_a_party_indifferent_to_no_deal() -> None:
    problem = replace(RU_UA, reservation=np.array([0.6, 0.5]))  # exactly (neutral, unlimited)
    assert zone_exists(problem)
    assert ripeness(problem).opening_concession == 0.0


def test_no_package_better_than_no_deal_is_not_ripe() -> None:
    problem = replace(RU_UA, reservation=np.array([2.0, 2.0]))
    result = ripeness(problem)
    assert not result.ripe
    assert result.zone_size_on_frontier == 0
    # Every utility is below 2, so the shortfall is 4 - (u_RU + u_UA): smallest at the
    # largest sum, (.6, .5), which needs 1.4 + 1.5 = 2.9.
    assert result.opening_concession == pytest.approx(2.9)
    assert result.package.tolist() == [1, 2]


def test_party_that_values_nothing_must_concede_its_whole_reservation() -> None:
    problem = make_problem([[1], [0]], [[[2, 1], [0, 5]]], [1, 0.5])
    result = ripeness(problem)
    assert not result.ripe
    np.testing.assert_allclose(result.concessions, [0.0, 0.5])
    assert result.package.tolist() == [0]


@DEALSPACE
@given(problems())
def test_ripe_exactly_when_enumeration_finds_a_package_in_the_zone(
    problem: BargainingProblem,
) -> None:
    e = enumerate_packages(problem)
    inside = in_zone(e.utilities, problem.reservation)
    result = ripeness(problem)
    assert result.ripe == bool(inside.any()) == zone_exists(problem)
    assert result.zone_size_on_frontier == len(
        {tuple(u) for u in e.utilities[inside]}
        & {tuple(u) for u in pareto_frontier(problem).utilities}
    )


@DEALSPACE
@given(problems())
def test_opening_concession_is_the_enumerated_minimum(problem: BargainingProblem) -> None:
    e = enumerate_packages(problem)
    shortfall = np.maximum(problem.reservation - e.utilities, 0.0).sum(axis=1)
    result = ripeness(problem)
    assert result.opening_concession == shortfall.min()
    assert result.concessions.sum() == pytest.approx(result.opening_concession, abs=1e-12)
    assert (result.concessions >= 0).all()


@DEALSPACE
@given(problems())
def test_applying_the_opening_concession_opens_a_zone(problem: BargainingProblem) -> None:
    result = ripeness(problem)
    conceded = replace(problem, reservation=result.reservation_after)
    assert zone_exists(conceded)
    assert (problem.utility(result.package.tolist()) >= result.reservation_after).all()
    np.testing.assert_array_equal(
        result.reservation_after, problem.reservation - result.concessions
    )
