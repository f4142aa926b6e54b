"""The crisis board in Debian's Chromium, on the real server with its clock fixed at
Friday 4 November 2022, 12:00 UTC (``offramp demo --clock fixed:...``)."""

from __future__ import annotations

from datetime import UTC

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from offramp.bootstrap import bootstrap
from support.browser import save_shot, sign_in_at
from support.crisis import SERVER_PASSWORD
from support.launch import Running

pytestmark = pytest.mark.browser
BOARD = "/cases/ukraine-2022/crisis"


@pytest.fixture(scope="module")
def server(crisis_server: Running) -> Running:
    """The crisis desk's own server (``crisis_server``: the example case, a fixed clock)."""
    return crisis_server


def test_board_shows_overdue_steps_at_fixed_instants_and_records_a_step(
    page: Page, context: BrowserContext, server: Running
) -> None:

    sign_in_at(page, server.base, "crisis_officer", SERVER_PASSWORD)
    page.goto(f"{server.base}/cases/ukraine-2022")
    page.get_by_role("link", name="Crisis desk").click()
    page.wait_for_url(f"{server.base}{BOARD}")
    expect(page.locator("[data-now]")).to_have_text("2022-11-04 12:00 UTC")

    # the threat against satellites arrived 26 October 19:00; its first step (2 h) is
    # overdue at the fixed now by 8 days 15 hours
    wording = page.locator('[data-incident="satellites-threat"] [data-step="record_wording"]')
    expect(wording.locator("[data-step-status]")).to_have_text("overdue by 8 d 15 h")
    expect(wording).to_have_attribute("data-status", "overdue")
    # the dirty-bomb allegation: one incident, seven channels, closed with the IAEA outcome
    bomb = page.locator('[data-incident="dirty-bomb"]')
    expect(bomb).to_have_count(1)
    expect(bomb.locator("[data-arrivals] li")).to_have_count(9)
    expect(bomb.locator("[data-outcome]")).to_contain_text("Referred to the IAEA")
    save_shot(page, "crisis-board-now")

    # replayed at 22:00 on 26 October: one hour overdue, the next step waits on it
    page.goto(f"{server.base}{BOARD}?at=2022-10-26T22:00Z")
    expect(wording.locator("[data-step-status]")).to_have_text("overdue by 1 h")
    expect(
        page.locator('[data-incident="satellites-threat"] [data-step="assess"] [data-step-status]')
    ).to_have_text("waits for: Record the exact wording and who said it")

    # the alert banner on the day after the allegation: RU-US rose from 0 to 2
    page.goto(f"{server.base}{BOARD}?at=2022-10-24T00:00Z")
    expect(page.locator("[data-alert-banner]")).to_contain_text("RU-US: level 0 (routine) to 2")

    # record the step through the form (CSRF token included); it is done late, by whom
    page.goto(f"{server.base}{BOARD}")
    wording.get_by_label("by").fill("desk officer")
    wording.get_by_role("button", name="Mark Record the exact wording and who said it done").click()
    expect(page.get_by_role("status")).to_have_text("Step recorded as done.")
    expect(wording.locator("[data-step-status]")).to_have_text("done late by 8 d 15 h")
    expect(wording).to_contain_text("desk officer, 2022-11-04 12:00 UTC")

    # the per-dyad timeline is a server-rendered chart
    page.goto(f"{server.base}{BOARD}/escalation?between=RU-US")
    chart = page.locator('svg[data-chart="escalation"]')
    expect(chart).to_be_visible()
    # the seed's five scores and one alert, and any the other crisis tests sharing this
    # server added: as many as the services hold
    scores, alerts = _ru_us(server)
    assert scores >= 5 and alerts >= 1
    expect(chart.locator("circle[data-score]")).to_have_count(scores)
    expect(chart.locator("circle[data-alert]")).to_have_count(alerts)
    page.goto(f"{server.base}{BOARD}/channels")
    # the page says when the IAEA channel was last used as the desk's services say it
    # (the referral of 23 October, or a later use by the desk's own sweeps and steps)
    expect(page.locator('[data-channel="iaea-us"] [data-last-used]')).to_have_text(
        _last_used(server, "iaea-us")
    )
    save_shot(page, "crisis-escalation")

    # a party's delegate sees no crisis desk, and its address is a plain 404
    context.clear_cookies()
    sign_in_at(page, server.base, "delegate_ua", SERVER_PASSWORD)
    page.goto(f"{server.base}/cases/ukraine-2022")
    expect(page.get_by_role("link", name="Crisis desk")).to_have_count(0)
    res = page.goto(f"{server.base}{BOARD}")
    assert res is not None and res.status == 404


def _ru_us(server: Running) -> tuple[int, int]:
    """How many escalation scores and alerts the services hold for the RU-US dyad."""
    services = bootstrap(str(server.db), migrate_first=False)
    try:
        officer = services.accounts.get_actor("crisis_officer")
        scores = services.crisis.timeline(officer, "ukraine-2022", ("RU", "US"))
        alerts = services.crisis.alerts(officer, "ukraine-2022")
        return len(scores), sum(1 for a in alerts if set(a.dyad) == {"RU", "US"})
    finally:
        services.close()


def _last_used(server: Running, channel: str) -> str:
    """When the services say ``channel`` was last used, as the page writes it."""
    services = bootstrap(str(server.db), migrate_first=False)
    try:
        officer = services.accounts.get_actor("crisis_officer")
        for dyad in services.crisis.channels(officer, "ukraine-2022"):
            for view in dyad.channels:
                if view.channel.id == channel and view.last_used is not None:
                    return view.last_used.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    finally:
        services.close()
    raise AssertionError(f"no use of {channel} on the desk")
