"""Issue 20's journey in Debian's Chromium, on the real demo server: the mediator finds
the Austrian precedent for the example's ``alignment: neutral_austria``, links it, tables
a package holding that option to Ukraine, and Ukraine's delegation sees the precedent on
it, while a precedent linked to an option of no tabled package never reaches it. At
1280 px and 375 px, with screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from support.browser import save_shot, sign_in_at

pytestmark = pytest.mark.browser
CASE = "/cases/ukraine-2022"
PASSWORD = "precedents-browser-password"
AUSTRIA = "Austrian State Treaty and the Federal Constitutional Law on Austria's Neutrality (1955)"
NOTE = "Article 1 of the neutrality law is the model."


def fits(page: Page) -> None:
    sideways = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert sideways == 0, f"{page.url} scrolls {sideways} px sideways"


def as_user(page: Page, base: str, name: str, width: int) -> None:
    page.context.clear_cookies()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_at(page, base, name, PASSWORD)


@pytest.mark.parametrize("width", [1280, 375])
def test_mediator_links_the_austrian_precedent_and_the_delegation_sees_it(
    page: Page, own_server: Callable[..., Any], tmp_path: Path, width: int
) -> None:
    with own_server(tmp_path / "desk.db", PASSWORD) as base:
        # the mediator opens the case's precedents from the case's menu
        as_user(page, base, "mediator", width)
        page.goto(f"{base}{CASE}")
        page.get_by_role("link", name="Precedents", exact=True).click()
        page.wait_for_url(f"{base}{CASE}/precedents")
        alignment = page.locator('section[data-issue="alignment"]')
        best = alignment.locator("article[data-match]").first
        expect(best).to_have_attribute("data-match", "austria-1955/permanent-neutrality")
        expect(best.locator("h4")).to_have_text(AUSTRIA)
        option = best.locator("select[name=option]")
        expect(option.locator("option:checked")).to_have_text(
            "A neutral status like that of Austria"
        )
        fits(page)
        save_shot(page, f"precedents-case-{width}")
        best.get_by_text("Link this provision to an option…").click()
        best.get_by_label("Team note (optional; the parties never see it)").fill(NOTE)
        best.get_by_role("button", name="Link").click()
        expect(page.locator("[data-flash=ok]")).to_have_text(
            "Precedent linked: it is shown wherever that option is shown."
        )
        linked = alignment.locator("[data-list=links] li")
        expect(linked).to_have_count(1)
        expect(linked).to_contain_text("A neutral status like that of Austria ←")
        expect(linked).to_contain_text(NOTE)

        # a precedent on an option of no tabled package, from the whole library's list
        other = page.locator("[data-form=link-other]")
        other.get_by_label("Option", exact=True).select_option("missile_placement/mutual_limits")
        other.get_by_label("Precedent, or one of its provisions").select_option("cuba-1962")
        other.get_by_role("button", name="Link").click()
        expect(page.locator('[data-issue="missile_placement"] [data-list=links]')).to_contain_text(
            "Resolution of the Cuban missile crisis"
        )
        save_shot(page, f"precedents-linked-{width}")

        # the mediator tables a package holding that option, to Ukraine only
        page.get_by_role("link", name="Shuttle", exact=True).click()
        page.get_by_text("Table a package", exact=True).click()
        page.get_by_label("Title").fill("Austrian neutrality")
        page.get_by_label("Ukraine's alignment").select_option("neutral_austria")
        page.locator("fieldset input[name=parties][value=RU]").uncheck()
        page.get_by_role("button", name="Table package").click()
        expect(page.locator("[data-flash=ok]")).to_have_text("Package tabled.")
        card = page.locator("article[data-proposal]", has_text="Austrian neutrality")
        expect(card.locator("[data-precedents]")).to_contain_text(NOTE)

        # Ukraine's delegation sees the precedent on the package, without the team's note
        as_user(page, base, "delegate_ua", width)
        page.goto(f"{base}{CASE}/shuttle")
        card = page.locator("article[data-proposal]", has_text="Austrian neutrality")
        shown = card.locator("[data-precedents]")
        expect(shown).to_contain_text("Precedents for this package")
        expect(shown).to_contain_text(
            "Ukraine's alignment: A neutral status like that of Austria ←"
        )
        expect(shown.get_by_role("link", name=AUSTRIA)).to_be_visible()
        expect(shown).not_to_contain_text(NOTE)
        expect(page.locator("main")).not_to_contain_text("Cuban missile crisis")
        card.scroll_into_view_if_needed()
        fits(page)
        save_shot(page, f"precedents-delegation-shuttle-{width}")

        # ... and reads it in the library
        shown.get_by_role("link", name=AUSTRIA).click()
        page.wait_for_url(f"{base}/precedents/austria-1955")
        expect(page.locator("h1")).to_have_text(AUSTRIA)
        expect(page.locator("[data-held-up]")).to_contain_text("How it held up: held.")
        fits(page)
        save_shot(page, f"precedent-austria-{width}")

        # its case page lists the link on the tabled option, not the other one
        page.goto(f"{base}{CASE}/precedents")
        expect(page.locator('[data-issue="alignment"] [data-list=links] li')).to_have_count(1)
        expect(page.locator('[data-issue="missile_placement"] [data-list=links]')).to_have_count(0)
        expect(page.locator("main")).not_to_contain_text(NOTE)
        expect(page.locator("[data-form=link]")).to_have_count(0)

        # the library's search: neutrality between 1950 and 1960
        page.goto(f"{base}/precedents")
        page.get_by_label("Kind of issue a provision settles").select_option("neutrality_alignment")
        page.get_by_label("From year").fill("1950")
        page.get_by_label("to year").fill("1960")
        page.get_by_role("button", name="Search").click()
        expect(page.locator("article[data-precedent=austria-1955]")).to_be_visible()
        fits(page)
        save_shot(page, f"precedents-search-{width}")
