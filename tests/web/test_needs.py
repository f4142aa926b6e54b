"""What needs me (``/needs``), for each role, in Debian's Chromium.

The desk is this module's own ``offramp demo`` whose clock starts at 27 October 2022,
18:30 UTC and runs on: the threat against commercial satellites arrived on 26 October
at 19:00, so its first step (2 h) is overdue by about 21 h 30 min, its second (8 h) by
about 15 h 30 min, and its third, waiting on the second, is due at 19:00. The shuttle
is as the demo seeds it (claim 1 assured by Ukraine, claim 2 awaiting Ukraine's
assurance, the "March framework" tabled to both parties).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

pytestmark = pytest.mark.browser

CASE = "ukraine-2022"
PASSWORD = "needs-test-password"
START = "2022-10-27T18:30Z"
SATELLITES = f"{CASE}:step:satellites-threat"
Shot = Callable[[Page, str], None]


@pytest.fixture(scope="module")
def desk(
    own_server: Callable[..., AbstractContextManager[str]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    db = tmp_path_factory.mktemp("needs") / "desk.db"
    with own_server(db, PASSWORD, clock=START) as base:
        yield base


@pytest.fixture
def other(playwright_driver: Any, tmp_path: Path) -> Iterator[BrowserContext]:
    ctx = playwright_driver.chromium.launch_persistent_context(
        user_data_dir=str(tmp_path / "other-profile"),
        executable_path="/usr/bin/chromium",
        headless=True,
        args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
    )
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


def sign_in(page: Page, base: str, name: str, landing: str = "/needs") -> Page:
    page.goto(f"{base}/sign-in")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}{landing}")
    return page


def need(page: Page, key: str) -> Any:
    return page.locator(f"[data-need='{key}']")


def test_the_mediator_sees_assurances_packages_and_statements(
    desk: str, page: Page, shot: Shot
) -> None:
    sign_in(page, desk, "mediator")
    expect(page.get_by_role("heading", name="What needs you")).to_be_visible()
    awaited = need(page, f"{CASE}:claim:2")
    expect(awaited).to_have_attribute("data-kind", "assurance-awaited")
    expect(awaited).to_contain_text("Assurance awaited from UA")
    expect(need(page, f"{CASE}:claim:1")).to_contain_text("Assured by UA: ready to relay")
    package = need(page, f"{CASE}:proposal:1")
    expect(package).to_contain_text("awaiting the answer of UA, RU")
    # the crisis desk is the crisis officer's work, not the mediator's
    expect(page.locator("[data-kind^='step-']")).to_have_count(0)

    # a statement recorded through intake waits for the mediator's confirmation
    page.goto(f"{desk}/cases/{CASE}/intake")
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")
    sent = page.request.post(
        f"{desk}/cases/{CASE}/intake/statements",
        form={
            "csrf_token": csrf or "",
            "speaker": "zelensky",
            "party": "UA",
            "issue": "donbas",
            "stance": "consider",
            "option": "compromise",
            "quote": "compromise on Donetsk and Luhansk",
            "date": "2022-03-20",
            "source_id": "wapo-2022-03-11",
        },
    )
    assert sent.ok, sent.status
    page.goto(f"{desk}/needs")
    statement = page.locator("[data-kind='statement']")
    expect(statement).to_have_count(1)
    expect(statement).to_contain_text("compromise on Donetsk and Luhansk")
    shot(page, "needs-mediator")

    # each item links to where it is done
    package.get_by_role("link", name="See the package").click()
    page.wait_for_url(f"{desk}/cases/{CASE}/shuttle#prop-h")
    expect(page.locator("article[data-proposal='1']")).to_be_visible()
    page.goto(f"{desk}/needs")
    statement.get_by_role("link", name="Confirm it").click()
    page.wait_for_url(f"{desk}/cases/{CASE}/intake")


def test_a_delegation_sees_its_requests_and_packages_and_answers_them(
    desk: str, page: Page, other: BrowserContext
) -> None:
    sign_in(page, desk, "delegate_ua")
    request = need(page, f"{CASE}:claim:2")
    expect(request).to_have_attribute("data-kind", "assurance-request")
    expect(request).to_contain_text("The mediator asks you to confirm")
    expect(need(page, f"{CASE}:proposal:1")).to_have_attribute("data-kind", "package-answer")
    expect(page.locator("[data-need]")).to_have_count(2)  # claim 1 is answered already

    # Russia's delegation, in a browser of its own: the package only
    ru = other.pages[0] if other.pages else other.new_page()
    sign_in(ru, desk, "delegate_ru")
    expect(ru.locator("[data-need]")).to_have_count(1)
    answer = need(ru, f"{CASE}:proposal:1")
    expect(answer).to_contain_text("tabled to your delegation")

    # the first browser now watches as the mediator
    page.context.clear_cookies()
    sign_in(page, desk, "mediator")
    expect(page.locator("body")).to_have_attribute("data-live-state", "connected")
    waiting = need(page, f"{CASE}:proposal:1")
    expect(waiting).to_contain_text("awaiting the answer of UA, RU")

    answer.get_by_role("link", name="Answer it").click()
    ru.wait_for_url(f"{desk}/cases/{CASE}/shuttle#prop-h")
    ru.locator("article[data-proposal='1']").get_by_role("button", name="Accept").click()
    expect(ru.locator("[data-flash='ok']")).to_be_visible()
    ru.goto(f"{desk}/needs")
    expect(ru.locator("[data-needs-empty]")).to_have_text("Nothing waits on you right now.")
    # the mediator's open page follows, without a reload
    expect(waiting).to_contain_text("awaiting the answer of UA", timeout=2_000)
    expect(waiting).not_to_contain_text("RU")


def test_the_crisis_officer_sees_steps_and_late_acknowledgements_with_live_countdowns(
    desk: str, page: Page, shot: Shot
) -> None:
    page.clock.install()  # the page's timers and performance.now, driven by the test
    sign_in(page, desk, "crisis_officer")
    first = need(page, f"{SATELLITES}:record_wording")
    expect(first).to_have_attribute("data-state", "overdue")
    # the desk's clock, not the browser's (which reads 2026 or later)
    expect(first.locator("time[data-countdown]")).to_have_text(
        re.compile(r"^overdue by 21 h 3\d min$")
    )
    third = need(page, f"{SATELLITES}:consult_allies")
    expect(third).to_have_attribute("data-state", "due")
    expect(third.locator("time[data-countdown]")).to_have_text(re.compile(r"^due in [1-3]?\d min$"))
    expect(third).to_contain_text("(waits for: Assess credibility and score it on the ladder)")

    # a notification sent two hours ago, to be acknowledged within one: late by an hour
    page.goto(f"{desk}/cases/{CASE}/crisis/notifications")
    page.get_by_text("Send a notification").click()
    form = page.locator("form[data-form='send-notification']")
    form.get_by_label("Id", exact=True).fill("exercise-1027")
    form.get_by_label("From", exact=True).select_option("US")
    form.get_by_label("To", exact=True).select_option("RU")
    form.get_by_label("What", exact=True).fill("Steadfast Noon exercise")
    form.get_by_label("Where", exact=True).fill("Belgium")
    form.get_by_label("Size", exact=True).fill("60 aircraft")
    form.get_by_label("Starts (UTC)", exact=True).fill("2022-10-27T20:00Z")
    form.get_by_label("Hours to acknowledge", exact=True).fill("1")
    form.get_by_label("Sent at", exact=True).fill("2022-10-27T16:30Z")
    form.get_by_role("button", name="Send").click()
    expect(page.locator("[data-flash='ok']")).to_be_visible()

    page.goto(f"{desk}/needs")
    late = need(page, f"{CASE}:notification:exercise-1027")
    expect(late).to_have_attribute("data-kind", "ack-overdue")
    expect(late.locator("time[data-countdown]")).to_have_text(
        re.compile(r"^late by 1 h( \d+ min)?$")
    )
    shot(page, "needs-crisis-officer")

    # forty minutes later by the desk's clock: the countdowns move, and the third step
    # turns overdue on the page without a reload
    page.clock.fast_forward("40:00")
    expect(third.locator("time[data-countdown]")).to_have_text(
        re.compile(r"^overdue by ([1-9]|1\d) min$")
    )
    expect(third).to_have_attribute("data-state", "overdue")
    expect(first.locator("time[data-countdown]")).to_have_text(
        re.compile(r"^overdue by 22 h 1\d min$")
    )
    late.get_by_role("link", name="Record it").click()
    page.wait_for_url(f"{desk}/cases/{CASE}/crisis/notifications")


def test_others_have_nothing_waiting_and_sign_in_keeps_its_target(desk: str, page: Page) -> None:
    sign_in(page, desk, "observer")
    expect(page.locator("[data-needs-empty]")).to_be_visible()
    expect(page.locator("[data-case='ukraine-2022']")).to_contain_text(
        "Nothing waits on you in this case."
    )
    page.context.clear_cookies()
    page.goto(f"{desk}/cases/{CASE}/ledger")  # signed out: to sign-in, then back here
    page.get_by_label("User name").fill("analyst")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{desk}/cases/{CASE}/ledger")


# The browser's Notification API, recorded: permission already given, each notice kept.
RECORD_NOTIFICATIONS = """
window.__notices = [];
window.Notification = class {
  static get permission() { return "granted"; }
  static requestPermission() { return Promise.resolve("granted"); }
  constructor(title, options) { window.__notices.push([title, (options || {}).body || ""]); }
};
"""


def test_a_new_item_is_announced_once_on_the_desktop(
    desk: str, page: Page, other: BrowserContext
) -> None:
    ru = other.pages[0] if other.pages else other.new_page()
    ru.add_init_script(RECORD_NOTIFICATIONS)
    sign_in(ru, desk, "delegate_ru")
    expect(ru.locator("body")).to_have_attribute("data-live-state", "connected")
    expect(ru.locator("[data-notify-state]")).to_contain_text("notifications are on")
    before = ru.locator("[data-need]").count()

    sign_in(page, desk, "mediator")
    page.goto(f"{desk}/cases/{CASE}/shuttle")
    page.get_by_text("Table a package").click()
    page.locator("#prop-title").fill("Antalya follow-up")
    page.locator("#opt-alignment").select_option(index=1)
    page.get_by_role("button", name="Table package").click()
    expect(page.locator("[data-flash='ok']")).to_contain_text("Package tabled")

    # Russia's open page gains the item and announces it, once
    expect(ru.locator("[data-need]")).to_have_count(before + 1, timeout=2_000)
    notices = ru.evaluate("window.__notices")
    assert notices == [
        ["Package “Antalya follow-up”", "tabled to your delegation: accept or reject it"]
    ]
    ru.reload()
    expect(ru.locator("body")).to_have_attribute("data-live-state", "connected")
    assert ru.evaluate("window.__notices") == []
