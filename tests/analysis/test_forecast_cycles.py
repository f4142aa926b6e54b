"""Whether a forecast settles: convergence, exact cycles, swings and unsettled runs."""

from __future__ import annotations

import numpy as np
import pytest

from offramp.analysis.forecast import Forecast, forecast
from offramp.analysis.forecast_cycles import settle
from offramp.analysis.forecast_options import PRINTED


def _run(path: list[list[float]]) -> Forecast:
    """A Forecast whose positions are ``path``; median and mean are the first actor's."""
    x = np.array(path, dtype=float)
    t, n = x.shape
    return Forecast(
        positions=x,
        median=x[:, 0].copy(),
        mean=x.mean(axis=1),
        risk=np.ones((t - 1, n)),
        moves=np.zeros((t - 1, n), dtype=np.int8),
        partner=np.full((t - 1, n), -1),
        options=PRINTED,
    )


def test_a_run_that_stops_moving_has_converged_on_its_last_median() -> None:
    # the three-actor case of test_forecast.py settles on 50 after one round
    f = forecast(np.array([0.0, 50.0, 100.0]), np.array([1.0, 2.0, 1.5]), np.ones(3), rounds=4)
    st = settle(f)
    assert st.status == "converged" and st.median_range == (50.0, 50.0)
    assert st.warning == ""


def test_an_exact_two_round_cycle_is_found_with_its_range() -> None:
    st = settle(_run([[0, 10], [5, 10], [8, 10], [5, 10], [8, 10], [5, 10]]))
    assert (st.status, st.period, st.exact) == ("cycle", 2, True)
    assert (st.first, st.last) == (4, 5)
    assert st.median_range == (5.0, 8.0)
    assert "repeat exactly every 2 rounds" in st.warning


def test_a_swing_with_two_peaks_and_troughs_is_an_approximate_cycle() -> None:
    a = [0, 4, 8, 2, 5, 9, 1, 6, 3]  # peaks at rounds 2, 5 (8, 9); troughs at 3, 6
    st = settle(_run([[v, 10] for v in a]))
    assert (st.status, st.period, st.exact) == ("cycle", 3, False)
    assert (st.first, st.last) == (6, 8)
    assert st.median_range == (1.0, 6.0)


def test_a_monotone_drift_is_unsettled_not_a_cycle() -> None:
    st = settle(_run([[v, 10] for v in (0, 5, 7.5, 8.75, 9.375, 9.6875)]))
    assert st.status == "unsettled" and st.period == 0
    assert (st.first, st.last) == (3, 5)
    assert st.median_range == pytest.approx((8.75, 9.6875))
    assert "has not settled after 5 rounds" in st.warning


def test_settle_takes_one_run() -> None:
    f = forecast(np.zeros((2, 3)), np.ones((2, 3)), np.ones((2, 3)), rounds=1)
    with pytest.raises(ValueError, match="one run"):
        settle(f)
