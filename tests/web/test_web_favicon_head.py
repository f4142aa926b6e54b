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
        before = len(errors)
        res = page.goto(desk.url(path))
        page.wait_for_load_state("networkidle")
        if res is not None and res.status == 404:  # a page the mediator may not see (a
            # party's unshared coding): the browser reports the document's own 404, once
            assert errors[before:] == [NOT_FOUND], (path, errors[before:])
            del errors[before:]
    assert errors == []


NOT_FOUND = "Failed to load resource: the server responded with a status of 404 (Not Found)"
