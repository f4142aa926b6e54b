"""Limits on how fast one signed-in user may write (OWASP ASVS 4.0.3 11.1.4, anti-automation).

Every write (an API ``POST``/``PUT``/``PATCH``/``DELETE``, a web form ``POST``) spends one
token from its **user's** bucket: a user with a web session and two API tokens has one
bucket, not three. A bucket holds at most ``burst`` tokens and refills continuously at
``burst / seconds`` tokens a second; a write finding less than one token is refused with
:class:`~offramp.errors.Throttled` (HTTP 429, ``Retry-After`` in whole seconds) and spends
nothing. This is the token bucket of RFC 2697 ("A Single Rate Three Color Marker", 1999,
section 3: bucket C of size CBS refilled at CIR), the "leaky bucket" of J. Turner, "New
directions in communications (or which way to the information age?)", IEEE
Communications Magazine 24(10), 1986, with one bucket and the refill computed from the
time elapsed instead of a timer.

Default :data:`DEFAULT_WRITE_RATE`, ``60/30s``: 60 writes at once, then 2 a second.
A person at the desk writes a form every few seconds at most; 60 at once covers a page
of quick clicks or a script's short batch, and 2 a second (7,200 an hour) lets a script
import a case's worth of messages in minutes, while a runaway or hostile client writes
at most ``60 + 2t`` rows in ``t`` seconds. ``offramp serve --write-rate BURST/SECONDS``
(``OFFRAMP_WRITE_RATE``; ``0`` or ``off``: no limit) sets it.

Signing in (throttled apart: :mod:`offramp.services.signin_throttle`) and signing out
(ending a session must always work) spend nothing; reads are never limited.

The buckets live in the memory of one server process: with ``offramp serve --workers N``
each process keeps its own, so a user may write up to N times as fast across them (the
limit is against automation, not an exact quota). At most ``max_users`` buckets are kept
(:data:`MAX_USERS`), the least recently used dropped first; a bucket idle long enough
to refill is dropped as soon as it is the least recently used, which loses nothing (a
full bucket and no bucket are the same), so signed-out users' buckets go by themselves.

Time is a monotonic clock (``time.monotonic`` unless one is given), not the desk's
:class:`~offramp.model.deadlines.Clock`: the desk's clock may stand still or replay a
case's past (``--clock fixed:...``), and buckets must refill in real elapsed time.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from offramp.errors import InputError, Throttled

Ticks = Callable[[], float]
"""Seconds from an arbitrary start that never go back (``time.monotonic``)."""
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_USERS = 10_000
OFF = frozenset({"0", "off"})
_RATE = re.compile(r"^([1-9][0-9]{0,5})/([1-9][0-9]{0,5})([smh]?)$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600}
RATE_FORMS = (
    "write BURST/SECONDS such as 60/30s (60 writes at once, refilled in 30 seconds), "
    "100/1m or 1000/1h, or 0 or off for no limit"
)
_EPSILON = 1e-9  # float rounding: a write due back after exactly N seconds is back then


@dataclass(frozen=True)
class WriteRate:
    """``burst`` writes at once, refilled in full over ``seconds``."""

    burst: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.burst / self.seconds

    def __str__(self) -> str:
        return f"{self.burst}/{self.seconds:g}s"

    def words(self) -> str:
        """``60 at once and 60 more every 30 seconds``: the rate as the desk says it."""
        return f"{self.burst} at once and {self.burst} more every {_span(self.seconds)}"


DEFAULT_WRITE_RATE = WriteRate(60, 30)
DEFAULT_WRITE_RATE_TEXT = str(DEFAULT_WRITE_RATE)


def _span(seconds: float) -> str:
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            n = int(seconds // size)
            return f"{n} {unit}s" if n != 1 else unit
    return f"{seconds:g} seconds" if seconds != 1 else "second"


def _wait_words(seconds: int) -> str:
    """``20 seconds``, ``60 minutes``, ``3 hours``: a wait as a person reads it, rounded up."""
    if seconds < 120:
        n, unit = seconds, "second"
    elif seconds < 7200:
        n, unit = math.ceil(seconds / 60), "minute"
    else:
        n, unit = math.ceil(seconds / 3600), "hour"
    return f"{n} {unit}{'s' if n != 1 else ''}"


def parse_write_rate(text: str, where: str = "--write-rate") -> WriteRate | None:
    """``60/30s`` (also ``60/30``, ``100/1m``, ``1000/1h``) as a rate; ``0`` or ``off``: None."""
    spelled = text.strip().lower()
    if spelled in OFF:
        return None
    m = _RATE.match(spelled)
    if m is None:
        raise InputError(where, f"{text!r} is not a write rate; {RATE_FORMS}")
    return WriteRate(int(m.group(1)), float(int(m.group(2)) * _UNIT_SECONDS[m.group(3)]))


@dataclass
class _Bucket:
    tokens: float
    at: float


class WriteLimits:
    """One token bucket per user id, at most ``max_users`` of them; safe across threads."""

    def __init__(
        self, rate: WriteRate, *, max_users: int = MAX_USERS, ticks: Ticks = time.monotonic
    ) -> None:
        self.rate = rate
        self.max_users = max_users
        self.ticks = ticks
        self._buckets: OrderedDict[int, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many buckets are kept now."""
        return len(self._buckets)

    def spend(self, user_id: int) -> None:
        """Take one write from ``user_id``'s bucket, or raise :class:`Throttled` (spending
        nothing) with the whole seconds until it holds one again."""
        with self._lock:
            now = self.ticks()
            bucket = self._buckets.pop(user_id, None) or _Bucket(float(self.rate.burst), now)
            bucket.tokens, bucket.at = self._level(bucket, now), now
            self._prune(now)
            self._buckets[user_id] = bucket  # now the most recently used
            if bucket.tokens < 1 - _EPSILON:
                wait = max(1, math.ceil((1 - bucket.tokens) / self.rate.per_second - _EPSILON))
                raise Throttled(
                    "Too many changes from your account in a short time: the desk takes "
                    f"{self.rate.words()}. This one was not made; try again in "
                    f"{_wait_words(wait)}.",
                    wait,
                )
            bucket.tokens -= 1

    def _level(self, bucket: _Bucket, now: float) -> float:
        elapsed = max(0.0, now - bucket.at)
        return min(float(self.rate.burst), bucket.tokens + elapsed * self.rate.per_second)

    def _prune(self, now: float) -> None:
        """Make room for one more: drop the least recently used while refilled, and
        beyond ``max_users - 1`` whatever their level."""
        while self._buckets:
            oldest = next(iter(self._buckets.values()))
            if len(self._buckets) < self.max_users and self._level(oldest, now) < self.rate.burst:
                break
            self._buckets.popitem(last=False)


class WriteRequest(Protocol):
    """What :func:`charge_write` reads of a request (a Starlette ``Request`` is one)."""

    @property
    def method(self) -> str: ...

    @property
    def app(self) -> Any: ...

    @property
    def state(self) -> Any: ...


def charge_write(request: WriteRequest, user_id: int) -> None:
    """Spend one write of ``user_id`` if ``request`` is a write, at most once per request.

    The limits are the app's (``app.state.write_limits``, set by ``create_app``; None:
    no limit); ``request.state`` is marked, so resolving the user twice spends once. The
    API (:mod:`offramp.api.deps`) and the web pages (:mod:`offramp.web.pages`) both call
    this once the user is known.
    """
    limits: WriteLimits | None = getattr(request.app.state, "write_limits", None)
    state = request.state
    if (
        limits is None
        or request.method not in WRITE_METHODS
        or getattr(state, "write_charged", False)
    ):
        return
    state.write_charged = True
    limits.spend(user_id)
