"""The web desk for page tests: in process (the example desk seeded as ``offramp demo``
seeds it, its app in a TestClient, sessions set as cookies), and over real HTTP (a client
signed in through the sign-in form, forms posted with the CSRF cookie's token).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import httpx
from fastapi.testclient import TestClient

from offramp.bootstrap import Services, bootstrap
from offramp.demo import USERS, seed
from offramp.server import create_desk_app
from support.desk import FAST_HASHER


@contextmanager
def demo_desk(db: Path, password: str) -> Iterator[Services]:
    """A desk over a fresh SQLite file ``db`` with the example case and every demo account
    (signing in with ``password``); closed at the end."""
    services = bootstrap(str(db), hasher=FAST_HASHER)
    try:
        seed(services, {u.name: password for u in USERS})
        yield services
    finally:
        services.close()


def demo_sessions(
    services: Services, password: str, names: Iterable[str] | None = None
) -> dict[str, str]:
    """A web session secret for each demo account (or each of ``names``)."""
    wanted = [u.name for u in USERS] if names is None else list(names)
    return {name: services.accounts.sign_in(name, password)[1] for name in wanted}


@contextmanager
def desk_app(services: Services, **options: Any) -> Iterator[TestClient]:
    """The whole desk app (web and API) over ``services`` in a TestClient that does not
    follow redirects; ``options`` go to the TestClient."""
    with TestClient(create_desk_app(services=services), follow_redirects=False, **options) as c:
        yield c


DEMO_ROLES = ("mediator", "delegate_ua", "delegate_ru", "observer", "analyst", "crisis_officer")
"""The demo's personas, in the order the page tests name them: MED, UA, RU, OBS, AN, OFF."""


class DemoWeb:
    """The desk app over ``desk`` in a TestClient, signed in as one demo persona at a time
    (:meth:`as_`), with forms sent with the CSRF token ``csrf``."""

    def __init__(
        self, desk: Services, http: TestClient, sessions: dict[str, str], csrf: str
    ) -> None:
        self.desk, self.http, self.sessions, self.csrf = desk, http, sessions, csrf

    def as_(self, persona: str) -> Self:
        self.http.cookies.clear()
        set_session(self.http, self.sessions[persona], self.csrf)
        return self

    def post(self, path: str, form: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.http.post(path, data={**(form or {}), "csrf_token": self.csrf}, **kw)


def set_session(client: TestClient, session: str, csrf: str) -> TestClient:
    """``client`` with the web session ``session`` and the CSRF cookie ``csrf``."""
    client.cookies.set("offramp_session", session)
    client.cookies.set("offramp_csrf", csrf)
    return client


@contextmanager
def signed_in_over_http(base: str, name: str, password: str) -> Iterator[httpx.Client]:
    """A client of the desk server at ``base``, signed in through the sign-in form as a
    browser is."""
    with httpx.Client(base_url=base, timeout=30, follow_redirects=False) as http:
        http.get("/sign-in")
        form = {"name": name, "password": password}
        res = http.post("/sign-in", data={**form, "csrf_token": http.cookies["offramp_csrf"]})
        assert res.status_code == 303, res.text
        yield http


def post_form(http: httpx.Client, path: str, form: dict[str, Any] | None = None) -> httpx.Response:
    """Post ``form`` to ``path`` with the token of the client's CSRF cookie."""
    return http.post(path, data={**(form or {}), "csrf_token": http.cookies["offramp_csrf"]})


def error_flash(page: httpx.Response) -> str:
    """The text of the page's error message, unescaped."""
    start = page.text.index('data-flash="error"')
    return html.unescape(page.text[start : page.text.index("</div>", start)])
