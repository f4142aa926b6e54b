"""Issue 13, point 12 (the part not about /docs): ``/favicon.ico`` answers on every
page, so Chromium logs no console error, and ``HEAD /`` is not a 405."""

from __future__ import annotations

import httpx
import pytest
from desk_browser import PAGES, WIDTHS, Desk, desk, sign_in
from playwright.sync_api import ConsoleMessage, Page

pytestmark = pytest.mark.browser
__all__ = ["desk"]


def test_head_of_the_root_is_answered(desk: Desk) -> None:
    res = httpx.head(f"{desk.base}/", follow_redirects=False, timeout=30)
    assert res.status_code == 303 and res.headers["location"] == "/cases"
    icon = httpx.get(f"{desk.base}/favicon.ico", timeout=30)
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
    assert icon.text.startswith("<svg")


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_logs_a_console_error(page: Page, desk: Desk, width: int) -> None:
    errors: list[str] = []

    def seen(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            errors.append(msg.text)

    page.on("console", seen)
    sign_in(page, desk, "mediator", width)
    for path in PAGES:
        page.goto(desk.url(path))
        page.wait_for_load_state("networkidle")
    assert errors == []
