"""Issue 18: the web sign-in form under the throttle, and with two-factor codes.

In process: the desk app over a fresh copy of the test desk (:mod:`support.desk`).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from offramp.server import create_desk_app
from offramp.services.accounts import SYSTEM
from offramp.services.signin_throttle import ACCOUNT_LIMIT
from support.desk import PASSWORD, World

CSRF = "fixed-csrf-token-for-the-sign-in-tests"


@pytest.fixture
def browser(world: World) -> Iterator[TestClient]:
    with TestClient(create_desk_app(services=world.desk), follow_redirects=False) as c:
        c.cookies.set("offramp_csrf", CSRF)
        yield c


def sign_in(client: TestClient, name: str, password: str, code: str = "") -> httpx.Response:
    form = {"csrf_token": CSRF, "name": name, "password": password, "next": "/needs"}
    if code:
        form["code"] = code
    return client.post("/sign-in", data=form)


def test_a_throttled_sign_in_shows_the_form_with_429_and_retry_after(browser: TestClient) -> None:
    for _ in range(ACCOUNT_LIMIT):
        assert sign_in(browser, "analyst", "not the password").status_code == 401
    res = sign_in(browser, "analyst", PASSWORD)  # the right password, but throttled
    assert res.status_code == 429
    assert 1 <= int(res.headers["Retry-After"]) <= 15 * 60
    assert "Too many failed sign-ins for this account" in res.text
    assert 'action="/sign-in"' in res.text
    assert "offramp_session" not in res.cookies


def test_the_web_form_throttles_per_client_address(browser: TestClient, world: World) -> None:
    sign_in(browser, "nobody-at-all", "wrong")
    with world.desk.engine.connect() as conn:
        keys = {k for (k,) in conn.exec_driver_sql("SELECT key FROM login_failures")}
    assert "client:testclient" in keys  # TestClient's address reached the throttle


def test_an_account_with_2fa_signs_in_with_the_code_field(
    browser: TestClient, world: World
) -> None:
    actor = world.desk.accounts.get_actor("analyst")
    _, codes = world.desk.accounts.two_factor.enable_now(SYSTEM, actor)
    assert 'name="code"' in browser.get("/sign-in").text
    asked = sign_in(browser, "analyst", PASSWORD)
    assert asked.status_code == 401
    assert "Enter the 6-digit code from your authenticator app" in asked.text
    done = sign_in(browser, "analyst", PASSWORD, codes[0])
    assert done.status_code == 303 and done.headers["location"] == "/needs"
    assert "offramp_session" in done.cookies
    browser.cookies.clear()  # another browser (signing in minted a new CSRF token)
    browser.cookies.set("offramp_csrf", CSRF)
    again = sign_in(browser, "analyst", PASSWORD, codes[0])
    assert again.status_code == 401 and "already used" in again.text
