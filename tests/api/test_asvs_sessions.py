"""ASVS 4.0.3 sections 3.2, 3.3, 2.8 and 7.1/7.2 through the real server on loopback: a
new session at every sign-in, sign-out ending it on the server, wrong two-factor codes
throttled, and sign-in decisions in the log without passwords or secrets."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from api.asvs_support import CSRF, AsvsDesk, asvs_desk
from offramp.services.signin_throttle import ACCOUNT_LIMIT
from offramp.services.totp import key_of, totp
from support.desk import PASSWORD


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AsvsDesk]:
    yield from asvs_desk(tmp_path_factory.mktemp("asvs-sessions"))


def test_every_sign_in_mints_a_new_session_and_ignores_a_planted_one(desk: AsvsDesk) -> None:
    planted = "attacker-chosen-session-value"
    browser = desk.browser()
    browser.cookies.set("offramp_session", planted)
    form = {"csrf_token": CSRF, "name": "analyst", "password": PASSWORD, "next": "/needs"}
    first = browser.post("/sign-in", data=form).cookies["offramp_session"]
    again = desk.browser().post("/sign-in", data=form).cookies["offramp_session"]
    assert len({planted, first, again}) == 3
    assert len(first) >= 43  # 32 random bytes (256 bits), 3.2.2
    with desk.api(Authorization=f"Bearer {planted}") as attacker:
        assert attacker.get("/me").status_code == 401


def test_signing_out_ends_the_session_on_the_server(desk: AsvsDesk) -> None:
    browser = desk.web_sign_in("delegate_ua")
    secret = next(c.value for c in browser.cookies.jar if c.name == "offramp_session")
    assert browser.get("/needs").status_code == 200
    out = browser.post("/sign-out", data={"csrf_token": CSRF})
    assert out.status_code == 303
    with desk.api(Authorization=f"Bearer {secret}") as replay:
        assert replay.get("/me").status_code == 401  # the copied cookie no longer works
    replayed = desk.browser()
    replayed.cookies.set("offramp_session", secret)
    assert replayed.get("/needs").headers["location"].startswith("/sign-in")
    with desk.api() as api:
        opened = api.post("/session", json={"name": "delegate_ua", "password": PASSWORD})
        cookie = opened.cookies["offramp_session"]
        assert api.delete("/session").status_code == 204
        api.cookies.clear()
        api.cookies.set("offramp_session", cookie)
        assert api.get("/me").status_code == 401


def test_wrong_codes_to_turn_two_factor_off_are_throttled(desk: AsvsDesk) -> None:
    with desk.api("desk_officer") as officer:
        secret = officer.post("/me/2fa").json()["secret"]
        code = totp(key_of(secret), time.time())
        assert officer.post("/me/2fa/confirm", json={"code": code}).status_code == 200
        tries = [
            officer.post("/me/2fa/disable", json={"code": f"{n:06d}"}).status_code
            for n in range(ACCOUNT_LIMIT)
        ]
        stopped = officer.post("/me/2fa/disable", json={"code": "000000"})
    assert tries == [422] * ACCOUNT_LIMIT
    assert stopped.status_code == 429
    assert 1 <= int(stopped.headers["retry-after"]) <= 15 * 60
    assert "Too many failed sign-ins for this account" in stopped.json()["detail"]


def test_sign_in_decisions_are_logged_without_passwords_or_secrets(desk: AsvsDesk) -> None:
    wrong = "Wrong-Password-Never-Logged"
    with desk.api() as api:
        refused = api.post("/session", json={"name": "mediator_il", "password": wrong})
        opened = api.post("/session", json={"name": "mediator_il", "password": PASSWORD})
    assert (refused.status_code, opened.status_code) == (401, 200)
    secret = opened.cookies["offramp_session"]
    lines = [
        line for line in desk.log_lines() if str(line.get("message", "")).startswith("sign-in")
    ]
    assert {
        "level": "warning",
        "message": "sign-in refused: user 'mediator_il' from 127.0.0.1: "
        "Wrong user name or password.",
    }.items() <= next(line for line in lines if line["level"] == "warning").items()
    assert any(line["message"] == "sign-in: user 'mediator_il' from 127.0.0.1" for line in lines)
    output = desk.server.output()
    for never in (wrong, PASSWORD, secret, *desk.tokens.values()):
        assert never not in output


def test_a_user_sees_their_sessions_and_ends_the_others_with_their_password(
    desk: AsvsDesk,
) -> None:
    """3.3.4: the sessions are listed (this one marked), and with the password every other
    one ends while this browser's and the API tokens stay."""
    here, elsewhere = desk.web_sign_in("observer_us"), desk.web_sign_in("observer_us")
    page = here.get("/account/password")
    assert page.status_code == 200
    assert page.text.count("<tr") == 3 and page.text.count("this browser") == 1
    with desk.api() as api:
        api.cookies.set("offramp_session", _session(here))
        listed = api.get("/sessions").json()
        assert [s["current"] for s in listed].count(True) == 1 and len(listed) == 2
        wrong = api.post("/sessions/end-others", json={"password": "not the password"})
        assert wrong.status_code == 422
        assert wrong.json()["errors"] == [
            {"where": "password", "message": "that is not your password"}
        ]
        assert elsewhere.get("/needs").status_code == 200  # nothing ended
    form = {"csrf_token": CSRF, "password": PASSWORD}
    done = here.post("/account/sessions/end-others", data=form)
    assert done.status_code == 303
    assert done.headers["location"] == "/account/password?done=signed-out-elsewhere"
    assert elsewhere.get("/needs").headers["location"].startswith("/sign-in")
    assert here.get("/needs").status_code == 200
    with desk.api("observer_us") as token:  # an API token is not a session: it stays
        assert token.get("/me").status_code == 200
        left = token.get("/sessions").json()
        assert len(left) == 1 and left[0]["current"] is False  # the token is no session
    assert "signed out elsewhere: user 'observer_us'" in desk.server.output()


def _session(browser: httpx.Client) -> str:
    return next(c.value for c in browser.cookies.jar if c.name == "offramp_session")
