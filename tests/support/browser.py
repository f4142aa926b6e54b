"""Browser fixtures for every folder: the demo desk server, and Debian's Chromium driven
by Playwright.

The server is ``offramp demo`` (through :func:`support.launch.desk_server`) on a free
loopback port with a fresh SQLite file and the example case; if it does not answer
within 60 s its output is printed. Each test gets a fresh Chromium profile.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from support.launch import desk_server

if TYPE_CHECKING:  # Playwright is imported by the driver fixture, when a test asks for it
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


@contextmanager
def demo_server(
    db: Path,
    password: str = PASSWORD,
    env: dict[str, str] | None = None,
    clock: str = "real",
) -> Iterator[str]:
    """``offramp demo`` on a free loopback port over ``db``, on ``clock``; its base URL."""
    with desk_server(db, verb="demo", password=password, clock=clock, env=env) as running:
        yield running.base


@pytest.fixture(scope="session")
def own_server() -> Callable[..., AbstractContextManager[str]]:
    """:func:`demo_server`, for a module that needs a desk of its own (it changes the seed)."""
    return demo_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a desk serving the example case with the demo accounts."""
    with demo_server(tmp_path_factory.mktemp("web") / "desk.db") as base:
        yield base


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[object]:
    """One Playwright driver per test process: a second sync driver in the same process
    fails ("Sync API inside the asyncio loop"), so every browser test shares this one."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


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


def sign_in_at(page: Page, base: str, name: str, password: str = PASSWORD) -> None:
    """Sign ``page`` in at the desk at ``base`` through its sign-in form."""
    page.goto(f"{base}/sign-in")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/needs")


def save_shot(page: Page, name: str) -> None:
    """A full-page screenshot, test-artifacts/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def sign_in(page: Page, server: str) -> Callable[[str], Page]:
    """Sign ``page`` in as a demo account; returns the page."""

    def go(name: str) -> Page:
        sign_in_at(page, server, name)
        return page

    return go


@pytest.fixture(scope="session")
def shot() -> Callable[[Page, str], None]:
    """Save a full-page screenshot under test-artifacts/screenshots/."""
    return save_shot
