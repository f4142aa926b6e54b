"""The web desk in process for the issue-15 page tests: a TestClient over a desk on a
fixed clock (:class:`support.rounds.ClockedWorld`), signed in as one persona at a time,
with forms sent with their CSRF token."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from fastapi.testclient import TestClient

from offramp.server import create_desk_app
from support.desk import PASSWORD
from support.rounds import ClockedWorld

CSRF = "issue-15-web-csrf-token"


class WebDesk:
    """One TestClient on ``world``'s desk; :meth:`as_` switches the persona."""

    def __init__(self, world: ClockedWorld, http: TestClient) -> None:
        self.world = world
        self.http = http
        self.sessions: dict[str, str] = {}

    def as_(self, persona: str) -> WebDesk:
        self.http.cookies.clear()
        self.http.cookies.set("offramp_csrf", CSRF)
        if persona != "anonymous":
            if persona not in self.sessions:
                self.sessions[persona] = self.world.desk.accounts.sign_in(persona, PASSWORD)[1]
            self.http.cookies.set("offramp_session", self.sessions[persona])
        return self

    def get(self, path: str) -> httpx.Response:
        return self.http.get(path)

    def post(self, path: str, form: dict[str, Any] | None = None) -> httpx.Response:
        return self.http.post(path, data={**(form or {}), "csrf_token": CSRF})


@contextmanager
def web_desk(world: ClockedWorld) -> Iterator[WebDesk]:
    with TestClient(create_desk_app(services=world.desk), follow_redirects=False) as http:
        yield WebDesk(world, http)


def visible_text(page: str) -> str:
    """The words a reader sees: tags, attribute values and whitespace runs removed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()
    return html.unescape(re.sub(r" ([,.;:)])", r"\1", words))
