"""Issue 13, points 3 and 9 on the deal space, and its daily work: the chart has a
legend and no label sits on a marker; the verdict and the reasons speak in the case's
words with rounded figures; tabled packages are plotted; the mediator tables a
bargaining solution in one step (the analyst sees no such form)."""

from __future__ import annotations

import pytest
from desk_browser import CASE, WIDTHS, Desk, desk, raw_values, sideways, sign_in
from playwright.sync_api import Page

pytestmark = pytest.mark.browser
__all__ = ["desk"]
MARCH = "/deal-space?at=2022-03-11"
OCTOBER = "/deal-space?at=2022-10-28"


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", ["mediator", "analyst"])
def test_the_chart_has_a_legend_and_no_label_on_a_marker(
    page: Page, desk: Desk, role: str, width: int
) -> None:
    sign_in(page, desk, role, width).goto(desk.url(MARCH))
    chart = page.locator("svg[data-chart=deal-space]")
    legend = chart.locator("[data-legend=deal-space]").text_content() or ""
    for name in ("no deal", "Nash", "Kalai-Smorodinsky", "Pareto-optimal package"):
        assert name in legend
    markers = [
        chart.locator(f"[data-point={p}]").bounding_box()
        for p in ("nash", "kalai-smorodinsky", "no-deal")
    ]
    texts = chart.locator("text").all()
    assert texts
    for t in texts:
        box = t.bounding_box()
        assert box is not None
        for m in markers:
            assert m is not None and not overlaps(box, m), t.text_content()
    assert sideways(page) == 0


@pytest.mark.parametrize("width", WIDTHS)
def test_the_verdict_and_reasons_use_the_cases_words(page: Page, desk: Desk, width: int) -> None:
    sign_in(page, desk, "analyst", width).goto(desk.url(OCTOBER))
    verdict = page.locator("[data-verdict]").inner_text()
    assert verdict.startswith("Not ripe:")
    assert "0.000952" not in verdict and "=" not in verdict and "under 0.01" in verdict
    why = page.locator("[data-list=why]").inner_text()
    assert "bloc_free_constitution" not in why and "->" not in why
    assert "RU on Donetsk and Luhansk: Recognised as independent states → Annexed by Russia" in why
    enlarge = page.locator("[data-list=enlarge]").inner_text()
    assert "missile_placement" not in enlarge and "Nash product" not in enlarge
    assert not raw_values(page.locator("main").inner_text())


@pytest.mark.parametrize("width", WIDTHS)
def test_tabled_packages_are_plotted(page: Page, desk: Desk, width: int) -> None:
    sign_in(page, desk, "mediator", width).goto(desk.url(MARCH))
    tabled = page.locator("svg[data-chart=deal-space] [data-point=tabled]")
    assert tabled.count() >= 1
    assert "March framework" in (tabled.first.locator("title").text_content() or "")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_mediator_tables_a_solution_in_one_step(page: Page, desk: Desk, width: int) -> None:
    sign_in(page, desk, "mediator", width).goto(desk.url(MARCH))
    nash = page.locator("[data-solution=nash]")
    nash.locator("summary", has_text="Table this package…").click()
    title = f"Nash of March at {width}"
    nash.get_by_label("Title").fill(title)
    nash.get_by_role("button", name="Table it to RU and UA").click()
    page.wait_for_url("**done=tabled")
    med = desk.actor("mediator")
    mine = [v for v in desk.services.shuttle.list_proposals(med, CASE) if v.proposal.title == title]
    assert len(mine) == 1
    report = desk.services.analysis.report(med, CASE, None).to_dict()  # the last date
    assert set(mine[0].proposal.parties) == {"RU", "UA"}
    assert len(mine[0].proposal.package) == len(report["issues"])
    sign_in(page, desk, "analyst", width).goto(desk.url(MARCH))
    assert page.locator("[data-form=table-solution]").count() == 0
