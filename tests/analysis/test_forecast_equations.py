"""SCS2011's equations one by one, on the hand-solved three-actor case of test_forecast.py.

A at 0, B at 50, C at 100; capabilities 1, 2, 1.5; saliences 1; dx = 100. The median
(sec. 3.2), eq. 30 (pairwise), eqs. 15, 16, 24, 25a, 32, 33 and sec. 6 are solved by
hand in ``test_forecast.py``; this file adds eqs. 18 and 19 (Q < 1), the T rule of
Eftekhari & Rahimi (2014), the all-triples reading of eq. 30 and Scholz's selection.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from offramp.analysis.forecast import (
    CAPITULATION,
    COMPROMISE,
    CONFLICT,
    accept_by_class,
    expected_utility,
    round_detail,
    win_probability,
)
from offramp.analysis.forecast_options import PRINTED, ModelOptions

X = np.array([0.0, 50.0, 100.0])
C = np.array([1.0, 2.0, 1.5])
S = np.array([1.0, 1.0, 1.0])
ACTIVE = np.ones(3, dtype=bool)


def test_eqs_18_and_19_enter_when_q_is_below_one() -> None:
    # A challenge over d = 0.5 with m = 0.25, P = 2/9 and s_j = 1.
    # r = 2: U_s = 2 - 4 (0.25)^2 = 1.75, U_f = 2 - 4 (0.75)^2 = -0.25, U_sq = 1,
    # U_b = 2 - 4 (0.5 - 0.25 * 0.75)^2 = 2 - 4 * 0.3125^2 = 1.609375 (eq. 18),
    # U_w = 2 - 4 (0.5 + 0.25 * 0.75)^2 = 2 - 4 * 0.6875^2 = 0.109375 (eq. 19).
    # eq. 25a with Q = 0.5, T = 0.25:
    # (2/9 * 1.75 + 7/9 * -0.25) - 0.5 * 1 - 0.5 * (0.25 * 1.609375 + 0.75 * 0.109375)
    p = np.array(2 / 9)
    got = expected_utility(
        np.array(0.5), np.array(0.25), p, np.array(1.0), np.array(2.0), q=0.5, t=0.25
    )
    hand = (2 / 9 * 1.75 - 7 / 9 * 0.25) - 0.5 - 0.5 * (0.25 * 1.609375 + 0.75 * 0.109375)
    assert float(got) == pytest.approx(hand, rel=1e-14)
    # Q = 1: the bracket drops out whatever T is
    one = expected_utility(np.array(0.5), np.array(0.25), p, np.array(1.0), np.array(2.0))
    assert float(one) == pytest.approx(2 / 9 * 1.75 - 7 / 9 * 0.25 - 1.0, rel=1e-14)


def test_eftekhari_rahimi_t_is_one_exactly_when_the_challenger_is_nearer_the_median() -> None:
    opts = ModelOptions(q=0.5, t="eftekhari-rahimi")
    rd = round_detail(X, C, S, ACTIVE, np.array(100.0), opts)
    d = np.abs(X[:, None] - X[None, :]) / 100
    m = np.abs(X - 50.0) / 100  # the median is B's 50
    r = rd.risk
    for i in range(3):
        for j in range(3):
            if i == j:
                continue
            t = 1.0 if m[i] < d[i, j] else 0.0  # A vs B: 0.5 < 0.5 is false, so T = 0
            hand = expected_utility(d[i, j], m[i], rd.prob[i, j], S[j], np.array(r[i]), q=0.5, t=t)
            assert rd.eu_ij[i, j] == pytest.approx(float(hand), rel=1e-12), (i, j)
    assert not m[0] < d[0, 1] and m[1] < d[1, 0]  # both branches were exercised


def test_eq_30_all_triples_by_hand() -> None:
    # u_kl = |x_k - x_l| / 100 with r = 1: rows A (0, .5, 1), B (.5, 0, .5), C (1, .5, 0).
    # Denominator: sum_k w_k sum_{l,m} |u_kl - u_km| = 1 * 4 + 2 * 2 + 1.5 * 4 = 14.
    # P(A,B): only A is nearer A than B, by .5: .5 / 14. P(B,A): B by .5 * 2 and C by
    # .5 * 1.5: 1.75 / 14. P(A,C): A by 1: 1 / 14; P(C,A): C by 1.5: 1.5 / 14.
    # P(B,C): A .5 + B 1: 1.5 / 14; P(C,B): C .75: .75 / 14.
    w = C * S
    p = win_probability(
        X, w, formula="all-triples", risk=np.ones(3), scale=np.array(100.0), active=ACTIVE
    )
    expected = np.array([[0, 0.5, 1], [1.75, 0, 1.5], [1.5, 0.75, 0]]) / 14
    np.testing.assert_allclose(p, expected, rtol=1e-13, atol=1e-16)
    # B risk-averse (r = 2): B's row becomes (.25, 0, .25), its pair sum 2 * .5 * 2 = 2,
    # the denominator 12, and P(B,A) = (.25 * 2 + .5 * 1.5) / 12.
    p2 = win_probability(
        X, w, formula="all-triples", risk=np.array([1.0, 2.0, 1.0]), scale=np.array(100.0)
    )
    assert p2[1, 0] == pytest.approx(1.25 / 12, rel=1e-13)


def test_scholz_selection_prefers_conflict_then_the_lowest_weighted_compromise() -> None:
    # Target 1 (at 50) receives a compromise from 0 (at 0) and one from 2 (at 100);
    # target 0 a conflict offer from 1 and a compromise from 2.
    x = np.array([0.0, 50.0, 100.0])
    proposed = np.full((3, 3), np.nan)
    kind = np.zeros((3, 3), dtype=np.int8)
    eu_ij = np.zeros((3, 3))
    eu_ji = np.zeros((3, 3))
    # to target 1: from 0, |EU_i|j| = .4, |EU_j|i| = .1: point (.1 * 50 + .4 * 0) / .5 = 10;
    #              from 2, |EU_i|j| = .4, |EU_j|i| = .3: point (.3 * 50 + .4 * 100) / .7.
    proposed[0, 1], kind[0, 1], eu_ij[0, 1], eu_ji[0, 1] = 45.0, COMPROMISE, 0.4, -0.1
    proposed[2, 1], kind[2, 1], eu_ij[2, 1], eu_ji[2, 1] = 60.0, COMPROMISE, 0.4, -0.3
    proposed[1, 0], kind[1, 0] = 50.0, CONFLICT
    proposed[2, 0], kind[2, 0], eu_ij[2, 0], eu_ji[2, 0] = 5.0, COMPROMISE, 0.5, -0.05
    proposed[0, 2], kind[0, 2] = 0.0, CAPITULATION
    new, moves, who = accept_by_class(x, proposed, kind, eu_ij, eu_ji)
    # target 1 takes the move of 5 toward 0 (the lower weighted point), though the
    # offer from 2 asks a move of 10: here both rules agree; target 0 takes the conflict
    # (a move of 50) over a compromise of 5, which the printed rule would take.
    np.testing.assert_array_equal(new, [50.0, 45.0, 0.0])
    np.testing.assert_array_equal(moves, [CONFLICT, COMPROMISE, CAPITULATION])
    np.testing.assert_array_equal(who, [1, 0, 0])


def test_printed_variant_is_the_default_reading() -> None:
    assert ModelOptions() == PRINTED
    assert PRINTED.is_printed_core
    assert not replace(PRINTED, probability="all-triples").is_printed_core
    with pytest.raises(ValueError, match="probability"):
        ModelOptions(probability="other")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="q must"):
        ModelOptions(q=1.5)
