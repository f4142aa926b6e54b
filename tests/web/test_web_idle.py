"""A page left open idles out (ASVS 3.3.2), and says so: the desk served by uvicorn on
loopback, in this process, on a clock the test moves while the page stays open.

The live stream does not keep the session alive; once the session would idle out the
server ends the stream, the browser's reconnect is refused, and ``live.js`` puts a
banner on the page with a link to sign in again, instead of the page going stale.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.sync_api import Page, expect

from offramp.api.routes import events
from offramp.bootstrap import bootstrap
from offramp.model.deadlines import FixedClock
from offramp.server import create_desk_app
from support.browser import chromium_profile, first_page, save_shot, sign_in_at
from support.desk import FAST_HASHER, PASSWORD, populate
from support.launch import free_port

T0 = datetime(2022, 3, 12, 9, tzinfo=UTC)
IDLE = timedelta(minutes=31)  # past the default 30 minutes
ENDED = "Your session has ended; sign in again to see new events"


@dataclass
class ClockedDesk:
    """The desk on loopback (``base``) and the clock it reads "now" from."""

    base: str
    clock: FixedClock


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ClockedDesk]:
    # the stream checks its session at every heartbeat: 1 s instead of 15 s keeps the wait
    # for the clock's jump short
    monkeypatch.setattr(events, "HEARTBEAT", 1.0)
    db = tmp_path / "desk.db"
    populate(str(db))
    clock = FixedClock(T0)
    services = bootstrap(str(db), hasher=FAST_HASHER, clock=clock)
    port = free_port()
    config = uvicorn.Config(
        create_desk_app(services=services),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=2,  # open event streams do not hold the stop up
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the desk did not start"
    try:
        yield ClockedDesk(f"http://127.0.0.1:{port}", clock)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        services.close()


def session_of(desk: ClockedDesk, name: str) -> str:
    res = httpx.post(f"{desk.base}/api/session", json={"name": name, "password": PASSWORD})
    assert res.status_code == 200, res.text
    return res.cookies["offramp_session"]


def test_an_open_stream_ends_when_its_session_idles_out(desk: ClockedDesk) -> None:
    """The stream itself is no use: it ends once the session would idle out (within a
    heartbeat), and the reconnect gets 401 with the reason."""
    cookie = {"Cookie": f"offramp_session={session_of(desk, 'mediator_il')}"}
    headers = {**cookie, "Accept": "text/event-stream"}
    url = f"{desk.base}/api/cases/small/events?wait=120"
    with httpx.stream("GET", url, headers=headers, timeout=60) as stream:
        lines = stream.iter_lines()
        assert next(line for line in lines if line.startswith("event:")) == "event: ready"
        desk.clock.advance(IDLE)
        started = time.monotonic()
        rest = list(lines)  # until the server ends the stream
    took = time.monotonic() - started
    assert took < 5, f"the stream outlived its session by {took:.1f} s"
    assert not any(line.startswith("event:") for line in rest)
    again = httpx.get(url.replace("wait=120", "wait=0"), headers=headers)
    assert again.status_code == 401
    assert again.json()["detail"] == (
        "Your session ended after 30 minutes without use; sign in again."
    )


@pytest.mark.browser
def test_the_live_page_shows_that_the_session_ended(
    desk: ClockedDesk, playwright_driver: object, tmp_path: Path
) -> None:
    viewport = {"width": 1280, "height": 900}
    with chromium_profile(playwright_driver, tmp_path / "profile", viewport=viewport) as ctx:
        page: Page = first_page(ctx)
        sign_in_at(page, desk.base, "mediator_il", PASSWORD)
        page.goto(f"{desk.base}/cases/small/shuttle")
        expect(page.locator("body")).to_have_attribute("data-live-state", "connected")
        assert not page.locator("[data-session-ended]").count()
        desk.clock.advance(IDLE)  # nobody touches the page: it only watches
        banner = page.locator("[data-session-ended]")
        expect(banner).to_be_visible(timeout=25_000)
        expect(banner).to_have_attribute("role", "alert")
        expect(banner).to_contain_text(ENDED)
        expect(page.locator("body")).to_have_attribute("data-live-state", "ended")
        box = banner.bounding_box()
        assert box is not None and box["y"] < 900 and box["width"] <= 1280
        save_shot(page, "session-ended-banner-1280")
        banner.get_by_role("link", name="Sign in").click()
        page.wait_for_url("**/sign-in?**")
        expect(page.locator("[data-flash=ok]")).to_have_text(
            "Your session ended after 30 minutes without use; sign in again."
        )
        page.get_by_label("User name").fill("mediator_il")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{desk.base}/cases/small/shuttle")
        expect(page.locator("body")).to_have_attribute("data-live-state", "connected")
