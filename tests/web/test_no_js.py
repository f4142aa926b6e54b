"""Every page still works with JavaScript switched off: plain forms and full pages.

A Chromium profile with ``java_script_enabled=False`` signs in as Russia's delegate
(landing on "What needs me"), posts a message, answers the package, and finds both on
the pages it reloads; the mediator's pages (shuttle, crisis board, case list) render
their content from the server alone. The desk is this module's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from support.browser import chromium_profile, demo_server, send_message, signed_in_page

pytestmark = pytest.mark.browser

CASE = "ukraine-2022"
PASSWORD = "no-js-test-password"


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_server(tmp_path_factory.mktemp("no-js") / "desk.db", PASSWORD) as base:
        yield base


@pytest.fixture
def no_js(playwright_driver: Any, tmp_path: Path) -> Iterator[BrowserContext]:
    with chromium_profile(playwright_driver, tmp_path / "no-js", java_script_enabled=False) as c:
        yield c


def sign_in(ctx: BrowserContext, base: str, name: str) -> Page:
    return signed_in_page(ctx, base, name, PASSWORD)


def test_javascript_is_really_off(desk: str, no_js: BrowserContext) -> None:
    page = sign_in(no_js, desk, "delegate_ru")
    # live.js never ran: the stream was not opened, the notification offer stays hidden
    expect(page.locator("body")).not_to_have_attribute("data-live-state", "connected")
    expect(page.locator("[data-notify]")).to_be_hidden()


def test_a_delegate_signs_in_posts_and_answers_without_javascript(
    desk: str, no_js: BrowserContext
) -> None:
    page = sign_in(no_js, desk, "delegate_ru")
    package = page.locator(f"[data-need='{CASE}:proposal:1']")
    expect(package).to_contain_text("tabled to your delegation")

    page.goto(f"{desk}/cases/{CASE}/shuttle")
    send_message(page, "RU", "Sent from a browser without JavaScript.")
    expect(page.locator("[data-flash='ok']")).to_contain_text("Message posted")
    expect(
        page.locator("section[data-channel='RU'] [data-message]").filter(
            has_text="Sent from a browser without JavaScript."
        )
    ).to_be_visible()

    page.locator("article[data-proposal='1']").get_by_role("button", name="Accept").click()
    expect(page.locator("[data-flash='ok']")).to_contain_text("You accepted the package")
    page.goto(f"{desk}/needs")
    expect(page.locator("[data-needs-empty]")).to_be_visible()


def test_the_mediator_pages_render_without_javascript(desk: str, no_js: BrowserContext) -> None:
    page = sign_in(no_js, desk, "mediator")
    # the countdowns and states come from the server
    expect(page.locator(f"[data-need='{CASE}:claim:2']")).to_contain_text("Assurance awaited")
    page.goto(f"{desk}/cases")
    expect(page.locator("tr[data-case='ukraine-2022']")).to_be_visible()
    page.goto(f"{desk}/cases/{CASE}/shuttle")
    expect(page.locator("section[data-channel]")).to_have_count(3)
    expect(page.locator("tr[data-claim='3']")).to_have_attribute("data-state", "stated")
    page.goto(f"{desk}/cases/{CASE}/crisis")
    expect(page.locator("[data-incident='satellites-threat'] [data-step]").first).to_be_visible()
