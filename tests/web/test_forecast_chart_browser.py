"""Issue 13, charts: the forecast chart uses the page's width, shows its phone layout at
375 px, and no option or end label is cut off by the edge of the drawing."""

from __future__ import annotations

import pytest
from desk_browser import Desk, desk, sign_in
from playwright.sync_api import Page

pytestmark = pytest.mark.browser
__all__ = ["desk"]

INSIDE = """svg => {
  const box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].filter(t => {
    const r = t.getBoundingClientRect();
    return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1 ||
                           r.top < box.top - 1 || r.bottom > box.bottom + 1);
  }).map(t => t.textContent);
}"""


@pytest.mark.parametrize(
    ("width", "shown", "hidden"),
    [(1280, "forecast", "forecast-narrow"), (375, "forecast-narrow", "forecast")],
)
def test_the_chart_fits_the_screen_and_cuts_no_label(
    page: Page, desk: Desk, width: int, shown: str, hidden: str
) -> None:
    sign_in(page, desk, "analyst", width).goto(desk.url("/forecast?issue=alignment"))
    chart = page.locator(f"svg[data-chart='{shown}']")
    assert chart.is_visible()
    assert not page.locator(f"svg[data-chart='{hidden}']").is_visible()
    main = page.locator("main").bounding_box()
    box = chart.bounding_box()
    assert main is not None and box is not None
    assert box["width"] >= 0.85 * main["width"], (box, main)
    assert chart.evaluate(INSIDE) == []
    ends = chart.locator("text.end-label").all_text_contents()
    assert ends and all(e.strip() for e in ends)
