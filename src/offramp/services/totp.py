"""Time-based one-time passwords: RFC 6238 (TOTP) over RFC 4226 (HOTP), standard library only.

HMAC-SHA1, 30-second steps counted from the Unix epoch, 6 digits: what authenticator
apps expect from an ``otpauth://totp/`` URI. :func:`matching_step` accepts the step
before and after the current one for clock skew (RFC 6238, section 5.2) and returns the
step that matched, so that the caller can refuse it a second time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from urllib.parse import quote, urlencode

STEP = 30  # seconds (RFC 6238, section 4: X)
DIGITS = 6
SKEW = 1  # steps either side of now that are accepted
SECRET_BYTES = 20  # 160 bits, the HMAC-SHA1 key length RFC 4226 section 4 recommends


def hotp(key: bytes, counter: int, digits: int = DIGITS) -> str:
    """RFC 4226 section 5.3: HMAC-SHA1 of the 8-byte counter, dynamically truncated."""
    mac = hmac.new(key, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def step_at(unix_seconds: float) -> int:
    """The TOTP time step ``T = floor((now - T0) / X)`` with ``T0 = 0``."""
    return int(unix_seconds // STEP)


def totp(key: bytes, unix_seconds: float, digits: int = DIGITS) -> str:
    """The code at ``unix_seconds`` (RFC 6238 section 4.2)."""
    return hotp(key, step_at(unix_seconds), digits)


def matching_step(key: bytes, code: str, unix_seconds: float) -> int | None:
    """The step within :data:`SKEW` of now whose code is ``code``, or None."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not (code.isascii() and code.isdigit()):  # not '²' or '٣'
        return None
    now = step_at(unix_seconds)
    found = None
    for step in range(now - SKEW, now + SKEW + 1):  # every step compared: constant work
        if hmac.compare_digest(hotp(key, step), code):
            found = step
    return found


def new_secret() -> str:
    """A random key in unpadded base32, as authenticator apps take it."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def key_of(secret: str) -> bytes:
    """The key bytes of a base32 secret (padding optional)."""
    text = secret.strip().upper()
    return base64.b32decode(text + "=" * (-len(text) % 8))


def otpauth_uri(secret: str, account: str, issuer: str = "offramp") -> str:
    """The ``otpauth://totp/`` URI (Google Authenticator's key URI format) for ``secret``."""
    label = quote(f"{issuer}:{account}", safe="")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": STEP}
    )
    return f"otpauth://totp/{label}?{query}"
