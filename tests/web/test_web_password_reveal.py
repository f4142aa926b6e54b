"""OWASP ASVS 2.1.12: a password field's Show / Hide button reads the typed password
back (Chromium); the field is masked again when the form is sent, and signing in still
works with the password shown."""

from __future__ import annotations

import pytest
from desk_browser import PASSWORD, Desk, desk, sign_in
from playwright.sync_api import Page

pytestmark = pytest.mark.browser
__all__ = ["desk"]


@pytest.mark.parametrize("width", [1280, 375])
def test_the_password_can_be_shown_and_hidden_and_sign_in_still_works(
    page: Page, desk: Desk, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.context.clear_cookies()
    page.goto(f"{desk.base}/sign-in")
    field = page.locator("#password")
    button = page.locator("button.reveal[aria-controls=password]")
    assert (field.get_attribute("type"), button.inner_text()) == ("password", "Show password")
    field.fill(PASSWORD)
    button.click()
    assert field.get_attribute("type") == "text" and field.input_value() == PASSWORD
    assert (button.inner_text(), button.get_attribute("aria-pressed")) == ("Hide password", "true")
    button.click()
    assert field.get_attribute("type") == "password"
    assert button.get_attribute("aria-pressed") == "false"
    button.click()  # sent while shown: masked again, and the sign-in goes through
    page.get_by_label("User name").fill("mediator")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)
    fits = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    assert page.evaluate(fits)


def test_each_password_field_of_the_account_page_has_its_own_button(page: Page, desk: Desk) -> None:
    sign_in(page, desk, "analyst").goto(f"{desk.base}/account/password")
    fields = page.locator("input[type=password]")
    assert fields.count() >= 3  # the sign-out-elsewhere field only with other sessions
    for k in range(fields.count()):
        fid = fields.nth(k).get_attribute("id")
        assert page.locator(f"button.reveal[aria-controls={fid}]").count() == 1, fid
    page.locator("button.reveal[aria-controls=new_password]").click()
    assert page.locator("#new_password").get_attribute("type") == "text"
    assert page.locator("#current_password").get_attribute("type") == "password"
