"""Issue 13, points 2, 4 and 11: handling marks mean something where they are offered,
are chosen on purpose and are never shown to another party; a channel opens at its
newest message, Enter sends; relaying a claim asks first and says what will happen."""

from __future__ import annotations

import itertools

import pytest
from desk_browser import CASE, WIDTHS, Desk, desk, sideways, sign_in
from playwright.sync_api import Page

from offramp.model.shuttle import PLENARY, HandlingMark

pytestmark = pytest.mark.browser
__all__ = ["desk"]
_n = itertools.count(1)


def compose(page: Page, channel: str) -> object:
    return page.locator(f"form[data-compose='{channel}']")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_delegation_chooses_a_mark_in_its_own_channel_only(
    page: Page, desk: Desk, width: int
) -> None:
    sign_in(page, desk, "delegate_ua", width).goto(desk.url("/shuttle"))
    own = page.locator("form[data-compose='UA']")
    radios = own.locator("input[type=radio][name=mark]")
    assert radios.count() == 3
    assert [radios.nth(k).is_checked() for k in range(3)] == [False] * 3  # no default
    assert "For the mediator only: do not relay" in own.inner_text()
    plenary = page.locator(f"form[data-compose='{PLENARY}']")
    assert plenary.locator("[name=mark]").count() == 0
    assert "mediator-only" not in page.locator("main").inner_text()
    assert sideways(page) == 0


@pytest.mark.parametrize("width", WIDTHS)
def test_a_plenary_post_shows_the_other_party_no_mark(page: Page, desk: Desk, width: int) -> None:
    text = f"Plenary note {next(_n)} from Kyiv."
    sign_in(page, desk, "delegate_ua", width).goto(desk.url("/shuttle"))
    box = page.locator(f"#body-{PLENARY}")
    box.fill(text)
    box.press("Enter")  # Enter sends
    page.wait_for_url("**done=posted")
    stored = [
        m.message
        for m in desk.services.shuttle.list_messages(
            desk.actor("mediator"), CASE, PLENARY, newest=True, limit=5
        )
    ]
    assert any(m.body == text for m in stored)
    sign_in(page, desk, "delegate_ru", width).goto(desk.url("/shuttle"))
    item = page.locator("li[data-message]", has_text=text)
    assert item.count() == 1
    assert item.locator(".mark").count() == 0
    assert "mediator" not in item.locator(".meta").inner_text().replace("mediator ·", "")


@pytest.mark.parametrize("width", WIDTHS)
def test_shift_enter_is_a_new_line_and_the_newest_message_is_in_view(
    page: Page, desk: Desk, width: int
) -> None:
    ru = desk.actor("delegate_ru")
    for k in range(25):  # more than the column shows at once
        desk.services.shuttle.post(ru, CASE, "RU", f"Filler {k}.", HandlingMark.MAY_RELAY)
    sign_in(page, desk, "delegate_ru", width).goto(desk.url("/shuttle"))
    box = page.locator("#body-RU")
    box.fill("first line")
    box.press("Shift+Enter")
    box.type("second line")
    assert box.input_value() == "first line\nsecond line"
    assert "/shuttle" in page.url and "done=" not in page.url
    page.locator("form[data-compose='RU'] input[value='may-relay']").check()
    box.press("Enter")
    page.wait_for_url("**done=posted")
    newest = page.locator("section[data-channel='RU'] li[data-message]").last
    assert "second line" in newest.inner_text()
    listing = page.locator("section[data-channel='RU'] ol.messages")
    inside = listing.evaluate(
        """(ol) => { const li = ol.lastElementChild.getBoundingClientRect();
                      const box = ol.getBoundingClientRect();
                      return li.bottom <= box.bottom + 1 && li.top >= box.top - 1; }"""
    )
    assert inside, "the newest message is scrolled out of its column"


def test_posting_without_choosing_a_mark_reshows_the_form(page: Page, desk: Desk) -> None:
    sign_in(page, desk, "delegate_ru").goto(desk.url("/shuttle"))
    page.evaluate(
        "document.querySelectorAll('form[data-compose=RU] input[name=mark]')"
        ".forEach((r) => r.removeAttribute('required'))"
    )
    page.locator("#body-RU").fill("No mark chosen.")
    page.locator("form[data-compose='RU']").get_by_role("button", name="Send").click()
    assert (
        "choose whether the mediator may pass this message on"
        in page.locator("[data-flash=error]").inner_text()
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_relaying_a_claim_asks_first_and_is_reachable(page: Page, desk: Desk, width: int) -> None:
    med = desk.actor("mediator")
    claim = desk.services.shuttle.create_claim(
        med, CASE, party="UA", text=f"A claim to relay at {width}."
    ).claim
    sign_in(page, desk, "mediator", width).goto(desk.url("/shuttle"))
    row = page.locator(f"tr[data-claim='{claim.id}']")
    button = row.get_by_role("button", name="Relay claim")
    assert not button.is_visible()
    summary = row.locator("summary", has_text="Relay claim…")
    summary.click()
    assert "cannot be recalled" in row.inner_text()
    box = button.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width
    assert sideways(page) == 0
    button.click()
    page.wait_for_url("**done=claim-relayed")
    got = desk.services.shuttle.get_claim(med, CASE, claim.id).claim
    assert got.relayed_to == "RU"
