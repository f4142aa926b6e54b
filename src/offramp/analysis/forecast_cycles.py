"""Whether a forecast settles, and the range it spans when it does not.

The expected-utility model need not converge: on SCS2011's worked example Belgium
cycles with a period of about five rounds and drags Luxembourg and Ireland behind it
(``/work/shared/reference/bdm-scholz-2011.md`` sec. 3), so "the median after round N"
depends on N. A cycle is a result: :func:`settle` classifies a run as

* ``converged``: no actor moved in the last round; the forecast is the last median;
* ``cycle``: the positions of the last round recur ``period`` rounds earlier exactly
  (within ``TOLERANCE`` of the scale), or they swing: the actor that travels most
  has passed at least two peaks and two troughs, and ``period`` is the number of
  rounds between its last two peaks (or troughs, whichever is longer);
* ``unsettled``: neither; the range is taken over the last half of the run.

For a cycle or an unsettled run the forecast is the range the median (and the mean)
spans over the last ``period`` rounds (the last half of the run when unsettled), with
a warning. These thresholds are offramp's, not the literature's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from offramp.analysis.forecast import Forecast

#: Relative to the position range: below this an actor has not moved.
TOLERANCE = 1e-9

Status = Literal["converged", "cycle", "unsettled"]


@dataclass(frozen=True)
class Settlement:
    """How one run ends (see the module docstring)."""

    status: Status
    period: int  # 0 unless a cycle
    exact: bool  # a cycle whose positions recur exactly
    first: int  # the first round of the window the range is taken over
    last: int
    median_range: tuple[float, float]
    mean_range: tuple[float, float]

    @property
    def warning(self) -> str:
        """A sentence for the reader, empty when the run converged."""
        lo, hi = self.median_range
        span = f"the median spans {lo:.2f} to {hi:.2f} over rounds {self.first}-{self.last}"
        if self.status == "cycle":
            how = "exactly" if self.exact else "approximately"
            return (
                f"the model does not converge: the positions repeat {how} every "
                f"{self.period} rounds, so the forecast is a range: {span}"
            )
        if self.status == "unsettled":
            return (
                f"the model has not settled after {self.last} rounds and no cycle was "
                f"found, so the forecast is a range: {span}"
            )
        return ""

    def to_json(self) -> dict[str, object]:
        """Plain data for reports."""
        return {
            "status": self.status,
            "period": self.period,
            "exact": self.exact,
            "rounds": [self.first, self.last],
            "median_range": list(self.median_range),
            "mean_range": list(self.mean_range),
            "warning": self.warning,
        }


def settle(result: Forecast) -> Settlement:
    """Classify a single run (positions of shape (rounds + 1, N))."""
    x = np.asarray(result.positions)
    if x.ndim != 2:
        raise ValueError("settle takes one run: positions of shape (rounds + 1, N)")
    last = x.shape[0] - 1
    median, mean = result.median, result.mean
    scale = float(np.ptp(x[0])) or 1.0

    def window(first: int) -> tuple[tuple[float, float], tuple[float, float]]:
        med = median[first : last + 1]
        avg = mean[first : last + 1]
        return (float(np.min(med)), float(np.max(med))), (float(np.min(avg)), float(np.max(avg)))

    if last == 0 or np.max(np.abs(x[last] - x[last - 1])) <= TOLERANCE * scale:
        med_at, mean_at = float(median[last]), float(mean[last])
        return Settlement("converged", 0, False, last, last, (med_at, med_at), (mean_at, mean_at))
    for p in range(2, last + 1):
        if np.max(np.abs(x[last] - x[last - p])) <= TOLERANCE * scale:
            med, avg = window(last - p + 1)
            return Settlement("cycle", p, True, last - p + 1, last, med, avg)
    period = _swing_period(x, TOLERANCE * scale)
    if period:
        first = max(1, last - period + 1)
        med, avg = window(first)
        return Settlement("cycle", period, False, first, last, med, avg)
    first = max(1, last - (last + 1) // 2 + 1)
    med, avg = window(first)
    return Settlement("unsettled", 0, False, first, last, med, avg)


def _swing_period(x: np.ndarray, tol: float) -> int:
    """The rounds between the last two peaks (or troughs) of the actor that travels most.

    A peak is a round where an actor's position is above both neighbours by more than
    ``tol``; a trough, below both. Actors with fewer than two peaks and two troughs are
    not swinging. 0 when no actor swings.
    """
    if x.shape[0] < 4:
        return 0
    up = np.diff(x, axis=0)  # (rounds, N)
    peak = (up[:-1] > tol) & (up[1:] < -tol)  # round t + 1 is a peak
    trough = (up[:-1] < -tol) & (up[1:] > tol)
    travel = np.abs(up).sum(axis=0)
    for k in np.argsort(-travel, kind="stable"):
        gaps = [np.diff(np.flatnonzero(e[:, k]))[-1:] for e in (peak, trough)]
        if all(g.size for g in gaps):
            return int(max(int(g[0]) for g in gaps))
    return 0
