"""Copying a desk database to one file and back, on SQLite and on PostgreSQL.

SQLite uses the sqlite3 module's online backup API (``Connection.backup``): it copies
the database page by page under SQLite's own locks, so a backup taken while the
server writes is a consistent snapshot, and a restore writes through the pager of the
target like any other writer. The backup file is switched to the rollback journal, so
it is one self-contained file.

PostgreSQL uses ``pg_dump --format=custom`` and ``pg_restore --clean``, found on
``PATH`` or in ``/usr/lib/postgresql/*/bin`` (the newest). The password travels in
``PGPASSWORD``, never on a command line that ``ps`` would show.

Errors are :class:`offramp.errors.InputError` naming the file or the database.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, inspect, select, table
from sqlalchemy.engine import URL, make_url

from offramp.errors import InputError
from offramp.store.engine import normalise_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
PG_BIN_DIRS = "/usr/lib/postgresql"
#: Tables that hold no desk data: a migrated but unused database has rows only here
#: (``data_keys``: the ids of the data keys in use, see ``store/sealed.py``).
BOOKKEEPING = frozenset({"alembic_version", "data_keys"})


@dataclass(frozen=True)
class BackupResult:
    """What a backup wrote."""

    path: Path
    backend: str
    size: int


def backend_of(url: str) -> str:
    """``sqlite`` or ``postgresql`` (anything else is refused)."""
    name = make_url(normalise_url(url)).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise InputError("--db", f"backups support SQLite and PostgreSQL, not {name}")
    return name


def sqlite_path(url: str) -> Path:
    """The file of a SQLite URL (an in-memory database has none)."""
    database = make_url(normalise_url(url)).database
    if not database or database == ":memory:":
        raise InputError("--db", "an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def kind_of_file(path: Path) -> str:
    """``sqlite`` or ``postgresql`` by the file's first bytes, or an error naming it."""
    try:
        with path.open("rb") as fh:
            start = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise InputError(str(path), f"cannot be read: {exc.strerror}") from None
    if start.startswith(SQLITE_MAGIC):
        return "sqlite"
    if start.startswith(PG_MAGIC):
        return "postgresql"
    raise InputError(str(path), "is neither a SQLite database nor a pg_dump custom-format archive")


def data_rows(engine: Engine) -> int:
    """Rows in every table except migration bookkeeping (0: safe to restore over)."""
    total = 0
    with engine.connect() as conn:
        for name in inspect(conn).get_table_names():
            if name in BOOKKEEPING:
                continue
            total += int(conn.execute(select(func.count()).select_from(table(name))).scalar_one())
    return total


# -- SQLite -------------------------------------------------------------------------------


def backup_sqlite(url: str, out: Path) -> BackupResult:
    """Snapshot the SQLite database at ``url`` into ``out`` (written whole, then renamed)."""
    source = sqlite_path(url)
    if not source.is_file():
        raise InputError("--db", f"{source} does not exist")
    if out.resolve() == source.resolve():
        raise InputError(str(out), "is the database itself; write the backup elsewhere")
    partial = _partial(out)
    try:
        src = sqlite3.connect(_uri(source, "rw"), uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
                _check_sqlite(dst, out)
            finally:
                dst.close()
        finally:
            src.close()
        _fsync(partial)
        partial.replace(out)
    except sqlite3.Error as exc:
        raise InputError("--db", f"{source}: {exc}") from None
    except OSError as exc:
        raise InputError(str(out), f"cannot be written: {exc.strerror}") from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(out, "sqlite", out.stat().st_size)


def restore_sqlite(url: str, file: Path) -> None:
    """Replace the SQLite database at ``url`` with the backup ``file``."""
    target = sqlite_path(url)
    if target.resolve() == file.resolve():
        raise InputError(str(file), "is the database itself; restore from a backup file")
    try:
        src = sqlite3.connect(_uri(file, "ro"), uri=True)
        try:
            _check_sqlite(src, file)
            target.parent.mkdir(parents=True, exist_ok=True)
            dst = sqlite3.connect(target, timeout=30)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise InputError(str(file), f"cannot be restored: {exc}") from None


def _uri(path: Path, mode: str) -> str:
    """A SQLite URI that never creates the file (``mode=rw`` or ``mode=ro``)."""
    return f"{path.resolve().as_uri()}?mode={mode}"


def _check_sqlite(conn: sqlite3.Connection, where: Path) -> None:
    """A desk database: intact, and with the migrations' bookkeeping table."""
    result = conn.execute("PRAGMA quick_check").fetchone()
    if not result or result[0] != "ok":
        raise InputError(str(where), f"the SQLite integrity check failed: {result}")
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if found is None:
        raise InputError(str(where), "is a SQLite database but not an offramp desk")


# -- PostgreSQL ---------------------------------------------------------------------------


def find_pg_tool(name: str) -> Path:
    """``pg_dump`` or ``pg_restore``: on PATH, else the newest in /usr/lib/postgresql."""
    on_path = shutil.which(name)
    if on_path:
        return Path(on_path)
    candidates = sorted(
        Path(PG_BIN_DIRS).glob(f"*/bin/{name}"),
        key=lambda p: _version_key(p.parent.parent.name),
    )
    if candidates:
        return candidates[-1]
    raise InputError(
        name,
        f"not found on PATH or in {PG_BIN_DIRS}/*/bin; install the PostgreSQL client "
        "(Debian: apt-get install postgresql-client)",
    )


def backup_postgres(url: str, out: Path) -> BackupResult:
    """``pg_dump --format=custom`` of the database at ``url`` into ``out``."""
    conninfo, env = _libpq(url)
    partial = _partial(out)
    try:
        _run(
            [str(find_pg_tool("pg_dump")), "--format=custom", f"--file={partial}", conninfo],
            env,
            "pg_dump",
        )
        _fsync(partial)
        partial.replace(out)
    except OSError as exc:
        raise InputError(str(out), f"cannot be written: {exc.strerror}") from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(out, "postgresql", out.stat().st_size)


def restore_postgres(url: str, file: Path) -> None:
    """``pg_restore --clean --if-exists`` of ``file`` into the database at ``url``."""
    conninfo, env = _libpq(url)
    tool = str(find_pg_tool("pg_restore"))
    _run([tool, "--list", str(file)], env, str(file))
    _run(
        [
            tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={conninfo}",
            str(file),
        ],
        env,
        "pg_restore",
    )


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password, and the environment that carries it."""
    parsed: URL = make_url(normalise_url(url))
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(argv: list[str], env: dict[str, str], where: str) -> None:
    try:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except OSError as exc:
        raise InputError(where, f"cannot run {argv[0]}: {exc.strerror}") from None
    if done.returncode != 0:
        lines = [ln for ln in (done.stderr or done.stdout).splitlines() if ln.strip()]
        message = "; ".join(lines[-3:]) or f"exited with status {done.returncode}"
        raise InputError(where, message)


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(p) for p in name.split(".") if p.isdigit())


# -- files --------------------------------------------------------------------------------


def _partial(out: Path) -> Path:
    if out.is_dir():
        raise InputError(str(out), "is a directory; name the backup file")
    if not out.parent.is_dir():
        raise InputError(str(out), f"the folder {out.parent} does not exist")
    return out.with_name(out.name + ".partial")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
