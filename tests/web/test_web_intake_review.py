"""Intake review (issue 13, "Missing for daily work"): the article's date is read from
its dateline when the field is blank; each proposal's party, issue, option, stance,
speaker and quote can be corrected before it is added, or it can be discarded; the page
fits 375 px. As the analyst (statement.create) and the mediator."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from desk_browser import CASE, WIDTHS, Desk, desk, sideways, sign_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
__all__ = ["desk"]
_n = itertools.count(1)


def propose(page: Page, desk: Desk, text: str) -> None:
    page.goto(desk.url("/intake"))
    page.get_by_label("Article or statement").fill(text)
    page.get_by_label("One of the case's sources").select_option(index=1)
    page.get_by_role("button", name="Propose statements").click()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", ["analyst", "mediator"])
def test_review_edits_a_proposal_before_adding_it(
    page: Page, desk: Desk, who: str, width: int
) -> None:
    n = next(_n)
    sign_in(page, desk, who, width)
    propose(
        page,
        desk,
        f"KYIV, March 2{n % 9}, 2022 — Peskov said Ukraine should amend its constitution "
        "to reject any aims to enter any bloc.",
    )
    assert (
        f"Dated 2022-03-2{n % 9} from the article's dateline" in page.locator("main").inner_text()
    )
    row = page.locator("[data-table=proposals] tr[data-proposal-row]").first
    assert row.locator("[name=date]").input_value() == f"2022-03-2{n % 9}"
    assert sideways(page) == 0
    row.get_by_label("Speaker").fill(f"Dmitry Peskov {n}")
    row.get_by_label("Stance").select_option("offer")
    row.get_by_label("Quote").fill("amend its constitution to reject any aims to enter any bloc")
    row.get_by_label("Option").select_option("neutral_austria")
    row.get_by_role("button", name="Add as statement").click()
    page.wait_for_url("**added=**")
    key = page.url.split("added=")[1]
    got = next(
        s
        for s in desk.services.intake.waiting(desk.actor("mediator"), CASE)
        if s.statement.id == key
    ).statement
    assert got.speaker == f"Dmitry Peskov {n}"
    assert str(got.stance) == "offer"
    assert got.option == "neutral_austria" and got.issue == "alignment"
    assert got.quote == "amend its constitution to reject any aims to enter any bloc"
    assert got.date == date(2022, 3, 20 + n % 9)


@pytest.mark.parametrize("width", WIDTHS)
def test_discard_drops_a_proposal_and_stores_no_statement(
    page: Page, desk: Desk, width: int
) -> None:
    sign_in(page, desk, "analyst", width)
    before = len(desk.services.intake.waiting(desk.actor("mediator"), CASE))
    propose(
        page,
        desk,
        "20 March 2022 — Zelensky said Ukraine would never recognise Crimea as Russian territory.",
    )
    rows = page.locator("[data-table=proposals] tr[data-proposal-row]")
    count = rows.count()
    assert count >= 1
    rows.first.get_by_role("button", name="Discard").click()
    expect(rows).to_have_count(count - 1)  # recorded as discarded (issue 16), no statement
    assert len(desk.services.intake.waiting(desk.actor("mediator"), CASE)) == before


def test_no_dateline_and_no_date_names_the_field(page: Page, desk: Desk) -> None:
    sign_in(page, desk, "analyst")
    propose(page, desk, "Zelensky said Ukraine would never recognise Crimea as Russian territory.")
    error = page.locator("[data-flash=error]").inner_text()
    assert "article date is required when the text has no dateline" in error
    assert page.get_by_label("Article or statement").input_value().startswith("Zelensky said")


def test_a_refused_add_shows_the_reviewed_proposal_again(page: Page, desk: Desk) -> None:
    sign_in(page, desk, "analyst")
    page.goto(desk.url("/intake"))
    page.get_by_label("Article or statement").fill(
        "20 March 2022 — Peskov said Ukraine should amend its constitution to reject any "
        "aims to enter any bloc."
    )
    page.get_by_role("button", name="Propose statements").click()  # no source chosen
    row = page.locator("[data-table=proposals] tr[data-proposal-row]").first
    row.get_by_label("Speaker").fill("Peskov, edited")
    row.get_by_role("button", name="Add as statement").click()
    assert page.locator("[data-flash=error]").count() == 1
    again = page.locator("[data-table=proposals] tr[data-proposal-row]").first
    assert again.get_by_label("Speaker").input_value() == "Peskov, edited"
