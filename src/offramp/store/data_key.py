"""Where the data key lives: always outside the database (issue 18).

The keys are read from the first of these that is set:

1. ``OFFRAMP_DATA_KEY``: the keys themselves, 64 hex digits each, comma-separated,
   the newest first;
2. a key file named by ``--key-file`` or ``OFFRAMP_DATA_KEY_FILE``;
3. beside a SQLite database ``DB``: the file ``DB.data-key``; for PostgreSQL,
   ``$XDG_CONFIG_HOME/offramp/data.key`` (``~/.config/offramp/data.key``).

A key file holds one key a line in hex, the newest first (``#`` starts a comment);
the lines after the first are older keys, accepted for reading while ``offramp db
rotate-key`` re-encrypts, and removed when it is done. A new file is written with
mode 0600.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

from offramp.errors import InputError
from offramp.store.cipher import KEY_BYTES, Keyring
from offramp.store.engine import make_engine, normalise_url
from offramp.store.sealed import no_key, registered

ENV_KEY = "OFFRAMP_DATA_KEY"
ENV_FILE = "OFFRAMP_DATA_KEY_FILE"


def key_path(url: str, key_file: str | Path | None = None) -> Path:
    """The key file for the database at ``url`` (see the module docstring)."""
    if key_file:
        return Path(key_file).expanduser()
    if os.environ.get(ENV_FILE):
        return Path(os.environ[ENV_FILE]).expanduser()
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(str(parsed.database) + ".data-key")
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "offramp" / "data.key"


def source_name(url: str, key_file: str | Path | None = None) -> str:
    """Where the keys for ``url`` are read from, for messages."""
    if os.environ.get(ENV_KEY) and not key_file:
        return ENV_KEY
    return str(key_path(url, key_file))


def parse_keys(text: str, where: str) -> tuple[bytes, ...]:
    """Hex keys, one a line or comma-separated, the newest first."""
    keys = []
    for line in text.replace(",", "\n").splitlines():
        item = line.split("#", 1)[0].strip()
        if not item:
            continue
        try:
            key = bytes.fromhex(item)
        except ValueError:
            raise InputError(where, "a data key is not hex digits") from None
        if len(key) != KEY_BYTES:
            raise InputError(where, f"a data key must be {2 * KEY_BYTES} hex digits (32 bytes)")
        keys.append(key)
    if not keys:
        raise InputError(where, "holds no data key")
    return tuple(keys)


def load_keyring(url: str, key_file: str | Path | None = None) -> Keyring | None:
    """The keys for ``url``, or None if there are none (no variable, no file)."""
    if os.environ.get(ENV_KEY) and not key_file:
        return Keyring(parse_keys(os.environ[ENV_KEY], ENV_KEY), ENV_KEY)
    path = key_path(url, key_file)
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"the data key file cannot be read: {exc}") from None
    return Keyring(parse_keys(text, str(path)), str(path), path)


def create_keyring(url: str, key_file: str | Path | None = None) -> Keyring:
    """Make a new key file (mode 0600) for ``url`` and return its key."""
    path = key_path(url, key_file)
    key = secrets.token_bytes(KEY_BYTES)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it meanwhile: use that one
        found = load_keyring(url, key_file)
        assert found is not None
        return found
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key.hex() + "\n")
    return Keyring((key,), str(path), path)


def write_keys(path: Path, keys: tuple[bytes, ...]) -> None:
    """Replace the key file ``path`` with ``keys`` (newest first), whole or not at all."""
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write("".join(k.hex() + "\n" for k in keys))
        f.flush()
        os.fsync(f.fileno())
    partial.replace(path)


def desk_keyring(url: str, key_file: str | Path | None = None, *, create: bool = True) -> Keyring:
    """The keys for the desk at ``url``; with ``create``, a new key file when there are
    none and the database holds nothing sealed yet (never a new key for sealed text)."""
    ring = load_keyring(url, key_file)
    if ring is not None:
        return ring
    used = _keys_in_use(url)
    if used or not create:
        raise no_key(source_name(url, key_file), used)
    return create_keyring(url, key_file)


def _keys_in_use(url: str) -> set[str]:
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite" and not Path(str(parsed.database)).exists():
        return set()
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            return registered(conn)
    finally:
        engine.dispose()
