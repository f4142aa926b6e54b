"""In Debian's Chromium: the strength meter on the password form (OWASP ASVS 2.1.8) says,
as the new password is typed, what the desk's rules will say of it when it is sent
(``services/password_policy.py``), for every kind of refusal and for accepted ones, and
whether the two fields match. Screenshots at 1280 and 375 px go to
test-artifacts/screenshots/password-meter-*.png."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from offramp.services.password_policy import password_problem
from support.browser import save_shots

pytestmark = pytest.mark.browser
USER = "analyst"
# (typed, the first words the meter says)
CASES = [
    ("short one", "Too short: 9 of 12 characters"),
    ("a    b    c    d", "Too short: 7 of 12 characters"),  # a run of spaces counts once
    ("x" * 129, "Accepted, but weak: only 1 different character in 128."),  # 128 kept
    ("abababab abab", "Accepted, but weak: only 3 different characters in 13."),
    ("Password1234", "Refused: that is one of the most commonly used passwords."),
    ("analyst-analyst!", "Refused: it needs 12 characters besides your user name"),
    ("offramp analyst 7", "Refused: it needs 12 characters besides your user name"),
    ("kettle ferry amber", "Good: 18 characters;"),
    ("river basin 2022", "Accepted: 16 characters;"),
    ("walnut orchard beside the old mill", "Strong: 34 characters."),
    ("ÄÖÜ über Zürich!", "Accepted: 16 characters;"),
]


def test_the_meter_says_what_the_desk_will_say(
    page: Page, sign_in: Callable[[str], Page], server: str
) -> None:
    sign_in(USER)
    page.goto(f"{server}/account/password")
    meter = page.locator("[data-password-meter]")
    expect(meter).to_be_visible()
    words = meter.locator("[data-meter-words]")
    new = page.locator("#new_password")
    for typed, said in CASES:
        new.fill(typed)
        expect(words).to_contain_text(said)
        refused = password_problem(new.input_value(), USER) is not None
        assert (meter.get_attribute("data-level") == "0") is refused, typed
    new.fill("kettle ferry amber")
    page.locator("#again").fill("kettle ferry")
    expect(words).to_contain_text("The two do not match yet.")
    page.locator("#again").fill("kettle ferry amber")
    expect(words).to_have_text(
        "Good: 18 characters; a few more words make it stronger still. The two match."
    )
    save_shots(page, "password-meter")


def test_without_script_the_meter_stays_hidden_and_the_form_still_says_the_rules(
    page: Page, sign_in: Callable[[str], Page], server: str
) -> None:
    sign_in(USER)
    html = page.request.get(f"{server}/account/password").text()
    assert "data-password-meter" in html and "hidden>" in html.split("data-password-meter")[1]
    assert "A password has at least 12 characters" in html
