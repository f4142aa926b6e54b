"""Request metrics, the request log and the ``GET /metrics`` route (Prometheus text 0.0.4).

:class:`Observe` is a plain ASGI middleware around the whole desk (API and web
pages): for each HTTP request it notes the route *template* (``/api/cases/{case}``;
``unmatched`` for paths no route knows, so a scan cannot grow the label set), the
method, the status and the time to the last byte, gives the request an id
(``X-Request-ID``: the caller's if it is a short token, else a fresh one, sent back
on the response) and writes the request log line (:mod:`offramp.api.requestlog`).

The numbers are kept per process, in memory, from the process's start: several
workers each report their own, and a restart begins again at zero (Prometheus's
``rate()`` expects exactly that of a counter).

Who may read ``/metrics``: a server admin's bearer token; or, if the server was
started with the loopback setting, any request from 127.0.0.1 or ::1 that did not
come through a proxy (no ``Forwarded``/``X-Forwarded-*``/``X-Real-IP`` header).
Anyone else gets 401 (no token), 403 ``metrics.read`` (a token that is not an
admin's), never the numbers.
"""

from __future__ import annotations

import math
import re
import secrets
import time
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import count
from threading import Lock
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from offramp.api.deps import ServicesDep
from offramp.api.requestlog import log_request
from offramp.errors import Unauthenticated
from offramp.services.counters import DESK, Counters

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
#: Seconds; the upper bounds of the latency histogram's buckets (``+Inf`` is implied).
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
UNMATCHED = "unmatched"
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
LOOPBACK = frozenset({"127.0.0.1", "::1"})
PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-forwarded-proto", "x-real-ip")
#: a new request's id: this process's random half, then its count (32 hex digits, as a
#: UUID's; unique across processes without a system call per request)
_PROCESS = secrets.token_hex(8)
_COUNT = count(1)


@dataclass
class _Series:
    count: int = 0
    total: float = 0.0
    buckets: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))


class HttpMetrics:
    """Request counts by (method, route, status) and latency by (method, route)."""

    def __init__(self) -> None:
        self._lock = Lock()
        self._requests: dict[tuple[str, str, str], int] = {}
        self._latency: dict[tuple[str, str], _Series] = {}
        self.started = time.time()

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            key = (method, route, str(status))
            self._requests[key] = self._requests.get(key, 0) + 1
            series = self._latency.setdefault((method, route), _Series())
            series.count += 1
            series.total += seconds
            at = bisect_left(BUCKETS, seconds)
            if at < len(BUCKETS):
                series.buckets[at] += 1

    def render(self, counters: Counters = DESK) -> str:
        """Everything, in the Prometheus text exposition format 0.0.4."""
        with self._lock:
            requests = sorted(self._requests.items())
            latency = sorted(
                (k, _Series(s.count, s.total, list(s.buckets))) for k, s in self._latency.items()
            )
        out: list[str] = []
        out += _family(
            "offramp_http_requests_total",
            "counter",
            "HTTP requests by method, route template and status (this process).",
            (
                (f"{{method={_q(m)},route={_q(r)},status={_q(s)}}}", str(n))
                for (m, r, s), n in requests
            ),
        )
        out += _family(
            "offramp_http_request_duration_seconds",
            "histogram",
            "Time from the request to the last byte of the response (this process).",
            _histogram(latency),
        )
        for name, text, value in counters.snapshot():
            out += _family(
                f"offramp_{name}_total", "counter", f"{text} (this process)", [("", str(value))]
            )
        out += _family(
            "offramp_process_start_time_seconds",
            "gauge",
            "When this process started, in seconds since the Unix epoch.",
            [("", _number(self.started))],
        )
        return "\n".join(out) + "\n"


def _family(name: str, kind: str, text: str, samples: Iterable[tuple[str, str]]) -> list[str]:
    """``# HELP``, ``# TYPE`` and the samples; a histogram's suffixes ride in ``labels``."""
    lines = [f"# HELP {name} {_help(text)}", f"# TYPE {name} {kind}"]
    lines += [f"{name}{labels} {value}" for labels, value in samples]
    return lines


def _histogram(latency: list[tuple[tuple[str, str], _Series]]) -> Iterable[tuple[str, str]]:
    for (method, route), s in latency:
        base = f"method={_q(method)},route={_q(route)}"
        running = 0
        for bound, n in zip(BUCKETS, s.buckets, strict=True):
            running += n
            yield f'_bucket{{{base},le="{_number(bound)}"}}', str(running)
        yield f'_bucket{{{base},le="+Inf"}}', str(s.count)
        yield f"_sum{{{base}}}", _number(s.total)
        yield f"_count{{{base}}}", str(s.count)


def _q(value: str) -> str:
    """A label value, quoted and escaped (backslash, double quote, newline)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _number(x: float) -> str:
    if math.isinf(x):
        return "+Inf" if x > 0 else "-Inf"
    return repr(float(x))


# -- the middleware -----------------------------------------------------------------------


def route_templates(routes: Iterable[Any], prefix: str = "") -> dict[int, str]:
    """Each route object's full path template, by ``id``, through included routers.

    FastAPI keeps an included router whole (``original_router``, its prefix in
    ``include_context``), so a matched route's own ``path`` lacks the ``/api`` prefix;
    older versions copied routes with the full path, which this reads as well.
    """
    found: dict[int, str] = {}
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            own = getattr(getattr(route, "include_context", None), "prefix", "") or ""
            found.update(route_templates(inner.routes, prefix + own))
            continue
        path = getattr(route, "path", None)
        if not isinstance(path, str):
            continue
        if isinstance(route, Mount):
            found[id(route)] = f"{prefix}{path}/{{path}}"
            found.update(route_templates(route.routes, prefix + path))
        else:
            found[id(route)] = prefix + path
    return found


class _Templates:
    """The app's route templates, read again when routes were added since."""

    def __init__(self) -> None:
        self._by_id: dict[int, str] = {}
        self._mounts: list[tuple[str, str]] = []
        self._built_for = -1

    def of(self, scope: Scope) -> str:
        route = scope.get("route")
        if route is None:  # a mounted app (static files) leaves no route in the scope
            self._refresh(scope)
            path = str(scope.get("path", ""))
            return next((t for p, t in self._mounts if path.startswith(p)), UNMATCHED)
        found = self._by_id.get(id(route))
        if found is None:
            self._refresh(scope)
            found = self._by_id.get(id(route))
        if found is None:
            own = getattr(route, "path", None)
            return own if isinstance(own, str) else UNMATCHED
        return found

    def _refresh(self, scope: Scope) -> None:
        routes = list(getattr(getattr(scope.get("app"), "router", None), "routes", []))
        if len(routes) == self._built_for:
            return
        self._by_id, self._built_for = route_templates(routes), len(routes)
        self._mounts = [(f"{r.path}/", self._by_id[id(r)]) for r in routes if isinstance(r, Mount)]


class Observe:
    """Count, time and log every HTTP request; give each an ``X-Request-ID``."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics
        self.templates = _Templates()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        request_id = _request_id(scope)
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - start
            method = str(scope.get("method", ""))
            route = self.templates.of(scope)
            self.metrics.observe(method, route, status, seconds)
            log_request(method, route, status, seconds, request_id)


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            text = bytes(value).decode("latin-1")
            if REQUEST_ID.fullmatch(text):
                return text
            break
    return f"{_PROCESS}{next(_COUNT):016x}"


# -- the route ----------------------------------------------------------------------------

_bearer = HTTPBearer(auto_error=False, description="A server admin's token.")
router = APIRouter()


def from_loopback(request: Request) -> bool:
    """A request made on this machine to the server itself, not relayed by a proxy."""
    host = request.client.host if request.client else ""
    return host in LOOPBACK and not any(h in request.headers for h in PROXY_HEADERS)


@router.get(
    "/metrics",
    name="metrics",
    include_in_schema=False,
    response_class=PlainTextResponse,
)
def metrics(
    request: Request,
    services: ServicesDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> PlainTextResponse:
    """The Prometheus text exposition of this process's metrics."""
    if not (request.app.state.metrics_loopback and from_loopback(request)):
        if bearer is None:
            raise Unauthenticated("Metrics need a server admin's bearer token.")
        actor = services.accounts.actor_for_secret(bearer.credentials)
        services.operations.require_metrics_reader(actor)
    text = request.app.state.metrics.render()
    return PlainTextResponse(text, media_type=CONTENT_TYPE)


def install(app: FastAPI, *, loopback: bool = False) -> HttpMetrics:
    """Observe every request of ``app`` and serve ``GET /metrics``."""
    registry = HttpMetrics()
    app.state.metrics = registry
    app.state.metrics_loopback = loopback
    app.add_middleware(Observe, metrics=registry)
    app.include_router(router)
    return registry
