"""The expected-utility group decision model, vectorised over actors and scenarios.

This is Bueno de Mesquita's (BDM) forecasting model as made explicit by Scholz,
Calbert and Smith (2011), "Unravelling Bueno de Mesquita's group decision model",
*Journal of Theoretical Politics* 23(4):510-531 [SCS2011], who assemble it from
BDM (1985) "The war trap revisited", *APSR* 79(1) [BDM1985] and BDM (1994)
"Political forecasting: an expected utility method", in *European Community
Decision Making* (Yale UP) [BDM1994].

The paper's own text and equation numbering could not be consulted while this was
written, nor in a later attempt (only the title, abstract and the start of the
introduction of the conference version, SciTePress 2011, could be retrieved). The
equations below are therefore numbered (E1)-(E9) here, not as in the paper. Each one
names the section of SCS2011 and the BDM source it comes from. Every place where the
literature can be read two ways says which reading is taken. ``docs/forecasting.md``
has the list, and the readings that public replications take differently.

The paper's worked example (BDM1994's EC emissions table) is in
``tests/analysis/data/bdm1994_emissions.csv``, transcribed from public replications.
``tests/analysis/test_forecast_paper.py`` checks the hand-derivable numbers (initial
median 7, mean 7.39) and checks that this module matches the loop reference on that
table. The paper's printed per-round results are not tested: they could not be read.

Each round (SCS2011, appendix "the algorithm", steps 2-11):

1. ``weighted_median`` (E2) and ``weighted_mean`` (E3): the forecast outcome.
2. ``win_probability`` (E4): the probability that i prevails over j, from the
   capability x salience weighted votes of every actor (E1).
3. ``expected_utility`` (E5-E6) with every risk exponent at 1, then
   ``risk_exponent`` (E7-E8) from each actor's security level.
4. ``expected_utility`` again with the new exponents, from each proposer's view.
5. ``proposals`` (E9): conflict, compromise or capitulation, and each actor
   accepts the proposal that asks it to move least.

Every function takes arrays whose last axis is the actor axis (N,), with any leading
scenario axes, so one call runs thousands of Monte Carlo scenarios.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

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
    each actor moved: 0 none, 1 lost a conflict, 2 compromised, 3 capitulated.
    """

    positions: FloatArray
    median: FloatArray
    mean: FloatArray
    risk: FloatArray
    moves: NDArray[np.int8]

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
    """Voting weight c_i * s_i of each actor; zero for an absent actor (E1)."""
    return np.where(active, capability * salience, 0.0)


def weighted_mean(
    positions: FloatArray,
    capability: FloatArray,
    salience: FloatArray,
    active: BoolArray | None = None,
) -> FloatArray:
    """(E3) The mean position weighted by c_i * s_i [BDM1994; SCS2011 sec. 3].

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
    """(E2) The median voter position: the Condorcet winner among the positions held.

    With the votes of (E1), position x_j beats x_l when
    sum_k c_k s_k (|x_k - x_l| - |x_k - x_j|) > 0 [BDM1994; SCS2011 sec. 3,
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


def win_probability(positions: FloatArray, weights: FloatArray) -> FloatArray:
    """(E4) P[i, j], the probability that i prevails over j, shape (..., N, N).

    Actor k casts v_k(i, j) = c_k s_k (|x_k - x_j| - |x_k - x_i|) / dx for i
    against j (E1) [BDM1994 eq. for votes; SCS2011 sec. 4]; then

        P[i, j] = sum_{k: v_k(i,j) > 0} v_k(i, j) / sum_k |v_k(i, j)|

    (the scale dx cancels). Reading chosen: only the votes *for* i enter the
    numerator, the literal form in BDM1994, so P[i, j] + P[j, i] = 1 whenever
    x_i != x_j. P is 0 where no vote discriminates (x_i = x_j, or no weight).
    """
    n = positions.shape[-1]
    lead = positions.shape[:-1]
    dist = np.abs(positions[..., :, None] - positions[..., None, :])  # [k, l]
    flat_d = dist.reshape(-1, n, n)
    flat_w = np.broadcast_to(weights, positions.shape).reshape(-1, 1, n)
    num = np.empty_like(flat_d)
    # g[k, i, j] = |x_k - x_j| - |x_k - x_i|, the margin of k's vote for i over j:
    # one contiguous N^3 pass and a matrix product, in blocks of scenarios that
    # stay in cache (measured: about twice as fast as one big block).
    block = max(1, _BLOCK // n**3)
    for lo in range(0, flat_d.shape[0], block):
        d = flat_d[lo : lo + block]
        g = np.subtract(d[:, :, None, :], d[:, :, :, None])
        np.maximum(g, 0.0, out=g)
        num[lo : lo + block] = (flat_w[lo : lo + block] @ g.reshape(-1, n, n * n)).reshape(-1, n, n)
    num = num.reshape(*lead, n, n)
    f = (weights[..., None, :] @ dist)[..., 0, :]  # F(x_j) = sum_k w_k |x_k - x_j|
    # sum_k w_k |g| = 2 * sum_k w_k max(g, 0) - sum_k w_k g.
    den = 2.0 * num - (f[..., None, :] - f[..., :, None])
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(den > 0.0, num / np.where(den > 0.0, den, 1.0), 0.0)
    return np.asarray(p, dtype=np.float64)


def _u(base: FloatArray, r: FloatArray) -> FloatArray:
    """2 - 4 * base ** r, the utility form of every term in (E5)."""
    base = np.maximum(base, 0.0)
    if np.all(r == 1.0):  # x ** 1.0 == x exactly: skip the costly power
        return np.asarray(2.0 - 4.0 * base, dtype=np.float64)
    # a materialised exponent is markedly faster than a broadcast one in np.power
    return np.asarray(2.0 - 4.0 * base ** np.broadcast_to(r, base.shape).copy(), dtype=np.float64)


def challenge_utilities(
    distance: FloatArray, risk: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(E5) U_s, U_f and U_sq of a challenge over normalised distance d."""
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
    """(E5-E6) EU of a challenge by i against j, from the view of an actor with risk r.

    With d = |x_i - x_j| / dx and m = |x_i - mu| / dx (mu the median (E2)) the
    utilities of (E5) [BDM1994; SCS2011 sec. 2] are

        U_s  = 2 - 4 (0.5 - 0.5 d) ** r          i succeeds
        U_f  = 2 - 4 (0.5 + 0.5 d) ** r          i fails
        U_b  = 2 - 4 (0.5 - 0.25 (m + d)) ** r   things get better without a challenge
        U_w  = 2 - 4 (0.5 + 0.25 (m + d)) ** r   things get worse without a challenge
        U_sq = 2 - 4 (0.5) ** r                  status quo

    and (E6), with s_j the target's salience (the chance it resists) and P_ij (E4):

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
    t: float,
) -> FloatArray:
    """(E6) from the utilities of (E5)."""
    # s (P U_s + (1 - P) U_f) + (1 - s) U_s = U_s + s (1 - P) (U_f - U_s), fewer passes
    eu = u_s + target_salience * (1.0 - prob) * (u_f - u_s)
    eu -= q * u_sq
    if q != 1.0:
        u_b = _u(0.5 - 0.25 * (median_distance + distance), risk)
        u_w = _u(0.5 + 0.25 * (median_distance + distance), risk)
        eu = eu - (1.0 - q) * (t * u_b + (1.0 - t) * u_w)
    return np.asarray(eu, dtype=np.float64)


def risk_exponent(eu: FloatArray, pair: BoolArray, active: BoolArray) -> FloatArray:
    """(E7-E8) Each actor's risk exponent r_i from its security level.

    ``eu[j, i]`` is EU_j|i computed with every r = 1 [SCS2011 sec. 5, after
    BDM1985]. The security level of i is the sum of what the others expect from
    challenging it, S_i = sum_{j != i} EU_j|i; then (E7)

        R_i = (2 S_i - max_k S_k - min_k S_k) / (max_k S_k - min_k S_k)

    in [-1, 1], and (E8) r_i = (1 - R_i / 3) / (1 + R_i / 3), in [0.5, 2]. The
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
    positions: FloatArray, eu_ij: FloatArray, eu_ji: FloatArray, pair: BoolArray
) -> tuple[FloatArray, NDArray[np.int8]]:
    """(E9) The position each proposer i asks target j to take, and its kind.

    ``eu_ij[i, j]`` is EU_i|j and ``eu_ji[i, j]`` is EU_j|i, both as i sees them.
    The rules [BDM1994 fig. "the expected utility plane"; SCS2011 sec. 6]:

    * conflict, EU_i|j > EU_j|i > 0: i expects to win; j is to move to x_i;
    * compromise, EU_i|j > 0 > EU_j|i and EU_i|j > |EU_j|i|: j moves toward x_i
      by the fraction |EU_j|i / EU_i|j|;
    * capitulation, EU_i|j > 0 > EU_j|i and |EU_j|i| >= EU_i|j: j moves to x_i;
    * otherwise no proposal (NaN).

    No proposal passes between actors at the same position (there is no contest).
    Returns the proposed positions (..., N, N) and the kinds (..., N, N).
    """
    xi = positions[..., :, None]
    xj = positions[..., None, :]
    a, b = eu_ij, eu_ji
    ok = pair & (xi != xj) & (a > 0.0)
    conflict = ok & (b > 0.0) & (a > b)
    losing = ok & (b < 0.0)
    compromise = losing & (a > -b)
    capitulation = losing & ~compromise
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(compromise, -b / np.where(compromise, a, 1.0), 1.0)
    target = np.where(conflict | capitulation, xi, xj + (xi - xj) * frac)
    made = conflict | compromise | capitulation
    kind = np.where(
        conflict,
        CONFLICT,
        np.where(compromise, COMPROMISE, np.where(capitulation, CAPITULATION, 0)),
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


def step(
    positions: FloatArray,
    capability: FloatArray,
    salience: FloatArray,
    active: BoolArray,
    scale: FloatArray,
    *,
    q: float = 1.0,
    t: float = 1.0,
) -> tuple[FloatArray, FloatArray, FloatArray, NDArray[np.int8]]:
    """One round: returns (new positions, median, risk exponents, moves)."""
    n = positions.shape[-1]
    w = _weights(capability, salience, active)
    mu = weighted_median(positions, capability, salience, active)
    prob = win_probability(positions, w)
    span = scale[..., None, None]
    d = np.abs(positions[..., :, None] - positions[..., None, :]) / span
    m = np.abs(positions - mu[..., None]) / scale[..., None]
    pair = active[..., :, None] & active[..., None, :] & ~np.eye(n, dtype=bool)
    s_target = salience[..., None, :]
    s_self = salience[..., :, None]
    if q == 1.0:
        # (E5-E6) at r = 1: U_s = 2d, U_f = -2d, U_sq = 0, so EU = 2d (1 - 2 s (1 - P)).
        eu1 = 2.0 * d * (1.0 - 2.0 * s_target * (1.0 - prob))
    else:
        ones = np.ones_like(positions)[..., :, None]
        eu1 = expected_utility(d, m[..., :, None], prob, s_target, ones, q=q, t=t)
    r = risk_exponent(eu1, pair, active)
    r_row = r[..., :, None]
    # Both EUs from proposer i's view, with i's own exponent r_i.
    u_s, u_f, u_sq = challenge_utilities(d, r_row)  # shared by both views below
    eu_ij = _combine(u_s, u_f, u_sq, d, m[..., :, None], prob, s_target, r_row, q, t)
    prob_t = np.swapaxes(prob, -1, -2)
    eu_ji = _combine(u_s, u_f, u_sq, d, m[..., None, :], prob_t, s_self, r_row, q, t)
    proposed, kind = proposals(positions, eu_ij, eu_ji, pair)
    new, moves = accept(positions, proposed, kind)
    return new, mu, r, moves


def forecast(
    positions: FloatArray,
    capability: FloatArray,
    salience: FloatArray,
    *,
    rounds: int = 10,
    active: BoolArray | None = None,
    q: float = 1.0,
    t: float = 1.0,
) -> Forecast:
    """Run the model for ``rounds`` rounds [SCS2011 appendix, steps 1-11].

    ``positions`` (on any scale; offramp uses 0..100), ``capability`` (>= 0) and
    ``salience`` (in [0, 1]) have shape (N,) or (S, N) for S scenarios; ``active``
    (same shape) marks actors present in each scenario (absent ones neither vote,
    propose nor move). The distance scale dx is the range of the active actors'
    initial positions, fixed for the run, as in SCS2011 (positions only move within
    it). Positions are updated synchronously at the end of each round.
    """
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
    for _ in range(rounds):
        x, mu, r, mv = step(x, c, s, act, scale, q=q, t=t)
        path.append(x)
        medians.append(mu)
        risks.append(r)
        moves.append(mv)
    medians.append(weighted_median(x, c, s, act))
    positions_out = np.stack(path, axis=-2)
    return Forecast(
        positions=positions_out,
        median=np.stack(medians, axis=-1),
        mean=weighted_mean(positions_out, c[..., None, :], s[..., None, :], act[..., None, :]),
        risk=(np.stack(risks, axis=-2) if risks else np.zeros((*x.shape[:-1], 0, x.shape[-1]))),
        moves=(
            np.stack(moves, axis=-2)
            if moves
            else np.zeros((*x.shape[:-1], 0, x.shape[-1]), dtype=np.int8)
        ),
    )
