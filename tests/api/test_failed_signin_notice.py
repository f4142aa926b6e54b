"""ASVS 4.0.3 2.2.3 through the real server on loopback (SQLite, and PostgreSQL when
``OFFRAMP_TEST_DATABASE_URL`` is set): the sign-ins that failed since a user's last one
are told at their next one, as a bank tells of them: how many, when the latest was and
from which address; then the count starts again. Unknown names count nothing; wrong
two-factor codes count; only the owner is told."""

from __future__ import annotations

import html
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from offramp.services.totp import key_of, totp
from support.desk import PASSWORD, World, query
from support.launch import Running

WHEN = r"\d{1,2} [A-Z][a-z]{2} \d{4} at \d{2}:\d{2} UTC"
CSRF = "failed-sign-in-csrf"
KIND = "signin.failed"


def _api(server: Running, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=server.base + "/api", headers=headers, timeout=60)


def _sign_in(
    server: Running, name: str, password: str, *, via: str = "", code: str = ""
) -> httpx.Response:
    """``POST /api/session`` as if from ``via`` (the loopback proxy's ``X-Forwarded-For``)."""
    headers = {"X-Forwarded-For": via} if via else {}
    with _api(server) as api:
        body = {"name": name, "password": password, **({"code": code} if code else {})}
        return api.post("/session", json=body, headers=headers)


def _notices(server: Running, signed_in: httpx.Response) -> list[dict[str, Any]]:
    """The unseen notices of the session ``signed_in`` opened, newest first."""
    assert signed_in.status_code == 200, signed_in.text
    with _api(server) as api:
        api.cookies.set("offramp_session", signed_in.cookies["offramp_session"])
        res = api.get("/me/notices")
    assert res.status_code == 200, res.text
    found: list[dict[str, Any]] = res.json()
    return found


def _failed(notices: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [n for n in notices if n["kind"] == KIND]


def _counts(world: World) -> dict[str, int]:
    tables = ("failed_signins", "account_notices", "users")
    return {t: int(str(query(world.url, f"SELECT count(*) FROM {t}")[0][0])) for t in tables}


def _wrong(server: Running, name: str, times: int, via: str = "") -> None:
    for _ in range(times):
        assert _sign_in(server, name, "not the password", via=via).status_code == 401


def test_failures_are_told_at_the_next_sign_in_with_how_many_when_and_from_where(
    world: World, world_server: Running
) -> None:
    _wrong(world_server, "analyst", 2, via="192.0.2.10")
    before = datetime.now(UTC)
    _wrong(world_server, "analyst", 1, via="203.0.113.9")
    after = datetime.now(UTC)
    assert query(world.url, "SELECT failures, last_client FROM failed_signins") == [
        (3, "203.0.113.9")
    ]
    (told,) = _failed(_notices(world_server, _sign_in(world_server, "analyst", PASSWORD)))
    assert (told["by"], told["client"], told["failures"]) == ("", "203.0.113.9", 3)
    assert re.fullmatch(
        f"3 failed sign-ins to your account since you last signed in, the latest on {WHEN} "
        "from 203.0.113.9.",
        told["text"],
    ), told["text"]
    at = datetime.fromisoformat(told["at"])  # the latest failure's time, not the sign-in's
    assert before - timedelta(seconds=1) <= at <= after + timedelta(seconds=1)
    assert f"{at.day} {at:%b %Y} at {at:%H:%M} UTC" in told["text"]
    assert query(world.url, "SELECT count(*) FROM failed_signins") == [(0,)]  # reset
    # the next sign-in, with no failure between, tells nothing new
    again = _failed(_notices(world_server, _sign_in(world_server, "analyst", PASSWORD)))
    assert [n["id"] for n in again] == [told["id"]]  # the same notice, still unseen
    # the owner's only: nobody else is told of the analyst's failures
    others = _notices(world_server, _sign_in(world_server, "mediator_il", PASSWORD))
    assert _failed(others) == []
    owners = query(
        world.url,
        f"SELECT u.name FROM account_notices n JOIN users u ON u.id = n.user_id "
        f"WHERE n.kind = '{KIND}'",
    )
    assert owners == [("analyst",)]


def test_no_failure_tells_nothing_and_one_is_told_in_the_singular(
    world: World, world_server: Running
) -> None:
    assert _failed(_notices(world_server, _sign_in(world_server, "delegate_ua", PASSWORD))) == []
    _wrong(world_server, "delegate_ua", 1)
    (told,) = _failed(_notices(world_server, _sign_in(world_server, "delegate_ua", PASSWORD)))
    assert told["client"] == "127.0.0.1"
    assert re.fullmatch(
        f"1 failed sign-in to your account since you last signed in, on {WHEN} from 127.0.0.1.",
        told["text"],
    ), told["text"]
    # dismissed, and another failure later: a new notice, counted from nought
    with _api(world_server, world.tokens["delegate_ua"]) as owner:
        assert owner.post("/me/notices/seen").status_code == 200
    _wrong(world_server, "delegate_ua", 2, via="198.51.100.4")
    (second,) = _failed(_notices(world_server, _sign_in(world_server, "delegate_ua", PASSWORD)))
    assert second["id"] != told["id"] and second["text"].startswith("2 failed sign-ins ")


def test_unknown_names_count_nothing_and_write_no_row(world: World, world_server: Running) -> None:
    before = _counts(world)
    _wrong(world_server, "nobody-by-this-name", 3, via="203.0.113.50")
    _wrong(world_server, "Analyst", 1)  # names are exact: not the analyst's
    assert _counts(world) == before
    assert before["failed_signins"] == 0
    signed_in = _sign_in(world_server, "analyst", PASSWORD)
    assert _failed(_notices(world_server, signed_in)) == []


def test_wrong_two_factor_codes_count_and_a_missing_one_does_not(
    world: World, world_server: Running
) -> None:
    with _api(world_server, world.tokens["desk_officer"]) as officer:
        secret = officer.post("/me/2fa").json()["secret"]
        now = totp(key_of(secret), time.time())
        assert officer.post("/me/2fa/confirm", json={"code": now}).status_code == 200
    name, via = "desk_officer", "192.0.2.77"
    for code in ("000000", "111111"):  # the right password, wrong codes: 401, counted
        assert _sign_in(world_server, name, PASSWORD, via=via, code=code).status_code == 401
    assert _sign_in(world_server, name, PASSWORD).status_code == 401  # no code: not counted
    assert query(world.url, "SELECT failures FROM failed_signins") == [(2,)]
    later = totp(key_of(secret), time.time() + 30)  # the confirming step is spent
    (told,) = _failed(_notices(world_server, _sign_in(world_server, name, PASSWORD, code=later)))
    assert told["client"] == via
    assert told["text"].startswith("2 failed sign-ins to your account since you last signed in")


def test_the_web_sign_in_counts_and_the_banner_tells_it(
    world: World, world_server: Running
) -> None:
    def form(password: str) -> httpx.Response:
        with httpx.Client(base_url=world_server.base, timeout=60) as browser:
            browser.cookies.set("offramp_csrf", CSRF)
            data = {"csrf_token": CSRF, "name": "observer_us", "password": password}
            res = browser.post("/sign-in", data=data, headers={"X-Forwarded-For": "203.0.113.9"})
            if res.status_code == 303:
                res = browser.get("/needs")
        return res

    assert [form("not it").status_code for _ in range(4)] == [401] * 4
    page = form(PASSWORD)
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert re.search(
        f"4 failed sign-ins to your account since you last signed in, the latest on {WHEN} "
        "from 203.0.113.9.",
        text,
    ), text
    assert "None" not in re.sub(r"<[^>]+>", " ", text).split()  # no Python value on the page
