"""In Chromium with its virtual authenticator (DevTools ``WebAuthn`` domain): the
mediator adds a security key on the two-factor page, signs out, and signs in again with
the password and the key.

WebAuthn takes no IP address as RP ID, so the desk is opened at ``http://localhost``
(a secure context for Chromium). Screenshots at 1280 and 375 px wide go to
test-artifacts/screenshots/security-key-*.png.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from support.browser import PASSWORD, chromium_profile, first_page, save_shots

WIDE = {"width": 1280, "height": 900}
AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "usb",
    "hasResidentKey": False,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


def test_add_a_key_then_sign_in_with_password_and_key(
    own_server: Callable[..., AbstractContextManager[str]],
    playwright_driver: object,
    tmp_path: Path,
) -> None:
    with (
        own_server(tmp_path / "desk.db") as loopback,
        chromium_profile(playwright_driver, tmp_path / "profile", viewport=WIDE) as ctx,
    ):
        base = loopback.replace("127.0.0.1", "localhost")
        page = first_page(ctx)
        cdp = ctx.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
        added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
        page.goto(f"{base}/sign-in")
        page.get_by_label("User name").fill("mediator")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base}/needs")

        page.goto(f"{base}/account/two-factor")
        assert "You have no security key." in page.locator("main").inner_text()
        page.get_by_label("A name for the key").fill("blue USB key")
        page.get_by_role("button", name="Add a security key").click()
        page.wait_for_url(f"{base}/account/security-keys/start")
        save_shots(page, "security-key-add")
        page.get_by_role("button", name="Use the key now").click()
        page.wait_for_url(f"{base}/account/two-factor?done=security-key-added")
        main = page.locator("main").inner_text()
        assert "Security key added" in main and "blue USB key" in main
        assert "Last used to sign in: not yet." in main
        creds = cdp.send("WebAuthn.getCredentials", {"authenticatorId": added["authenticatorId"]})
        assert len(creds["credentials"]) == 1
        save_shots(page, "security-key-listed")

        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(f"{base}/sign-in?done=signed-out")
        page.get_by_label("User name").fill("mediator")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("button", name="Use your security key").wait_for()
        assert "Your password is right" in page.locator("main").inner_text()
        save_shots(page, "security-key-sign-in")
        page.get_by_role("button", name="Use your security key").click()
        page.wait_for_url(f"{base}/needs")
        page.goto(f"{base}/account/two-factor")
        assert "Last used to sign in: not yet." not in page.locator("main").inner_text()
