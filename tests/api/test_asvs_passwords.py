"""ASVS 4.0.3 section 2.1 (and 3.3.3) through the real server on loopback: the password
policy when an account is made, changing one's password over the API and the web form,
and a server admin setting a forgotten one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.asvs_support import CSRF, AsvsDesk, asvs_desk
from offramp.services.password_policy import common_passwords
from support.desk import PASSWORD

LONG_UNICODE = "Mañana 🕊️ we meet   at the lake, 中立 " * 2  # 2.1.4: any printable text


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AsvsDesk]:
    yield from asvs_desk(tmp_path_factory.mktemp("asvs-passwords"))


def refusal(desk: AsvsDesk, name: str, password: str) -> tuple[int, list[dict[str, str]]]:
    with desk.api("admin") as admin:
        res = admin.post("/users", json={"name": name, "password": password})
    return res.status_code, res.json().get("errors", [])


def signs_in(desk: AsvsDesk, name: str, password: str) -> int:
    with desk.api() as anonymous:
        return anonymous.post("/session", json={"name": name, "password": password}).status_code


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("elevenchars", "a password needs at least 12 characters (spaces in a row count once)"),
        ("a     b     c", "a password needs at least 12 characters (spaces in a row count once)"),
        ("x" * 129, "a password may have at most 128 characters"),
        ("PasswordPassword", "that password is among the most commonly used ones; choose another"),
        ("1q2w3e4r5t6y", "that password is among the most commonly used ones; choose another"),
        (
            "newcomer2024!",
            "a password needs 12 characters besides the user name and the desk's name",
        ),
    ],
    ids=["short", "spaces-count-once", "over-128", "common-any-case", "common-ncsc", "user-name"],
)
def test_a_weak_new_password_is_refused_naming_why(
    desk: AsvsDesk, password: str, message: str
) -> None:
    assert refusal(desk, "newcomer", password) == (422, [{"where": "password", "message": message}])
    assert signs_in(desk, "newcomer", password) == 401  # no account was made


@pytest.mark.parametrize(
    "password",
    ["twelve chars", "y" * 128, LONG_UNICODE[:128], "  leading and trailing spaces kept  "],
    ids=["exactly-12", "128", "unicode-and-emoji", "spaces"],
)
def test_long_and_unicode_passwords_are_kept_whole_and_sign_in(
    desk: AsvsDesk, password: str
) -> None:
    name = f"u{abs(hash(password)) % 10**8}"
    status, errors = refusal(desk, name, password)
    assert (status, errors) == (201, [])
    assert signs_in(desk, name, password) == 200
    assert signs_in(desk, name, password.strip() + "x") == 401  # nothing trimmed, all counted


def test_the_shipped_list_holds_only_passwords_the_length_rule_lets_through() -> None:
    common = common_passwords()
    assert len(common) > 100
    assert min(len(p) for p in common) >= 12


def test_changing_ones_password_needs_the_current_one_and_ends_every_other_credential(
    desk: AsvsDesk,
) -> None:
    with desk.api("admin") as admin:
        extra = admin.post("/tokens", json={"user": "facilitator_de"}).json()["token"]
    browser = desk.web_sign_in("facilitator_de")
    new = "a new and longer passphrase"
    with desk.api("facilitator_de") as me:
        wrong = me.post("/me/password", json={"current_password": "not it", "new_password": new})
        weak = me.post("/me/password", json={"current_password": PASSWORD, "new_password": "short"})
        done = me.post("/me/password", json={"current_password": PASSWORD, "new_password": new})
        after = me.get("/me")
    assert (wrong.status_code, wrong.json()["errors"]) == (
        422,
        [{"where": "current_password", "message": "that is not your current password"}],
    )
    assert (weak.status_code, weak.json()["errors"][0]["where"]) == (422, "new_password")
    assert done.status_code == 200
    assert done.json() == {"user": "facilitator_de", "ended": 3}  # two tokens, one session
    assert after.status_code == 401  # the token used is ended as well
    with desk.api(Authorization=f"Bearer {extra}") as other:
        assert other.get("/me").status_code == 401
    assert browser.get("/needs").status_code == 303  # the web session ended: sign in again
    cookie = done.cookies["offramp_session"]  # the caller's new session
    with desk.api() as fresh:
        fresh.cookies.set("offramp_session", cookie)
        assert fresh.get("/me").json()["name"] == "facilitator_de"
    assert signs_in(desk, "facilitator_de", PASSWORD) == 401
    assert signs_in(desk, "facilitator_de", new) == 200


def test_the_web_form_changes_the_password_and_keeps_this_browser_signed_in(
    desk: AsvsDesk,
) -> None:
    browser = desk.web_sign_in("observer_us")
    elsewhere = desk.web_sign_in("observer_us")
    form = browser.get("/account/password")
    assert form.status_code == 200 and 'name="current_password"' in form.text
    assert 'href="/account/password"' in form.text  # the header links to it
    new = "observer sees the public record"
    base = {"csrf_token": CSRF, "current_password": PASSWORD}
    differ = browser.post("/account/password", data={**base, "new_password": new, "again": "x"})
    assert differ.status_code == 422
    assert "the two new passwords differ" in differ.text
    common = browser.post(
        "/account/password",
        data={**base, "new_password": "iloveyouiloveyou", "again": "iloveyouiloveyou"},
    )
    assert common.status_code == 422 and "most commonly used" in common.text
    done = browser.post("/account/password", data={**base, "new_password": new, "again": new})
    assert done.status_code == 303
    assert done.headers["location"] == "/account/password?done=password-changed"
    page = browser.get("/account/password?done=password-changed")
    assert page.status_code == 200 and "you are signed out everywhere else" in page.text
    assert elsewhere.get("/needs").status_code == 303  # the other browser must sign in
    assert signs_in(desk, "observer_us", new) == 200


def test_a_server_admin_sets_a_forgotten_password_and_nobody_else_may(desk: AsvsDesk) -> None:
    body = {"password": "reset by the operator today"}
    with desk.api("mediator_il") as mediator:
        refused = mediator.put("/users/delegate_ru/password", json=body)
    assert refused.status_code == 403 and refused.json()["errors"][0]["where"] == "user.create"
    with desk.api("admin") as admin:
        weak = admin.put("/users/delegate_ru/password", json={"password": "qwertyuiop123"})
        done = admin.put("/users/delegate_ru/password", json=body)
    assert weak.status_code == 422
    assert done.status_code == 200 and done.json() == {"user": "delegate_ru", "ended": 1}
    with desk.api("delegate_ru") as ru:
        assert ru.get("/me").status_code == 401  # its token ended
    assert signs_in(desk, "delegate_ru", body["password"]) == 200
