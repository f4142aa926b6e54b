"""Request and response bodies for changing and resetting a password (ASVS 2.1.5, 2.1.6)
and for seeing and ending one's web sessions (3.3.4)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from offramp.api.schemas import In

# up to 1000 here, so that a long one gets the policy's own message (at most 128)
Password = Annotated[str, Field(min_length=1, max_length=1000)]
NewPassword = Annotated[
    str,
    Field(
        min_length=1,
        max_length=1000,
        description="12 to 128 characters, not a commonly used password nor the user name.",
    ),
]


class PasswordChangeIn(In):
    current_password: Password
    new_password: NewPassword


class PasswordResetIn(In):
    password: NewPassword


class PasswordChangedOut(BaseModel):
    user: str
    ended: int = Field(description="Sessions and tokens of the account that ended.")


class SessionOut(BaseModel):
    """One of your web sessions, without its secret."""

    id: int
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime = Field(
        description="When the session was last used (at most a minute behind; the sign-in "
        "if not used since). Unused for the idle limit (30 minutes unless set), it ends."
    )
    current: bool = Field(description="The session this request came with.")


class SessionsEndIn(In):
    password: Password


class SessionsEndedOut(BaseModel):
    ended: int = Field(description="Your other web sessions that ended (tokens stay).")
