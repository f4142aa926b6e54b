"""The case's hash-chained audit log: verify it, read its events."""

from __future__ import annotations

from fastapi import APIRouter, Query

from offramp.api.bodies import record_out
from offramp.api.deps import MaybeActor, ServicesDep
from offramp.api.routes import PROBLEMS, CaseSlug
from offramp.api.schemas import AuditEventOut, AuditOut

router = APIRouter(responses=PROBLEMS)


@router.get("/cases/{case}/audit", name="audit_verify", response_model=AuditOut, tags=["audit"])
def verify(
    case: CaseSlug,
    actor: MaybeActor,
    services: ServicesDep,
    full: bool = Query(False, description="Recompute every event, not only the new ones."),
) -> AuditOut:
    """Verify the case's hash chain (the mediator): from the last verified head, or all."""
    r = services.audit.verify_as(actor, case, full=full)
    return record_out(AuditOut, r, case=case)


@router.get(
    "/cases/{case}/audit/events",
    name="audit_events",
    response_model=list[AuditEventOut],
    tags=["audit"],
)
def events(
    case: CaseSlug,
    actor: MaybeActor,
    services: ServicesDep,
    after: int = Query(0, ge=0, le=2_000_000_000),
    limit: int = Query(200, ge=1, le=1000),
) -> list[AuditEventOut]:
    """Events of the case's audit log, in order (the mediator)."""
    return [
        record_out(AuditEventOut, e)
        for e in services.audit.events(actor, case, after=after, limit=limit)
    ]
