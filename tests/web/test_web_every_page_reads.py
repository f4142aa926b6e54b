"""Issue 13, point 9 and "any screen": every page, for every demo role, at 1280 and
375 px, says no internal value (``None``, ``True``, ``False``, ``key=value`` lists) in
its visible text and does not scroll sideways; and the header states the desk's time.
"""

from __future__ import annotations

import pytest
from desk_browser import PAGES, ROLES, WIDTHS, Desk, desk, raw_values, sideways, sign_in
from playwright.sync_api import Page

pytestmark = pytest.mark.browser
__all__ = ["desk"]

# each role sees at least these pages (the others are its plain 404)
SEES = {
    "mediator": 8,
    "delegate_ua": 2,
    "delegate_ru": 2,
    "observer": 1,
    "crisis_officer": 6,
    "analyst": 5,
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_speaks_words_and_fits(page: Page, desk: Desk, role: str, width: int) -> None:
    sign_in(page, desk, role, width)
    seen, problems = 0, []
    for path in PAGES:
        res = page.goto(desk.url(path))
        assert res is not None
        if res.status == 404:
            continue
        assert res.status == 200, (path, res.status)
        seen += 1
        text = page.locator("body").inner_text()
        if raw := raw_values(text):
            problems.append(f"{path or '/'}: {sorted(set(raw))[:6]}")
        if (wide := sideways(page)) > 0:
            problems.append(f"{path or '/'}: scrolls sideways by {wide} px")
    assert seen >= SEES[role]
    assert not problems, "\n".join(problems)


def test_the_header_states_the_desks_time_on_the_cases_own_timeline(page: Page, desk: Desk) -> None:
    sign_in(page, desk, "crisis_officer").goto(desk.url("/crisis"))
    header = page.locator("[data-desk-time]").inner_text()
    assert header.startswith("Desk time: 2022-11-03")
    days = [int(s.split()[2]) for s in _overdue(page)]
    assert days and max(days) < 30, days  # steps are late by days, not by years


def _overdue(page: Page) -> list[str]:
    """The 'overdue by N d …' phrases on the board (never years on the case's timeline)."""
    cells = page.locator("[data-step-status]").all_inner_texts()
    return [c for c in cells if c.startswith("overdue by") and " d" in c]


def test_the_header_links_what_needs_me_and_names_the_party(page: Page, desk: Desk) -> None:
    sign_in(page, desk, "delegate_ua").goto(desk.url("/shuttle"))
    assert "delegate of Ukraine" in page.locator("header").inner_text()
    page.get_by_role("link", name="What needs me").click()
    page.wait_for_url("**/needs")
    link = page.get_by_role("link", name="What needs me")
    assert link.get_attribute("aria-current") == "page"


def test_the_overviews_dates_read_as_the_statements_dates_do(page: Page, desk: Desk) -> None:
    """The slider, the shifts' choice and the "new since" badges say 17 Dec 2021, as
    every statement's date does, not 2021-12-17; moving the slider says its date."""
    sign_in(page, desk, "delegate_ru").goto(desk.url())
    form = page.locator("form.dates")
    assert form.locator("[data-out]").inner_text() == "28 Oct 2022"
    assert form.locator("#since option").first.inner_text() == "17 Dec 2021"
    badges = set(page.locator(".timeline .badge").all_inner_texts())
    assert badges == {"new since 17 Dec 2021"}, badges
    slider = form.locator("#at-slider")
    slider.evaluate("s => { s.value = 0; s.dispatchEvent(new Event('input')); }")
    assert form.locator("[data-out]").inner_text() == "17 Dec 2021"
    assert slider.get_attribute("aria-valuetext") == "17 Dec 2021"
