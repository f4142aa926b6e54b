"""The expected-utility group decision model, vectorised over actors and scenarios.

This is Bueno de Mesquita's (BDM) forecasting model as made explicit by Scholz,
Calbert and Smith (2011), "Unravelling Bueno de Mesquita's group decision model",
*Journal of Theoretical Politics* 23(4):510-531 [SCS2011], who assemble it from
BDM (1985) "The war trap revisited", *APSR* 79(1) [BDM1985] and BDM (1994)
"Political forecasting: an expected utility method", in *European Community
Decision Making* (Yale UP) [BDM1994].

Equation numbers are SCS2011's (as cited, equation by equation, in the comments of
``decisionmechanics/eum``, ``Issue.cs``, and checked against screenshots of the
printed equations; ``/work/shared/reference/bdm-scholz-2011.md`` has the details):
votes and the median (sec. 3.2), win probability (eq. 30), utilities (eqs. 15, 16,
18, 19, 24), expected utility (eqs. 25a, 25b), risk (eqs. 32, 33), offers (sec. 6).

Where the literature can be read two ways the reading is an option of
:class:`offramp.analysis.forecast_options.ModelOptions`; ``PRINTED`` (the paper's
equations) and ``SCHOLZ_CODE`` (the code that reproduces the paper's worked example)
are the two named variants. ``tests/analysis/test_forecast_paper.py`` checks the
second against the worked example round by round.

Each round (SCS2011, appendix "the algorithm", steps 2-11):

1. ``weighted_median`` and ``weighted_mean`` (sec. 3.2): the forecast outcome.
2. ``win_probability`` (eq. 30): the probability that i prevails over j, from the
   capability x salience weighted votes of every actor.
3. ``expected_utility`` (eqs. 15-25) with every risk exponent at 1, then
   ``risk_exponent`` (eqs. 32-33) from each actor's danger.
4. ``expected_utility`` again with the new exponents.
5. ``proposals`` (sec. 6): conflict, compromise or capitulation; each actor accepts
   one offer (``accept`` or ``accept_by_class``).

Every function takes arrays whose last axis is the actor axis (N,), with any leading
scenario axes, so one call runs thousands of Monte Carlo scenarios.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from offramp.analysis.forecast_options import PRINTED, ModelOptions, Probability

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: Relative tolerance under which two sums of weighted distances count as a tie.
TIE_RTOL = 1e-9

#: Elements of the N^3 vote tensor built at once in ``win_probability``.
_BLOCK = 1 << 19


@dataclass(frozen=True)
class Forecast:
    """Positions and predicted outcome, round by round.

    ``positions`` has shape (..., rounds + 1, N): row 0 is the input. ``median`` and
    ``mean`` have shape (..., rounds + 1). ``risk`` has shape (..., rounds, N): the
    exponent r_i each actor used in each round. ``moves`` (..., rounds, N) says how
    each actor moved: 0 none, 1 lost a conflict, 2 compromised, 3 capitulated;
    ``partner`` (..., rounds, N) whose offer it took (an actor index, -1 for none).
    ``options`` is the reading of the model the run used.
    """

    positions: FloatArray
    median: FloatArray
    mean: FloatArray
    risk: FloatArray
    moves: NDArray[np.int8]
    partner: NDArray[np.intp]
    options: ModelOptions = PRINTED

    @property
    def outcome(self) -> FloatArray:
        """The forecast: the weighted median after the last round, shape (...)."""
        return self.median[..., -1]


NO_MOVE, CONFLICT, COMPROMISE, CAPITULATION = 0, 1, 2, 3
MOVE_NAMES = ("none", "conflict", "compromise", "capitulation")


def _active(x: FloatArray, active: BoolArray | None) -> BoolArray:
    if active is None:
        return np.ones(x.shape, dtype=bool)
    return np.broadcast_to(active, x.shape)


def _weights(capability: FloatArray, salience: FloatArray, active: BoolArray) -> FloatArray:
    """Voting weight c_i * s_i of each actor; zero for an absent actor (SCS2011 sec. 3.2)."""
    return np.where(active, capability * salience, 0.0)


def weighted_mean(
    positions: FloatArray,
    capability: FloatArray,
    salience: FloatArray,
    active: BoolArray | None = None,
) -> FloatArray:
    """The mean position weighted by c_i * s_i [BDM1994; SCS2011 sec. 3.2].

    SCS2011 report it beside the median as BDM's second forecast. NaN when no
    actor has weight.
    """
    w = _weights(capability, salience, _active(positions, active))
    total = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray((w * positions).sum(axis=-1) / total, dtype=np.float64)


def weighted_median(
    positions: FloatArray,
    capability: FloatArray,
    salience: FloatArray,
    active: BoolArray | None = None,
) -> FloatArray:
    """The median voter position: the Condorcet winner among the positions held.

    With the votes of SCS2011 sec. 3.2, position x_j beats x_l when
    sum_k c_k s_k (|x_k - x_l| - |x_k - x_j|) > 0 [BDM1994; SCS2011 sec. 3.2,
    following Black 1948], i.e. when F(x_j) < F(x_l) for
    F(y) = sum_k c_k s_k |x_k - y|. The held position minimising F therefore beats
    or ties every other: it is Black's weighted median.

    Reading chosen where SCS2011 is silent: when several held positions tie (F equal
    within ``TIE_RTOL``; the weight splits exactly in half), the result is the
    midpoint of the tied positions, so it does not depend on the order of actors or
    on the direction of the scale. NaN when no actor is active.
    """
    act = _active(positions, active)
    w = _weights(capability, salience, act)
    dist = np.abs(positions[..., :, None] - positions[..., None, :])  # [k, j]
    f = np.einsum("...k,...kj->...j", w, dist)
    f = np.where(act, f, np.inf)
    fmin = f.min(axis=-1, keepdims=True)
    tied = f <= fmin + TIE_RTOL * np.maximum(np.abs(fmin), 1.0)
    lo = np.where(tied, positions, np.inf).min(axis=-1)
    hi = np.where(tied, positions, -np.inf).max(axis=-1)
    with np.errstate(invalid="ignore"):
        return np.asarray(np.where(act.any(axis=-1), (lo + hi) / 2, np.nan), dtype=np.float64)


def _positive_margins(u: FloatArray, weights: FloatArray) -> FloatArray:
    """num[i, j] = sum_k w_k max(u[k, j] - u[k, i], 0): the votes for i over j.

    ``u[k, l]`` is voter k's (possibly risk-adjusted) distance to x_l, shape
    (..., N, N). One contiguous N^3 pass and a matrix product, in blocks of scenarios
    that stay in cache (measured: about twice as fast as one big block).
    """
    n = u.shape[-1]
    lead = u.shape[:-2]
    flat_d = u.reshape(-1, n, n)
    flat_w = np.broadcast_to(weights, (*lead, n)).reshape(-1, 1, n)
    num = np.empty_like(flat_d)
    block = max(1, _BLOCK // n**3)
    for lo in range(0, flat_d.shape[0], block):
        d = flat_d[lo : lo + block]
        g = np.subtract(d[:, :, None, :], d[:, :, :, None])  # g[k, i, j] = u_kj - u_ki
        np.maximum(g, 0.0, out=g)
        num[lo : lo + block] = (flat_w[lo : lo + block] @ g.reshape(-1, n, n * n)).reshape(-1, n, n)
    return num.reshape(*lead, n, n)


def win_probability(
    positions: FloatArray,
    weights: FloatArray,
    *,
    formula: Probability = "pairwise",
    risk: FloatArray | None = None,
    scale: FloatArray | None = None,
    active: BoolArray | None = None,
) -> FloatArray:
    """(SCS2011 eq. 30) P[i, j], the probability that i prevails over j, (..., N, N).

    Actor k casts v_k(i, j) = c_k s_k (|x_k - x_j| - |x_k - x_i|) / dx for i
    against j [BDM1994; SCS2011 sec. 3.2]. ``formula="pairwise"``, the equation as
    printed:

        P[i, j] = sum_{k: v_k(i,j) > 0} v_k(i, j) / sum_k |v_k(i, j)|

    (dx cancels), so P[i, j] + P[j, i] = 1 whenever x_i != x_j; P is 0 where no vote
    discriminates (x_i = x_j, or no weight). ``formula="all-triples"``, Scholz's code
    as replicated: distances are risk-adjusted with each voter's own exponent,
    u_kl = (|x_k - x_l| / dx) ** r_k (``risk`` and ``scale`` = dx are then needed),
    the numerator is sum_k w_k max(u_kj - u_ki, 0), and the denominator is
    sum_k w_k sum_{l, m} |u_kl - u_km| over every ordered pair of (``active``) actors.
    """
    dist = np.abs(positions[..., :, None] - positions[..., None, :])  # [k, l]
    if formula == "all-triples":
        if risk is None or scale is None:
            raise ValueError("the all-triples probability needs risk exponents and the scale")
        u = (dist / scale[..., None, None]) ** risk[..., :, None]
        num = _positive_margins(u, weights)
        # sum_k w_k sum_{l,m} |u_kl - u_km| = 2 sum_{l,m} num[l, m], over present actors
        pair = np.ones(positions.shape, dtype=bool) if active is None else active
        both = pair[..., :, None] & pair[..., None, :]
        den = 2.0 * np.where(both, num, 0.0).sum(axis=(-2, -1))
        den = np.broadcast_to(den[..., None, None], num.shape)
        differ = positions[..., :, None] != positions[..., None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            p = np.where(differ & (den > 0.0), num / np.where(den > 0.0, den, 1.0), 0.0)
        return np.asarray(p, dtype=np.float64)
    if formula != "pairwise":
        raise ValueError(f"unknown probability formula {formula!r}")
    num = _positive_margins(dist, weights)
    f = (weights[..., None, :] @ dist)[..., 0, :]  # F(x_j) = sum_k w_k |x_k - x_j|
    # sum_k w_k |g| = 2 * sum_k w_k max(g, 0) - sum_k w_k g.
    den = 2.0 * num - (f[..., None, :] - f[..., :, None])
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(den > 0.0, num / np.where(den > 0.0, den, 1.0), 0.0)
    return np.asarray(p, dtype=np.float64)


def _u(base: FloatArray, r: FloatArray) -> FloatArray:
    """2 - 4 * base ** r, the utility form of SCS2011 eqs. 15, 16, 18, 19 and 24."""
    base = np.maximum(base, 0.0)
    if np.all(r == 1.0):  # x ** 1.0 == x exactly: skip the costly power
        return np.asarray(2.0 - 4.0 * base, dtype=np.float64)
    # a materialised exponent is markedly faster than a broadcast one in np.power
    return np.asarray(2.0 - 4.0 * base ** np.broadcast_to(r, base.shape).copy(), dtype=np.float64)


def challenge_utilities(
    distance: FloatArray, risk: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """U_s (eq. 15), U_f (eq. 16) and U_sq (eq. 24) of a challenge over distance d."""
    return (
        _u(0.5 - 0.5 * distance, risk),
        _u(0.5 + 0.5 * distance, risk),
        _u(np.full_like(risk, 0.5), risk),
    )


def expected_utility(
    distance: FloatArray,
    median_distance: FloatArray,
    prob: FloatArray,
    target_salience: FloatArray,
    risk: FloatArray,
    *,
    q: float = 1.0,
    t: float = 1.0,
) -> FloatArray:
    """(SCS2011 eq. 25a) EU of a challenge by i against j, seen by an actor with risk r.

    With d = |x_i - x_j| / dx and m = |x_i - mu| / dx (mu the median) the
    utilities [BDM1994; SCS2011 eqs. 15, 16, 18, 19, 24] are

        U_s  = 2 - 4 (0.5 - 0.5 d) ** r          i succeeds
        U_f  = 2 - 4 (0.5 + 0.5 d) ** r          i fails
        U_b  = 2 - 4 (0.5 - 0.25 (m + d)) ** r   things get better without a challenge
        U_w  = 2 - 4 (0.5 + 0.25 (m + d)) ** r   things get worse without a challenge
        U_sq = 2 - 4 (0.5) ** r                  status quo

    and eq. 25a, with s_j the target's salience (the chance it resists) and P_ij (eq. 30):

        EU_i|j = s_j (P_ij U_s + (1 - P_ij) U_f) + (1 - s_j) U_s
                 - Q U_sq - (1 - Q) (T U_b + (1 - T) U_w)

    Q (the chance the status quo persists) and T (the chance it improves if not)
    default to 1.0, the values used in the replications of SCS2011's example;
    with Q = 1 the last bracket, and so mu, drop out. All arguments broadcast.
    """
    u_s, u_f, u_sq = challenge_utilities(distance, risk)
    return _combine(u_s, u_f, u_sq, distance, median_distance, prob, target_salience, risk, q, t)


def _combine(
    u_s: FloatArray,
    u_f: FloatArray,
    u_sq: FloatArray,
    distance: FloatArray,
    median_distance: FloatArray,
    prob: FloatArray,
    target_salience: FloatArray,
    risk: FloatArray,
    q: float,
    t: float | FloatArray,
) -> FloatArray:
    """Eq. 25a from the utilities; ``t`` may be an array (one T per challenge)."""
    # s (P U_s + (1 - P) U_f) + (1 - s) U_s = U_s + s (1 - P) (U_f - U_s), fewer passes
    eu = u_s + target_salience * (1.0 - prob) * (u_f - u_s)
    eu -= q * u_sq
    if q != 1.0:
        u_b = _u(0.5 - 0.25 * (median_distance + distance), risk)
        u_w = _u(0.5 + 0.25 * (median_distance + distance), risk)
        eu = eu - (1.0 - q) * (t * u_b + (1.0 - t) * u_w)
    return np.asarray(eu, dtype=np.float64)


def risk_exponent(eu: FloatArray, pair: BoolArray, active: BoolArray) -> FloatArray:
    """(SCS2011 eqs. 32-33) Each actor's risk exponent r_i from the danger it faces.

    ``eu[j, i]`` is EU_j|i computed with every r = 1 [SCS2011 sec. 5, after
    BDM1985]. The security level of i is the sum of what the others expect from
    challenging it, S_i = sum_{j != i} EU_j|i; then (eq. 32)

        R_i = (2 S_i - max_k S_k - min_k S_k) / (max_k S_k - min_k S_k)

    in [-1, 1], and (eq. 33) r_i = (1 - R_i / 3) / (1 + R_i / 3), in [0.5, 2]. The
    extremes run over the active actors. When every S_k is equal (one actor, or a
    symmetric case) R_i = 0 and r_i = 1.
    """
    sec = np.where(pair, eu, 0.0).sum(axis=-2)  # column sums: S_i
    hi = np.where(active, sec, -np.inf).max(axis=-1, keepdims=True)
    lo = np.where(active, sec, np.inf).min(axis=-1, keepdims=True)
    span = hi - lo
    ok = np.isfinite(span) & (span > 0.0)
    span, hi, lo = np.where(ok, span, 1.0), np.where(ok, hi, 0.0), np.where(ok, lo, 0.0)
    big_r = np.where(ok, (2.0 * sec - hi - lo) / span, 0.0)
    r = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
    return np.asarray(np.where(active, r, 1.0), dtype=np.float64)


def proposals(
    positions: FloatArray,
    eu_ij: FloatArray,
    eu_ji: FloatArray,
    pair: BoolArray,
    *,
    capitulation: bool = True,
) -> tuple[FloatArray, NDArray[np.int8]]:
    """(SCS2011 sec. 6) The position each proposer i asks target j to take, and its kind.

    ``eu_ij[i, j]`` is EU_i|j and ``eu_ji[i, j]`` is EU_j|i, both as i sees them.
    The rules [BDM1994 fig. "the expected utility plane"; SCS2011 sec. 6]:

    * conflict, EU_i|j > EU_j|i > 0: i expects to win; j is to move to x_i;
    * compromise, EU_i|j > 0 > EU_j|i and EU_i|j > |EU_j|i|: j moves toward x_i
      by the fraction |EU_j|i / EU_i|j|;
    * capitulation, EU_i|j > 0 > EU_j|i and |EU_j|i| >= EU_i|j: j moves to x_i;
    * otherwise no proposal (NaN).

    No proposal passes between actors at the same position (there is no contest).
    ``capitulation=False`` makes no capitulation offers (Scholz's code, as replicated).
    Returns the proposed positions (..., N, N) and the kinds (..., N, N).
    """
    xi = positions[..., :, None]
    xj = positions[..., None, :]
    a, b = eu_ij, eu_ji
    ok = pair & (xi != xj) & (a > 0.0)
    conflict = ok & (b > 0.0) & (a > b)
    losing = ok & (b < 0.0)
    compromise = losing & (a > -b)
    capitulation_made = losing & ~compromise & capitulation
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(compromise, -b / np.where(compromise, a, 1.0), 1.0)
    target = np.where(conflict | capitulation_made, xi, xj + (xi - xj) * frac)
    made = conflict | compromise | capitulation_made
    kind = np.where(
        conflict,
        CONFLICT,
        np.where(compromise, COMPROMISE, np.where(capitulation_made, CAPITULATION, 0)),
    ).astype(np.int8)
    return np.where(made, target, np.nan), kind


def accept(
    positions: FloatArray, proposed: FloatArray, kind: NDArray[np.int8]
) -> tuple[FloatArray, NDArray[np.int8]]:
    """Each target j accepts the proposal asking it to move least [BDM1994; SCS2011 sec. 6].

    Ties (equal distance within ``TIE_RTOL``) go to the lower new position, so the
    choice does not depend on the order of actors. Actors with no proposal stay.
    """
    xj = positions[..., None, :]
    move = np.abs(proposed - xj)  # [i, j]; NaN where none
    move = np.where(np.isnan(move), np.inf, move)
    least = move.min(axis=-2, keepdims=True)
    scale = np.maximum(np.abs(positions).max(axis=-1), 1.0)[..., None, None]
    best = np.isfinite(least) & (move <= least + TIE_RTOL * scale)
    new = np.where(best, proposed, np.inf).min(axis=-2)
    has = np.isfinite(new)
    chosen = np.where(best & (proposed == new[..., None, :]), kind, 0).max(axis=-2)
    return (
        np.asarray(np.where(has, new, positions), dtype=np.float64),
        np.asarray(np.where(has, chosen, NO_MOVE), dtype=np.int8),
    )


def accept_by_class(
    positions: FloatArray,
    proposed: FloatArray,
    kind: NDArray[np.int8],
    eu_ij: FloatArray,
    eu_ji: FloatArray,
) -> tuple[FloatArray, NDArray[np.int8], NDArray[np.intp]]:
    """Each target j takes an offer by class, as Scholz's code does (not as printed).

    A conflict offer if it has one, else a compromise, else a capitulation. Within
    conflicts and capitulations the offer that moves j least; within compromises the
    one whose weighted point (|EU_j|i| x_j + |EU_i|j| x_i) / (|EU_j|i| + |EU_i|j|) is
    smallest (``jmckib/bdm-scholz-expected-utility-model``, ``best_offer``; its
    author notes that this departs from SCS2011 sec. 6). Ties go to the first
    proposer in table order, as in that code. Returns (new positions, kinds,
    proposer index or -1).
    """
    xi = positions[..., :, None]
    xj = positions[..., None, :]
    rank = np.select(
        [kind == CONFLICT, kind == COMPROMISE, kind == CAPITULATION], [0, 1, 2], default=3
    )
    best = rank.min(axis=-2, keepdims=True)
    a, b = np.abs(eu_ij), np.abs(eu_ji)
    with np.errstate(invalid="ignore", divide="ignore"):
        point = (b * xj + a * xi) / np.where(a + b > 0, a + b, 1.0)
    key = np.where(rank == 1, point, np.abs(proposed - xj))
    key = np.where((rank == best) & (rank < 3), key, np.inf)
    who = np.argmin(key, axis=-2)  # first index on ties
    has = best[..., 0, :] < 3
    new = np.take_along_axis(proposed, who[..., None, :], axis=-2)[..., 0, :]
    chosen = np.take_along_axis(kind, who[..., None, :], axis=-2)[..., 0, :]
    return (
        np.asarray(np.where(has, new, positions), dtype=np.float64),
        np.asarray(np.where(has, chosen, NO_MOVE), dtype=np.int8),
        np.asarray(np.where(has, who, -1), dtype=np.intp),
    )


@dataclass(frozen=True)
class RoundDetail:
    """What one round computed, all (..., N, N) with [i, j] = proposer i, target j.

    ``prob`` is P_ij with the round's exponents (eq. 30); ``risk`` r (N,); ``eu_ij``
    is EU_i|j and ``eu_ji`` EU_j|i, both as the deciding actor of ``perspective``
    sees them; ``proposed`` and ``kind`` the offers (sec. 6).
    """

    median: FloatArray
    prob: FloatArray
    risk: FloatArray
    eu_ij: FloatArray
    eu_ji: FloatArray
    proposed: FloatArray
    kind: NDArray[np.int8]


def round_detail(
    positions: FloatArray,
    capability: FloatArray,
    salience: FloatArray,
    active: BoolArray,
    scale: FloatArray,
    options: ModelOptions = PRINTED,
) -> RoundDetail:
    """Steps 2-10 of one round [SCS2011 appendix], under ``options``."""
    n = positions.shape[-1]
    q = options.q
    w = _weights(capability, salience, active)
    mu = weighted_median(positions, capability, salience, active)
    triples = options.probability == "all-triples"
    ones = np.ones_like(positions)
    if triples:
        prob = win_probability(
            positions, w, formula="all-triples", risk=ones, scale=scale, active=active
        )
    else:
        prob = win_probability(positions, w)
    span = scale[..., None, None]
    d = np.abs(positions[..., :, None] - positions[..., None, :]) / span
    m = np.abs(positions - mu[..., None]) / scale[..., None]
    pair = active[..., :, None] & active[..., None, :] & ~np.eye(n, dtype=bool)
    s_target = salience[..., None, :]
    s_self = salience[..., :, None]
    if isinstance(options.t, str):  # Eftekhari & Rahimi: T = 1 if i is nearer mu than j
        t_ij: float | FloatArray = (m[..., :, None] < d).astype(np.float64)
        t_ji: float | FloatArray = (m[..., None, :] < d).astype(np.float64)
    else:
        t_ij = t_ji = options.t
    if q == 1.0:
        # eq. 25a at r = 1: U_s = 2d, U_f = -2d, U_sq = 0, so EU = 2d (1 - 2 s (1 - P)).
        eu1 = 2.0 * d * (1.0 - 2.0 * s_target * (1.0 - prob))
    else:
        u1 = challenge_utilities(d, ones[..., :, None])
        eu1 = _combine(*u1, d, m[..., :, None], prob, s_target, ones[..., :, None], q, t_ij)
    r = risk_exponent(eu1, pair, active)
    if triples:  # the votes again, each voter with its own exponent
        prob = win_probability(
            positions, w, formula="all-triples", risk=r, scale=scale, active=active
        )
    # Both EUs with the exponent of the actor who decides: proposer i (row) or target j.
    r_view = r[..., :, None] if options.perspective == "proposer" else r[..., None, :]
    u_s, u_f, u_sq = challenge_utilities(d, r_view)  # shared by both views below
    eu_ij = _combine(u_s, u_f, u_sq, d, m[..., :, None], prob, s_target, r_view, q, t_ij)
    prob_t = np.swapaxes(prob, -1, -2)
    eu_ji = _combine(u_s, u_f, u_sq, d, m[..., None, :], prob_t, s_self, r_view, q, t_ji)
    proposed, kind = proposals(positions, eu_ij, eu_ji, pair, capitulation=options.capitulation)
    return RoundDetail(mu, prob, r, eu_ij, eu_ji, proposed, kind)


def step(
    positions: FloatArray,
    capability: FloatArray,
    salience: FloatArray,
    active: BoolArray,
    scale: FloatArray,
    options: ModelOptions = PRINTED,
) -> tuple[FloatArray, FloatArray, FloatArray, NDArray[np.int8], NDArray[np.intp]]:
    """One round: returns (new positions, median, risk exponents, moves, partners)."""
    rd = round_detail(positions, capability, salience, active, scale, options)
    if options.selection == "class-priority":
        new, moves, partner = accept_by_class(positions, rd.proposed, rd.kind, rd.eu_ij, rd.eu_ji)
    else:
        new, moves = accept(positions, rd.proposed, rd.kind)
        took = (rd.proposed == new[..., None, :]) & (moves != NO_MOVE)[..., None, :]
        partner = np.where(took.any(axis=-2), np.argmax(took, axis=-2), -1).astype(np.intp)
    return new, rd.median, rd.risk, moves, partner


def forecast(
    positions: FloatArray,
    capability: FloatArray,
    salience: FloatArray,
    *,
    rounds: int = 10,
    active: BoolArray | None = None,
    options: ModelOptions = PRINTED,
    q: float | None = None,
    t: float | None = None,
) -> Forecast:
    """Run the model for ``rounds`` rounds [SCS2011 appendix, steps 1-11].

    ``positions`` (on any scale; offramp uses 0..100), ``capability`` (>= 0) and
    ``salience`` (in [0, 1]) have shape (N,) or (S, N) for S scenarios; ``active``
    (same shape) marks actors present in each scenario (absent ones neither vote,
    propose nor move). The distance scale dx is the range of the active actors'
    initial positions, fixed for the run, as in SCS2011 (positions only move within
    it). Positions are updated synchronously at the end of each round. ``options``
    is the reading of the model (default: the printed equations); ``q`` and ``t``
    override its Q and T.
    """
    if q is not None or t is not None:
        options = replace(
            options,
            q=options.q if q is None else q,
            t=options.t if t is None else t,
        )
    x = np.asarray(positions, dtype=np.float64)
    c = np.broadcast_to(np.asarray(capability, dtype=np.float64), x.shape)
    s = np.broadcast_to(np.asarray(salience, dtype=np.float64), x.shape)
    if rounds < 0:
        raise ValueError("rounds must be >= 0")
    if x.ndim == 0:
        raise ValueError("positions need an actor axis")
    if np.any(c < 0) or np.any(s < 0) or np.any(s > 1):
        raise ValueError("capability must be >= 0 and salience within [0, 1]")
    act = _active(x, None if active is None else np.asarray(active, dtype=bool))
    hi = np.where(act, x, -np.inf).max(axis=-1)
    lo = np.where(act, x, np.inf).min(axis=-1)
    scale = np.where(np.isfinite(hi - lo) & (hi > lo), hi - lo, 1.0)
    path = [x]
    medians = []
    risks = []
    moves = []
    partners = []
    for _ in range(rounds):
        x, mu, r, mv, who = step(x, c, s, act, scale, options)
        path.append(x)
        medians.append(mu)
        risks.append(r)
        moves.append(mv)
        partners.append(who)
    medians.append(weighted_median(x, c, s, act))
    positions_out = np.stack(path, axis=-2)
    empty = (*x.shape[:-1], 0, x.shape[-1])
    return Forecast(
        positions=positions_out,
        median=np.stack(medians, axis=-1),
        mean=weighted_mean(positions_out, c[..., None, :], s[..., None, :], act[..., None, :]),
        risk=np.stack(risks, axis=-2) if risks else np.zeros(empty),
        moves=np.stack(moves, axis=-2) if moves else np.zeros(empty, dtype=np.int8),
        partner=np.stack(partners, axis=-2) if partners else np.zeros(empty, dtype=np.intp),
        options=options,
    )
