"""The real desk server as a subprocess, and Debian's Chromium driven by Playwright.

The server is ``offramp demo`` on a free
loopback port with a fresh SQLite file and the example case; if it does not answer
within 60 s its output is printed. Each test gets a fresh Chromium profile.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "web-test-password"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_server(url: str, proc: subprocess.Popen[str], timeout: float = 60.0) -> None:
    """Poll ``url`` until it answers; on failure print what the server said."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status < 500:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    proc.terminate()
    out, _ = proc.communicate(timeout=10)
    pytest.fail(f"the desk server did not start at {url}; its output:\n{out}")


@contextmanager
def demo_server(
    db: Path,
    password: str = PASSWORD,
    env: dict[str, str] | None = None,
    clock: str = "real",
) -> Iterator[str]:
    """``offramp demo`` on a free loopback port over ``db``, on ``clock``; its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "offramp",
            "demo",
            "--clock",
            clock,
            "--port",
            str(port),
            "--db",
            str(db),
            "--password",
            password,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(f"{base}/sign-in", proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def own_server() -> Callable[..., AbstractContextManager[str]]:
    """:func:`demo_server`, for a module that needs a desk of its own (it changes the seed)."""
    return demo_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a desk serving the example case with the demo accounts."""
    with demo_server(tmp_path_factory.mktemp("web") / "desk.db") as base:
        yield base


def chromium_path() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Debian's Chromium is missing: apt-get install -y chromium (make test does)")
    return path


@pytest.fixture
def context(playwright_driver: object, tmp_path: Path) -> Iterator[BrowserContext]:
    """A fresh Chromium profile for one test."""
    ctx = playwright_driver.chromium.launch_persistent_context(  # type: ignore[attr-defined]
        user_data_dir=str(tmp_path / "profile"),
        executable_path=chromium_path(),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1366, "height": 900},
    )
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.pages[0] if context.pages else context.new_page()


def _sign_in(page: Page, base: str, name: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/needs")


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def sign_in(page: Page, server: str) -> Callable[[str], Page]:
    """Sign ``page`` in as a demo account; returns the page."""

    def go(name: str) -> Page:
        _sign_in(page, server, name)
        return page

    return go


@pytest.fixture(scope="session")
def shot() -> Callable[[Page, str], None]:
    """Save a full-page screenshot under test-artifacts/screenshots/."""
    return _shot
