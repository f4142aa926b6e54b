"""A secret round end to end in Debian's Chromium, at 1280 px and 375 px: the mediator
opens it through the form, Ukraine and Russia each mark in private, and every reader
sees only the package both marked. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from desk_browser import CASE, WIDTHS, Desk, desk, sideways, sign_in
from playwright.sync_api import Page, expect

from offramp.demo import MARCH_PACKAGE, example_path
from offramp.files.case import load_case
from support.browser import save_shot

pytestmark = pytest.mark.browser
__all__ = ["desk"]


@pytest.mark.parametrize("width", WIDTHS)
def test_open_a_round_two_delegations_answer_and_only_the_overlap_shows(
    page: Page, desk: Desk, width: int
) -> None:
    title = f"March round at {width} px"
    case = load_case(example_path())
    neutral = case.issue("alignment").option(MARCH_PACKAGE["alignment"]).label
    sign_in(page, desk, "mediator", width)
    page.goto(desk.url())
    page.get_by_role("link", name="Secret rounds").click()
    form = page.locator("form[data-form='open-round']")
    form.get_by_label("Title").fill(title)
    other = next(o for o in case.issue("alignment").option_ids if o != MARCH_PACKAGE["alignment"])
    second = {**MARCH_PACKAGE, "alignment": other}
    for row, package in ((1, MARCH_PACKAGE), (2, second)):
        for issue, option in package.items():
            form.locator(f"select[name='p{row}_{issue}']").select_option(option)
    assert sideways(page) == 0
    save_shot(page, f"rounds-open-form-{width}")
    form.get_by_role("button", name="Open the round").click()
    expect(page.locator("[data-flash='ok']")).to_contain_text("Round opened")
    row = page.locator("tr[data-round]", has_text=title)
    expect(row).to_contain_text("Open: waiting for 2 of 2 delegations (Russia and Ukraine).")
    link = row.get_by_role("link", name=title)
    href = link.get_attribute("href")
    assert href is not None and href.startswith(f"/cases/{CASE}/rounds/")

    for who, ticks in (
        ("delegate_ua", ("Package 1", "Package 2")),
        ("delegate_ru", ("Package 1",)),
    ):
        sign_in(page, desk, who, width)
        page.goto(desk.base + href)
        expect(page.locator("[data-kind]")).to_contain_text("Sealed: only your own delegation")
        for name in ticks:
            page.get_by_label(name).check()
        assert sideways(page) == 0
        save_shot(page, f"rounds-mark-{who}-{width}")
        page.get_by_role("button", name="Send our marks").click()
        expect(page.locator("[data-flash='ok']")).to_contain_text("marks are recorded")

    for who in ("mediator", "delegate_ua", "delegate_ru"):
        sign_in(page, desk, who, width)
        page.goto(desk.base + href)
        result = page.locator("[data-result-sentence]")
        expect(result).to_have_text("Marked acceptable by every party: Package 1.")
        expect(page.locator("[data-overlap]")).to_have_count(1)
        expect(page.locator("[data-overlap='p1']")).to_contain_text(neutral)
        expect(page.locator("[data-status]")).to_contain_text("Closed: every delegation")
        assert "Package 2" not in page.locator("[data-result]").inner_text()
        assert "Each party's marks" not in page.locator("main").inner_text()
        assert sideways(page) == 0
        save_shot(page, f"rounds-result-{who}-{width}")
