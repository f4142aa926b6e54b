"""Confidential text sealed with AES-256-GCM under the desk's data key (issue 18).

A sealed value is text: ``enc1:<key id>:<urlsafe base64 of nonce + ciphertext + tag>``.
The nonce is 12 random bytes per value; the associated data is the value's place
(``messages.body``), so a ciphertext moved to another column no longer opens. The key
id is the first 16 hex digits of SHA-256 over a label and the key: it names the key
without revealing it, so a reader knows which of its keys to use and an operator which
key is missing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from offramp.errors import OfframpError

PREFIX = "enc1:"
KEY_BYTES = 32
NONCE_BYTES = 12


class SealBroken(OfframpError):
    """A stored value that does not open: altered outside the desk, or under a key the
    server does not hold."""

    title = "Stored text cannot be read"


def key_id(key: bytes) -> str:
    """The public name of ``key`` (16 hex digits)."""
    return hashlib.sha256(b"offramp data key id\x00" + key).hexdigest()[:16]


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


@dataclass
class Keyring:
    """The data keys, newest first: the first seals, every one opens.

    ``source`` names where they came from (``OFFRAMP_DATA_KEY`` or a file), for
    messages; ``path`` is the key file when they came from one.
    """

    keys: tuple[bytes, ...]
    source: str
    path: Path | None = None
    _aead: dict[str, AESGCM] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.keys:
            raise ValueError("a keyring needs at least one key")
        self._aead = {key_id(k): AESGCM(k) for k in self.keys}

    @property
    def current_id(self) -> str:
        return key_id(self.keys[0])

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._aead)

    def seal(self, text: str, where: str) -> str:
        """``text`` sealed under the newest key, bound to its place ``where``."""
        nonce = os.urandom(NONCE_BYTES)
        kid = self.current_id
        box = self._aead[kid].encrypt(nonce, text.encode("utf-8"), where.encode())
        return f"{PREFIX}{kid}:{base64.urlsafe_b64encode(nonce + box).decode('ascii')}"

    def open(self, stored: str, where: str) -> str:
        """The text of a sealed value, or :class:`SealBroken` naming ``where``."""
        if not is_sealed(stored):
            raise SealBroken(f"{where}: a stored value is not encrypted (written outside the desk)")
        kid, _, body = stored[len(PREFIX) :].partition(":")
        aead = self._aead.get(kid)
        if aead is None:
            raise SealBroken(
                f"{where}: a stored value is encrypted with data key {kid}, "
                f"which {self.source} does not hold"
            )
        try:
            raw = base64.urlsafe_b64decode(body.encode("ascii"))
            plain = aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], where.encode())
        except (InvalidTag, ValueError, binascii.Error):
            raise SealBroken(
                f"{where}: a stored value does not decrypt: it was altered outside the desk"
            ) from None
        return plain.decode("utf-8")
