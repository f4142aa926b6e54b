"""Monte Carlo sensitivity: exact verdicts per scenario, reproducible runs, both backends."""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offramp.analysis.forecast import forecast
from offramp.analysis.montecarlo import (
    ForecastIssue,
    Ranges,
    Study,
    run_sensitivity,
    spearman,
    zone_and_nash,
)
from offramp.analysis.space import BargainingProblem

BOUNDED = settings(max_examples=50, derandomize=True, deadline=None)


def small_study(ranges: Ranges | None = None) -> Study:
    problem = BargainingProblem(
        parties=("RU", "UA"),
        issues=("alignment", "donbas", "crimea"),
        options=(("nato", "neutral"), ("ua", "split", "ru"), ("ua", "ru")),
        weights=np.array([[0.5, 0.3, 0.2], [0.4, 0.4, 0.2]]),
        values=(
            np.array([[0.0, 1.0], [0.6, 0.2]]),
            np.array([[0.0, 0.5, 1.0], [1.0, 0.5, 0.0]]),
            np.array([[0.2, 1.0], [1.0, 0.3]]),
        ),
        reservation=np.array([0.35, 0.4]),
    )
    issue = ForecastIssue(
        issue="donbas",
        actors=("RU", "UA", "US"),
        positions=np.array([100.0, 0.0, 20.0]),
        capability=np.array([8.0, 5.0, 9.0]),
        salience=np.array([0.9, 1.0, 0.5]),
    )
    return Study(problem, (issue,), ranges or Ranges(drop_actor=0.1), rounds=5)


# Exact verdicts ---------------------------------------------------------------------


@st.composite
def problems(draw: st.DrawFn) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    m = draw(st.integers(1, 4))
    p = draw(st.integers(2, 3))
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    values = [rng.integers(0, 5, (m, p, n)) / 4 for n in sizes]  # coarse: ties happen
    weights = rng.dirichlet(np.ones(len(sizes)), (m, p))
    reservation = rng.integers(0, 5, (m, p)) / 8
    return values, weights, reservation


@BOUNDED
@given(problems())
def test_zone_and_nash_equal_brute_force_over_every_package(data):
    values, weights, reservation = data
    zone, nash, util = zone_and_nash(values, weights, reservation)
    sizes = [v.shape[-1] for v in values]
    for s in range(reservation.shape[0]):
        best, best_product, best_index = None, -1.0, -1
        for k, package in enumerate(itertools.product(*map(range, sizes))):
            u = sum(weights[s, :, i] * values[i][s, :, o] for i, o in enumerate(package))
            gain = u - reservation[s]
            if np.all(gain >= 0) and np.prod(gain) > best_product:
                best, best_product, best_index = u, float(np.prod(gain)), k
        assert zone[s] == (best is not None)
        if best is None:
            assert nash[s] == -1
            assert np.all(np.isnan(util[s]))
        else:
            # the same maximal product; the first package in C order on exact ties
            chosen = np.unravel_index(nash[s], sizes)
            u = sum(weights[s, :, i] * values[i][s, :, o] for i, o in enumerate(chosen))
            assert math.isclose(np.prod(u - reservation[s]), best_product, rel_tol=1e-12)
            assert nash[s] <= best_index or math.isclose(
                np.prod(u - reservation[s]), best_product, rel_tol=1e-12
            )
            np.testing.assert_allclose(util[s], u, rtol=1e-12)


def test_no_perturbation_reproduces_the_deterministic_verdicts():
    zero = Ranges(salience=0, capability=0, position=0, values=0, reservation=0)
    study = small_study(zero)
    result = run_sensitivity(study, 50, seed=1, workers=1)
    pb = study.problem
    assert pb is not None
    base_zone, base_nash, _ = zone_and_nash(
        [v[None] for v in pb.values], pb.weights[None], pb.reservation[None]
    )
    assert np.all(result.zone == base_zone[0])
    assert np.all(result.nash == base_nash[0])
    f = study.forecasts[0]
    expected = forecast(f.positions, f.capability, f.salience, rounds=5).outcome
    np.testing.assert_array_equal(result.forecast_median[:, 0], expected)
    # the package reported is the Nash package of the unperturbed problem
    [(package, share)] = result.nash_distribution()
    assert share == 1.0
    assert package == result.package(int(base_nash[0]))


def test_reservation_that_decides_the_zone_ranks_first():
    # RU's values scaled by 0.8: its best package (neutral, ru, ru) is worth 0.8 to it
    # and 0.14 to UA. With RU's reservation at 0.85 +- 0.2 and UA's at 0 (+0.2 at most),
    # a zone exists about when RU's draw is below 0.8: RU's reservation must top the list.
    ranges = Ranges(salience=0, capability=0, position=0, values=0, reservation=0.2)
    base = small_study(ranges)
    assert base.problem is not None
    values = tuple(v * np.array([[0.8], [1.0]]) for v in base.problem.values)
    problem = dataclasses.replace(base.problem, values=values, reservation=np.array([0.85, 0.0]))
    study = dataclasses.replace(base, problem=problem)
    result = run_sensitivity(study, 2000, seed=7, workers=1)
    assert 0.3 < result.zone_probability < 0.8
    ranked = result.importance(top=2)["zone of agreement"]
    assert ranked[0][0] == "reservation RU"
    assert ranked[0][1] < -0.5  # a higher reservation closes the zone


def test_spearman_is_one_for_a_monotone_relation_and_nan_for_a_constant():
    x = np.column_stack([np.arange(10.0), np.ones(10), -(np.arange(10.0) ** 3)])
    rho = spearman(x, np.exp(np.arange(10.0)))
    assert rho[0] == pytest.approx(1.0)
    assert np.isnan(rho[1])
    assert rho[2] == pytest.approx(-1.0)


# Reproducibility --------------------------------------------------------------------


def _same(a, b) -> None:
    np.testing.assert_array_equal(a.zone, b.zone)
    np.testing.assert_array_equal(a.nash, b.nash)
    np.testing.assert_array_equal(a.nash_utility, b.nash_utility)
    np.testing.assert_array_equal(a.forecast_median, b.forecast_median)
    np.testing.assert_array_equal(a.forecast_mean, b.forecast_mean)
    np.testing.assert_array_equal(a.inputs, b.inputs)


def test_seeded_run_reproduces_exactly_whatever_the_worker_count():
    study = small_study()
    one = run_sensitivity(study, 700, seed=42, workers=1, chunk=200)
    two = run_sensitivity(study, 700, seed=42, workers=2, chunk=200)
    again = run_sensitivity(study, 700, seed=42, workers=1, chunk=200)
    _same(one, two)
    _same(one, again)
    other = run_sensitivity(study, 700, seed=43, workers=1, chunk=200)
    assert not np.array_equal(one.forecast_median, other.forecast_median)


def test_progress_reaches_the_total_and_seed_is_reported():
    seen: list[tuple[int, int]] = []
    result = run_sensitivity(
        small_study(), 450, workers=1, chunk=200, progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(200, 450), (400, 450), (450, 450)]
    repeat = run_sensitivity(small_study(), 450, seed=result.seed, workers=1, chunk=200)
    _same(result, repeat)


def test_dropped_actors_leave_the_forecast():
    study = small_study(Ranges(drop_actor=0.5))
    result = run_sensitivity(study, 400, seed=3, workers=1)
    names = result.input_names
    present = result.inputs[:, [names.index(f"present {a}") for a in ("RU", "UA", "US")]]
    assert 0.4 < present.mean() < 0.6
    # with only US left, the forecast is US's (perturbed) position
    alone = (present[:, 2] == 1) & (present[:, :2] == 0).all(axis=1)
    assert alone.any()
    us_pos = result.inputs[:, names.index("position US donbas")]
    np.testing.assert_array_equal(result.forecast_median[alone, 0], us_pos[alone])
    # with nobody left, there is no forecast
    nobody = (present == 0).all(axis=1)
    assert np.all(np.isnan(result.forecast_median[nobody, 0]))


def test_ranges_from_case_file_mapping():
    assert Ranges.from_mapping(None) == Ranges()
    assert Ranges.from_mapping({"salience": 0.2}).salience == 0.2
    with pytest.raises(ValueError, match="unknown keys: weights"):
        Ranges.from_mapping({"weights": 0.1})
    with pytest.raises(ValueError, match="drop_actor"):
        Ranges.from_mapping({"drop_actor": 1.0})
    with pytest.raises(ValueError, match="half-width"):
        Ranges(values=-0.1)


def test_json_summary_has_every_verdict():
    data = run_sensitivity(small_study(), 300, seed=5, workers=1).to_json()
    assert data["scenarios"] == 300 and data["seed"] == 5
    assert 0.0 <= data["zone_probability"] <= 1.0
    assert set(data["forecast_quantiles"]) == {"donbas"}
    assert set(data["importance"]) == {
        "zone of agreement",
        "Nash utility RU",
        "Nash utility UA",
        "forecast donbas",
    }


# Ray --------------------------------------------------------------------------------


def test_ray_backend_gives_the_local_numbers():
    import ray  # installed by `make test` (the ray extra); a missing install must fail, not skip

    study = small_study()
    local = run_sensitivity(study, 500, seed=11, workers=1, chunk=200)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        seen: list[int] = []
        remote = run_sensitivity(
            study, 500, seed=11, backend="ray", chunk=200, progress=lambda d, t: seen.append(d)
        )
    finally:
        ray.shutdown()
    _same(local, remote)
    assert remote.backend == "ray"
    assert sorted(seen)[-1] == 500


def test_example_case_zone_is_likelier_in_march_than_in_october():
    from datetime import date
    from pathlib import Path

    from offramp.analysis.case_inputs import study_from_case
    from offramp.files.case import load_case

    case = load_case(Path(__file__).resolve().parents[2] / "examples" / "ukraine-2022.yaml")
    march, _ = study_from_case(case, date(2022, 3, 11), rounds=3)
    october, _ = study_from_case(case, date(2022, 10, 28), rounds=3)
    p_march = run_sensitivity(march, 400, seed=2, workers=1).zone_probability
    p_october = run_sensitivity(october, 400, seed=2, workers=1).zone_probability
    assert p_march > p_october
