"""In Chromium: a server admin resets the mediator's password; the mediator signs in with
the new one and sees the banner on every page, in words, until they dismiss it; another
user never sees it. At 1280 and 375 px the banner wraps inside the screen.

The demo desk runs on a fixed clock, so the banner's time is known to the minute.
Screenshots go to test-artifacts/screenshots/notices-*.png.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import Page

from offramp.bootstrap import Services, bootstrap
from offramp.demo import CASE
from offramp.model.deadlines import FixedClock
from offramp.services.accounts import SYSTEM
from support.browser import (
    PASSWORD,
    SCREENSHOTS,
    chromium_profile,
    first_page,
    save_shot,
    sign_in_at,
)
from support.desk import FAST_HASHER, query

NOW = datetime(2022, 10, 28, 19, 4, tzinfo=UTC)
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 375, "height": 800}
NEW_PASSWORD = "set again by the admin"
BANNER = "Your password was changed on 28 Oct 2022 at 19:04 UTC by admin."


@contextmanager
def _second_handle(db: Path) -> Iterator[Services]:
    """The desk's database opened beside its server, on the server's fixed clock."""
    desk = bootstrap(str(db), migrate_first=False, hasher=FAST_HASHER, clock=FixedClock(NOW))
    try:
        yield desk
    finally:
        desk.close()


def _fits(page: Page) -> bool:
    """Nothing wider than the viewport, and the banner's text inside its box."""
    width = page.evaluate("document.documentElement.scrollWidth")
    banner = page.locator("[data-notices]")
    inside = banner.evaluate("b => b.scrollWidth <= b.clientWidth") if banner.count() else True
    return bool(width <= page.viewport_size["width"] and inside)  # type: ignore[index]


def test_the_banner_tells_of_a_reset_on_every_page_until_dismissed(
    own_server: Callable[..., AbstractContextManager[str]],
    playwright_driver: object,
    tmp_path: Path,
) -> None:
    db = tmp_path / "desk.db"
    with (
        own_server(db, clock=f"fixed:{NOW.isoformat()}") as base,
        chromium_profile(playwright_driver, tmp_path / "profile", viewport=WIDE) as ctx,
        chromium_profile(playwright_driver, tmp_path / "other", viewport=WIDE) as other,
    ):
        with _second_handle(db) as desk:
            admin = desk.accounts.add_user(SYSTEM, "admin", PASSWORD, admin=True)
            desk.accounts.reset_password(admin, "mediator", NEW_PASSWORD)
        page = first_page(ctx)
        sign_in_at(page, base, "mediator", NEW_PASSWORD)
        for path in ("/needs", "/cases", f"/cases/{CASE}/shuttle", "/account/password"):
            page.goto(base + path)
            banner = page.locator("[data-notices]")
            assert banner.locator("li").all_inner_texts() == [BANNER], path
        page.goto(f"{base}/cases/{CASE}")
        one_line = page.locator("[data-notices] li").bounding_box()
        for size in (WIDE, NARROW):
            page.set_viewport_size(size)
            assert _fits(page), f"the banner is wider than {size['width']} px"
            save_shot(page, f"notices-banner-{size['width']}")
            page.locator("[data-notices]").screenshot(
                path=str(SCREENSHOTS / f"notices-banner-only-{size['width']}.png")
            )
        wrapped = page.locator("[data-notices] li").bounding_box()
        assert one_line and wrapped and wrapped["height"] > one_line["height"]  # it wrapped
        page.set_viewport_size(WIDE)

        bystander = first_page(other)
        sign_in_at(bystander, base, "delegate_ua")
        assert bystander.locator("[data-notices]").count() == 0

        page.get_by_role("button", name="Dismiss").click()
        page.wait_for_url(f"{base}/cases/{CASE}")
        assert page.locator("[data-notices]").count() == 0
        page.goto(f"{base}/needs")
        assert page.locator("[data-notices]").count() == 0
    rows = query(str(db), "SELECT actor, action FROM audit_events WHERE chain = '_server'")
    assert ("mediator", "notice.dismiss") in rows
