"""What the desk stores of a secret it hands out once (a session, token or sign-in
step): its sha256, so that a copy of the database does not let anyone use it."""

from __future__ import annotations

import hashlib


def secret_digest(secret: str) -> str:
    """The hex sha256 of ``secret`` as UTF-8: what is stored and looked up."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
