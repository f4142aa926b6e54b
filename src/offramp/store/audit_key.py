"""The server's audit key: a secret kept outside the database (issue 18, finding 5).

Where it is read from, first found wins:

1. ``OFFRAMP_AUDIT_KEY``: the key itself, 64 hex digits;
2. ``OFFRAMP_AUDIT_KEY_FILE``: a file holding the hex key;
3. beside a SQLite database ``DB``: ``DB.audit-key``; for PostgreSQL,
   ``$XDG_CONFIG_HOME/offramp/audit.key`` (``~/.config/offramp/audit.key``).

``offramp serve`` creates the file (mode 0600) if none exists, and then signs the
events written before (:func:`offramp.store.audit.adopt`); other commands only read it.
With a key, every event must be signed: set ``OFFRAMP_AUDIT_KEY`` before the first
``serve``, not later. Keep a copy of the key with the backups but *not* in the
database: whoever holds it can re-sign a rewritten chain.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

from offramp.errors import InputError
from offramp.store.engine import normalise_url

ENV_KEY = "OFFRAMP_AUDIT_KEY"
ENV_FILE = "OFFRAMP_AUDIT_KEY_FILE"


def key_path(url: str) -> Path:
    """The key file for the database at ``url`` (see the module docstring)."""
    if os.environ.get(ENV_FILE):
        return Path(os.environ[ENV_FILE]).expanduser()
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return Path(parsed.database + ".audit-key")
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "offramp" / "audit.key"


def _parse(text: str, where: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise InputError(where, "the audit key is not hex digits") from None
    if len(key) < 32:
        raise InputError(where, "the audit key needs at least 64 hex digits (32 bytes)")
    return key


def load_key(url: str, *, create: bool = False) -> tuple[bytes | None, bool]:
    """The key for ``url`` (None if there is none), and whether it was made just now.

    With ``create``, a missing key file is made.
    """
    if os.environ.get(ENV_KEY):
        return _parse(os.environ[ENV_KEY], ENV_KEY), False
    path = key_path(url)
    if path.exists():
        return _parse(path.read_text(encoding="ascii"), str(path)), False
    if not create:
        return None, False
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key.hex() + "\n")
    return key, True
