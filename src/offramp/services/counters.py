"""Counters of what the desk did, kept per process, for the ``/metrics`` route.

Each server process counts for itself from zero: the numbers are not stored, not
shared between processes (several uvicorn workers report separately; Prometheus sums
them) and start again at a restart (Prometheus's ``rate`` and ``increase`` handle
that). Any layer from the services up may count::

    from offramp.services.counters import DESK
    DESK.inc("sweeps_run")
"""

from __future__ import annotations

from threading import Lock


class Counters:
    """Named monotonic counters, each with a help text; safe across threads."""

    def __init__(self, described: dict[str, str]) -> None:
        self._help = dict(described)
        self._values = dict.fromkeys(described, 0)
        self._lock = Lock()

    def inc(self, name: str, by: int = 1) -> None:
        """Add ``by`` (>= 0) to the counter ``name``, which must be declared."""
        if name not in self._values:
            raise KeyError(f"no counter {name!r}; declared: {', '.join(self._values)}")
        if by < 0:
            raise ValueError("a counter only goes up")
        with self._lock:
            self._values[name] += by

    def value(self, name: str) -> int:
        with self._lock:
            return self._values[name]

    def snapshot(self) -> list[tuple[str, str, int]]:
        """``(name, help, value)`` for every counter, in declaration order."""
        with self._lock:
            return [(name, self._help[name], v) for name, v in self._values.items()]


#: The desk's own counters (exposed as ``offramp_<name>_total``).
DESK = Counters(
    {
        "events_delivered": "Notifications and events delivered to their recipients.",
        "sweeps_run": "Deadline sweeps of the crisis desk that ran.",
    }
)
