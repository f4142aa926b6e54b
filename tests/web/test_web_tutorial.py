"""docs/tutorial.md, section 6 ("The desk"), as a test: each claim it makes about the
demo is checked against a running ``offramp demo`` on the example case's own timeline.
Each check first finds the claim's words in the tutorial, so the two change together."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from desk_browser import CASE, Desk, desk, sign_in
from playwright.sync_api import Page

pytestmark = pytest.mark.browser
__all__ = ["desk"]
TUTORIAL = (Path(__file__).resolve().parents[2] / "docs" / "tutorial.md").read_text("utf-8")
DESK = " ".join(TUTORIAL[TUTORIAL.index("## 6. The desk") :].split())


def says(*phrases: str) -> None:
    """The tutorial's desk section says each phrase (whitespace-insensitive)."""
    for phrase in phrases:
        assert " ".join(phrase.split()) in DESK, f"the tutorial no longer says {phrase!r}"


def test_the_header_shows_the_desks_time_on_the_cases_timeline(page: Page, desk: Desk) -> None:
    says("Desk time: 2022-11-03 12:00 UTC")
    sign_in(page, desk, "mediator").goto(desk.url())
    assert page.locator("[data-desk-time]").inner_text().startswith("Desk time: 2022-11-03 12:")


def test_the_overview_opens_on_28_october_since_17_december(page: Page, desk: Desk) -> None:
    says("it opens on **28 October 2022**", "shifts since **17 December 2021**")
    says('"no contested demand -> territorial"')
    sign_in(page, desk, "mediator").goto(desk.url())
    assert page.locator("#shifts-h").inner_text() == (
        "What moved between 17 December 2021 and 28 October 2022"
    )
    shifts = page.locator("[data-list=kind-shifts]").inner_text()
    assert "RU: no contested demand -> territorial" in shifts
    says('"RU: existential -> territorial"')
    page.get_by_role("link", name="11 Mar 2022").click()
    page.get_by_label("Shifts since").select_option("2022-02-24")
    page.wait_for_url("**since=2022-02-24**")
    assert page.locator("#shifts-h").inner_text() == (
        "What moved between 24 February 2022 and 11 March 2022"
    )
    assert "RU: existential -> territorial" in (
        page.locator("[data-list=kind-shifts]").inner_text()
    )


def test_the_deal_space_in_october_and_march(page: Page, desk: Desk) -> None:
    says('on 28 October it reads "Not ripe"')
    says("Ripe: 14 efficient packages give every party at least what it expects from no deal")
    says('the tabled "March framework", with a legend', "*Table this package…*")
    sign_in(page, desk, "mediator").goto(desk.url("/deal-space"))
    assert page.locator("[data-verdict]").inner_text().startswith("Not ripe")
    page.goto(desk.url("/deal-space?at=2022-03-11"))
    assert page.locator("[data-verdict]").inner_text() == (
        "Ripe: 14 efficient packages give every party at least what it expects from no deal."
    )
    chart = page.locator("svg[data-chart=deal-space]")
    legend = chart.locator("[data-legend]").text_content() or ""
    for name in ("no deal", "Nash", "Kalai-Smorodinsky", "tabled package"):
        assert name in legend
    assert "March framework" in (chart.locator("[data-point=tabled] title").text_content() or "")
    assert page.locator("summary", has_text="Table this package…").count() >= 2


def test_the_shuttle_three_columns_three_claims_and_the_journey(page: Page, desk: Desk) -> None:
    says("three columns (the RU channel, the UA channel and the plenary)")
    says("the verification queue with three claims")
    sign_in(page, desk, "mediator").goto(desk.url("/shuttle"))
    assert page.locator("section.column h2").all_inner_texts() == [
        "RU channel",
        "UA channel",
        "Plenary",
    ]
    rows = page.locator("[data-table=claims] tr[data-claim]")
    assert rows.count() == 3
    states = [rows.nth(k).get_attribute("data-state") for k in range(3)]
    assert states == ["assured", "assurance_requested", "stated"]
    # 1. relay the assured claim to RU as affirmed (asking first)
    says("relay it to RU as affirmed (*Relay claim…* asks first)")
    first = rows.nth(0)
    first.locator("summary", has_text="Relay claim…").click()
    assert first.get_by_label("As").input_value() == "affirmed"
    first.get_by_role("button", name="Relay claim").click()
    page.wait_for_url("**done=claim-relayed")
    # 2. Ukraine confirms the claim waiting for its assurance
    says("sign in as `delegate_ua` (in another browser) and confirm it")
    sign_in(page, desk, "delegate_ua").goto(desk.url("/shuttle"))
    page.get_by_role("button", name="Confirm: we said this and stand by it").click()
    page.wait_for_url("**done=assured")


def test_a_package_reads_open_until_both_answer(page: Page, desk: Desk) -> None:
    says("Russia's page says it is *open* until Ukraine answers")
    says("Only when both accept does either side read *agreed*")
    march = next(
        v.proposal.id
        for v in desk.services.shuttle.list_proposals(desk.actor("mediator"), CASE)
        if v.proposal.title == "March framework"
    )
    card = f"article[data-proposal='{march}']"
    sign_in(page, desk, "delegate_ru").goto(desk.url("/shuttle"))
    page.locator(card).get_by_role("button", name="Accept").click()
    page.wait_for_url("**done=accepted")
    assert page.locator(f"{card} [data-badge]").inner_text() == "open"
    sign_in(page, desk, "delegate_ua").goto(desk.url("/shuttle"))
    assert "RU" not in page.locator(f"{card} [data-outcome]").inner_text()
    page.locator(card).get_by_role("button", name="Accept").click()
    page.wait_for_url("**done=accepted")
    assert page.locator(f"{card} [data-badge]").inner_text() == "agreed"
    sign_in(page, desk, "delegate_ru").goto(desk.url("/shuttle"))
    assert page.locator(f"{card} [data-badge]").inner_text() == "agreed"


def test_the_crisis_desk_seven_channels_and_the_referral(page: Page, desk: Desk) -> None:
    says("arrived through **7 channels**", "done 12 hours after the playbook started")
    says("inside its 24-hour deadline")
    says("closed on 3 November", "steps overdue by days")
    sign_in(page, desk, "crisis_officer").goto(desk.url("/crisis"))
    bomb = page.locator("section[data-incident='dirty-bomb']")
    assert "Arrived through 7 channels:" in bomb.inner_text()
    card = desk.services.crisis.incident(desk.actor("crisis_officer"), CASE, "dirty-bomb")
    refer = next(s for s in card.steps if s.title == "Refer to the impartial body")
    assert card.run is not None and refer.done_at is not None
    assert refer.done_at - card.run.started_at == timedelta(hours=12)
    assert refer.due_at - card.run.started_at == timedelta(hours=24)
    assert "closed by" in bomb.locator("[data-outcome]").inner_text()
    assert "2022-11-03" in bomb.locator("[data-outcome]").inner_text()
    overdue = page.locator("section[data-incident='satellites-threat'] [data-step-status]")
    assert any(t.startswith("overdue by") and " d" in t for t in overdue.all_inner_texts())


def test_what_each_role_may_not_see(page: Page, desk: Desk) -> None:
    says('`delegate_ru` gets a plain "not found" page at Ukraine' + "'s channel address")
    says('"The position map is not shared with you"', "*Share with a member*")
    sign_in(page, desk, "delegate_ru")
    res = page.goto(desk.url("/shuttle/UA"))
    assert res is not None and res.status == 404
    sign_in(page, desk, "observer").goto(desk.url())
    assert "The position map is not shared with you" in page.locator("main").inner_text()
    sign_in(page, desk, "mediator").goto(desk.url())
    page.locator("summary", has_text="Share with a member").click()
    page.get_by_label("Member").select_option("observer")
    page.get_by_label("What", exact=True).select_option("positions")
    page.get_by_role("button", name="Share").click()
    page.wait_for_url("**done=shared")
    sign_in(page, desk, "observer").goto(desk.url())
    assert page.locator("[data-table=position-map]").is_visible()
