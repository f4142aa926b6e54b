"""The live desk: ``GET /api/cases/{case}/events``, Server-Sent Events.

A client that asks for a stream (``Accept: text/event-stream``, as ``EventSource``
does) keeps the response open for ``wait`` seconds and receives each event as it
happens, with a comment line every 15 s so that proxies keep it open; any other client
gets the events that are there and the response ends (a poll). Resume with the id of
the last event received, as ``Last-Event-ID`` (``EventSource`` sends it on reconnect)
or ``?after=``. Without either, the stream starts now with one ``ready`` event whose id
marks the start. Ids are opaque; see ``services/events.py`` and ``docs/desk.md``.

Many open streams cost little per event: the service decides each event once per
reader scope and frames it once (:class:`~offramp.services.events.StreamEvent`); a
stream woken by a change takes what is decided from memory on the event loop
(:meth:`~offramp.services.events.Stream.ready`) and sends its whole batch as one chunk;
only what is not decided yet (a resume, a scope to read again) goes to a thread. One
:class:`_Waker` per event loop turns a chain's growth into one call into the loop.

Watching is not using (OWASP ASVS 3.3.2): the stream authenticates without counting as
a use of the web session (``deps.get_watcher``), so a page left open still idles out.
A stream signed by a session ends once that session would idle out (checked at every
wake, at least each :data:`HEARTBEAT`); the reconnect then gets 401 unless the session
was used meanwhile.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import suppress
from datetime import datetime
from typing import Annotated, ClassVar

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from offramp.api.deps import MaybeWatcher, ServicesDep, session_ends
from offramp.api.routes import PROBLEMS, CaseSlug
from offramp.errors import OfframpError
from offramp.services.events import EventService, Stream

router = APIRouter(responses=PROBLEMS)
HEARTBEAT = 15.0  # seconds between keep-alive comments, on a fixed schedule
RETRY_MS = 3000  # how long EventSource waits before reconnecting
BATCH = 500
MEDIA = "text/event-stream"
# a case's streams are woken at most this often (seconds): under many writes each wake
# then carries several events in one chunk, so a stream costs a write per window, not a
# write per event; the first write after a quiet spell wakes them at once. With 200
# streams and 20 writers (benchmarks/events.py, docs/desk.md) a 0.1 s window kept
# 0.65-0.70 of the writers' throughput at a p99 of 270 ms; 0.25 s keeps 0.81-0.88
# (median of three, quiet machine) at a p99 under 500 ms
COALESCE = 0.25


class _Waker:
    """The live streams of one event loop on one service, woken together.

    It subscribes once per case; when the feed (on its own thread) reports that the
    case's chain grew, it makes one call into the loop, which sets every waiting
    stream's event, at once or, within :data:`COALESCE` of the last wake, at the end of
    that window. It is dropped when its last stream ends.
    """

    _all: ClassVar[dict[tuple[int, int], _Waker]] = {}

    def __init__(self, loop: asyncio.AbstractEventLoop, service: EventService) -> None:
        self.loop, self.service = loop, service
        self.waiting: dict[str, set[asyncio.Event]] = {}
        self._unsubscribe: dict[str, Callable[[], None]] = {}
        self._last: dict[str, float] = {}  # when each case's streams were last woken
        self._pending: set[str] = set()  # cases with a wake scheduled

    @classmethod
    def of(cls, loop: asyncio.AbstractEventLoop, service: EventService) -> _Waker:
        # keyed by ids: a waker holds both objects, so neither id is reused while it lives
        key = (id(loop), id(service))
        if key not in cls._all:
            cls._all[key] = cls(loop, service)
        return cls._all[key]

    def add(self, slug: str, wake: asyncio.Event) -> None:
        if slug not in self.waiting:
            self.waiting[slug] = set()
            self._unsubscribe[slug] = self.service.subscribe(slug, lambda: self._grown(slug))
        self.waiting[slug].add(wake)

    def remove(self, slug: str, wake: asyncio.Event) -> None:
        streams = self.waiting.get(slug, set())
        streams.discard(wake)
        if not streams and slug in self.waiting:
            del self.waiting[slug]
            self._unsubscribe.pop(slug)()
        if not self.waiting:
            self._all.pop((id(self.loop), id(self.service)), None)

    def _grown(self, slug: str) -> None:  # on the feed's thread
        with suppress(RuntimeError):  # the loop has closed: nobody left to wake
            self.loop.call_soon_threadsafe(self._wake, slug)

    def _wake(self, slug: str) -> None:
        if slug in self._pending:
            return
        due = self._last.get(slug, float("-inf")) + COALESCE
        if self.loop.time() >= due:
            self._flush(slug)
        else:
            self._pending.add(slug)
            self.loop.call_at(due, self._flush, slug)

    def _flush(self, slug: str) -> None:
        self._pending.discard(slug)
        self._last[slug] = self.loop.time()
        for wake in self.waiting.get(slug, ()):
            wake.set()


async def _events(
    stream: Stream,
    services: ServicesDep,
    ready: str | None,
    wait: float,
    live: bool,
    ends: datetime | None = None,
) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    wake = asyncio.Event()
    waker = _Waker.of(loop, services.events) if live else None
    if waker is not None:
        waker.add(stream.slug, wake)
        stream.attach()
    try:
        yield f"retry: {RETRY_MS}\n\n".encode()
        if ready is not None:
            data = json.dumps({"case": stream.slug})
            yield f"id: {ready}\nevent: ready\ndata: {data}\n\n".encode()
        start = loop.time()
        end, beat = start + wait, start + HEARTBEAT
        while True:
            wake.clear()
            batch = stream.ready(BATCH) if live else None
            if batch is None:
                try:
                    batch = await run_in_threadpool(stream.next, BATCH)
                except OfframpError:  # the reader lost the case (membership gone): end
                    return
            if batch:  # one chunk: one write to the socket, however many events
                yield b"".join(event.frame for event in batch)
            if len(batch) == BATCH:
                continue
            now = loop.time()
            if not live or now >= end or (ends is not None and services.clock.now() > ends):
                return
            while beat <= now:  # the schedule does not move with events, seen or hidden
                yield b": keep-alive\n\n"
                beat += HEARTBEAT
            with suppress(TimeoutError):
                async with asyncio.timeout(min(beat, end) - now):
                    await wake.wait()
    finally:
        if waker is not None:
            waker.remove(stream.slug, wake)
        stream.close()


@router.get(
    "/cases/{case}/events",
    name="case_events",
    tags=["live"],
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "Server-Sent Events: `id:` (opaque), `event:` (a type), "
            "`data:` (JSON with the case and the ids of the objects concerned).",
            # one event of the stream, as SSE clients (and Schemathesis) parse it
            "content": {
                MEDIA: {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "id": {"type": "string"},
                            "event": {"type": "string"},
                            "data": {"type": "string"},
                            "retry": {"type": "integer"},
                        },
                        "required": ["data"],
                    }
                }
            },
        }
    },
)
def case_events(
    request: Request,
    case: CaseSlug,
    actor: MaybeWatcher,
    services: ServicesDep,
    last_event_id: Annotated[
        str | None,
        Header(max_length=200, description="The id of the last event received (resume)."),
    ] = None,
    after: Annotated[
        str | None,
        Query(max_length=200, description="Resume after this event id (as Last-Event-ID)."),
    ] = None,
    wait: Annotated[
        float, Query(ge=0, le=3600, description="Seconds to keep a stream open.")
    ] = 300.0,
) -> StreamingResponse:
    """The case's events as they happen, each only if the caller may see what it is about."""
    cursor = last_event_id or after
    where = "Last-Event-ID" if last_event_id else "after"
    stream = services.events.open(actor, case, cursor, where)
    ready = services.events.cursor(case, stream.seq) if cursor is None else None
    live = MEDIA in request.headers.get("accept", "")
    return StreamingResponse(
        _events(stream, services, ready, wait, live, session_ends(request)),
        media_type=MEDIA,
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
