"""What the issue-13 browser tests share: a demo desk of a module's own (its server and
a second ``Services`` on the same SQLite file, to set up states and read them back),
signing a Chromium page in, bearer tokens for the API, and the checks that a page fits
the screen and speaks no internal values."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page

from offramp.bootstrap import Services, bootstrap
from offramp.demo import timeline_start
from offramp.model.parse import parse_clock
from offramp.services.access import Actor
from offramp.services.accounts import SYSTEM
from support.desk import FAST_HASHER

CASE = "ukraine-2022"
START = timeline_start()
PASSWORD = "issue-13-password"
WIDTHS = (1280, 375)
ROLES = ("mediator", "delegate_ua", "delegate_ru", "observer", "crisis_officer", "analyst")
PAGES = (
    "",
    "/deal-space",
    "/forecast",
    "/shuttle",
    "/ledger",
    "/intake",
    "/intake/reader",
    "/audit",
    "/crisis",
    "/crisis/channels",
    "/crisis/commitments",
    "/crisis/notifications",
    "/crisis/escalation",
    "/crisis/oncall",
    "/crisis/times",
    "/rounds",
    "/codings",
    "/codings/UA",
    "/precedents",
    "/author",
    "/author/positions",
)


@dataclass
class Desk:
    """A running demo desk and a second handle on its database."""

    base: str
    services: Services

    def actor(self, name: str) -> Actor:
        return self.services.accounts.get_actor(name)

    def token(self, name: str) -> str:
        """A bearer token for ``name`` (issued by the server's admin, as the CLI does)."""
        token, _ = self.services.accounts.create_token_expiring(SYSTEM, name, None)
        return str(token)

    def api(self, name: str, path: str) -> Any:
        """GET ``/api`` + ``path`` as ``name``'s bearer token; the JSON answer."""
        res = httpx.get(
            f"{self.base}/api{path}",
            headers={"Authorization": f"Bearer {self.token(name)}"},
            timeout=30,
        )
        assert res.status_code == 200, res.text
        return res.json()

    def url(self, path: str = "") -> str:
        return f"{self.base}/cases/{CASE}{path}"


@pytest.fixture(scope="module")
def desk(
    tmp_path_factory: pytest.TempPathFactory, own_server: Callable[..., Any]
) -> Iterator[Desk]:
    """A desk of this module's own, on the example case's own timeline."""
    db = tmp_path_factory.mktemp("issue13") / "desk.db"
    with own_server(Path(db), PASSWORD, clock="") as base:
        # the server's timeline (from the case's last moment), an hour ahead, so that what
        # the server did is in our past; what we record is dated explicitly at START
        clock = parse_clock("", "--clock", start=START + timedelta(hours=1))
        services = bootstrap(str(db), migrate_first=False, hasher=FAST_HASHER, clock=clock)
        try:
            yield Desk(base, services)
        finally:
            services.close()


def sign_in(page: Page, desk: Desk, name: str, width: int = 1280) -> Page:
    """``page`` at ``width`` px, signed in as ``name``."""
    page.set_viewport_size({"width": width, "height": 900})
    page.context.clear_cookies()
    page.goto(f"{desk.base}/sign-in")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)
    return page


def sideways(page: Page) -> int:
    """How many px the page scrolls sideways (0 when it fits)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


# what a page must never say to a person: Python's None/True/False as words, and
# "key=value" lists (ids joined by '=' as the analysis prints them)
RAW = re.compile(r"\b(None|True|False)\b|\b[a-z][a-z0-9_]*=[a-z0-9_]+\b")


def raw_values(text: str) -> list[str]:
    return [m.group(0) for m in RAW.finditer(text)]


def reachable(page: Page, selector: str) -> bool:
    """Whether the element lies within the page's width (not cut off to the right)."""
    box = page.locator(selector).first.bounding_box()
    width = page.evaluate("document.documentElement.clientWidth")
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
