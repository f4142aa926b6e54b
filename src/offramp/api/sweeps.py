"""The server's own schedule: run the deadline sweeps every ``every`` seconds.

Started by the API app's lifespan (``api/app.py``) when ``Settings.sweep_seconds`` is
above zero (``offramp serve`` sets it; ``OFFRAMP_SWEEP_SECONDS``). Each round runs
``services.sweeps.run()`` in a worker thread; a failed round is logged and the next
one runs on time. Several server processes may run it: the sweep's lease makes each
deadline raise once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from offramp.bootstrap import Services

log = logging.getLogger(__name__)


async def sweep_forever(app: FastAPI, every: float) -> None:
    """One round now, then one every ``every`` seconds, on the app's current services."""
    while True:
        services: Services = app.state.services
        try:
            await run_in_threadpool(services.sweeps.run)
        except Exception:
            log.exception("the deadline sweep failed; it runs again in %s s", every)
        await asyncio.sleep(every)


@asynccontextmanager
async def sweeping(app: FastAPI, every: float) -> AsyncIterator[None]:
    """Run the sweeps while the app serves (not at all if ``every`` is 0)."""
    task = asyncio.create_task(sweep_forever(app, every)) if every > 0 else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        services: Services = app.state.services
        services.events.stop()
