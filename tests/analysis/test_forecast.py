"""The expected-utility model (Scholz, Calbert & Smith 2011): a hand-solved case and invariants.

These test the ``printed`` variant (the default). The paper's worked example is checked
against the ``scholz-code`` variant in ``test_forecast_scholz.py``. The case below is a
three-actor case solved by hand from the printed equations (SCS2011's numbers: votes and
median sec. 3.2, eqs. 15, 16, 24, 25a, 30, 32, 33, offers sec. 6) as written in
``offramp.analysis.forecast``; each step of the derivation is in comments.

The oracle for the property tests is the plain-loop implementation in
``benchmarks/forecast_reference.py``, loaded by path.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offramp.analysis.forecast import (
    CAPITULATION,
    COMPROMISE,
    CONFLICT,
    NO_MOVE,
    accept,
    forecast,
    proposals,
    weighted_mean,
    weighted_median,
    win_probability,
)
from support.forecast import forecast_reference

reference = forecast_reference()

BOUNDED = settings(max_examples=50, derandomize=True, deadline=None)

# The hand-solved case: A at 0, B at 50, C at 100; capabilities 1, 2, 1.5; every
# salience 1, so the voting weights c*s are (1, 2, 1.5) and every target resists.
X = np.array([0.0, 50.0, 100.0])
C = np.array([1.0, 2.0, 1.5])
S = np.array([1.0, 1.0, 1.0])


def test_median_of_hand_case_is_b_and_mean_is_weighted():
    # (median, sec. 3.2) F(y) = sum_k w_k |x_k - y|: F(0) = 100 + 150 = 250, F(50) = 50 + 75 = 125,
    # F(100) = 100 + 100 = 200, so B's 50 is the Condorcet winner.
    assert weighted_median(X, C, S) == 50.0
    # (mean) (1*0 + 2*50 + 1.5*100) / 4.5 = 250 / 4.5
    assert weighted_mean(X, C, S) == pytest.approx(250 / 4.5, rel=1e-15)


def test_win_probabilities_of_hand_case():
    # (eq. 30) A vs B: only A votes for A, margin 50*1; B and C vote against, 50*2 + 50*1.5.
    # P_AB = 50 / 225 = 2/9. A vs C: A 100*1 for, B indifferent, C 100*1.5 against:
    # P_AC = 100 / 250 = 2/5. B vs C: A 50*1 and B 50*2 for, C 50*1.5 against:
    # P_BC = 150 / 225 = 2/3. And P_ji = 1 - P_ij.
    p = win_probability(X, C * S)
    expected = np.array([[0, 2 / 9, 2 / 5], [7 / 9, 0, 2 / 3], [3 / 5, 1 / 3, 0]])
    np.testing.assert_allclose(p, expected, rtol=1e-14, atol=1e-15)


def test_hand_case_first_round():
    # (eqs. 15, 16, 24, 25a) at r = 1 with s = 1 and Q = 1: U_s = 2d, U_f = -2d, U_sq = 0, so
    # EU_i|j = 2 d (2 P_ij - 1), d = |x_i - x_j| / 100:
    #   EU_A|B = -5/9, EU_B|A = 5/9, EU_A|C = -2/5, EU_C|A = 2/5, EU_B|C = 1/3, EU_C|B = -1/3.
    # (eq. 32) danger S_i = sum_j EU_j|i: S_A = 5/9 + 2/5 = 43/45, S_B = -5/9 - 1/3 = -40/45,
    # S_C = -2/5 + 1/3 = -3/45; R_A = 1, R_B = -1, R_C = (-6 - 43 + 40) / 83 = -9/83.
    # (eq. 33) r = (1 - R/3) / (1 + R/3): r_A = 1/2, r_B = 2, r_C = (86/83) / (80/83) = 43/40.
    f = forecast(X, C, S, rounds=2)
    np.testing.assert_allclose(f.risk[0], [0.5, 2.0, 43 / 40], rtol=1e-13)
    # (sec. 6), each proposer with its own exponent (all targets resist, s = 1):
    # A (r = 1/2): to B, EU_A|B = 7/9 (2 - 2 sqrt 3) - (2 - 2 sqrt 2) = -0.31 < 0: nothing;
    #   to C, EU_A|C = 0.8 - 1.2 - U_sq = 0.43 < EU_C|A = 1.2 - 0.8 - U_sq = 1.23: nothing.
    # B (r = 2, U_sq = 1): to A (d = 1/2, U_s = 1.75, U_f = -0.25), EU_B|A = 2.75/9 > 0 and
    #   EU_A|B = -7.25/9, |EU_A|B| > EU_B|A: A is to capitulate to 50;
    #   to C, EU_B|C = 0.25/3 > 0, EU_C|B = -1.75/3: C is to capitulate to 50.
    # C (r = 43/40, U_sq = 2 - 4 * 0.5 ** 1.075 = 0.10132): to A (d = 1, U_s = 2, U_f = -2),
    #   EU_C|A = 0.4 - U_sq = 0.29868 > 0, EU_A|C = -0.4 - U_sq = -0.50132: A is to
    #   capitulate to 100; to B (U_s = 1.09875, U_f = -0.93597),
    #   EU_C|B = (1.09875 - 2 * 0.93597) / 3 - 0.10132 = -0.35904 < 0: nothing.
    # A takes the proposal that moves it least (to 50, not 100); C moves to 50.
    r_c = 43 / 40
    u_sq_c = 2 - 4 * 0.5**r_c
    assert 0.4 - u_sq_c == pytest.approx(0.29868, abs=1e-5)
    eu_cb = ((2 - 4 * 0.25**r_c) + 2 * (2 - 4 * 0.75**r_c)) / 3 - u_sq_c
    assert eu_cb == pytest.approx(-0.35904, abs=1e-5)
    np.testing.assert_array_equal(f.positions[1], [50.0, 50.0, 50.0])
    np.testing.assert_array_equal(f.moves[0], [CAPITULATION, NO_MOVE, CAPITULATION])
    # Everyone now agrees: nothing moves in round 2, and the forecast is 50.
    np.testing.assert_array_equal(f.positions[2], [50.0, 50.0, 50.0])
    np.testing.assert_array_equal(f.moves[1], [NO_MOVE] * 3)
    np.testing.assert_array_equal(f.median, [50.0, 50.0, 50.0])
    np.testing.assert_allclose(f.mean, [250 / 4.5, 50.0, 50.0], rtol=1e-15)
    assert f.outcome == 50.0


def test_decision_rules_conflict_compromise_capitulation():
    # (sec. 6) on chosen expected utilities, proposer i = row 0, target j = column 1.
    x = np.array([[10.0, 30.0]] * 4)
    a = np.array([0.6, 0.6, 0.2, 0.6])  # EU_i|j
    b = np.array([0.3, -0.15, -0.5, 0.9])  # EU_j|i as i sees it
    eu_ij = np.zeros((4, 2, 2))
    eu_ji = np.zeros((4, 2, 2))
    eu_ij[:, 0, 1] = a
    eu_ji[:, 0, 1] = b
    pair = np.array([[False, True], [False, False]])
    proposed, kind = proposals(x, eu_ij, eu_ji, pair)
    # conflict: j goes to x_i; compromise: j moves |b/a| = 1/4 of the way (30 -> 25);
    # capitulation: j goes to x_i; EU_j|i > EU_i|j > 0: no proposal.
    np.testing.assert_array_equal(kind[:, 0, 1], [CONFLICT, COMPROMISE, CAPITULATION, NO_MOVE])
    np.testing.assert_allclose(proposed[:3, 0, 1], [10.0, 25.0, 10.0])
    assert np.isnan(proposed[3, 0, 1])
    new, moves = accept(x, proposed, kind)
    np.testing.assert_allclose(new[:, 1], [10.0, 25.0, 10.0, 30.0])
    np.testing.assert_array_equal(moves[:, 1], [CONFLICT, COMPROMISE, CAPITULATION, NO_MOVE])
    np.testing.assert_array_equal(new[:, 0], [10.0] * 4)


def test_target_accepts_the_proposal_that_moves_it_least():
    x = np.array([0.0, 40.0, 100.0])
    proposed = np.full((3, 3), np.nan)
    proposed[0, 1] = 0.0  # move 40
    proposed[2, 1] = 70.0  # move 30
    kind = np.where(np.isnan(proposed), 0, CAPITULATION).astype(np.int8)
    new, _ = accept(x, proposed, kind)
    np.testing.assert_array_equal(new, [0.0, 70.0, 100.0])


# Property tests ----------------------------------------------------------------------

position = st.floats(0, 100, allow_nan=False).map(lambda v: round(v, 1))
capability = st.floats(0.1, 10, allow_nan=False)
# Salience on a grid of hundredths from 0.01: a salience of zero, or far below the others
# (1e-9), makes an actor's expected utilities tie within TIE_RTOL, and there the
# vectorised model and the loop reference break ties differently (found by Hypothesis in
# session 3; recorded in docs/forecasting.md under limits).
salience = st.integers(1, 100).map(lambda v: v / 100)


@st.composite
def actors(draw: st.DrawFn, min_n: int = 1, max_n: int = 7) -> tuple[np.ndarray, ...]:
    n = draw(st.integers(min_n, max_n))
    x = np.array(draw(st.lists(position, min_size=n, max_size=n)))
    c = np.array(draw(st.lists(capability, min_size=n, max_size=n)))
    s = np.array(draw(st.lists(salience, min_size=n, max_size=n)))
    return x, c, s


@BOUNDED
@given(actors())
def test_weighted_median_is_a_held_position_range_point_minimising_weighted_distance(data):
    x, c, s = data
    mu = weighted_median(x, c, s)
    assert x.min() <= mu <= x.max()
    w = c * s
    cost = np.abs(x[:, None] - x[None, :]).T @ w  # F at each held position
    cost_mu = np.abs(x - mu) @ w
    assert cost_mu <= cost.min() + 1e-9 * max(1.0, cost.min())


@BOUNDED
@given(position, capability, salience, st.integers(0, 8))
def test_a_lone_actor_does_not_move(x, c, s, rounds):
    f = forecast(np.array([x]), np.array([c]), np.array([s]), rounds=rounds)
    np.testing.assert_array_equal(f.positions, np.full((rounds + 1, 1), x))
    np.testing.assert_array_equal(f.median, np.full(rounds + 1, x))


@BOUNDED
@given(actors(max_n=6), st.integers(0, 4))
def test_vectorised_model_equals_loop_reference(data, rounds):
    x, c, s = data
    f = forecast(x, c, s, rounds=rounds)
    path, medians = reference.run(list(x), list(c), list(s), rounds)
    np.testing.assert_allclose(f.positions, np.array(path), rtol=0, atol=1e-9)
    np.testing.assert_allclose(f.median, medians, rtol=0, atol=1e-9)


@BOUNDED
@given(actors(min_n=2), st.randoms(use_true_random=False))
def test_permuting_actors_permutes_the_forecast(data, rnd):
    x, c, s = data
    perm = np.array(rnd.sample(range(len(x)), len(x)))
    f = forecast(x, c, s, rounds=4)
    g = forecast(x[perm], c[perm], s[perm], rounds=4)
    np.testing.assert_allclose(g.positions, f.positions[:, perm], atol=1e-9)
    np.testing.assert_allclose(g.median, f.median, atol=1e-9)


@BOUNDED
@given(actors(min_n=2), st.integers(1, 5))
def test_positions_stay_within_the_initial_range_and_risk_within_half_to_two(data, rounds):
    x, c, s = data
    f = forecast(x, c, s, rounds=rounds)
    assert np.all(f.positions >= x.min() - 1e-9)
    assert np.all(f.positions <= x.max() + 1e-9)
    assert np.all((f.risk >= 0.5 - 1e-12) & (f.risk <= 2.0 + 1e-12))


@BOUNDED
@given(actors(min_n=2))
def test_win_probabilities_of_a_pair_sum_to_one(data):
    x, c, s = data
    p = win_probability(x, c * s)
    w = c * s
    # k's margin for i over j; a pair is contested when some weighted margin is non-zero
    margin = np.abs(x[:, None, None] - x[None, None, :]) - np.abs(
        x[:, None, None] - x[None, :, None]
    )
    contested = (np.abs(margin) * w[:, None, None]).sum(axis=0) > 0
    np.testing.assert_allclose((p + p.T)[contested], 1.0, atol=1e-12)
    np.testing.assert_array_equal(p[~contested], 0.0)
    assert p.min() >= 0.0
    assert p.max() <= 1.0 + 1e-12


@BOUNDED
@given(st.lists(actors(min_n=3, max_n=5), min_size=2, max_size=4), st.data())
def test_scenario_axis_and_absent_actors_equal_separate_runs(cases, data):
    n = max(len(x) for x, _, _ in cases)
    k = len(cases)
    xs, cs, ss = np.zeros((k, n)), np.ones((k, n)), np.ones((k, n))
    active = np.zeros((k, n), dtype=bool)
    for i, (x, c, s) in enumerate(cases):
        keep = data.draw(st.lists(st.booleans(), min_size=len(x), max_size=len(x)))
        xs[i, : len(x)], cs[i, : len(x)], ss[i, : len(x)] = x, c, s
        active[i, : len(x)] = keep
    f = forecast(xs, cs, ss, rounds=3, active=active)
    for i in range(k):
        on = active[i]
        path, medians = reference.run(list(xs[i, on]), list(cs[i, on]), list(ss[i, on]), 3)
        np.testing.assert_allclose(f.positions[i][:, on], np.array(path).reshape(4, -1), atol=1e-9)
        np.testing.assert_allclose(f.median[i], medians, atol=1e-9)
        # the absent do not move
        np.testing.assert_array_equal(f.positions[i][:, ~on], np.tile(xs[i, ~on], (4, 1)))


def test_rejects_salience_outside_unit_interval():
    with pytest.raises(ValueError, match="salience"):
        forecast(np.array([1.0, 2.0]), np.array([1.0, 1.0]), np.array([0.5, 1.5]))


def test_status_quo_terms_matter_only_when_q_below_one():
    rng = np.random.default_rng(3)
    x, c, s = rng.uniform(0, 100, 6), rng.uniform(1, 5, 6), rng.uniform(0.2, 1, 6)
    base = forecast(x, c, s, rounds=3)
    same = forecast(x, c, s, rounds=3, q=1.0, t=0.0)
    np.testing.assert_array_equal(base.positions, same.positions)
    half = forecast(x, c, s, rounds=3, q=0.5, t=0.5)
    path, _ = reference.run(list(x), list(c), list(s), 3, q=0.5, t=0.5)
    np.testing.assert_allclose(half.positions, np.array(path), atol=1e-9)
    assert math.isfinite(float(half.outcome))


# The example case ---------------------------------------------------------------------

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ukraine-2022.yaml"


def test_example_case_forecast_report_maps_ideals_to_the_scale():
    from datetime import date

    from offramp.analysis.case_inputs import forecast_inputs
    from offramp.analysis.forecast_report import forecast_report
    from offramp.files.case import load_case

    case = load_case(EXAMPLE)
    issue = case.issue("donbas")
    inputs = forecast_inputs(case, "donbas", date(2022, 3, 11)).inputs
    for actor, x in zip(inputs.actors, inputs.positions, strict=True):
        ideal = case.position_at(actor, "donbas", date(2022, 3, 11)).ideal
        assert x == pytest.approx(100 * issue.index(ideal) / (len(issue.options) - 1))
    report = forecast_report(case, "donbas", date(2022, 3, 11), rounds=3)
    assert [r["round"] for r in report["rounds"]] == [0, 1, 2, 3]
    expected = forecast(inputs.positions, inputs.capability, inputs.salience, rounds=3)
    assert report["outcome"] == float(expected.outcome)
    assert report["outcome_option"] in issue.option_ids
