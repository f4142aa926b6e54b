"""The live desk: ``GET /api/cases/{case}/events``, Server-Sent Events.

A client that asks for a stream (``Accept: text/event-stream``, as ``EventSource``
does) keeps the response open for ``wait`` seconds and receives each event as it
happens, with a comment line every 15 s so that proxies keep it open; any other client
gets the events that are there and the response ends (a poll). Resume with the id of
the last event received, as ``Last-Event-ID`` (``EventSource`` sends it on reconnect)
or ``?after=``. Without either, the stream starts now with one ``ready`` event whose id
marks the start. Ids are opaque; see ``services/events.py`` and ``docs/desk.md``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import suppress
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from offramp.api.deps import MaybeActor, ServicesDep
from offramp.api.routes import PROBLEMS, CaseSlug
from offramp.errors import OfframpError
from offramp.services.events import Stream, StreamEvent

router = APIRouter(responses=PROBLEMS)
HEARTBEAT = 15.0  # seconds between keep-alive comments, on a fixed schedule
RETRY_MS = 3000  # how long EventSource waits before reconnecting
BATCH = 500
MEDIA = "text/event-stream"


def frame(event: StreamEvent) -> str:
    """One event in the text/event-stream format."""
    data = json.dumps(event.data, sort_keys=True, separators=(",", ":"))
    return f"id: {event.id}\nevent: {event.type}\ndata: {data}\n\n"


async def _events(
    stream: Stream, services: ServicesDep, ready: str | None, wait: float, live: bool
) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    wake = asyncio.Event()

    def woken() -> None:  # called from the feed's thread
        loop.call_soon_threadsafe(wake.set)

    unsubscribe = services.events.subscribe(stream.slug, woken) if live else None
    try:
        yield f"retry: {RETRY_MS}\n\n"
        if ready is not None:
            yield f"id: {ready}\nevent: ready\ndata: {json.dumps({'case': stream.slug})}\n\n"
        start = loop.time()
        end, beat = start + wait, start + HEARTBEAT
        while True:
            wake.clear()
            try:
                batch = await run_in_threadpool(stream.next, BATCH)
            except OfframpError:  # the reader lost the case (membership gone): end
                return
            for event in batch:
                yield frame(event)
            if len(batch) == BATCH:
                continue
            now = loop.time()
            if not live or now >= end:
                return
            while beat <= now:  # the schedule does not move with events, seen or hidden
                yield ": keep-alive\n\n"
                beat += HEARTBEAT
            with suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), min(beat, end) - now)
    finally:
        if unsubscribe is not None:
            unsubscribe()


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
    actor: MaybeActor,
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
        _events(stream, services, ready, wait, live),
        media_type=MEDIA,
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
