"""Start the real desk server as a subprocess on a free loopback port, and wait for it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    url: str
    db: str

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, nothing but what is already durable."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_server(db: str, *, timeout: float = 30.0) -> Server:
    """``offramp serve`` on a free port; its output is shown on failure."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "offramp", "serve", "--db", db, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                return Server(proc, url, db)
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    out = proc.communicate()[0].decode(errors="replace")
    raise RuntimeError(f"the server did not come up on {url}; its output:\n{out}")
