"""Request and response bodies for taking access away (issue 18): tokens, users, members."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from offramp.api.schemas import In, PartyId, Short
from offramp.model.access import DeskRole


class TokenCreateIn(In):
    user: Short
    expires_in: Annotated[
        str | None,
        Field(
            max_length=10,
            description="How long the token lives: 90m, 12h or 30d (default 90d, at most 366d).",
        ),
    ] = None


class TokenCreatedOut(BaseModel):
    user: str
    token: str
    expires_at: datetime


class TokenInfoOut(BaseModel):
    """A token without its secret (only its hash is stored)."""

    id: int
    created_at: datetime
    expires_at: datetime | None


class UserStateOut(BaseModel):
    user: str
    disabled: bool
    ended: int = Field(0, description="Sessions and tokens ended by disabling.")


class MemberChangeIn(In):
    role: DeskRole
    party: PartyId | None = None
