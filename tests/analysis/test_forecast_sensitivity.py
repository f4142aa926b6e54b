"""The replications' sensitivity study: salience perturbed by N(0, 0.05), clipped to [0, 1]."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from offramp.analysis.actor_table import load_actor_table
from offramp.analysis.forecast import forecast
from offramp.analysis.forecast_options import SCHOLZ_CODE
from offramp.analysis.montecarlo import run_chunk, run_sensitivity, salience_study

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "eu-emissions-1994.csv"


@pytest.fixture(scope="module")
def study():  # type: ignore[no-untyped-def]
    return salience_study(load_actor_table(EXAMPLE).issue, rounds=10, options=SCHOLZ_CODE)


def test_only_salience_varies_and_by_a_clipped_normal_of_sd_0_05(study) -> None:  # type: ignore[no-untyped-def]
    issue = study.forecasts[0]
    chunk = run_chunk(study, seed=3, index=0, size=2000)
    names = study.input_names()
    sal = chunk.inputs[:, [names.index(f"salience {a} {issue.issue}") for a in issue.actors]]
    pos = chunk.inputs[:, [names.index(f"position {a} {issue.issue}") for a in issue.actors]]
    np.testing.assert_array_equal(pos, np.broadcast_to(issue.positions, pos.shape))
    assert sal.min() >= 0.0 and sal.max() <= 1.0
    # Denmark's 1.0 is clipped about half the time; the others are unclipped normals
    dk = issue.actors.index("Denmark")
    assert 0.45 < np.mean(sal[:, dk] == 1.0) < 0.55
    noise = np.delete(sal - issue.salience, dk, axis=1)
    assert noise.std() == pytest.approx(0.05, rel=0.03)
    assert abs(noise.mean()) < 0.002
    # each draw's forecast is the model's on that draw's saliences
    k = 17
    one = forecast(issue.positions, issue.capability, sal[k], rounds=10, options=SCHOLZ_CODE)
    assert chunk.forecast_mean[k, 0] == one.mean[-1]
    assert chunk.forecast_median[k, 0] == one.median[-1]


def test_distribution_of_the_forecast_over_draws(study) -> None:  # type: ignore[no-untyped-def]
    result = run_sensitivity(study, 600, seed=5, workers=1, chunk=200)
    dist = result.forecast_distribution()["eu-emissions-1994"]
    q = dist["mean"]
    assert q["p05"] <= q["p25"] <= q["p50"] <= q["p75"] <= q["p95"]
    assert dist["median"]["p05"] >= 4.0 and dist["median"]["p95"] <= 10.0
    # the unperturbed example cycles; most perturbed draws still move in round 10
    assert dist["unsettled_share"] > 0.5
    again = run_sensitivity(study, 600, seed=5, workers=2, chunk=200)
    np.testing.assert_array_equal(again.forecast_mean, result.forecast_mean)


@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="ray is not installed")
def test_ray_gives_the_local_numbers_for_the_same_seed(study) -> None:  # type: ignore[no-untyped-def]
    local = run_sensitivity(study, 300, seed=9, workers=1, chunk=100)
    remote = run_sensitivity(study, 300, seed=9, backend="ray", workers=1, chunk=100)
    assert remote.backend == "ray"
    np.testing.assert_array_equal(remote.forecast_median, local.forecast_median)
    np.testing.assert_array_equal(remote.forecast_mean, local.forecast_mean)
    np.testing.assert_array_equal(remote.forecast_settled, local.forecast_settled)
