"""Upper bounds on the bargaining optima from the convex hull of the utility set, by duality.

The utility vectors of all packages form a Minkowski sum of per-issue option sets, so
the support function of its convex hull H is separable and costs one pass over the
options:

    h(d) = max over packages x of d . u(x) = sum_i max_o d . c[i, o]      (d >= 0).

Every solution's objective is concave, and weak Lagrangian duality turns any weighting
``d`` into a certified upper bound on its maximum over the packages in the zone:

- egalitarian, ``min_p (u_p - r_p)``: for ``d`` on the simplex the minimum is at most the
  average ``d . (u - r)``, so the optimum is at most ``h(d) - d . r``;
- Kalai-Smorodinsky with a given ideal: the same, on gains scaled by ``1 / (ideal_p - r_p)``;
- Nash, ``prod_p (u_p - r_p)``: ``log g <= t g - 1 - log t`` for every ``t > 0``, which with
  ``t = s d`` and the best scale ``s`` gives ``prod_p g_p <= ((h(d) - d . r) / P)^P / prod_p d_p``;
- a linear objective ``w . u`` over the zone (utilitarian: w = 1; one party's best zone
  utility, the Kalai-Smorodinsky ideal: w = e_p): for ``mu >= 0``,
  ``w . u <= w . u + mu . (u - r)``, so the optimum is at most ``h(w + mu) - mu . r``.

Each bound holds for every ``d`` (or ``mu``), so a few hundred steps of mirror descent
(exponentiated subgradient steps on the simplex, Nemirovski and Yudin 1983; Beck and
Teboulle 2003) only make it tighter, never wrong. With many issues the hull's optimum is
close to the discrete one (the Shapley-Folkman theorem: the duality gap is at most about
P issues' worth of utility; Starr 1969, Aubin and Ekeland 1976), so these bounds stay
small where the epsilon of a thinned frontier, summed over every merge, does not.

References
----------
Starr, R. M. (1969). Quasi-equilibria in markets with non-convex preferences.
Econometrica 37(1), 25-38.
Aubin, J.-P., and Ekeland, I. (1976). Estimates of the duality gap in nonconvex
optimization. Mathematics of Operations Research 1(3), 225-245.
Nemirovski, A., and Yudin, D. (1983). Problem Complexity and Method Efficiency in
Optimization. Wiley.
Beck, A., and Teboulle, M. (2003). Mirror descent and nonlinear projected subgradient
methods for convex optimization. Operations Research Letters 31(3), 167-175.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from offramp.analysis.space import BargainingProblem, FloatArray, IntArray

#: Mirror-descent steps per bound.
STEPS = 300
#: Relative and absolute slack added to every bound, for rounding in the sums.
_SAFETY = 1e-9


class Hull:
    """The support function of the hull of a problem's utility set, columns chosen."""

    def __init__(self, contributions: list[FloatArray]) -> None:
        n_parties = contributions[0].shape[1] if contributions else 0
        widest = max((c.shape[0] for c in contributions), default=1)
        # Pad every issue to the same number of options by repeating its first option.
        padded = np.empty((len(contributions), widest, n_parties))
        for i, c in enumerate(contributions):
            padded[i, : c.shape[0]] = c
            padded[i, c.shape[0] :] = c[0]
        self._options = padded

    @classmethod
    def of(cls, problem: BargainingProblem) -> Hull:
        return cls([problem.contribution(i) for i in range(problem.n_issues)])

    def scaled(self, columns: IntArray, factors: FloatArray) -> Hull:
        """The hull of the utilities of the parties ``columns``, each times its factor."""
        hull = Hull([])
        hull._options = self._options[:, :, columns] * factors
        return hull

    @property
    def n_parties(self) -> int:
        return int(self._options.shape[2])

    def support(self, d: FloatArray) -> tuple[float, FloatArray, IntArray]:
        """``h(d)``, the utilities of a package attaining it (a subgradient), the package.

        Padding repeats option 0, so the first maximiser is always a real option.
        """
        values = self._options @ d  # (I, m)
        best = values.argmax(axis=1)
        chosen = self._options[np.arange(self._options.shape[0]), best]
        return float(values.max(axis=1).sum()), chosen.sum(axis=0), best


def _safe(bound: float) -> float:
    return bound + _SAFETY * (1.0 + abs(bound))


def _descend(n: int, value_and_gradient: Callable[[FloatArray], tuple[float, FloatArray]]) -> float:
    """The smallest value met by mirror descent on the simplex (every value is a bound)."""
    d = np.full(n, 1.0 / n)
    best = np.inf
    for step in range(STEPS):
        value, gradient = value_and_gradient(d)
        best = min(best, value)
        scale = float(np.abs(gradient).max())
        if not np.isfinite(value) or scale == 0.0:
            break
        d = d * np.exp(-gradient / (scale * np.sqrt(step + 1.0)))
        d = np.maximum(d / d.sum(), 1e-12)
        d /= d.sum()
    return best


def egalitarian_bound(hull: Hull, reservation: FloatArray) -> float:
    """No zone package's smallest gain ``min_p (u_p - r_p)`` exceeds this."""

    def value_and_gradient(d: FloatArray) -> tuple[float, FloatArray]:
        h, u, _ = hull.support(d)
        return h - float(d @ reservation), u - reservation

    if hull.n_parties == 0:
        return np.inf
    return _safe(_descend(hull.n_parties, value_and_gradient))


def ks_bound(hull: Hull, reservation: FloatArray, ideal: FloatArray) -> float:
    """No zone package's ``min_p (u_p - r_p) / (ideal_p - r_p)`` exceeds this (flat: 1)."""
    span = ideal - reservation
    moving = np.flatnonzero(span > 0)
    if moving.size == 0:
        return 1.0
    factors = 1.0 / span[moving]
    scaled = hull.scaled(moving, factors)
    return egalitarian_bound(scaled, reservation[moving] * factors)


def nash_bound(hull: Hull, reservation: FloatArray) -> float:
    """No zone package's product of gains ``prod_p (u_p - r_p)`` exceeds this."""
    p = hull.n_parties
    if egalitarian_bound(hull, reservation) <= 0.0:
        return 0.0  # every zone package leaves some party at exactly its reservation

    def value_and_gradient(d: FloatArray) -> tuple[float, FloatArray]:
        h, u, _ = hull.support(d)
        slack = h - float(d @ reservation)
        if slack <= 0.0:
            return np.inf, np.zeros(p)
        # log of ((h - d.r) / P)^P / prod d, and its gradient in d
        value = p * np.log(slack / p) - float(np.log(d).sum())
        # the gradient times d (a step in log d): bounded where the plain one is not
        return value, p * d * (u - reservation) / slack - 1.0

    log_bound = _descend(p, value_and_gradient)
    return _safe(float(np.exp(log_bound))) if np.isfinite(log_bound) else np.inf


def linear_bound(
    hull: Hull, reservation: FloatArray, weights: FloatArray
) -> tuple[float, list[IntArray]]:
    """No zone package's ``weights . u`` exceeds the number returned, and the packages met
    on the way whose hull utilities were in the zone (candidates, to check exactly).

    Projected subgradient steps on ``mu >= 0``; each step's maximiser of
    ``(weights + mu) . u`` is a real package.
    """
    mu = np.zeros(hull.n_parties)
    best = np.inf
    found: list[IntArray] = []
    for step in range(STEPS):
        h, u, package = hull.support(weights + mu)
        best = min(best, h - float(mu @ reservation))
        if (u >= reservation).all():
            found.append(package)
        gradient = u - reservation
        scale = float(np.abs(gradient).max())
        if scale == 0.0:
            break
        mu = np.maximum(mu - gradient / (scale * np.sqrt(step + 1.0)), 0.0)
    return _safe(best), found


def utilitarian_bound(hull: Hull, reservation: FloatArray) -> float:
    """No zone package's ``sum_p u_p`` exceeds this."""
    return linear_bound(hull, reservation, np.ones(hull.n_parties))[0]


def zone_ideal_bound(hull: Hull, reservation: FloatArray) -> tuple[FloatArray, list[IntArray]]:
    """No zone package gives party p more than entry p of the array returned; with it,
    packages met on the way that may be in the zone (their utilities to be checked)."""
    eye = np.eye(hull.n_parties)
    pairs = [linear_bound(hull, reservation, eye[p]) for p in range(hull.n_parties)]
    return np.array([bound for bound, _ in pairs]), [x for _, xs in pairs for x in xs]
