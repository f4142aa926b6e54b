"""A notification to three recipients, one of them late, through Debian's Chromium, at
1280 px and at 375 px: the crisis officer sends it (due at 06:00), names the United
States, the United Kingdom and France as recipients, records two acknowledgements at
12:00; the server's own sweep escalates the late one; the United Kingdom's
acknowledgement completes the notification. Screenshots go to test-artifacts/.

The server is ``offramp serve`` over a fresh demo database, its clock fixed at Friday
4 November 2022, 12:00 UTC, sweeping every second.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from offramp.demo import prepare
from offramp.model.deadlines import FixedClock
from offramp.model.parse import parse_instant
from support.browser import save_shot, sign_in_at
from support.launch import desk_server

pytestmark = pytest.mark.browser

CASE = "ukraine-2022"
NOW = "2022-11-04T12:00:00+00:00"
PASSWORD = "oncall-browser-password"


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("oncall-browser") / "desk.db"
    at = parse_instant(NOW, "now")
    assert at is not None
    prepare(db, password=PASSWORD, clock=FixedClock(at)).services.close()
    with desk_server(db, clock=f"fixed:{NOW}", extra_args=["--sweep-seconds", "1"]) as running:
        yield running.base


@pytest.mark.parametrize("width", [1280, 375])
def test_three_recipients_one_late_through_the_browser(desk: str, page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_at(page, desk, "crisis_officer", PASSWORD)
    crisis = f"{desk}/cases/{CASE}/crisis"
    key = f"exercise-{width}"

    # send the notification: sent at midnight, six hours to acknowledge
    page.goto(f"{crisis}/notifications")
    page.get_by_text("Send a notification").click()
    form = page.locator("form[data-form='send-notification']")
    form.get_by_label("Id").fill(key)
    form.get_by_label("Kind").select_option("exercise")
    form.get_by_label("From").select_option("RU")
    form.get_by_label("To", exact=True).select_option("US")
    form.get_by_label("What").fill(f"Strategic forces exercise ({width})")
    form.get_by_label("Where").fill("Northern Russia")
    form.get_by_label("Size").fill("large")
    form.get_by_label("Starts (UTC)").fill("2022-11-05T09:00Z")
    form.get_by_label("Through").select_option("ru-us-nrrc")
    form.get_by_label("Hours to acknowledge").fill("6")
    form.get_by_label("Sent at").fill("2022-11-04T00:00Z")
    form.get_by_role("button", name="Send").click()
    expect(page.locator("[data-flash=ok]")).to_contain_text("Notification sent")

    # name three recipients, each to acknowledge on its own
    page.get_by_role("link", name="On call").click()
    page.get_by_text("Name the recipients of a notification").click()
    names = page.locator("form[data-form='name-recipients']")
    names.get_by_label("Notification").select_option(key)
    names.get_by_label("Who must each acknowledge it").select_option(["US", "GB", "FR"])
    names.get_by_role("button", name="Name the recipients").click()
    expect(page.locator("[data-flash=ok]")).to_have_text(
        "Recipients named: each must acknowledge on its own."
    )
    what = f"Strategic forces exercise ({width})"
    row = page.locator(f"tr[data-notification='{key}']")
    expect(row.locator("[data-acknowledged='no']")).to_have_count(3)

    # the United States and France acknowledge at 12:00; the United Kingdom does not
    row.get_by_role("button", name=f"United States (US) acknowledged {what}").click()
    expect(page.locator("[data-flash=ok]")).to_contain_text("Acknowledgement recorded")
    row.get_by_role("button", name=f"France (FR) acknowledged {what}").click()
    expect(row.locator("[data-recipient='US']")).to_have_text(
        "United States (US): acknowledged 2022-11-04 12:00 UTC"
    )
    expect(row.locator("[data-recipient='GB']")).to_have_text("United Kingdom (GB): not yet")

    # the server's sweep applies the escalation policy to the late acknowledgement
    applied = page.locator(f"tr[data-action^='notification:{key} ack_late'][data-applied='yes']")
    for _ in range(20):
        if applied.count() >= 4:
            break
        page.wait_for_timeout(500)
        page.reload()
    resend = page.locator(f"tr[data-action='notification:{key} ack_late resend#1']")
    expect(resend).to_contain_text("2022-11-04 07:00 UTC")
    expect(resend).to_contain_text("re-send on the same level")
    expect(resend).to_contain_text("applied 2022-11-04 12:00 UTC")
    up = page.locator(f"tr[data-action='notification:{key} ack_late up_one#1']")
    expect(up).to_contain_text("escalate to")
    expect(up).to_contain_text("applied 2022-11-04 12:00 UTC")
    expect(page.locator(f"tr[data-action='notification:{key} ack_late up_one#3']")).to_contain_text(
        "to come"
    )
    row.scroll_into_view_if_needed()
    save_shot(page, f"crisis-oncall-late-recipient-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1

    # the United Kingdom acknowledges: the notification is acknowledged as a whole
    row.get_by_role("button", name=f"United Kingdom (GB) acknowledged {what}").click()
    expect(row).to_contain_text("everyone, 2022-11-04 12:00 UTC")
    expect(row.locator("[data-acknowledged='no']")).to_have_count(0)
    save_shot(page, f"crisis-oncall-all-acknowledged-{width}")
    page.get_by_role("link", name="Notifications").click()
    expect(page.locator(f"tr[data-notification='{key}']")).to_contain_text(
        "acknowledged late by US, GB, FR, 2022-11-04 12:00 UTC"
    )


def test_an_incidents_roles_timeline_and_review_at_375_px(desk: str, page: Page) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in_at(page, desk, "crisis_officer", PASSWORD)
    page.goto(f"{desk}/cases/{CASE}/crisis/incidents/dirty-bomb")
    roles = page.locator("form[data-form='assign-role']")
    roles.get_by_label("Role").select_option("body_liaison")
    roles.get_by_label("held by").select_option("crisis_officer")
    roles.get_by_role("button", name="Assign").click()
    expect(page.locator("tr[data-role='body_liaison']")).to_contain_text("crisis_officer")
    note = page.locator("form[data-form='note']")
    note.get_by_label("Text").fill("The IAEA's finding closes it.")
    note.get_by_role("button", name="Add it").click()
    expect(page.locator("[data-table='timeline']")).to_contain_text("The IAEA's finding closes it.")
    save_shot(page, "crisis-incident-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    with page.expect_download() as got:
        page.locator("a[data-export='pdf']").click()
    pdf = Path(got.value.path())
    assert pdf.read_bytes().startswith(b"%PDF")

    page.get_by_role("link", name="Review after the incident").click()
    review = page.locator("form[data-form='review']")
    review.get_by_label("What happened").fill("Referred to the IAEA within 12 hours.")
    review.get_by_label("Follow-up 1").fill("Start the clock at the first call")
    review.locator("#fu-owner-0").select_option("crisis_officer")
    review.locator("#fu-due-0").fill("2022-12-01")
    review.get_by_role("button", name="Save the review").click()
    expect(page.locator("[data-flash=ok]")).to_contain_text("Review saved")
    save_shot(page, "crisis-review-375")
    page.goto(f"{desk}/needs")
    item = page.locator("li[data-kind='follow-up']")
    expect(item).to_contain_text("Follow-up: Start the clock at the first call")
    expect(item).to_contain_text("due in 27 d 12 h")
