"""The one way the tests start the real desk server: ``python -m offramp serve|demo`` as a
subprocess on a free loopback port, waited for until it answers.

:func:`desk_server` is the context manager; :func:`start_server` starts one the caller stops
(a test that kills a server and starts another over the same database). The server's
output goes to a file beside the database (a full pipe would stall it); if the server
does not come up, the error shows that output. Its write limit is off
(``OFFRAMP_WRITE_RATE=off``: tests write fast on purpose) unless ``env`` or
``--write-rate`` in ``extra_args`` sets one.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypedDict, Unpack

import httpx

ROOT = Path(__file__).resolve().parents[2]
WRITE_RATE_ENV = "OFFRAMP_WRITE_RATE"


def free_port() -> int:
    """A loopback port nothing listens on (at the moment of asking)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Running:
    """A desk server the tests started: its base URL, the database it serves, the process."""

    base: str
    db: str
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        """The base URL (the older name, kept for the tests that say ``.url``)."""
        return self.base

    def output(self) -> str:
        """Everything the server wrote to stdout and stderr so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, nothing but what is already durable."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM and wait (SIGKILL after 10 s)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_server(
    db: str | Path,
    *,
    verb: Literal["serve", "demo"] = "serve",
    password: str | None = None,
    clock: str | None = None,
    extra_args: Sequence[str] = (),
    env: dict[str, str] | None = None,
    ready: str = "/api/health",
    timeout: float = 60.0,
) -> Running:
    """``offramp VERB --db DB --port PORT`` (``--password`` and ``--clock`` when given),
    running once ``ready`` answers 200; on failure the server's output is in the error."""
    port = free_port()
    args = [sys.executable, "-m", "offramp", verb, "--db", str(db), "--port", str(port)]
    if password is not None:
        args += ["--password", password]
    if clock is not None:
        args += ["--clock", clock]
    args += list(extra_args)
    if "://" in str(db):  # a PostgreSQL URL: no folder of the test's to write beside
        fd, name = tempfile.mkstemp(prefix=f"offramp-{verb}-", suffix=".log")
        os.close(fd)
        log = Path(name)
    else:  # beside the database, in the test's own temporary folder
        log = Path(db).parent / f"offramp-{verb}-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            args,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", WRITE_RATE_ENV: "off", **(env or {})},
            cwd=ROOT,
        )
    running = Running(f"http://127.0.0.1:{port}", str(db), proc, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(running.base + ready, timeout=2).status_code == 200:
                return running
        except httpx.TransportError:
            time.sleep(0.1)
    running.stop()
    raise RuntimeError(
        f"the desk server ({' '.join(args[2:])}) did not answer {running.base}{ready};"
        f" its output:\n{running.output()}"
    )


class ServerOptions(TypedDict, total=False):
    """The keyword arguments of :func:`start_server`, for the functions that pass them on."""

    verb: Literal["serve", "demo"]
    password: str | None
    clock: str | None
    extra_args: Sequence[str]
    env: dict[str, str] | None
    ready: str
    timeout: float


@contextmanager
def desk_server(db: str | Path, **options: Unpack[ServerOptions]) -> Iterator[Running]:
    """:func:`start_server` for the length of a ``with`` block, stopped at its end."""
    running = start_server(db, **options)
    try:
        yield running
    finally:
        running.stop()
