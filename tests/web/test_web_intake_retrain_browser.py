"""In Debian's Chromium, at 1280 and 375 px (issue 16): the analyst discards a proposal
with a reason (recorded, and gone from the list without leaving the page), sees it among
the discarded proposals, retrains the reader from the desk, reads precision and recall
before and after, and adopts the new reader."""

from __future__ import annotations

import pytest
from desk_browser import CASE, WIDTHS, Desk, desk, raw_values, sideways, sign_in
from playwright.sync_api import Page, expect

from support.intake_web import confirm_the_example

pytestmark = pytest.mark.browser
__all__ = ["desk"]
ARTICLE = "20 March 2022 — Zelensky said Ukraine would never recognise Crimea as Russian territory."


@pytest.mark.parametrize("width", WIDTHS)
def test_discard_then_retrain_and_adopt(page: Page, desk: Desk, width: int) -> None:
    confirm_the_example(desk.services, keep="")  # what retraining learns from
    mediator = desk.actor("mediator")
    before = len(desk.services.intake.discards(mediator, CASE))
    sign_in(page, desk, "analyst", width)
    page.goto(desk.url("/intake"))
    page.get_by_label("Article or statement").fill(ARTICLE)
    page.get_by_label("One of the case's sources").select_option(index=1)
    page.get_by_role("button", name="Propose statements").click()
    rows = page.locator("[data-table=proposals] tr[data-proposal-row]")
    count = rows.count()
    assert count >= 1
    first = rows.first
    party, issue = first.get_attribute("data-party"), first.get_attribute("data-issue")
    first.get_by_label("Reason, if you discard it").fill(f"Checked at {width} px: wrong")
    first.get_by_role("button", name="Discard").click()
    expect(page.locator("[data-discard-status]")).to_have_text(
        "Proposal discarded and recorded as discarded."
    )
    expect(rows).to_have_count(count - 1)  # still on the page of proposals
    [latest, *_] = desk.services.intake.discards(mediator, CASE)
    assert len(desk.services.intake.discards(mediator, CASE)) == before + 1
    assert (latest.discard.party, latest.discard.issue or "") == (party, issue)
    assert latest.discard.reason == f"Checked at {width} px: wrong"
    assert latest.discarded_by == "analyst"

    page.goto(desk.url("/intake"))
    listed = page.locator("[data-table=discarded]")
    expect(listed).to_contain_text(f"Checked at {width} px: wrong")
    assert sideways(page) == 0
    page.locator("[data-link=reader]").click()
    expect(page.get_by_role("heading", name="The intake's reader")).to_be_visible()
    trained = page.locator("[data-table=readers] tr[data-reader-row]")
    n = trained.count()
    page.get_by_role("button", name="Retrain from this desk").click()
    expect(page.locator("[data-flash=ok]")).to_contain_text("A new reader was trained")
    expect(trained).to_have_count(n + 1)
    newest = trained.first
    expect(newest.locator("[data-measure=before]")).to_contain_text("recall")
    expect(newest.locator("[data-measure=after]")).to_contain_text("confirmed found")
    assert sideways(page) == 0
    assert raw_values(page.locator("main").inner_text()) == []
    newest.get_by_role("button", name="Adopt this reader").click()
    expect(page.locator("[data-flash=ok]")).to_contain_text("now reads with the reader you adopted")
    expect(page.locator("[data-note=in-use]")).to_contain_text("The reader analyst trained")
    expect(trained.first).to_contain_text("In use")
    assert sideways(page) == 0
