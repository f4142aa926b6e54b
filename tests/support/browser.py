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
from typing import TYPE_CHECKING, Any

import pytest

from support.launch import desk_server

if TYPE_CHECKING:  # Playwright is imported by the driver fixture, when a test asks for it
    from playwright.sync_api import BrowserContext, Page

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "web-test-password"
WIDE = {"width": 1366, "height": 900}  # the viewport of the ``context`` fixture
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


@contextmanager
def chromium_profile(driver: object, folder: Path, **options: Any) -> Iterator[BrowserContext]:
    """A fresh headless profile of Debian's Chromium in ``folder``, waiting up to 15 s,
    closed at the end; ``options`` go to Playwright's ``launch_persistent_context``
    (``viewport``, ``java_script_enabled``)."""
    ctx: BrowserContext = driver.chromium.launch_persistent_context(  # type: ignore[attr-defined]
        user_data_dir=str(folder),
        executable_path=chromium_path(),
        headless=True,
        args=CHROMIUM_ARGS,
        **options,
    )
    ctx.set_default_timeout(15_000)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def context(playwright_driver: object, tmp_path: Path) -> Iterator[BrowserContext]:
    """A fresh Chromium profile for one test."""
    with chromium_profile(playwright_driver, tmp_path / "profile", viewport=WIDE) as ctx:
        yield ctx


def first_page(ctx: BrowserContext) -> Page:
    """The page a profile opened with, or a new one."""
    return ctx.pages[0] if ctx.pages else ctx.new_page()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return first_page(context)


@pytest.fixture
def other_context(playwright_driver: object, tmp_path: Path) -> Iterator[BrowserContext]:
    """A second fresh Chromium profile for the same test: another person's browser."""
    with chromium_profile(playwright_driver, tmp_path / "other-profile", viewport=WIDE) as ctx:
        yield ctx


def sign_in_at(page: Page, base: str, name: str, password: str = PASSWORD) -> None:
    """Sign ``page`` in at the desk at ``base`` through its sign-in form."""
    page.goto(f"{base}/sign-in")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/needs")


def signed_in_page(ctx: BrowserContext, base: str, name: str, password: str = PASSWORD) -> Page:
    """The first page of ``ctx``, signed in as ``name`` at the desk at ``base``."""
    page = first_page(ctx)
    sign_in_at(page, base, name, password)
    return page


def send_message(page: Page, channel: str, text: str) -> None:
    """Write ``text`` in the shuttle's compose box for ``channel`` and send it (choosing
    the first handling mark where a delegate is asked for one)."""
    form = page.locator(f"form[data-compose='{channel}']")
    form.locator("textarea[name=body]").fill(text)
    marks = form.locator("input[type=radio][name=mark]")
    if marks.count():
        marks.first.check()
    form.get_by_role("button", name="Send").click()


def save_shot(page: Page, name: str) -> None:
    """A full-page screenshot, test-artifacts/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


SHOT_SIZES = ({"width": 1280, "height": 900}, {"width": 375, "height": 800})
"""The widths every page's screenshots are taken at: a laptop and a small phone."""


def save_shots(page: Page, name: str) -> None:
    """``name``-1280 and ``name``-375 (:func:`save_shot`), each asserted to fit its width
    (no sideways scrolling); the page is left at 1280 px."""
    for size in SHOT_SIZES:
        page.set_viewport_size(size)  # type: ignore[arg-type]
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{name} is wider than {size['width']} px"
        save_shot(page, f"{name}-{size['width']}")
    page.set_viewport_size(SHOT_SIZES[0])  # type: ignore[arg-type]


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
