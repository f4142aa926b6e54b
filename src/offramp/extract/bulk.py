"""Many articles at once: locally, or on a Ray cluster, with the same outcome.

:func:`extract_all` takes (text, date) pairs and gives, in the same order, each article's
proposals or the message of the error that stopped it. ``backend="local"`` runs them one
by one through one :class:`~.proposals.Extractor`; ``backend="ray"`` starts Ray actors
(one per CPU, or ``workers``), each building its own extractor once from the lexicon and
reader sent to it, and hands them batches of articles. Every article is read alone by
:meth:`Extractor.extract` either way, so the outcome does not depend on the backend, the
worker count or which worker read what.

Ray is imported only by the ray backend (the ``ray`` extra: ``pip install 'offramp[ray]'``).
Without ``address`` it starts a local Ray of ``workers`` CPUs for the run; with one it
joins that cluster, whose nodes need offramp and its spaCy pipeline installed.
"""

from __future__ import annotations

import logging
import math
import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from offramp.errors import InputError, OfframpError
from offramp.extract.loading import paused_gc

if TYPE_CHECKING:  # spaCy is imported where an extractor is built, not here
    from offramp.extract.lexicon import Lexicon
    from offramp.extract.proposals import Extractor, ProposedStatement
    from offramp.extract.reader import Reader

Backend = Literal["local", "ray"]
BACKENDS: tuple[Backend, ...] = ("local", "ray")
Outcome: TypeAlias = "list[ProposedStatement] | str"
"""An article's proposals, or the message of the error that stopped it."""
Progress = Callable[[int, int], None]
"""``progress(done, total)``, called as articles are finished."""

_BATCHES_PER_WORKER = 4  # enough to even out long and short articles between workers
_MAX_BATCH = 16
_PROBE_SECONDS = 5.0
_HOST_PORT = re.compile(r"^(?:ray://)?(?P<host>\[[^\]]+\]|[^:/\s]+):(?P<port>\d{1,5})$")


@dataclass(frozen=True)
class Setup:
    """What every worker needs to build the same extractor: the word lists and reader."""

    lexicon: Lexicon
    reader: Reader | None

    def build(self) -> Extractor:
        """The extractor (its pipeline loaded once per process)."""
        from offramp.extract.proposals import Extractor

        with paused_gc():
            return Extractor(self.lexicon, reader=self.reader)


def extract_one(extractor: Extractor, text: str, day: date) -> Outcome:
    """The article's proposals, or the error's message (the same on every backend)."""
    try:
        return extractor.extract(text, day)
    except OfframpError as exc:
        return "; ".join(p.message for p in exc.problems)


def extract_all(
    setup: Setup,
    items: Sequence[tuple[str, date]],
    *,
    backend: Backend = "local",
    workers: int | None = None,
    address: str | None = None,
    progress: Progress | None = None,
) -> list[Outcome]:
    """Each item's outcome, in the order of ``items``.

    Raises :class:`InputError` naming ``--backend`` (unknown backend, Ray missing or
    failing to start) or ``--address`` (malformed or unreachable).
    """
    if backend not in BACKENDS:
        raise InputError("--backend", f"{backend!r} is not a backend: use local or ray")
    if not items:
        return []
    if backend == "local":
        return _local(setup, items, progress)
    return _ray(setup, items, workers, address, progress)


def _local(
    setup: Setup, items: Sequence[tuple[str, date]], progress: Progress | None
) -> list[Outcome]:
    extractor = setup.build()
    out: list[Outcome] = []
    for text, day in items:
        out.append(extract_one(extractor, text, day))
        if progress:
            progress(len(out), len(items))
    return out


class ExtractorActor:
    """A Ray actor's state: one extractor, built once, reading batch after batch."""

    def __init__(self, setup: Setup) -> None:
        self.extractor = setup.build()

    def extract(self, batch: list[tuple[int, str, date]]) -> list[tuple[int, Outcome]]:
        return [(i, extract_one(self.extractor, text, day)) for i, text, day in batch]


def batches(items: Sequence[tuple[str, date]], workers: int) -> list[list[tuple[int, str, date]]]:
    """Consecutive batches of (index, text, date), a few per worker, none empty."""
    size = max(1, min(_MAX_BATCH, math.ceil(len(items) / (workers * _BATCHES_PER_WORKER))))
    indexed = [(i, text, day) for i, (text, day) in enumerate(items)]
    return [indexed[k : k + size] for k in range(0, len(indexed), size)]


def check_address(address: str) -> None:
    """:class:`InputError` on ``--address`` unless it is ``auto`` or a reachable HOST:PORT.

    Ray waits a long time on an address where nothing listens, so the port is tried
    first, for a few seconds.
    """
    if address == "auto":
        return
    found = _HOST_PORT.match(address.strip())
    if not found:
        raise InputError(
            "--address", f"{address!r} is not an address: use HOST:PORT, ray://HOST:PORT or auto"
        )
    host, port = found["host"].strip("[]"), int(found["port"])
    try:
        with socket.create_connection((host, port), timeout=_PROBE_SECONDS):
            pass
    except OSError as exc:
        raise InputError(
            "--address", f"no Ray cluster answers at {address}: {exc.strerror or exc}"
        ) from None


def _ray(
    setup: Setup,
    items: Sequence[tuple[str, date]],
    workers: int | None,
    address: str | None,
    progress: Progress | None,
) -> list[Outcome]:
    try:
        import ray as ray_module
        from ray.util import ActorPool
    except ImportError:
        raise InputError(
            "--backend", "the ray backend needs Ray: pip install 'offramp[ray]'"
        ) from None
    ray: Any = ray_module  # Ray's own annotations are partial
    started = not ray.is_initialized()
    if started:
        _start(ray, workers, address)
    try:
        cpus = int(ray.cluster_resources().get("CPU", 1))
        count = max(1, min(workers or cpus, cpus, len(items)))
        actor: Any = ray.remote(num_cpus=1)(ExtractorActor)
        shared = ray.put(setup)
        pool = ActorPool([actor.remote(shared) for _ in range(count)])
        out: dict[int, Outcome] = {}
        done = 0
        work = batches(items, count)
        for finished in pool.map_unordered(lambda a, b: a.extract.remote(b), work):
            for i, outcome in finished:
                out[i] = outcome
            done += len(finished)
            if progress:
                progress(done, len(items))
        return [out[i] for i in range(len(items))]
    except ray.exceptions.RayError as exc:
        raise InputError("--backend", f"the Ray run failed: {_first_line(exc)}") from None
    finally:
        if started:
            ray.shutdown()


def _start(ray: Any, workers: int | None, address: str | None) -> None:
    """Start a local Ray of ``workers`` CPUs, or join the cluster at ``address``."""
    quiet: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.ERROR}
    if address is None:
        try:
            ray.init(num_cpus=workers, include_dashboard=False, **quiet)
        except (RuntimeError, ValueError, ConnectionError, OSError) as exc:
            raise InputError("--backend", f"Ray did not start: {_first_line(exc)}") from None
        return
    check_address(address)
    try:
        ray.init(address=address, **quiet)
    except (RuntimeError, ValueError, ConnectionError, OSError) as exc:
        raise InputError(
            "--address", f"cannot join the Ray cluster at {address}: {_first_line(exc)}"
        ) from None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
