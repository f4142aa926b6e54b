"""Packages as reciprocal concessions, and the best packages ranked by Nash product."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
from dealspace_oracle import DEALSPACE, make_problem, problems
from hypothesis import given
from hypothesis import strategies as st

from offramp.analysis.bargaining import nash_point, nash_products
from offramp.analysis.frontier import pareto_frontier
from offramp.analysis.packages import (
    best_packages,
    concession_costs,
    explain_package,
    ideal_options,
)
from offramp.analysis.space import BargainingProblem

RU_UA = BargainingProblem(
    parties=("RU", "UA"),
    issues=("alignment", "armed_forces"),
    options=(("nato", "neutral"), ("demilitarized", "capped", "unlimited")),
    weights=np.array([[0.6, 0.4], [0.5, 0.5]]),
    values=(np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[1.0, 0.5, 0.0], [0.0, 0.5, 1.0]])),
    reservation=np.array([0.3, 0.3]),
)


def test_hand_example_each_side_gives_one_issue_and_gets_the_other() -> None:
    explained = explain_package(RU_UA, [1, 2])  # neutral, unlimited: the Nash point
    assert explained.sentence() == (
        "RU gives: armed_forces demilitarized -> unlimited; UA gives: alignment nato -> neutral"
    )
    ru, ua = explained.accounts
    assert ru.sentence() == "RU gives: armed_forces demilitarized -> unlimited and gets: alignment"
    assert ua.sentence() == "UA gives: alignment nato -> neutral and gets: armed_forces"
    assert ru.given_up == pytest.approx(0.4)  # weight 0.4 x (1 - 0)
    assert ua.given_up == pytest.approx(0.5)  # weight 0.5 x (1 - 0)
    assert (ru.gain, ua.gain) == pytest.approx((0.3, 0.2))
    assert explained.labels == ("alignment=neutral", "armed_forces=unlimited")


def test_a_party_at_its_ideal_everywhere_gives_nothing() -> None:
    explained = explain_package(RU_UA, [1, 0])  # neutral, demilitarized: RU's ideal
    ru, ua = explained.accounts
    assert ru.sentence() == "RU gives: nothing and gets: alignment, armed_forces"
    assert ua.gives_sentence() == (
        "UA gives: alignment nato -> neutral, armed_forces unlimited -> demilitarized"
    )


def test_an_equally_good_option_is_not_a_concession() -> None:
    problem = make_problem([[1], [1]], [[[1, 1, 0], [0, 0, 1]]], [0, 0])
    account = explain_package(problem, [1]).accounts[0]
    assert account.gives == ()
    assert ideal_options(problem).tolist() == [[0], [2]]


def test_best_packages_are_ranked_by_nash_product_with_the_nash_point_first() -> None:
    problem = replace(RU_UA, reservation=np.array([0.0, 0.0]))
    ranked = best_packages(problem, k=3)
    # Zone: all five frontier points; products .15 (0.2*.75), 0, 0, .2 (.8*.25), .3 (.6*.5).
    assert [r.explanation.package.tolist() for r in ranked] == [[1, 2], [1, 1], [0, 1]]
    assert [r.nash_product for r in ranked] == pytest.approx([0.3, 0.2, 0.15])
    assert [r.rank for r in ranked] == [1, 2, 3]


def test_best_packages_is_empty_without_a_zone() -> None:
    assert best_packages(replace(RU_UA, reservation=np.array([2.0, 2.0]))) == ()


@DEALSPACE
@given(problems(), st.data())
def test_concession_costs_add_up_to_the_distance_from_the_ideal(
    problem: BargainingProblem, data: st.DataObject
) -> None:
    package = [data.draw(st.integers(0, len(o) - 1)) for o in problem.options]
    costs = concession_costs(problem, package)
    assert (costs >= 0).all()
    np.testing.assert_allclose(
        costs.sum(axis=1), problem.ideal() - problem.utility(package), atol=1e-12
    )
    explained = explain_package(problem, package)
    for p, account in enumerate(explained.accounts):
        gives = {c.issue for c in account.gives}
        assert gives == {problem.issues[i] for i in np.flatnonzero(costs[p] > 0)}
        others_give = (np.delete(costs, p, axis=0) > 0).any(axis=0)
        expected_gets = {problem.issues[i] for i in np.flatnonzero((costs[p] == 0) & others_give)}
        assert set(account.gets) == expected_gets
        assert account.given_up == pytest.approx(costs[p].sum(), abs=1e-12)


@DEALSPACE
@given(problems(), st.integers(0, 6))
def test_best_packages_are_the_top_zone_packages_by_nash_product(
    problem: BargainingProblem, k: int
) -> None:
    front = pareto_frontier(problem)
    ranked = best_packages(problem, front, k)
    products = nash_products(front.utilities, problem.reservation)
    zone_rows = np.flatnonzero(np.isfinite(products))
    assert len(ranked) == min(k, zone_rows.size)
    values = [r.nash_product for r in ranked]
    assert values == sorted(values, reverse=True)
    if ranked:
        assert values[0] == products.max()
        point = nash_point(problem, front)
        assert point is not None
        assert ranked[0].explanation.package.tolist() == point.package.tolist()
    rows = [r.row for r in ranked]
    for a, b in itertools.pairwise(rows):
        assert products[a] > products[b] or a < b  # equal products keep package order
