"""Security keys on the web desk, in process: adding one from the two-factor page, the
sign-in's second step, removal with the password, and refusals in words.

The software key (:mod:`support.soft_key`) answers for the origin the TestClient
opens, ``http://testserver``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from offramp.services.account_notices import when
from offramp.services.totp import key_of, totp
from support.desk import PASSWORD
from support.rounds import ClockedWorld
from support.soft_key import SoftKey
from support.web import desk_app

CSRF = "security-key-csrf"
PAGE = "/account/two-factor"
ORIGIN = "http://testserver"


@pytest.fixture
def web(clocked: ClockedWorld) -> Iterator[TestClient]:
    with desk_app(clocked.desk) as client:
        client.cookies.set("offramp_csrf", CSRF)
        yield client


def _session(client: TestClient, res: object) -> None:
    client.cookies.clear()
    client.cookies.set("offramp_session", res.cookies["offramp_session"])  # type: ignore[attr-defined]
    client.cookies.set("offramp_csrf", CSRF)


def password_step(client: TestClient, name: str) -> object:
    client.cookies.clear()
    client.cookies.set("offramp_csrf", CSRF)
    form = {"name": name, "password": PASSWORD, "csrf_token": CSRF}
    return client.post("/sign-in", data=form)


def field(page: str, name: str) -> str:
    found = re.search(rf'(?:data-)?{name}="([^"]*)"', page) or re.search(
        rf'name="{name}" value="([^"]*)"', page
    )
    assert found, page
    return html.unescape(found.group(1))


def add(web: TestClient, key: SoftKey, name: str = "blue key") -> object:
    started = web.post("/account/security-keys/start", data={"name": name, "csrf_token": CSRF})
    assert started.status_code == 200, started.text
    options = field(started.text, "options")
    answer = key.create(options, ORIGIN)
    form = {"name": name, "credential": answer, "csrf_token": CSRF}
    return web.post("/account/security-keys/add", data=form)


def signed_in_as(web: TestClient, name: str) -> None:
    res = password_step(web, name)
    assert res.status_code == 303  # type: ignore[attr-defined]
    _session(web, res)


def test_add_a_key_then_sign_in_with_it(web: TestClient, clocked: ClockedWorld) -> None:
    signed_in_as(web, "analyst")
    key = SoftKey()
    done = add(web, key)
    assert done.headers["location"] == f"{PAGE}?done=security-key-added"  # type: ignore[attr-defined]
    page = web.get(f"{PAGE}?done=security-key-added").text
    assert "Security key added: the desk asks for it when you sign in." in page
    listed = page[page.index("data-key-list") :]
    assert "blue key" in listed and "Last used to sign in: not yet." in listed
    assert key.id not in page  # no raw credential id on the page
    assert "A security key was added to your account" in page  # the notice banner

    step = password_step(web, "analyst")
    assert step.status_code == 200, step.text  # type: ignore[attr-defined]
    text = step.text  # type: ignore[attr-defined]
    assert "Your password is right. Now use your security key" in text
    assert "Use your security key" in text and "Or a code from your app" not in text
    answer = key.get(field(text, "options"), ORIGIN)
    form = {"pending": field(text, "pending"), "credential": answer, "csrf_token": CSRF}
    form["next"] = "/needs"
    res = web.post("/sign-in/security-key", data=form)
    assert res.status_code == 303 and res.headers["location"] == "/needs", res.text
    _session(web, res)
    assert f"Last used to sign in: {when(clocked.clock.now())}." in web.get(PAGE).text
    again = web.post("/sign-in/security-key", data=form)  # the step served once
    assert again.status_code == 401
    assert "This sign-in step has expired (after 5 minutes) or was used already" in again.text


def test_a_refused_answer_is_told_in_words(web: TestClient) -> None:
    signed_in_as(web, "analyst")
    unnamed = web.post("/account/security-keys/start", data={"name": " ", "csrf_token": CSRF})
    assert unnamed.status_code == 422 and "give the key a name" in unnamed.text
    assert "Add a security key" in unnamed.text  # the form again
    started = web.post("/account/security-keys/start", data={"name": "k", "csrf_token": CSRF})
    assert started.status_code == 200
    bad = web.post(
        "/account/security-keys/add",
        data={"name": "k", "credential": "{not json", "csrf_token": CSRF},
    )
    assert bad.status_code == 422
    assert "The key was not added: the key&#39;s answer is not one the desk can read" in bad.text
    assert "Traceback" not in bad.text
    key = SoftKey()
    assert add(web, key).status_code == 303  # type: ignore[attr-defined]
    step = password_step(web, "analyst")
    text = step.text  # type: ignore[attr-defined]
    answer = key.get(field(text, "options"), "http://evil.example")
    form = {"pending": field(text, "pending"), "credential": answer, "csrf_token": CSRF}
    res = web.post("/sign-in/security-key", data=form)
    assert res.status_code == 401
    assert "another web address than this desk" in res.text


def key_sign_in(web: TestClient, name: str, key: SoftKey) -> None:
    """Sign ``name`` in with the password, then ``key``."""
    text = password_step(web, name).text  # type: ignore[attr-defined]
    answer = key.get(field(text, "options"), ORIGIN)
    form = {"pending": field(text, "pending"), "credential": answer, "csrf_token": CSRF}
    res = web.post("/sign-in/security-key", data=form)
    assert res.status_code == 303, res.text
    _session(web, res)


def test_removal_needs_the_password_and_only_the_owner_can(web: TestClient) -> None:
    signed_in_as(web, "analyst")
    key = SoftKey()
    add(web, key)
    page = web.get(PAGE).text
    action = re.search(r'action="(/account/security-keys/\d+/remove)"', page)
    assert action
    wrong = web.post(action.group(1), data={"password": "not it", "csrf_token": CSRF})
    assert wrong.status_code == 422 and "that is not your password" in wrong.text
    assert "blue key" in wrong.text  # the list again, the key still there
    signed_in_as(web, "mediator_il")
    theirs = web.post(action.group(1), data={"password": PASSWORD, "csrf_token": CSRF})
    assert theirs.status_code == 404
    key_sign_in(web, "analyst", key)  # the key is still the analyst's
    gone = web.post(action.group(1), data={"password": PASSWORD, "csrf_token": CSRF})
    assert gone.headers["location"] == f"{PAGE}?done=security-key-removed"
    page = web.get(f"{PAGE}?done=security-key-removed").text
    assert "Security key removed: it no longer signs you in." in page
    assert "A security key was removed from your account" in page
    assert "You have no security key." in page
    assert password_step(web, "analyst").status_code == 303  # type: ignore[attr-defined]


def test_turning_codes_off_says_the_key_still_signs_in(
    web: TestClient, clocked: ClockedWorld
) -> None:
    signed_in_as(web, "analyst")
    started = web.post(f"{PAGE}/start", data={"csrf_token": CSRF})
    secret = field(started.text, "secret")
    now = clocked.clock.now().timestamp()
    form = {"code": totp(key_of(secret), now), "secret": secret, "csrf_token": CSRF}
    assert web.post(f"{PAGE}/confirm", data=form).status_code == 200
    add(web, SoftKey())
    code = totp(key_of(secret), now + 30)
    off = web.post(f"{PAGE}/disable", data={"code": code, "csrf_token": CSRF})
    assert off.headers["location"] == f"{PAGE}?done=codes-off"
    page = web.get(off.headers["location"]).text
    assert "Codes from your app are off: your security key still signs you in." in page
    assert "your password alone signs you in" not in page
