"""The expected-utility model of ``offramp.analysis.forecast`` as plain Python loops.

Written independently of the numpy version, equation by equation (the ``printed``
variant, with SCS2011's equation numbers; see that module and docs/forecasting.md),
for one scenario, with lists and floats only. It is the peer in ``benchmarks/forecast.py``
and the oracle in tests/analysis/test_forecast.py.
"""

from __future__ import annotations

TIE_RTOL = 1e-9


def median(x: list[float], c: list[float], s: list[float]) -> float:
    """(sec. 3.2) Black's weighted median among the held positions; midpoint of ties."""
    if not x:
        return float("nan")
    f = []
    for xj in x:
        total = 0.0
        for xk, ck, sk in zip(x, c, s, strict=True):
            total += ck * sk * abs(xk - xj)
        f.append(total)
    fmin = min(f)
    tied = [xj for xj, fj in zip(x, f, strict=True) if fj <= fmin + TIE_RTOL * max(abs(fmin), 1.0)]
    return (min(tied) + max(tied)) / 2


def mean(x: list[float], c: list[float], s: list[float]) -> float:
    """(sec. 3.2) The c*s weighted mean."""
    w = [ck * sk for ck, sk in zip(c, s, strict=True)]
    total = sum(w)
    if total == 0:
        return float("nan")
    return sum(wk * xk for wk, xk in zip(w, x, strict=True)) / total


def probability(x: list[float], c: list[float], s: list[float], i: int, j: int) -> float:
    """(eq. 30) Share of the discriminating c*s weighted votes cast for i against j."""
    num = 0.0
    den = 0.0
    for xk, ck, sk in zip(x, c, s, strict=True):
        v = ck * sk * (abs(xk - x[j]) - abs(xk - x[i]))
        if v > 0:
            num += v
        den += abs(v)
    return num / den if den > 0 else 0.0


def utility(base: float, r: float) -> float:
    return 2.0 - 4.0 * max(base, 0.0) ** r


def eu(d: float, m: float, p: float, s_target: float, r: float, q: float, t: float) -> float:
    """(eqs. 15-25a) Expected utility of a challenge."""
    u_s = utility(0.5 - 0.5 * d, r)
    u_f = utility(0.5 + 0.5 * d, r)
    u_sq = utility(0.5, r)
    value = s_target * (p * u_s + (1 - p) * u_f) + (1 - s_target) * u_s - q * u_sq
    if q != 1.0:
        u_b = utility(0.5 - 0.25 * (m + d), r)
        u_w = utility(0.5 + 0.25 * (m + d), r)
        value -= (1 - q) * (t * u_b + (1 - t) * u_w)
    return value


def run(
    x0: list[float],
    c: list[float],
    s: list[float],
    rounds: int,
    q: float = 1.0,
    t: float = 1.0,
) -> tuple[list[list[float]], list[float]]:
    """Positions per round (rounds + 1 lists) and the median per round."""
    n = len(x0)
    x = list(x0)
    scale = (max(x) - min(x)) if n and max(x) > min(x) else 1.0
    path = [list(x)]
    medians = []
    for _ in range(rounds):
        mu = median(x, c, s)
        medians.append(mu)
        p = [[probability(x, c, s, i, j) for j in range(n)] for i in range(n)]
        d = [[abs(x[i] - x[j]) / scale for j in range(n)] for i in range(n)]
        m = [abs(x[i] - mu) / scale for i in range(n)]
        # (eqs. 32-33) risk exponents from the danger at r = 1
        security = []
        for i in range(n):
            total = 0.0
            for j in range(n):
                if j != i:
                    total += eu(d[j][i], m[j], p[j][i], s[i], 1.0, q, t)
            security.append(total)
        r = []
        hi, lo = (max(security), min(security)) if security else (0.0, 0.0)
        for i in range(n):
            big_r = (2 * security[i] - hi - lo) / (hi - lo) if hi > lo else 0.0
            r.append((1 - big_r / 3) / (1 + big_r / 3))
        # (sec. 6) proposals from each proposer's view, then each target's choice
        offers: list[list[tuple[float, int]]] = [[] for _ in range(n)]
        for i in range(n):
            for j in range(n):
                if i == j or x[i] == x[j]:
                    continue
                a = eu(d[i][j], m[i], p[i][j], s[j], r[i], q, t)
                b = eu(d[i][j], m[j], p[j][i], s[i], r[i], q, t)
                if a <= 0:
                    continue
                if b > 0 and a > b:
                    offers[j].append((x[i], 1))
                elif b < 0 and a > -b:
                    offers[j].append((x[j] + (x[i] - x[j]) * (-b / a), 2))
                elif b < 0:
                    offers[j].append((x[i], 3))
        scale_tie = max(max(abs(v) for v in x), 1.0) if x else 1.0
        new = list(x)
        for j in range(n):
            if not offers[j]:
                continue
            least = min(abs(pos - x[j]) for pos, _ in offers[j])
            best = [pos for pos, _ in offers[j] if abs(pos - x[j]) <= least + TIE_RTOL * scale_tie]
            new[j] = min(best)
        x = new
        path.append(list(x))
    medians.append(median(x, c, s))
    return path, medians
