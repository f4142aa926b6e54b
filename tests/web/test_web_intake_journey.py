"""In Debian's Chromium: the analyst proposes statements from an article and adds one
unconfirmed; the mediator confirms it from the list of statements waiting for it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

CASE = "ukraine-2022"
SignIn = Callable[[str], Page]
Shot = Callable[[Page, str], None]
ARTICLE = "Kuleba said Ukraine would never recognise Crimea as Russian territory."


def test_analyst_adds_a_proposal_and_the_mediator_confirms_it(
    sign_in: SignIn, server: str, shot: Shot
) -> None:
    page = sign_in("analyst")
    page.goto(f"{server}/cases/{CASE}/intake")
    page.get_by_label("Article or statement").fill(ARTICLE)
    page.get_by_label("Article date").fill("2022-03-20")
    page.get_by_label("One of the case's sources").select_option(index=1)
    page.get_by_role("button", name="Propose statements").click()
    row = page.locator("[data-table='proposals'] tr[data-issue='crimea']")
    expect(row).to_have_attribute("data-stance", "reject")
    expect(row.locator("mark[data-quote]")).to_contain_text("recognise Crimea")
    row.get_by_role("button", name="Add as statement").click()
    expect(page.locator("[data-flash='ok']")).to_contain_text("recorded, unconfirmed")
    waiting = page.locator("[data-table='waiting'] tr[data-statement]")
    expect(waiting).to_have_count(1)
    key = waiting.get_attribute("data-statement")
    expect(waiting.get_by_role("button", name="Confirm")).to_have_count(0)
    shot(page, "intake-analyst")

    page = sign_in("mediator")
    page.goto(f"{server}/cases/{CASE}/intake")
    page.locator(f"[data-statement='{key}']").get_by_role("button", name="Confirm").click()
    expect(page.locator("[data-flash='ok']")).to_contain_text(
        "Ukraine's statement on Crimea of 20 Mar 2022 confirmed"
    )
    expect(page.locator("[data-note='none-waiting']")).to_be_visible()
    shot(page, "intake-confirmed")
