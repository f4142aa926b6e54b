"""Request and response bodies of two-factor enrolment (``/api/me/2fa``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from offramp.api.schemas import In

Code = Annotated[
    str, Field(min_length=1, max_length=40, description="A 6-digit code or a recovery code.")
]


class TwoFactorEnrolOut(BaseModel):
    secret: str = Field(description="The base32 TOTP secret; shown this once.")
    uri: str = Field(description="The otpauth:// URI of the secret, for an authenticator app.")


class TwoFactorCodeIn(In):
    code: Code


class TwoFactorOnOut(BaseModel):
    enabled: bool
    recovery_codes: list[str] = Field(
        default_factory=list, description="One-time recovery codes; shown this once."
    )
