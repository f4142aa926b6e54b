"""The worked example of Scholz, Calbert & Smith (2011): BDM (1994)'s EC emissions case.

Input: ``tests/analysis/data/bdm1994_emissions.csv``, Bueno de Mesquita (1994, p. 78)
as used by Scholz, Calbert & Smith (2011) [SCS2011].

What these tests check, and what they do not:

* The initial weighted median (7) and weighted mean (7.39) of the table. These are
  derived by hand from the table below (the derivation is in the comments), not read
  from the paper.
* That the vectorised model and the loop reference (``benchmarks/forecast_reference.py``)
  give the same positions, medians and means, round by round, on this table.

The paper's worked example, round by round, is checked in ``test_forecast_scholz.py``
against the ``scholz-code`` variant (the oracle: a re-run of a public re-implementation
claimed to reproduce the paper; the paper's own per-round table was not available).
These tests run the default ``printed`` variant, which does not reproduce it.
``docs/forecasting.md`` ("The worked example") says what is and is not checked.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from offramp.analysis.forecast import FloatArray, forecast, weighted_mean, weighted_median
from support.forecast import EU_1994_ACTORS, forecast_reference

DATA = Path(__file__).resolve().parent / "data" / "bdm1994_emissions.csv"

reference = forecast_reference()


def _table() -> tuple[list[str], FloatArray, FloatArray, FloatArray]:
    with DATA.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    names = [r["actor"] for r in rows]
    c = np.array([float(r["capability"]) for r in rows])
    x = np.array([float(r["position"]) for r in rows])
    s = np.array([float(r["salience"]) for r in rows])
    return names, x, c, s


def test_table_has_the_ten_member_states_on_the_three_dates() -> None:
    names, x, c, s = _table()
    assert names == EU_1994_ACTORS
    assert sorted(set(x.tolist())) == [4.0, 7.0, 10.0]
    assert np.all((s >= 0) & (s <= 1)) and np.all(c > 0)


def test_initial_weighted_median_is_7() -> None:
    _, x, c, s = _table()
    # Weights c*s: at 4 NL .064 + LU .006 + DE .128 + DK .050 = .248;
    # at 7 BE .032 + IE .005 + GR .056 = .093; at 10 FR .096 + IT .096 + UK .144 = .336.
    # Total .677, half .3385: from below .248 < .3385 <= .341, from above .336 < .3385,
    # so 7 beats both 4 and 10 in the pairwise vote, with no tie.
    assert weighted_median(x, c, s) == 7.0


def test_initial_weighted_mean_is_7_39() -> None:
    _, x, c, s = _table()
    # (4 * .248 + 7 * .093 + 10 * .336) / .677 = 5.003 / .677 = 7.38996...
    mean = float(weighted_mean(x, c, s))
    assert round(mean, 2) == 7.39
    assert mean == pytest.approx(5.003 / 0.677, rel=1e-12)


@pytest.mark.parametrize("rounds", [1, 3, 10])
def test_vectorised_model_equals_loop_reference_on_the_table(rounds: int) -> None:
    _, x, c, s = _table()
    got = forecast(x, c, s, rounds=rounds)
    path, medians = reference.run(x.tolist(), c.tolist(), s.tolist(), rounds)
    np.testing.assert_allclose(got.positions, np.array(path), rtol=0, atol=1e-9)
    np.testing.assert_allclose(got.median, np.array(medians), rtol=0, atol=1e-9)
    means = [reference.mean(p, c.tolist(), s.tolist()) for p in path]
    np.testing.assert_allclose(got.mean, np.array(means), rtol=0, atol=1e-12)
    # The model's outcome stays between the extreme dates of the table.
    assert np.all((got.median >= 4.0) & (got.median <= 10.0))
