"""Monte Carlo sensitivity: how much each verdict depends on the analyst's judgement.

A :class:`Study` holds the coded inputs: a bargaining problem (weights, values,
reservation values) and, for each issue to forecast, the actors' positions,
capabilities and saliences. Each scenario perturbs every input uniformly within the
half-widths of :class:`Ranges` (the case file's ``sensitivity`` section) and may drop
actors; then it records

* whether a zone of agreement exists (some package every party values at least at its
  reservation value, as in ``offramp.analysis.zone``) and the Nash package (the one
  maximising the product of the gains over reservation, Nash 1950), by vectorised
  enumeration of all packages;
* the expected-utility forecast of each issue (``offramp.analysis.forecast``).

Scenarios run in fixed chunks of ``CHUNK``; chunk k draws from
``SeedSequence(seed, spawn_key=(k,))``, so a seeded run gives the same numbers
whatever the backend (``local`` processes or ``ray`` tasks) and the worker count.

Input importance is Spearman's rank correlation between each perturbed input and
each verdict (Spearman 1904; as a global sensitivity measure for independent inputs,
Saltelli et al. 2008, *Global Sensitivity Analysis: The Primer*, sec. 1.2.5 and
Iman & Conover 1979 on rank transforms), over the first ``IMPORTANCE_LIMIT`` scenarios.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from offramp.analysis.forecast import forecast
from offramp.analysis.forecast_options import PRINTED, ModelOptions
from offramp.analysis.space import BargainingProblem, FloatArray

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
Progress = Callable[[int, int], None]

#: Scenarios per chunk: the unit of seeding and of work handed to a worker.
CHUNK = 2000
#: Scenarios whose inputs are kept for the importance measure.
IMPORTANCE_LIMIT = 20_000
#: Package utilities evaluated at once in the enumeration (scenarios x packages x parties).
_ENUM_BLOCK = 1 << 21
#: Above this many packages per scenario, enumeration is refused.
MAX_PACKAGES = 1_000_000


@dataclass(frozen=True)
class Ranges:
    """Half-widths of the uniform perturbations; the case file's ``sensitivity`` section.

    ``salience`` (absolute, on [0, 1]; also applied to the bargaining weights before
    they are renormalised), ``capability`` (relative: c * (1 + u), u in +-h),
    ``position`` (points on the 0..100 issue scale), ``values`` and ``reservation``
    (absolute, on [0, 1]); ``drop_actor`` is the probability that each actor is
    left out of a scenario's forecasts. ``salience_sd``, when above 0, perturbs the
    forecast saliences by N(0, salience_sd) instead of uniformly, as the replications
    of SCS2011 did (N(0, 0.05), in ``dmasad/bdm-scholz-expected-utility-model``,
    ``Example Analysis.ipynb``). Perturbed values are clipped to their domain.
    """

    salience: float = 0.1
    capability: float = 0.2
    position: float = 5.0
    values: float = 0.1
    reservation: float = 0.05
    drop_actor: float = 0.0
    salience_sd: float = 0.0

    def __post_init__(self) -> None:
        for name in ("salience", "capability", "position", "values", "reservation", "salience_sd"):
            v = getattr(self, name)
            if not (math.isfinite(v) and v >= 0):
                raise ValueError(f"sensitivity.{name} must be a half-width >= 0, not {v}")
        if not 0.0 <= self.drop_actor < 1.0:
            raise ValueError("sensitivity.drop_actor must be a probability in [0, 1)")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> Ranges:
        """Ranges from a case file's ``sensitivity`` mapping; missing keys take defaults."""
        if not data:
            return cls()
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"sensitivity has unknown keys: {', '.join(sorted(unknown))}")
        return cls(**{k: float(v) for k, v in data.items()})


@dataclass(frozen=True)
class ForecastIssue:
    """One issue's forecast inputs: positions on 0..100, capabilities, saliences."""

    issue: str
    actors: tuple[str, ...]
    positions: FloatArray
    capability: FloatArray
    salience: FloatArray
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Study:
    """What a sensitivity run perturbs and evaluates; ``options``: the forecast's reading."""

    problem: BargainingProblem | None
    forecasts: tuple[ForecastIssue, ...] = ()
    ranges: Ranges = field(default_factory=Ranges)
    rounds: int = 10
    options: ModelOptions = PRINTED

    @property
    def actors(self) -> tuple[str, ...]:
        """Every forecast actor, in order of first appearance."""
        seen: dict[str, None] = {}
        for f in self.forecasts:
            seen.update(dict.fromkeys(f.actors))
        return tuple(seen)

    def input_names(self) -> tuple[str, ...]:
        """Names of the perturbed inputs, in the column order of ``Chunk.inputs``."""
        names: list[str] = []
        pb = self.problem
        if pb is not None:
            for i, issue in enumerate(pb.issues):
                for party in pb.parties:
                    names += [f"value {party} {issue}={o}" for o in pb.options[i]]
            names += [f"weight {party} {issue}" for party in pb.parties for issue in pb.issues]
            names += [f"reservation {party}" for party in pb.parties]
        names += [f"capability {a}" for a in self.actors]
        names += [f"present {a}" for a in self.actors]
        for f in self.forecasts:
            names += [f"position {a} {f.issue}" for a in f.actors]
            names += [f"salience {a} {f.issue}" for a in f.actors]
        return tuple(names)


@dataclass(frozen=True)
class Chunk:
    """Verdicts of one chunk of scenarios (see :class:`Sensitivity` for the fields)."""

    index: int
    zone: BoolArray
    nash: IntArray
    nash_utility: FloatArray
    forecast_median: FloatArray
    forecast_mean: FloatArray
    forecast_settled: BoolArray
    inputs: FloatArray


def _uniform(rng: np.random.Generator, shape: tuple[int, ...]) -> FloatArray:
    return rng.uniform(-1.0, 1.0, size=shape)


def _perturbed_problem(
    pb: BargainingProblem, ranges: Ranges, rng: np.random.Generator, m: int
) -> tuple[list[FloatArray], FloatArray, FloatArray]:
    """Values per issue (m, P, n_i), weights (m, P, I), reservation (m, P)."""
    values = [
        np.clip(v[None] + ranges.values * _uniform(rng, (m, *v.shape)), 0.0, 1.0) for v in pb.values
    ]
    w0 = pb.weights[None]
    w = np.clip(w0 + ranges.salience * _uniform(rng, (m, *pb.weights.shape)), 0.0, None)
    w = np.where(w0 > 0, w, 0.0)  # an issue a party ignores stays ignored
    total0 = pb.weights.sum(axis=1)[None, :, None]
    total = w.sum(axis=2, keepdims=True)
    w = np.where(total > 0, w * total0 / np.where(total > 0, total, 1.0), w0)
    res = np.clip(
        pb.reservation[None] + ranges.reservation * _uniform(rng, (m, pb.n_parties)), 0, 1
    )
    return values, w, res


def package_utilities(values: Sequence[FloatArray], weights: FloatArray) -> FloatArray:
    """Utility of every package for every party, shape (m, P, K), packages in C order.

    ``values[i]`` has shape (m, P, n_i) and ``weights`` (m, P, I). Package k has option
    ``np.unravel_index(k, (n_0, ..., n_{I-1}))`` on each issue.
    """
    acc = weights[..., 0, None] * values[0]
    for i in range(1, len(values)):
        contrib = weights[..., i, None] * values[i]
        acc = (acc[..., :, None] + contrib[..., None, :]).reshape(*acc.shape[:-1], -1)
    return np.asarray(acc, dtype=np.float64)


def zone_and_nash(
    values: Sequence[FloatArray], weights: FloatArray, reservation: FloatArray
) -> tuple[BoolArray, IntArray, FloatArray]:
    """Zone of agreement, Nash package index (-1 if none) and its utilities, per scenario.

    Exact by enumeration of every package, vectorised over scenarios in blocks. The
    zone is the set of packages every party values at least at its reservation (the
    weak inequality of ``offramp.analysis.zone``);
    the Nash package maximises prod_p (u_p - r_p) over it (Nash 1950); ties go to the
    first package in C order.
    """
    m, n_parties = reservation.shape
    k = math.prod(v.shape[-1] for v in values)
    if k > MAX_PACKAGES:
        raise ValueError(f"{k} packages per scenario is too many to enumerate")
    block = max(1, _ENUM_BLOCK // (k * n_parties))
    zone = np.zeros(m, dtype=bool)
    nash = np.full(m, -1, dtype=np.int64)
    util = np.full((m, n_parties), np.nan)
    for lo in range(0, m, block):
        sl = slice(lo, lo + block)
        u = package_utilities([v[sl] for v in values], weights[sl])  # (b, P, K)
        gain = u - reservation[sl, :, None]
        inside: BoolArray = np.all(gain >= 0, axis=1)  # (b, K)
        product = np.where(inside, np.prod(np.maximum(gain, 0.0), axis=1), -1.0)
        best = product.argmax(axis=1)
        has: BoolArray = np.any(inside, axis=1)
        zone[sl] = has
        nash[sl] = np.where(has, best, -1)
        chosen = np.take_along_axis(u, best[:, None, None], axis=2)[..., 0]
        util[sl] = np.where(has[:, None], chosen, np.nan)
    return zone, nash, util


def run_chunk(study: Study, seed: int, index: int, size: int, chunk: int = CHUNK) -> Chunk:
    """Draw and evaluate chunk ``index`` (``size`` scenarios, starting at ``index * chunk``).

    Pure given its arguments: the draws come from ``SeedSequence(seed, spawn_key=(index,))``.
    """
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))
    ranges = study.ranges
    m = size
    columns: list[FloatArray] = []
    pb = study.problem
    if pb is not None:
        values, weights, res = _perturbed_problem(pb, ranges, rng, m)
        zone, nash, util = zone_and_nash(values, weights, res)
        columns += [v.reshape(m, -1) for v in values]
        columns += [weights.reshape(m, -1), res]
    else:
        zone = np.zeros(m, dtype=bool)
        nash = np.full(m, -1, dtype=np.int64)
        util = np.zeros((m, 0))
    actors = study.actors
    factor = np.clip(1.0 + ranges.capability * _uniform(rng, (m, len(actors))), 0.0, None)
    present = rng.random((m, len(actors))) >= ranges.drop_actor
    columns += [factor, present.astype(np.float64)]
    slot = {a: k for k, a in enumerate(actors)}
    med = np.full((m, len(study.forecasts)), np.nan)
    mean = np.full((m, len(study.forecasts)), np.nan)
    settled = np.ones((m, len(study.forecasts)), dtype=bool)
    for f_i, f in enumerate(study.forecasts):
        cols = [slot[a] for a in f.actors]
        n = len(f.actors)
        x = np.clip(f.positions[None] + ranges.position * _uniform(rng, (m, n)), 0.0, 100.0)
        if ranges.salience_sd > 0:
            noise = ranges.salience_sd * rng.standard_normal((m, n))
        else:
            noise = ranges.salience * _uniform(rng, (m, n))
        s = np.clip(f.salience[None] + noise, 0.0, 1.0)
        c = f.capability[None] * factor[:, cols]
        result = forecast(
            x, c, s, rounds=study.rounds, active=present[:, cols], options=study.options
        )
        med[:, f_i] = result.median[:, -1]
        mean[:, f_i] = result.mean[:, -1]
        if study.rounds:
            step = np.abs(result.positions[:, -1] - result.positions[:, -2])
            settled[:, f_i] = np.all(
                step <= 1e-9 * np.maximum(np.ptp(x, axis=1), 1.0)[:, None], axis=1
            )
        columns += [x, s]
    start = index * chunk
    keep = max(0, min(m, IMPORTANCE_LIMIT - start))
    inputs = np.concatenate([c[:keep] for c in columns], axis=1) if columns else np.zeros((keep, 0))
    return Chunk(index, zone, nash, util, med, mean, settled, inputs)


@dataclass(frozen=True)
class Sensitivity:
    """Every scenario's verdicts, and summaries of them.

    ``zone`` (n,), ``nash`` (n,) package index or -1, ``nash_utility`` (n, P),
    ``forecast_median`` and ``forecast_mean`` (n, F) after the last round;
    ``forecast_settled`` (n, F) whether no actor moved in the last round;
    ``inputs`` (min(n, IMPORTANCE_LIMIT), K) the perturbed inputs named ``input_names``.
    """

    study: Study
    n: int
    seed: int
    backend: str
    zone: BoolArray
    nash: IntArray
    nash_utility: FloatArray
    forecast_median: FloatArray
    forecast_mean: FloatArray
    forecast_settled: BoolArray
    inputs: FloatArray
    input_names: tuple[str, ...]

    @property
    def zone_probability(self) -> float:
        """Share of scenarios with a zone of agreement."""
        return float(self.zone.mean()) if self.n else math.nan

    def package(self, index: int) -> dict[str, str]:
        """The package with enumeration index ``index``, as issue -> option."""
        pb = self.study.problem
        assert pb is not None
        idx = np.unravel_index(index, tuple(len(o) for o in pb.options))
        return {
            issue: pb.options[i][int(k)]
            for i, (issue, k) in enumerate(zip(pb.issues, idx, strict=True))
        }

    def nash_distribution(self, top: int = 5) -> list[tuple[dict[str, str], float]]:
        """The most frequent Nash packages and their share of all scenarios."""
        found = self.nash[self.nash >= 0]
        if found.size == 0:
            return []
        keys, counts = np.unique(found, return_counts=True)
        order = np.lexsort((keys, -counts))[:top]
        return [(self.package(int(keys[o])), float(counts[o]) / self.n) for o in order]

    def forecast_quantiles(
        self, q: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95)
    ) -> dict[str, list[float]]:
        """Quantiles of each issue's forecast (weighted median after the last round)."""
        out = {}
        for f_i, f in enumerate(self.study.forecasts):
            col = self.forecast_median[:, f_i]
            col = col[np.isfinite(col)]
            out[f.issue] = [float(v) for v in np.quantile(col, q)] if col.size else []
        return out

    def forecast_distribution(
        self, q: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95)
    ) -> dict[str, dict[str, Any]]:
        """Per issue: quantiles of the last round's median and mean over the draws, and
        the share of draws in which some actor still moved in the last round."""
        out: dict[str, dict[str, Any]] = {}
        names = [f"p{round(v * 100):02d}" for v in q]
        for f_i, f in enumerate(self.study.forecasts):
            entry: dict[str, Any] = {}
            for label, data in (("median", self.forecast_median), ("mean", self.forecast_mean)):
                col = data[:, f_i]
                col = col[np.isfinite(col)]
                entry[label] = (
                    dict(zip(names, (float(v) for v in np.quantile(col, q)), strict=True))
                    if col.size
                    else {}
                )
            entry["unsettled_share"] = float(1.0 - self.forecast_settled[:, f_i].mean())
            out[f.issue] = entry
        return out

    def verdicts(self) -> dict[str, FloatArray]:
        """The numeric verdicts the importance measure ranks inputs against."""
        m = self.inputs.shape[0]
        out: dict[str, FloatArray] = {}
        pb = self.study.problem
        if pb is not None:
            out["zone of agreement"] = self.zone[:m].astype(np.float64)
            for p, party in enumerate(pb.parties):
                out[f"Nash utility {party}"] = self.nash_utility[:m, p]
        for f_i, f in enumerate(self.study.forecasts):
            out[f"forecast {f.issue}"] = self.forecast_median[:m, f_i]
        return out

    def importance(self, top: int = 5) -> dict[str, list[tuple[str, float]]]:
        """For each verdict, the inputs with the largest |Spearman rho|, strongest first.

        Scenarios where a verdict is undefined (no Nash package, every actor dropped)
        are left out of that verdict's correlations; inputs that did not vary are skipped.
        """
        result: dict[str, list[tuple[str, float]]] = {}
        for name, y in self.verdicts().items():
            ok = np.isfinite(y)
            rho = spearman(self.inputs[ok], y[ok])
            order = np.argsort(-np.nan_to_num(np.abs(rho), nan=-1.0), kind="stable")
            result[name] = [
                (self.input_names[j], float(rho[j])) for j in order[:top] if np.isfinite(rho[j])
            ]
        return result

    def to_json(self, top: int = 5) -> dict[str, Any]:
        """A summary for ``--json``."""
        return {
            "scenarios": self.n,
            "seed": self.seed,
            "backend": self.backend,
            "ranges": self.study.ranges.__dict__,
            "zone_probability": self.zone_probability if self.study.problem else None,
            "nash_packages": [
                {"package": pkg, "probability": p} for pkg, p in self.nash_distribution(top)
            ],
            "forecast_quantiles": {
                issue: dict(zip(("p05", "p25", "p50", "p75", "p95"), qs, strict=True))
                for issue, qs in self.forecast_quantiles().items()
                if qs
            },
            "importance": {
                verdict: [{"input": n, "spearman": r} for n, r in ranked]
                for verdict, ranked in self.importance(top).items()
            },
        }


def spearman(x: FloatArray, y: FloatArray) -> FloatArray:
    """Spearman's rho of each column of ``x`` (m, K) with ``y`` (m,); NaN if constant."""
    if x.shape[0] < 3:
        return np.full(x.shape[1], np.nan)
    from scipy.stats import rankdata  # imported here: scipy.stats is slow to import

    rx = rankdata(x, axis=0)
    ry = rankdata(y)
    rx = rx - rx.mean(axis=0)
    ry = ry - ry.mean()
    den = np.sqrt((rx**2).sum(axis=0) * (ry**2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(den > 0, (rx * ry[:, None]).sum(axis=0) / den, np.nan))


Backend = Literal["local", "ray"]


def run_sensitivity(
    study: Study,
    n: int,
    *,
    seed: int | None = None,
    backend: Backend = "local",
    workers: int | None = None,
    address: str | None = None,
    progress: Progress | None = None,
    chunk: int = CHUNK,
) -> Sensitivity:
    """Run ``n`` scenarios of ``study`` and collect the verdicts.

    ``backend="local"`` runs chunks in ``workers`` processes (default: the CPU count;
    1 runs in this process); ``backend="ray"`` runs them as Ray tasks on the cluster
    at ``address``, or on a local Ray started here when ``address`` is None and Ray is
    not already initialised. ``progress(done, total)`` is called as chunks finish.
    Without ``seed`` a fresh one is drawn and reported in the result. Results depend
    on ``seed`` and ``chunk`` (the scenarios per chunk), never on backend or workers.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> np.uint64(1))
    if chunk < 1:
        raise ValueError("chunk must be at least 1")
    sizes = [min(chunk, n - lo) for lo in range(0, n, chunk)]
    if backend == "local":
        chunks = _run_local(study, seed, sizes, chunk, workers, progress)
    elif backend == "ray":
        chunks = _run_ray(study, seed, sizes, chunk, workers, address, progress)
    else:
        raise ValueError(f"unknown backend {backend!r}: use local or ray")
    chunks.sort(key=lambda c: c.index)
    return Sensitivity(
        study=study,
        n=n,
        seed=seed,
        backend=backend,
        zone=np.concatenate([c.zone for c in chunks]),
        nash=np.concatenate([c.nash for c in chunks]),
        nash_utility=np.concatenate([c.nash_utility for c in chunks]),
        forecast_median=np.concatenate([c.forecast_median for c in chunks]),
        forecast_mean=np.concatenate([c.forecast_mean for c in chunks]),
        forecast_settled=np.concatenate([c.forecast_settled for c in chunks]),
        inputs=np.concatenate([c.inputs for c in chunks]),
        input_names=study.input_names(),
    )


def _run_local(
    study: Study,
    seed: int,
    sizes: list[int],
    chunk: int,
    workers: int | None,
    progress: Progress | None,
) -> list[Chunk]:
    total = sum(sizes)
    done = 0
    workers = workers or os.cpu_count() or 1
    results: list[Chunk] = []
    if workers == 1 or len(sizes) == 1:
        for k, size in enumerate(sizes):
            results.append(run_chunk(study, seed, k, size, chunk))
            done += size
            if progress:
                progress(done, total)
        return results
    with ProcessPoolExecutor(max_workers=min(workers, len(sizes))) as pool:
        pending: set[Future[Chunk]] = {
            pool.submit(run_chunk, study, seed, k, size, chunk) for k, size in enumerate(sizes)
        }
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in finished:
                part = fut.result()
                results.append(part)
                done += sizes[part.index]
                if progress:
                    progress(done, total)
    return results


def _run_ray(
    study: Study,
    seed: int,
    sizes: list[int],
    chunk: int,
    workers: int | None,
    address: str | None,
    progress: Progress | None,
) -> list[Chunk]:
    try:
        import ray
    except ImportError:
        raise RuntimeError("the ray backend needs Ray: pip install 'offramp[ray]'") from None
    started = False
    if not ray.is_initialized():
        if address is None:
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
        else:
            ray.init(address=address, log_to_driver=False)
        started = True
    try:
        remote: Any = ray.remote(run_chunk)
        study_ref = ray.put(study)
        pending = [remote.remote(study_ref, seed, k, size, chunk) for k, size in enumerate(sizes)]
        total, done = sum(sizes), 0
        results: list[Chunk] = []
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            for ref in ready:
                part = ray.get(ref)
                results.append(part)
                done += sizes[part.index]
                if progress:
                    progress(done, total)
        return results
    finally:
        if started:
            ray.shutdown()


#: The salience perturbation of the replications' sensitivity study (Masad 2014).
REPLICATION_SALIENCE_SD = 0.05


def salience_study(
    issue: ForecastIssue,
    *,
    rounds: int = 10,
    options: ModelOptions = PRINTED,
    sd: float = REPLICATION_SALIENCE_SD,
) -> Study:
    """The sensitivity study the replications of SCS2011 ran: salience perturbed by
    N(0, ``sd``), clipped to [0, 1]; nothing else varies (Masad, "BDM model
    sensitivity analysis", davidmasad.com, 2014; ``Example Analysis.ipynb``)."""
    still = Ranges(salience=0.0, capability=0.0, position=0.0, values=0.0, reservation=0.0)
    ranges = Ranges(**{**still.__dict__, "salience_sd": sd})
    return Study(None, (issue,), ranges, rounds, options)
