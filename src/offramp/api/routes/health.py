"""Health: is the process up (``/health/live``), can it serve (``/health/ready``).

A load balancer or systemd watchdog asks ``live`` (no I/O: it answers as long as the
event loop does); a deploy or a proxy's upstream check asks ``ready``: the database
answers and is migrated to the revision this code ships, else 503 with a problem body.
``/health`` is the original check and stays as it was.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from offramp.api.deps import ServicesDep
from offramp.api.errors import problem
from offramp.api.routes import PROBLEMS
from offramp.api.schemas import HealthOut, Problem

router = APIRouter(responses=PROBLEMS, tags=["server"])


class LiveOut(BaseModel):
    ok: bool


class ReadyOut(BaseModel):
    ok: bool
    revision: str
    head: str


@router.get("/health", name="health", response_model=HealthOut)
def health() -> HealthOut:
    """Whether the server is up (no sign-in needed)."""
    return HealthOut(ok=True)


@router.get("/health/live", name="health_live", response_model=LiveOut)
async def live() -> LiveOut:  # async and no I/O: answers while the event loop runs
    """Liveness: the process is up and serving (no database access, no sign-in)."""
    return LiveOut(ok=True)


@router.get(
    "/health/ready",
    name="health_ready",
    response_model=ReadyOut,
    responses={503: {"model": Problem, "description": "Database unreachable or not migrated"}},
)
def ready(services: ServicesDep) -> ReadyOut | JSONResponse:
    """Readiness: the database answers and is migrated to head (no sign-in)."""
    status = services.operations.status()
    if not status.reachable:
        return problem(503, "Not ready", f"The database does not answer ({status.error}).")
    if status.revision != status.head:
        at = status.revision or "never migrated"
        return problem(
            503,
            "Not ready",
            f"The database is at revision {at}, this code needs {status.head}: "
            "run `offramp db upgrade`.",
        )
    return ReadyOut(ok=True, revision=status.head, head=status.head)
