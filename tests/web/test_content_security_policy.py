"""Every page of the web desk forbids inline script (Content-Security-Policy), and no
page the desk renders carries one: so a stored link or text can never run as a reader.

In-process over the seeded example case, each demo role on each page it may open; and
once in Chromium, which must report no policy violation on the pages it loads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page

from offramp.demo import CASE, USERS
from support.web import demo_desk, demo_sessions, desk_app

PASSWORD = "csp-test-password"
PAGES = [
    "/cases",
    f"/cases/{CASE}",
    f"/cases/{CASE}/deal-space",
    f"/cases/{CASE}/shuttle",
    f"/cases/{CASE}/ledger",
    f"/cases/{CASE}/audit",
    f"/cases/{CASE}/crisis",
    f"/cases/{CASE}/intake",
    f"/cases/{CASE}/forecast",
    "/sign-in",
]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with (
        demo_desk(tmp_path_factory.mktemp("csp") / "desk.db", PASSWORD) as services,
        desk_app(services) as client,
    ):
        client.sessions = demo_sessions(services, PASSWORD)  # type: ignore[attr-defined]
        yield client


@pytest.mark.parametrize("user", [u.name for u in USERS])
def test_no_page_runs_inline_script_for_any_role(http: TestClient, user: str) -> None:
    http.cookies.clear()
    http.cookies.set("offramp_session", http.sessions[user])  # type: ignore[attr-defined]
    opened = 0
    for path in PAGES:
        page = http.get(path)
        policy = page.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy, (path, policy)
        assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";")[0]
        assert "frame-ancestors 'none'" in policy
        if page.status_code == 200:
            opened += 1
            assert not INLINE_SCRIPT.search(page.text), (user, path)
            assert not HANDLER.search(page.text), (user, path)
            assert "javascript:" not in page.text.lower(), (user, path)
    assert opened >= 2, f"{user} opened almost no page: the test would prove nothing"


def test_the_api_docs_page_forbids_inline_script_too(http: TestClient) -> None:
    policy = http.get("/docs").headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy


@pytest.mark.browser
def test_chromium_reports_no_policy_violation(sign_in: Callable[[str], Page], server: str) -> None:
    page = sign_in("mediator")
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    for path in PAGES[:-1]:
        page.goto(f"{server}{path}")
        page.wait_for_load_state("networkidle")
    assert violations == []
