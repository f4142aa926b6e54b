"""In Chromium: the mediator turns on two-factor sign-in from the header, confirms with a
code, keeps the recovery codes, signs out, and signs in again with a code.

The demo desk runs on a fixed clock, so the codes are computed here at the same instant
(:mod:`offramp.services.totp`). Screenshots at 1280 and 375 px wide go to
test-artifacts/screenshots/two-factor-*.png.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

from offramp.services.totp import key_of, totp
from support.browser import PASSWORD, chromium_profile, first_page, save_shots, sign_in_at

NOW = datetime(2022, 10, 28, 19, 0, tzinfo=UTC)
WIDE = {"width": 1280, "height": 900}


def test_enrol_from_the_header_then_sign_in_with_a_code(
    own_server: Callable[..., AbstractContextManager[str]],
    playwright_driver: object,
    tmp_path: Path,
) -> None:
    with (
        own_server(tmp_path / "desk.db", clock=f"fixed:{NOW.isoformat()}") as base,
        chromium_profile(playwright_driver, tmp_path / "profile", viewport=WIDE) as ctx,
    ):
        page = first_page(ctx)
        sign_in_at(page, base, "mediator")
        page.get_by_role("link", name="Your account").click()
        page.get_by_role("link", name="Two-factor sign-in").click()
        page.wait_for_url(f"{base}/account/two-factor")
        assert "Two-factor sign-in is off" in page.locator("main").inner_text()
        page.get_by_role("button", name="Turn on two-factor sign-in").click()

        secret = page.locator("[data-secret]").get_attribute("data-secret")
        assert secret
        assert page.locator("[data-qr] svg").is_visible()
        save_shots(page, "two-factor-confirm")
        code = totp(key_of(secret), NOW.timestamp())
        page.get_by_label("The 6-digit code your app shows for the desk").fill(code)
        page.get_by_role("button", name="Turn on").click()

        codes = page.locator("[data-recovery-codes] li").all_inner_texts()
        assert len(codes) == 10
        assert "Two-factor sign-in is on." in page.locator("main").inner_text()
        save_shots(page, "two-factor-codes")

        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(f"{base}/sign-in?done=signed-out")
        page.get_by_label("User name").fill("mediator")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        alert = page.locator("[role=alert]").inner_text()
        assert "Enter the 6-digit code from your authenticator app" in alert
        page.get_by_label("Password").fill(PASSWORD)
        # the code of the next step: the one just used to confirm is spent
        page.get_by_label("Two-factor code").fill(totp(key_of(secret), NOW.timestamp() + 30))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base}/needs")
        page.goto(f"{base}/account/two-factor")
        assert "Two-factor sign-in is on for mediator" in page.locator("main").inner_text()
        save_shots(page, "two-factor-on")
