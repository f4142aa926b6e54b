"""Response and request bodies of the caller's account notices (ASVS 2.2.3, 2.5.5)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from offramp.api.schemas import In

NoticeId = Annotated[int, Field(ge=1, le=2_000_000_000)]


class NoticeOut(BaseModel):
    """A change to your sign-in that you have not dismissed yet."""

    id: int
    kind: str = Field(
        description="password.changed, password.reset, 2fa.on, 2fa.off, sessions.ended, "
        "account.enabled, token.created, signin.failed (sign-ins that failed since your "
        "last one), security_key.added, security_key.removed or security_key.cloned (a "
        "sign-in refused: the key's counter went backwards)"
    )
    text: str = Field(description="The notice in words, as the web banner shows it.")
    at: datetime = Field(description="When it happened (UTC; the latest failed sign-in's).")
    by: str = Field(
        description="The user name of who did it: you, or a server admin (empty for failed "
        "sign-ins: nobody known)."
    )
    failures: int = Field(default=0, description="How many sign-ins failed (signin.failed).")
    client: str = Field(description="The address it came from, if known (else empty).")


class NoticesSeenIn(In):
    ids: list[NoticeId] | None = Field(
        default=None,
        max_length=1000,
        description="The notices to dismiss; leave out to dismiss every unseen one.",
    )


class NoticesSeenOut(BaseModel):
    dismissed: int = Field(description="How many unseen notices were dismissed.")
