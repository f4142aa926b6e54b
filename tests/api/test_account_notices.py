"""ASVS 4.0.3 2.2.3 and 2.5.5 through the real server on loopback: every change to an
account's sign-in is told to its user once, in words, with who did it; the user dismisses
it; nobody else sees or dismisses it; a change that was refused tells nothing."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from api.asvs_support import CSRF, AsvsDesk, asvs_desk
from offramp.services.account_notices import NoticeKind, record_notice
from offramp.services.accounts import SYSTEM
from offramp.services.totp import key_of, totp
from support.desk import PASSWORD, World, query

NEW_PASSWORD = "a fresh passphrase of mine"
WHEN = r"\d{1,2} [A-Z][a-z]{2} \d{4} at \d{2}:\d{2} UTC"


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AsvsDesk]:
    yield from asvs_desk(tmp_path_factory.mktemp("account-notices"))


def _unseen(client: httpx.Client) -> list[dict[str, Any]]:
    res = client.get("/me/notices")
    assert res.status_code == 200, res.text
    found: list[dict[str, Any]] = res.json()
    return found


def _kinds(client: httpx.Client) -> list[tuple[str, str]]:
    """The unseen notices as (kind, by), newest first."""
    return [(n["kind"], n["by"]) for n in _unseen(client)]


def _clients(client: httpx.Client) -> list[str]:
    """The address each unseen notice came from, newest first."""
    return [n["client"] for n in _unseen(client)]


def _clear(client: httpx.Client) -> None:
    assert client.post("/me/notices/seen").status_code == 200
    assert _unseen(client) == []


def _signed_in(desk: AsvsDesk, name: str, password: str = PASSWORD) -> httpx.Client:
    """An API client on a fresh session of ``name`` (a password change ends the tokens)."""
    client = desk.api()
    res = client.post("/session", json={"name": name, "password": password})
    assert res.status_code == 200, res.text
    return client


def _server_actions(desk: AsvsDesk) -> list[str]:
    rows = query(desk.server.db, "SELECT action FROM audit_events WHERE chain = '_server'")
    return [str(r[0]) for r in rows]


def test_a_new_token_is_told_with_who_made_it(desk: AsvsDesk) -> None:
    with desk.api("analyst") as analyst:
        (made,) = _unseen(analyst)  # the admin made the analyst's token when the desk began
        assert (made["kind"], made["by"]) == ("token.created", "admin")
        assert made["client"] == ""  # through the service, not over HTTP: no address
        assert re.fullmatch(
            f"A new API token for your account was made on {WHEN} by admin.", made["text"]
        )
        at = datetime.fromisoformat(made["at"])
        day = at.astimezone(UTC)
        assert made["text"].endswith(f"{day.day} {day:%b %Y} at {day:%H:%M} UTC by admin.")
        _clear(analyst)
        assert analyst.post("/tokens", json={"user": "analyst"}).status_code == 201
        assert _kinds(analyst) == [("token.created", "analyst")]
        assert _clients(analyst) == ["127.0.0.1"]
    with desk.api("admin", **{"X-Forwarded-For": "198.51.100.23"}) as admin:  # via the proxy
        assert admin.post("/tokens", json={"user": "analyst"}).status_code == 201
    with desk.api("analyst") as analyst:
        assert _clients(analyst) == ["198.51.100.23", "127.0.0.1"]  # the asker's address
        _clear(analyst)


def test_a_password_change_is_told_once_and_a_refused_one_not_at_all(desk: AsvsDesk) -> None:
    with desk.api("facilitator_de") as user:
        _clear(user)
        short = user.post(
            "/me/password", json={"current_password": PASSWORD, "new_password": "short"}
        )
        wrong = user.post(
            "/me/password", json={"current_password": "not it", "new_password": NEW_PASSWORD}
        )
        assert (short.status_code, wrong.status_code) == (422, 422)
        assert _unseen(user) == []  # refused: rolled back, nothing told
        done = user.post(
            "/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        )
        assert done.status_code == 200, done.text
    with desk.api() as fresh:  # the token ended with the change: the new session's cookie
        fresh.cookies.set("offramp_session", done.cookies["offramp_session"])
        (notice,) = _unseen(fresh)
    assert notice["kind"] == "password.changed"
    assert (notice["by"], notice["client"]) == ("facilitator_de", "127.0.0.1")
    assert re.fullmatch(f"Your password was changed on {WHEN} by facilitator_de.", notice["text"])


def test_a_reset_by_a_server_admin_names_the_admin(desk: AsvsDesk) -> None:
    with desk.api("delegate_ru") as user:
        _clear(user)
    with desk.api("admin", **{"X-Forwarded-For": "203.0.113.40"}) as admin:
        refused = admin.put("/users/delegate_ru/password", json={"password": "password"})
        assert refused.status_code == 422
        done = admin.put("/users/delegate_ru/password", json={"password": NEW_PASSWORD})
        assert done.status_code == 200, done.text
    (notice,) = _unseen(_signed_in(desk, "delegate_ru", NEW_PASSWORD))
    assert (notice["kind"], notice["by"]) == ("password.reset", "admin")
    assert notice["client"] == "203.0.113.40"  # the admin's address
    assert re.fullmatch(f"Your password was changed on {WHEN} by admin.", notice["text"])


def test_two_factor_on_and_off_are_each_told_once(desk: AsvsDesk) -> None:
    with desk.api("desk_officer") as officer:
        _clear(officer)
        secret = officer.post("/me/2fa").json()["secret"]
        assert officer.post("/me/2fa/confirm", json={"code": "000000"}).status_code == 422
        assert _unseen(officer) == []  # a wrong code turned nothing on
        code = totp(key_of(secret), time.time())
        assert officer.post("/me/2fa/confirm", json={"code": code}).status_code == 200
        assert _kinds(officer) == [("2fa.on", "desk_officer")]
        later = totp(key_of(secret), time.time() + 30)  # the one just used is spent
        assert officer.post("/me/2fa/disable", json={"code": later}).status_code == 200
        assert _kinds(officer) == [("2fa.off", "desk_officer"), ("2fa.on", "desk_officer")]
        assert _clients(officer) == ["127.0.0.1", "127.0.0.1"]
        texts = [n["text"] for n in _unseen(officer)]
    assert re.fullmatch(
        f"Two-factor sign-in was turned off for your account on {WHEN} by desk_officer.",
        texts[0],
    )


def test_signing_out_elsewhere_is_told_once(desk: AsvsDesk) -> None:
    here, elsewhere = desk.web_sign_in("observer_us"), desk.web_sign_in("observer_us")
    with desk.api() as api:
        api.cookies.set("offramp_session", _session(here))
        _clear(api)
        refused = api.post("/sessions/end-others", json={"password": "not the password"})
        assert refused.status_code == 422
        assert _unseen(api) == []
        assert api.post("/sessions/end-others", json={"password": PASSWORD}).status_code == 200
        (notice,) = _unseen(api)
    assert (notice["kind"], notice["by"], notice["client"]) == (
        "sessions.ended",
        "observer_us",
        "127.0.0.1",
    )
    assert re.fullmatch(
        f"Your other web sessions were signed out on {WHEN} by observer_us.", notice["text"]
    )
    assert elsewhere.get("/needs").headers["location"].startswith("/sign-in")


def test_an_account_enabled_again_is_told_and_names_the_admin(desk: AsvsDesk) -> None:
    with desk.api("admin", **{"X-Forwarded-For": "192.0.2.61"}) as admin:
        assert admin.post("/users/mediator_il/enable").status_code == 409  # not disabled
        assert admin.post("/users/mediator_il/disable").status_code == 200
        assert admin.post("/users/mediator_il/enable").status_code == 200
    user = _signed_in(desk, "mediator_il")
    assert _kinds(user) == [("account.enabled", "admin"), ("token.created", "admin")]
    assert _clients(user) == ["192.0.2.61", ""]  # the token was made through the service
    text = _unseen(user)[0]["text"]
    assert re.fullmatch(f"Your account was enabled again on {WHEN} by admin.", text)


def test_only_the_owner_sees_and_dismisses_a_notice_and_dismissing_is_audited(
    desk: AsvsDesk,
) -> None:
    with desk.api("delegate_ua") as owner, desk.api("outsider") as other:
        (mine,) = _unseen(owner)
        assert mine["id"] not in {n["id"] for n in _unseen(other)}
        theirs = other.post("/me/notices/seen", json={"ids": [mine["id"]]})
        missing = other.post("/me/notices/seen", json={"ids": [1_999_999_999]})
        assert (theirs.status_code, missing.status_code) == (404, 404)
        assert theirs.json() == missing.json()  # another's id is a missing one
        assert [n["id"] for n in _unseen(owner)] == [mine["id"]]  # still there
        before = _server_actions(desk).count("notice.dismiss")
        done = owner.post("/me/notices/seen", json={"ids": [mine["id"]]})
        assert done.json() == {"dismissed": 1}
        assert _unseen(owner) == []
        again = owner.post("/me/notices/seen", json={"ids": [mine["id"]]})
        assert again.json() == {"dismissed": 0}  # one's own, already seen: not an error
        bad = owner.post("/me/notices/seen", json={"ids": ["x"]})
        assert bad.status_code == 422
    assert _server_actions(desk).count("notice.dismiss") == before + 1


def test_the_newest_fifty_are_kept(desk: AsvsDesk) -> None:
    with desk.api("admin") as admin:
        for _ in range(52):
            assert admin.post("/tokens", json={"user": "analyst"}).status_code == 201
    rows = query(
        desk.server.db,
        "SELECT count(*) FROM account_notices WHERE user_id = "
        "(SELECT id FROM users WHERE name = 'analyst')",
    )
    assert rows[0][0] == 50
    with desk.api("analyst") as analyst:
        listed = _unseen(analyst)
    assert len(listed) == 50 and {n["by"] for n in listed} == {"admin"}
    ids = [n["id"] for n in listed]
    assert ids == sorted(ids, reverse=True)


def _session(client: httpx.Client) -> str:
    return next(c.value for c in client.cookies.jar if c.name == "offramp_session")


def test_the_web_form_needs_its_csrf_token_and_goes_back_only_within_the_desk(
    desk: AsvsDesk,
) -> None:
    browser = desk.web_sign_in("analyst")
    forged = browser.post("/account/notices/dismiss", data={})
    assert forged.status_code == 403
    here = str(browser.base_url).rstrip("/")
    form = {"csrf_token": CSRF}
    back = browser.post("/account/notices/dismiss", data=form, headers={"Referer": here + "/cases"})
    assert (back.status_code, back.headers["location"]) == (303, "/cases")
    none = browser.post("/account/notices/dismiss", data=form)
    assert none.headers["location"] == "/needs"
    for offsite in ("https://elsewhere.example/cases", here + "//elsewhere.example"):
        got = browser.post("/account/notices/dismiss", data=form, headers={"Referer": offsite})
        assert got.headers["location"] in ("/needs", "/cases"), offsite  # a desk path only


def test_a_notice_is_in_the_transaction_of_its_change(world: World) -> None:
    """Written in the change's unit of work: rolled back with it, kept with its commit."""
    d, analyst = world.desk, world.actors["analyst"]
    notices = d.accounts.notices
    notices.dismiss(analyst)
    with pytest.raises(RuntimeError), d.uow(write=True) as uow:
        record_notice(uow, analyst.id, NoticeKind.PASSWORD_RESET, "admin")
        raise RuntimeError("the change failed after the notice was written")
    assert notices.unseen(analyst) == []
    with d.uow(write=True) as uow:
        record_notice(uow, analyst.id, NoticeKind.PASSWORD_RESET, "admin", "192.0.2.7")
        uow.commit()
    assert [(n.kind, n.actor, n.client) for n in notices.unseen(analyst)] == [
        (NoticeKind.PASSWORD_RESET, "admin", "192.0.2.7")
    ]


def test_the_command_lines_changes_are_told_as_the_operators(world: World) -> None:
    """The CLI acts as ``system``; its user reads who that is, not an account name."""
    d, analyst = world.desk, world.actors["analyst"]
    notices = d.accounts.notices
    notices.dismiss(analyst)
    d.accounts.create_token(SYSTEM, "analyst")
    [notice] = notices.unseen(analyst)
    assert (notice.actor, notice.client) == ("system", "")  # no address on the command line
    assert re.fullmatch(
        f"A new API token for your account was made on {WHEN} by the server's operator, "
        "on its command line.",
        notice.text,
    ), notice.text
