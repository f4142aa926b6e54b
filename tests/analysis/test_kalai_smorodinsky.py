"""Kalai-Smorodinsky against brute force, under the definition docs/analysis.md states.

The ideal point is each party's best utility over the zone of agreement (packages with
``u >= r``); the point maximises ``min_p (u_p - r_p) / (ideal_p - r_p)`` over the zone,
a party with ``ideal_p == r_p`` counting as ratio 1; ties go to the lexicographically
smallest package. NegMAS's ``ks_points`` differs twice (ideal over all packages, and
it minimises the spread ``max - min`` of the ratios); the last test shows a case.
"""

from __future__ import annotations

import numpy as np
from dealspace_oracle import (
    DEALSPACE,
    dominated,
    enumerate_packages,
    in_zone,
    make_problem,
    problems,
)
from hypothesis import given
from hypothesis import strategies as st

from offramp.analysis.bargaining import kalai_smorodinsky_point
from offramp.analysis.space import BargainingProblem


def brute_ks(problem: BargainingProblem) -> tuple[list[int], float] | None:
    """The first (lexicographic) Pareto-optimal package maximising the documented ratio.

    The minimum of ratios is not strictly increasing, so a dominated package can tie
    with the optimum; the documented tie rule chooses among Pareto-optimal ones.
    """
    e = enumerate_packages(problem)
    r = problem.reservation
    efficient = ~dominated(e.utilities, e.utilities)
    inside = in_zone(e.utilities, r)
    if not inside.any():
        return None
    span = e.utilities[inside].max(axis=0) - r
    flat = span <= 0
    ratios = (e.utilities - r) / np.where(flat, 1.0, span)
    ratios[:, flat] = 1.0
    score = np.where(inside & efficient, ratios.min(axis=1), -np.inf)
    row = int(np.argmax(score))
    return e.packages[row].tolist(), float(score[row])


def negmas_style_ks(problem: BargainingProblem) -> list[int] | None:
    """NegMAS 0.16 ``ks_points`` on the frontier: ideal over all packages, least spread."""
    e = enumerate_packages(problem)
    r = problem.reservation
    inside = in_zone(e.utilities, r) & ~dominated(e.utilities, e.utilities)
    if not inside.any():
        return None
    span = problem.ideal() - r
    ratios = (e.utilities - r) / np.where(span != 0, span, 1.0)
    spread = np.where(inside, ratios.max(axis=1) - ratios.min(axis=1), np.inf)
    return e.packages[int(np.argmin(spread))].tolist()


def _check(problem: BargainingProblem) -> None:
    expected = brute_ks(problem)
    point = kalai_smorodinsky_point(problem)
    if expected is None:
        assert point is None
        return
    assert point is not None and point.exact
    assert (point.package.tolist(), point.value) == expected


@DEALSPACE
@given(problems())
def test_ks_equals_brute_force_on_random_problems(problem: BargainingProblem) -> None:
    _check(problem)


def _constant_sum(seed: int, n_parties: int, n_issues: int, n_options: int, share: float):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(n_issues):
        v = rng.integers(0, 4, (n_parties, n_options)).astype(float) + 1
        values.append(v / v.sum(axis=0))
    return make_problem(
        np.ones((n_parties, n_issues)), values, np.full(n_parties, share * n_issues / n_parties)
    )


def _trade_off(seed: int, n_issues: int, n_options: int, share: float):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(n_issues):
        x = np.sort(rng.integers(0, 5, n_options).astype(float))
        values.append(np.vstack([x, x[::-1]]))
    weights = rng.integers(1, 4, (2, n_issues)).astype(float)
    ideal = (weights * np.array([[v.max() for v in values]] * 2)).sum(axis=1)
    return make_problem(weights, values, ideal * share)


@DEALSPACE
@given(
    st.integers(0, 2**32 - 1),
    st.integers(2, 3),
    st.integers(1, 4),
    st.integers(2, 4),
    st.sampled_from([0.0, 0.5, 0.8, 1.0]),
)
def test_ks_equals_brute_force_on_constant_sum_problems(
    seed: int, n_parties: int, n_issues: int, n_options: int, share: float
) -> None:
    _check(_constant_sum(seed, n_parties, n_issues, n_options, share))


@DEALSPACE
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 4),
    st.integers(2, 4),
    st.sampled_from([0.0, 0.3, 0.5, 0.7]),
)
def test_ks_equals_brute_force_on_trade_off_problems(
    seed: int, n_issues: int, n_options: int, share: float
) -> None:
    _check(_trade_off(seed, n_issues, n_options, share))


def test_negmas_definition_picks_another_package_where_the_zone_cuts_the_ideal() -> None:
    # One issue; A's best package (10, 0) is outside the zone (B needs 2), so A's zone
    # ideal is 8, not 10. Options: (10, 0), (8, 2), (6, 5), (4, 6), (0, 10); r = (0, 2).
    problem = make_problem([[1], [1]], [[[10, 8, 6, 4, 0], [0, 2, 5, 6, 10]]], [0, 2])
    ours = kalai_smorodinsky_point(problem)
    assert ours is not None
    # Zone ideal (8, 10): ratios min(6/8, 3/8) = .375 for (6, 5), min(4/8, 4/8) = .5 for (4, 6).
    assert ours.package.tolist() == [3]
    assert ours.value == 0.5
    # NegMAS: ideal (10, 10), spreads |.6 - .375| for (6, 5), |.4 - .5| for (4, 6), and
    # (8, 2) spreads .8: the same package here, but a different ideal and value ...
    assert negmas_style_ks(problem) == [3]
    # ... and where a frontier point sits closer to the ray but gives A much less, the
    # spread rule takes it: (6, 4) has ratios (.6, .4), (3.5, 4.1) has (.35, .41).
    low = make_problem([[1], [1]], [[[10, 6, 3.5, 0], [0, 4, 4.1, 10]]], [0, 0])
    assert brute_ks(low) == ([1], 0.4)
    assert negmas_style_ks(low) == [2]
    point = kalai_smorodinsky_point(low)
    assert point is not None and point.package.tolist() == [1]
