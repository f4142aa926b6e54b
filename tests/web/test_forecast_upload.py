"""The forecast page on an uploaded actor table, in Debian's Chromium.

The analyst uploads ``examples/eu-emissions-1994.csv`` (BDM 1994, p. 78; Scholz,
Calbert & Smith 2011, Table 1) with the ``scholz-code`` reading of the model. Belgium's
positions per round are those of the reference table that
``tests/analysis/test_forecast_scholz.py`` copies (a re-run of
``jmckib/bdm-scholz-expected-utility-model``, said to match SCS2011 for ten rounds);
the run does not converge, and the page says it cycles. A bad table is refused with
each problem's line and field, on the form.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from support.forecast import EU_1994_ACTORS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "examples" / "eu-emissions-1994.csv"
CASE = "ukraine-2022"
# reference sec. 3, rounds 0-10 (as in tests/analysis/test_forecast_scholz.py)
BELGIUM = [7.000, 8.416, 9.611, 9.962, 4.801, 5.524, 7.472, 8.825, 9.671, 4.145, 4.292]
SignIn = Callable[[str], Page]


def upload(page: Page, path: Path, rounds: str = "10", variant: str = "scholz-code") -> None:
    form = page.locator("form[data-form='forecast-table']")
    form.get_by_label("Actor table (CSV)").set_input_files(str(path))
    form.get_by_label("Rounds").fill(rounds)
    form.get_by_label("Reading of the model").select_option(variant)
    form.get_by_role("button", name="Forecast the table").click()


def test_an_uploaded_table_shows_rounds_variant_lines_and_the_cycle(
    sign_in: SignIn, server: str, shot: Callable[[Page, str], None]
) -> None:
    page = sign_in("analyst")
    page.goto(f"{server}/cases/{CASE}/forecast")
    upload(page, TABLE)

    expect(page.get_by_role("heading", level=1)).to_have_text("Forecast: eu-emissions-1994.csv")
    expect(page.locator("[data-variant='scholz-code']")).to_contain_text("10 rounds")
    expect(page.locator("[data-source]")).to_contain_text("10 actors")
    rows = page.locator("table[data-table='forecast'] tbody tr")
    expect(rows).to_have_count(11)
    for t, want in enumerate(BELGIUM):
        cell = page.locator(f"tr[data-round='{t}'] td[data-actor='Belgium']")
        value = float(cell.inner_text().split()[0])
        assert value == pytest.approx(want, abs=0.006), f"round {t}: {value}"
    # the cycle: a range, not the median after an arbitrary last round
    verdict = page.locator("[data-settlement='cycle']")
    expect(verdict).to_contain_text("it cycles every 5 rounds")
    expect(verdict).to_contain_text("7.00 to 9.67")
    expect(page.locator("[data-warnings]")).to_contain_text(
        "the positions repeat approximately every 5 rounds"
    )
    # every actor's line, named in full in the chart and the tables
    chart = page.locator("svg[data-chart='forecast']")
    expect(chart.locator("polyline.actor-line")).to_have_count(10)
    for name in EU_1994_ACTORS:
        expect(chart.locator(f"polyline[data-actor='{name}']")).to_have_count(1)
        expect(chart.locator("text", has_text=name).first).to_be_visible()
        expect(page.locator(f"table[data-table='forecast'] th:text-is('{name}')")).to_have_count(1)
    shot(page, "forecast-upload-eu-emissions")


def test_a_bad_table_is_refused_with_its_lines_and_fields(
    sign_in: SignIn, server: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("actor,capability,position,salience\nA,x,1,50\nA,1,2,200\n", "utf-8")
    page = sign_in("analyst")
    page.goto(f"{server}/cases/{CASE}/forecast")
    upload(page, bad, rounds="5", variant="printed")
    problems = page.locator("[data-table-errors] li")
    expect(problems).to_have_text(
        [
            "bad.csv:2: capability: 'x' is not a number",
            "bad.csv:3: actor: 'A' appears twice",
            "bad.csv:3: salience: 200 is above 100",
        ]
    )
    expect(page.locator("[data-flash='error']")).to_be_visible()
    # the form keeps what was chosen
    expect(page.locator("#fct-rounds")).to_have_value("5")
    expect(page.locator("table[data-table='forecast']")).to_have_count(0)
