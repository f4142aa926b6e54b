"""In Debian's Chromium, on a desk that takes one write an hour per user: the delegation's
second message is refused, and the shuttle comes back with the message as typed, the
address of the shuttle (not of the form's action) in the address bar, and a reload
that shows the shuttle without sending anything again. Screenshots at 1280 and 375 px
go to test-artifacts/screenshots/refused-message-*.png."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from support.browser import chromium_profile, first_page, save_shots, sign_in_at

pytestmark = pytest.mark.browser
WIDE = {"width": 1280, "height": 900}
WORD_FOR_WORD = "The mediator may pass it on, word for word only"
TYPED = "Our reply on the corridors, point by point:\n1. the schedule\n2. the guarantors"


def test_a_refused_message_comes_back_as_typed_at_the_shuttle_s_address(
    own_server: Callable[..., AbstractContextManager[str]],
    playwright_driver: object,
    tmp_path: Path,
) -> None:
    with (
        own_server(tmp_path / "desk.db", env={"OFFRAMP_WRITE_RATE": "1/1h"}) as base,
        chromium_profile(playwright_driver, tmp_path / "profile", viewport=WIDE) as ctx,
    ):
        page = first_page(ctx)
        sign_in_at(page, base, "delegate_ua")
        shuttle = f"{base}/cases/ukraine-2022/shuttle"
        page.goto(shuttle)
        compose = page.locator("form[data-compose='UA']")
        compose.locator("textarea[name=body]").fill("The first message of the hour.")
        compose.get_by_label("For the mediator only: do not relay").check()
        compose.get_by_role("button", name="Send").click()
        expect(page.locator("[data-flash='ok']")).to_be_visible()
        sent = page.locator("li", has_text="The first message of the hour.").count()

        compose = page.locator("form[data-compose='UA']")
        compose.locator("textarea[name=body]").fill(TYPED)
        compose.get_by_label(WORD_FOR_WORD).check()
        compose.get_by_role("button", name="Send").click()
        refused = page.locator("[data-flash='refused']")
        expect(refused).to_contain_text("This one was not made; try again in")
        expect(refused).to_contain_text("What you typed is kept below")
        compose = page.locator("form[data-compose='UA']")
        assert compose.locator("textarea[name=body]").input_value() == TYPED
        expect(compose.get_by_label(WORD_FOR_WORD)).to_be_checked()
        assert page.evaluate("location.pathname") == "/cases/ukraine-2022/shuttle"
        save_shots(page, "refused-message")

        page.reload()
        expect(page.locator("[data-flash='refused']")).to_have_count(0)
        assert page.url == shuttle
        assert page.locator("li", has_text="The first message of the hour.").count() == sent
        assert page.locator("li", has_text="the guarantors").count() == 0
