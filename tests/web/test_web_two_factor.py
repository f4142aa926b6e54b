"""The web page for two-factor sign-in (``/account/two-factor``), in process.

Codes are real TOTP codes (:mod:`offramp.services.totp`) at the desk's fixed clock;
the sign-in form then needs one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from offramp.services.totp import key_of, totp
from support.desk import PASSWORD
from support.rounds import ClockedWorld
from support.web import desk_app

CSRF = "two-factor-csrf"
PAGE = "/account/two-factor"


@pytest.fixture
def web(clocked: ClockedWorld) -> Iterator[TestClient]:
    with desk_app(clocked.desk) as client:
        client.cookies.set("offramp_csrf", CSRF)
        yield client


def sign_in(client: TestClient, name: str, code: str = "") -> int:
    """Sign in through the form; the session gets a fresh CSRF token, set back to ours."""
    client.cookies.clear()
    client.cookies.set("offramp_csrf", CSRF)
    form = {"name": name, "password": PASSWORD, "code": code, "csrf_token": CSRF}
    res = client.post("/sign-in", data=form)
    if res.status_code == 303:
        client.cookies.clear()
        client.cookies.set("offramp_session", res.cookies["offramp_session"])
        client.cookies.set("offramp_csrf", CSRF)
    return res.status_code


def secret_of(page: str) -> str:
    found = re.search(r'data-secret="([A-Z2-7]+)"', page)
    assert found, page
    return found.group(1)


def code_now(clocked: ClockedWorld, secret: str, later: float = 0) -> str:
    return totp(key_of(secret), clocked.clock.now().timestamp() + later)


def enrol(web: TestClient, clocked: ClockedWorld) -> tuple[str, list[str]]:
    """Turn two-factor on for the signed-in user: its secret and recovery codes."""
    started = web.post(f"{PAGE}/start", data={"csrf_token": CSRF})
    assert started.status_code == 200
    secret = secret_of(started.text)
    done = web.post(
        f"{PAGE}/confirm",
        data={"code": code_now(clocked, secret), "secret": secret, "csrf_token": CSRF},
    )
    assert done.status_code == 200, done.text
    codes = re.findall(r"<li>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</li>", done.text)
    return secret, codes


def test_the_page_says_off_and_the_header_links_to_it(web: TestClient) -> None:
    assert sign_in(web, "mediator_il") == 303
    page = web.get(PAGE)
    assert page.status_code == 200
    assert "Two-factor sign-in is <strong>off</strong> for mediator_il" in page.text
    cases = web.get("/cases")
    assert '<a class="account-link small" href="/account/password" >Your account</a>' in cases.text
    account = web.get("/account/password")
    assert '<a href="/account/two-factor">Two-factor sign-in</a>' in account.text


def test_anonymous_is_sent_to_sign_in(web: TestClient) -> None:
    page = web.get(PAGE)
    assert page.status_code == 303 and page.headers["location"].startswith("/sign-in")


def test_start_shows_the_secret_its_uri_and_a_qr_code(
    web: TestClient, clocked: ClockedWorld
) -> None:
    sign_in(web, "delegate_ua")
    page = web.post(f"{PAGE}/start", data={"csrf_token": CSRF})
    assert page.status_code == 200
    secret = secret_of(page.text)
    assert len(secret) >= 32
    assert (
        html.escape(f"otpauth://totp/offramp%3Adelegate_ua?secret={secret}&issuer=offramp")
        in page.text
    )
    assert "<svg" in page.text and "<title>QR code of the two-factor secret</title>" in page.text
    assert 'href="otpauth:' not in page.text  # shown as text, never a link (finding 1)
    # not on yet: signing in needs no code
    assert (
        clocked.desk.accounts.two_factor.enrolled(clocked.desk.accounts.get_actor("delegate_ua").id)
        is False
    )


def test_a_wrong_code_keeps_the_secret_on_screen_and_names_the_field(
    web: TestClient, clocked: ClockedWorld
) -> None:
    sign_in(web, "delegate_ua")
    secret = secret_of(web.post(f"{PAGE}/start", data={"csrf_token": CSRF}).text)
    wrong = "000000" if code_now(clocked, secret) != "000000" else "111111"
    page = web.post(f"{PAGE}/confirm", data={"code": wrong, "secret": secret, "csrf_token": CSRF})
    assert page.status_code == 422
    assert "code: that is not the current code of the new secret" in html.unescape(page.text)
    assert secret_of(page.text) == secret
    empty = web.post(f"{PAGE}/confirm", data={"code": "", "secret": secret, "csrf_token": CSRF})
    assert empty.status_code == 422
    assert "code: enter the 6-digit code your app shows for the desk" in html.unescape(empty.text)


def test_enrol_then_sign_in_needs_a_code_and_a_recovery_code_works_once(
    web: TestClient, clocked: ClockedWorld
) -> None:
    sign_in(web, "mediator_il")
    secret, codes = enrol(web, clocked)
    assert len(codes) == 10
    assert "Two-factor sign-in is <strong>on</strong>" in web.get(PAGE).text
    # the codes are shown once: the page does not show them again
    assert codes[0] not in web.get(PAGE).text
    web.cookies.clear()
    web.cookies.set("offramp_csrf", CSRF)
    refused = web.post(
        "/sign-in", data={"name": "mediator_il", "password": PASSWORD, "csrf_token": CSRF}
    )
    assert refused.status_code == 401
    assert "Enter the 6-digit code from your authenticator app" in html.unescape(refused.text)
    clocked.clock.advance(timedelta(seconds=30))  # the next step: a code not used yet
    assert sign_in(web, "mediator_il", code_now(clocked, secret)) == 303
    assert sign_in(web, "mediator_il", codes[0]) == 303
    assert sign_in(web, "mediator_il", codes[0]) == 401  # used up


def test_turning_it_off_needs_a_current_code(web: TestClient, clocked: ClockedWorld) -> None:
    sign_in(web, "delegate_ru")
    secret, _codes = enrol(web, clocked)
    clocked.clock.advance(timedelta(seconds=30))
    wrong = web.post(f"{PAGE}/disable", data={"code": "12345", "csrf_token": CSRF})
    assert wrong.status_code == 422
    assert "code: wrong or already used code" in html.unescape(wrong.text)
    off = web.post(f"{PAGE}/disable", data={"code": code_now(clocked, secret), "csrf_token": CSRF})
    assert off.status_code == 303 and off.headers["location"] == f"{PAGE}?done=two-factor-off"
    page = web.get(off.headers["location"])
    assert "Two-factor sign-in is off: your password alone signs you in." in page.text
    assert "Two-factor sign-in is <strong>off</strong>" in page.text
    ru = clocked.desk.accounts.get_actor("delegate_ru")
    told = [(n.kind.value, n.client) for n in clocked.desk.accounts.notices.unseen(ru)][:2]
    assert told == [("2fa.off", "testclient"), ("2fa.on", "testclient")]  # the browser's address


def test_a_form_without_the_csrf_token_changes_nothing(
    web: TestClient, clocked: ClockedWorld
) -> None:
    sign_in(web, "delegate_ua")
    refused = web.post(f"{PAGE}/start", data={})
    assert refused.status_code == 403
    ua = clocked.desk.accounts.get_actor("delegate_ua")
    assert not clocked.desk.accounts.two_factor.enrolled(ua.id)
