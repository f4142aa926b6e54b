"""The real desk server for the ASVS level-2 tests (``test_asvs_*.py``): one per module,
over a copy of the test desk (:mod:`support.desk`), its log as JSON lines, and clients of
its API (bearer token) and of its web pages (a signed-in browser)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from support.desk import PASSWORD, populate
from support.launch import Running, desk_server

CSRF = "asvs-test-csrf-token"


@dataclass
class AsvsDesk:
    """The running server and the personas' bearer tokens (``admin`` too)."""

    server: Running
    tokens: dict[str, str]

    def api(self, who: str | None = None, **headers: str) -> httpx.Client:
        """A client of ``/api``, with ``who``'s bearer token (anonymous if None)."""
        if who is not None:
            headers["Authorization"] = f"Bearer {self.tokens[who]}"
        return httpx.Client(base_url=self.server.base + "/api", headers=headers, timeout=60)

    def browser(self) -> httpx.Client:
        """A client of the web pages with the CSRF cookie set, redirects not followed."""
        client = httpx.Client(base_url=self.server.base, timeout=60)
        client.cookies.set("offramp_csrf", CSRF)
        return client

    def web_sign_in(self, name: str, password: str = PASSWORD) -> httpx.Client:
        """A browser signed in as ``name`` through the sign-in form."""
        client = self.browser()
        form = {"csrf_token": CSRF, "name": name, "password": password, "next": "/needs"}
        res = client.post("/sign-in", data=form)
        assert res.status_code == 303, res.text
        client.cookies.delete("offramp_csrf")  # signing in minted a fresh one: use ours
        client.cookies.set("offramp_csrf", CSRF)
        return client

    def log_lines(self) -> list[dict[str, object]]:
        """The server's JSON log lines so far (``--log-format json``)."""
        found = re.findall(r"^\{.*\}$", self.server.output(), flags=re.M)
        return [json.loads(line) for line in found]


def asvs_desk(folder: Path) -> Iterator[AsvsDesk]:
    """A fresh copy of the test desk in ``folder``, served until the generator ends."""
    db = folder / "desk.db"
    tokens = populate(str(db))
    with desk_server(db, extra_args=("--log-format", "json")) as running:
        yield AsvsDesk(running, tokens)
