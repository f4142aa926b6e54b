"""The live desk in Debian's Chromium: two people, two browsers, no reloads.

The mediator and Russia's delegate each keep the shuttle open in a browser of their
own; what one does appears on the other's page within 2 s, through the case's event
stream (``static/live.js``), with the page never reloaded (a value set on ``window``
survives). The demo seeds claim 3 (Russia's, unchecked) and the "March framework"
package tabled to both parties. The desk is this module's own (the tests change it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from support.browser import demo_server, send_message, signed_in_page

pytestmark = pytest.mark.browser

CASE = "ukraine-2022"
PASSWORD = "live-test-password"
LIVE = 2_000  # ms: what "as it happens" means here


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_server(tmp_path_factory.mktemp("live") / "desk.db", PASSWORD) as base:
        yield base


def signed_in(ctx: BrowserContext, base: str, name: str) -> Page:
    return signed_in_page(ctx, base, name, PASSWORD)


def open_live(page: Page, url: str) -> None:
    """Open ``url``, wait until its event stream is connected, and mark the window so
    that a reload would show."""
    page.goto(url)
    expect(page.locator("body")).to_have_attribute("data-live-state", "connected")
    page.evaluate("window.__notReloaded = true")


def not_reloaded(page: Page) -> bool:
    return bool(page.evaluate("window.__notReloaded === true"))


def both_live_on_the_shuttle(
    desk: str, context: BrowserContext, other: BrowserContext
) -> tuple[str, Page, Page]:
    """The shuttle's URL, and the mediator's and Russia's pages open on it, live."""
    shuttle = f"{desk}/cases/{CASE}/shuttle"
    med = signed_in(context, desk, "mediator")
    ru = signed_in(other, desk, "delegate_ru")
    open_live(med, shuttle)
    open_live(ru, shuttle)
    return shuttle, med, ru


def test_messages_appear_on_the_other_page_without_reload(
    desk: str, context: BrowserContext, other_context: BrowserContext
) -> None:
    shuttle, med, ru = both_live_on_the_shuttle(desk, context, other_context)

    # the mediator is half-way through a note to Ukraine when Russia writes
    draft = med.locator("#body-UA")
    draft.fill("Half-typed note to Kyiv")
    draft.focus()
    send_message(ru, "RU", "Moscow answers: the bloc clause stays.")
    arrived = med.locator("section[data-channel='RU'] [data-message]").filter(
        has_text="Moscow answers: the bloc clause stays."
    )
    expect(arrived).to_be_visible(timeout=LIVE)
    assert not_reloaded(med)
    expect(draft).to_have_value("Half-typed note to Kyiv")
    expect(draft).to_be_focused()

    # and the other way: the mediator writes in Russia's channel
    open_live(ru, shuttle)
    send_message(med, "RU", "The mediator: Antalya is confirmed for Thursday.")
    expect(
        ru.locator("section[data-channel='RU'] [data-message]").filter(
            has_text="Antalya is confirmed for Thursday."
        )
    ).to_be_visible(timeout=LIVE)
    assert not_reloaded(ru)


def test_claim_turning_confirmed_and_package_answered_show_live(
    desk: str, context: BrowserContext, other_context: BrowserContext
) -> None:
    shuttle, med, ru = both_live_on_the_shuttle(desk, context, other_context)
    ru_claim = ru.locator("tr[data-claim='3']")
    expect(ru_claim).to_have_attribute("data-state", "stated")

    # the mediator asks Russia to confirm claim 3; Russia's page offers it at once
    med.locator("tr[data-claim='3']").get_by_role(
        "button", name="Request assurance from RU"
    ).click()
    expect(ru_claim).to_have_attribute("data-state", "assurance_requested", timeout=LIVE)
    assert not_reloaded(ru)

    # Russia confirms: the mediator's queue shows the claim assured
    open_live(med, shuttle)
    ru_claim.get_by_role("button", name="Confirm: we said this and stand by it").click()
    expect(med.locator("tr[data-claim='3']")).to_have_attribute(
        "data-state", "assured", timeout=LIVE
    )
    assert not_reloaded(med)

    # Russia accepts the March framework: the mediator sees the answer
    open_live(ru, shuttle)
    answer = med.locator("article[data-proposal='1'] [data-party='RU']")
    expect(answer).not_to_contain_text("accepted")
    ru.locator("article[data-proposal='1']").get_by_role("button", name="Accept").click()
    expect(answer).to_contain_text("accepted", timeout=LIVE)
    assert not_reloaded(med)


def test_unread_counts_on_the_case_list_and_channel_headers(
    desk: str,
    context: BrowserContext,
    other_context: BrowserContext,
    shot: Callable[[Page, str], None],
) -> None:
    shuttle = f"{desk}/cases/{CASE}/shuttle"
    med = signed_in(context, desk, "mediator")
    ru = signed_in(other_context, desk, "delegate_ru")
    open_live(med, shuttle)  # the mediator has seen every channel now
    open_live(med, f"{desk}/cases")
    row = med.locator("tr[data-case='ukraine-2022']")
    expect(row.locator("[data-unread-case]")).to_have_count(0)

    open_live(ru, shuttle)
    for text in ("First of two from Moscow.", "Second of two from Moscow."):
        send_message(ru, "RU", text)
        expect(ru.locator("[data-flash='ok']")).to_be_visible()
    # the open case list counts them as they come
    expect(row.locator("[data-unread-case]")).to_have_text("2 new", timeout=LIVE)
    # and so does a fresh visit, from the stream resumed at the last id seen
    med.reload()
    expect(row.locator("[data-unread-case]")).to_have_text("2 new")

    med.goto(shuttle)
    expect(med.locator("[data-unread-channel='RU']")).to_have_text("2 new")
    expect(med.locator("[data-unread-channel='UA']")).to_have_count(0)
    expect(med.locator("section[data-channel='RU'] [data-message].unread")).to_have_count(2)
    shot(med, "live-shuttle-unread")
    # seen now: the next visit shows nothing new
    med.reload()
    expect(med.locator("body")).to_have_attribute("data-live-state", "connected")
    expect(med.locator("[data-unread-channel]")).to_have_count(0)


def test_the_crisis_board_shows_a_new_incident_as_it_is_logged(
    desk: str, context: BrowserContext, other_context: BrowserContext
) -> None:
    board = f"{desk}/cases/{CASE}/crisis"
    watching = signed_in(context, desk, "crisis_officer")
    logging = signed_in(other_context, desk, "crisis_officer")
    open_live(watching, board)
    logging.goto(board)
    logging.get_by_text("Log an incident").click()
    form = logging.locator("form[data-form='log-incident']")
    form.locator("#log-raised-by").select_option("RU")
    form.locator("#log-against").select_option("UA")
    form.locator("#log-claim").fill("Drones were launched from the Black Sea coast.")
    form.locator("#log-channel").select_option(index=0)
    form.get_by_role("button", name="Log incident").click()
    expect(logging.locator("[data-flash='ok']")).to_be_visible()
    fresh = watching.locator("section[data-incident]").filter(
        has_text="Drones were launched from the Black Sea coast."
    )
    expect(fresh).to_be_visible(timeout=LIVE)
    assert not_reloaded(watching)
