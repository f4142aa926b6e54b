"""The API docs at /docs work on an offline desk: every request the page makes goes to
the desk itself, and Swagger UI renders the desk's own OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_the_api_docs_load_nothing_from_outside_the_desk(
    page: Page, server: str, shot: Callable[[Page, str], None]
) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(f"{server}/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "offramp desk" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock-tag", has_text="shuttle").first.wait_for()
    shot(page, "api-docs")
    assert requested, "the page made no request at all"
    outside = [u for u in requested if not u.startswith(server) and not u.startswith("data:")]
    assert outside == []
    assert failed == []


def test_the_docs_page_has_no_inline_script(server: str) -> None:
    import httpx

    html = httpx.get(f"{server}/docs").text
    assert "<script>" not in html
    assert 'src="/docs-assets/swagger-ui-bundle.js"' in html
