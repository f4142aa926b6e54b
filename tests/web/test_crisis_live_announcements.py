"""The crisis desk's notifications and escalation pages announce pushed updates to screen
readers: each page has one polite live region (``role=status``, ``aria-live=polite``)
outside the parts ``static/live.js`` swaps, and a swap that changes what the page shows
reads the new words into it. Two pages of one officer in Debian's Chromium: one writes,
the other, never reloaded, announces it within 2 s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from support.browser import sign_in_at

pytestmark = pytest.mark.browser

CASE = "ukraine-2022"
PASSWORD = "live-announce-password"
LIVE = 2_000


@pytest.fixture(scope="module")
def desk(
    own_server: Callable[..., AbstractContextManager[str]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    db = tmp_path_factory.mktemp("announce") / "desk.db"
    with own_server(db, PASSWORD, clock="fixed:2022-11-04T12:00:00+00:00") as base:
        yield base


def live(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("body")).to_have_attribute("data-live-state", "connected")
    page.evaluate("window.__notReloaded = true")


def announcer_of(page: Page) -> object:
    said = page.locator("[data-live-announce]")
    expect(said).to_have_count(1)
    expect(said).to_have_attribute("aria-live", "polite")
    expect(said).to_have_attribute("role", "status")
    # never inside a region that live.js replaces (a new element is not announced)
    assert page.evaluate("!document.querySelector('[data-live] [data-live-announce]')")
    expect(said).to_have_text("")
    return said


def test_a_notification_and_its_acknowledgement_are_announced(
    desk: str, context: BrowserContext, page: Page
) -> None:
    sign_in_at(page, desk, "crisis_officer", PASSWORD)
    url = f"{desk}/cases/{CASE}/crisis/notifications"
    live(page, url)
    said = announcer_of(page)
    other = context.new_page()
    other.goto(url)
    other.get_by_text("Send a notification").click()
    form = other.locator("form[data-form='send-notification']")
    form.get_by_label("Id").fill("announce-1")
    form.get_by_label("From").select_option("RU")
    form.get_by_label("To", exact=True).select_option("US")
    form.get_by_label("What").fill("A drill")
    form.get_by_label("Where").fill("At sea")
    form.get_by_label("Size").fill("small")
    form.get_by_label("Starts (UTC)").fill("2022-11-05T09:00Z")
    form.get_by_label("Hours to acknowledge").fill("6")
    form.get_by_role("button", name="Send").click()
    expect(said).to_contain_text("1 awaited, 0 overdue", timeout=LIVE)  # type: ignore[attr-defined]
    total = page.locator("tr[data-notification]").count()
    expect(said).to_contain_text(f"of {total}.")  # type: ignore[attr-defined]

    row = other.locator("tr[data-notification='announce-1']")
    row.get_by_label("by").fill("the duty officer")
    row.get_by_role("button", name="Acknowledged").click()
    expect(said).to_contain_text("0 awaited, 0 overdue", timeout=LIVE)  # type: ignore[attr-defined]
    assert page.evaluate("window.__notReloaded === true")


def test_a_new_score_is_announced_on_the_escalation_page(
    desk: str, context: BrowserContext, page: Page
) -> None:
    sign_in_at(page, desk, "crisis_officer", PASSWORD)
    live(page, f"{desk}/cases/{CASE}/crisis/escalation?between=RU-US")
    said = announcer_of(page)
    other = context.new_page()
    other.goto(f"{desk}/cases/{CASE}/crisis/escalation?between=RU-US")
    other.get_by_text("Score a dyad").click()
    form = other.locator("form[data-form='score']")
    form.get_by_label("Id").fill("ru-us-announce")
    form.get_by_label("Level").select_option("9")
    form.get_by_label("What", exact=True).select_option("threat")
    form.get_by_label("At (UTC)").fill("2022-11-04T11:00Z")
    form.get_by_role("button", name="Score").click()
    expect(said).to_contain_text(  # type: ignore[attr-defined]
        "RU-US:", timeout=LIVE
    )
    expect(said).to_contain_text("the latest level 9")  # type: ignore[attr-defined]
    expect(said).to_contain_text("at 2022-11-04 11:00 UTC")  # type: ignore[attr-defined]
    assert page.evaluate("window.__notReloaded === true")
