"""The caller's own notices of changes to their sign-in (ASVS 2.2.3, 2.5.5)."""

from __future__ import annotations

from fastapi import APIRouter

from offramp.api.deps import CurrentActor, ServicesDep
from offramp.api.notice_schemas import NoticeOut, NoticesSeenIn, NoticesSeenOut
from offramp.api.routes import PROBLEMS

router = APIRouter(responses=PROBLEMS)


@router.get("/me/notices", name="notice_list", response_model=list[NoticeOut], tags=["accounts"])
def list_notices(actor: CurrentActor, services: ServicesDep) -> list[NoticeOut]:
    """Your notices not yet dismissed, newest first: a password changed or reset,
    two-factor sign-in turned on or off, other sessions signed out, the account enabled
    again, a new API token, sign-ins that failed since your last one."""
    return [
        NoticeOut(
            id=n.id,
            kind=n.kind.value,
            text=n.text,
            at=n.at,
            by=n.actor,
            client=n.client,
            failures=n.failures,
        )
        for n in services.accounts.notices.unseen(actor)
    ]


@router.post(
    "/me/notices/seen", name="notice_dismiss", response_model=NoticesSeenOut, tags=["accounts"]
)
def dismiss_notices(
    actor: CurrentActor, services: ServicesDep, body: NoticesSeenIn | None = None
) -> NoticesSeenOut:
    """Dismiss your notices ``ids`` (every unseen one without a body or ``ids``); an id
    that is not one of yours is 404, as a missing one."""
    ids = body.ids if body is not None else None
    return NoticesSeenOut(dismissed=services.accounts.notices.dismiss(actor, ids))
