"""ASVS 4.0.3 3.3.2 and 3.4.4 through the real server on loopback: a web session ends
after 30 minutes without use (``offramp serve --idle-timeout``), the live event stream
does not count as use, tokens keep their own expiry; and over https the cookies are
``__Host-`` cookies, the only names read there.

The desk's clock is moved by serving the same database again on a later fixed clock
(``--clock fixed:...``); what the server recorded is read from the database itself.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from support.cli import offramp
from support.desk import PASSWORD, populate
from support.launch import Running, desk_server

T0 = datetime(2022, 3, 12, 9, tzinfo=UTC)
HTTPS = {"X-Forwarded-Proto": "https"}  # as a TLS proxy on loopback says it
IDLE_30 = "Your session ended after 30 minutes without use; sign in again."
EVENTS = "/api/cases/small/events?wait=0"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A fresh test desk, with a trigger counting every write of ``last_used_at``."""
    path = tmp_path / "desk.db"
    populate(str(path))
    with sqlite3.connect(path) as conn:
        conn.executescript(
            """
            CREATE TABLE test_touches (n INTEGER NOT NULL);
            INSERT INTO test_touches VALUES (0);
            CREATE TRIGGER test_count_touches AFTER UPDATE OF last_used_at ON credentials
            BEGIN UPDATE test_touches SET n = n + 1; END;
            """
        )
    return path


@contextmanager
def served_at(db: Path, after: timedelta, *options: str) -> Iterator[Running]:
    """``offramp serve`` over ``db`` with its clock standing at ``T0 + after``."""
    clock = f"fixed:{(T0 + after).isoformat()}"
    args = ("--sweep-seconds", "0", *options)
    with desk_server(db, clock=clock, extra_args=args) as running:
        yield running


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def sign_in(running: Running, name: str) -> str:
    """A new web session of ``name`` (``POST /api/session``); its secret."""
    res = httpx.post(f"{running.base}/api/session", json={"name": name, "password": PASSWORD})
    assert res.status_code == 200, res.text
    return res.cookies["offramp_session"]


def with_session(running: Running, path: str, secret: str) -> httpx.Response:
    return httpx.get(running.base + path, headers={"Cookie": f"offramp_session={secret}"})


def me(running: Running, secret: str) -> httpx.Response:
    return with_session(running, "/api/me", secret)


def session_row(db: Path, secret: str) -> tuple[str, str | None] | None:
    """The stored (created_at, last_used_at) of the session, None once it is gone."""
    digest = hashlib.sha256(secret.encode()).hexdigest()
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT created_at, last_used_at FROM credentials WHERE secret_hash = ?", (digest,)
        ).fetchone()
    return None if row is None else (str(row[0]), row[1])


def touches(db: Path) -> int:
    """How many times any ``last_used_at`` was written (the fixture's trigger)."""
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT n FROM test_touches").fetchone()[0])


def stamp(after: timedelta) -> str:
    """A time as SQLite stores it here: ``2022-03-12 09:20:00.000000``."""
    return (T0 + after).strftime("%Y-%m-%d %H:%M:%S.%f")


def test_a_session_used_every_20_minutes_lives_and_one_left_31_minutes_ends(db: Path) -> None:
    with served_at(db, minutes(0)) as desk:
        busy, watched = sign_in(desk, "mediator_il"), sign_in(desk, "delegate_ua")
        token = populate_token(desk)
    with served_at(db, minutes(9)) as desk:
        idle = sign_in(desk, "observer_us")
        web_idle = web_session(desk, "analyst")
    with served_at(db, minutes(20)) as desk:
        assert me(desk, busy).status_code == 200
        assert with_session(desk, EVENTS, watched).status_code == 200  # the stream: no use
    assert session_row(db, watched) == (stamp(minutes(0)), None)
    assert session_row(db, busy) == (stamp(minutes(0)), stamp(minutes(20)))
    with served_at(db, minutes(40)) as desk:
        assert me(desk, busy).json()["name"] == "mediator_il"  # 20 minutes since its last use
        refused = me(desk, idle)
        assert refused.status_code == 401 and refused.json()["detail"] == IDLE_30
        assert session_row(db, idle) is None  # ended on the server, not just refused
        again = me(desk, idle)
        assert again.status_code == 401 and "not valid" in again.json()["detail"]
        stream = with_session(desk, EVENTS, watched)  # 40 minutes of watching is not use
        assert stream.status_code == 401 and stream.json()["detail"] == IDLE_30
        page = httpx.get(desk.base + "/needs", headers={"Cookie": f"offramp_session={web_idle}"})
        assert page.status_code == 303
        assert page.headers["location"] == "/sign-in?next=/needs&done=session-ended"
        told = httpx.get(desk.base + page.headers["location"])
        assert IDLE_30 in told.text
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}) as api:
            assert api.get(desk.base + "/api/me").json()["name"] == "admin"  # tokens: no idle
    assert touches(db) == 2  # the busy session's uses at 20 and 40 minutes, nothing else


def populate_token(desk: Running) -> str:
    """A bearer token of the admin, made over the API at the desk's time."""
    res = httpx.post(
        f"{desk.base}/api/tokens",
        json={"user": "admin", "expires_in": "1d"},
        headers={"Cookie": f"offramp_session={sign_in(desk, 'admin')}"},
    )
    assert res.status_code == 201, res.text
    return str(res.json()["token"])


def web_session(desk: Running, name: str) -> str:
    """A session opened through the web sign-in form; its secret."""
    with httpx.Client(base_url=desk.base) as browser:
        browser.get("/sign-in")
        csrf = browser.cookies["offramp_csrf"]
        form = {"csrf_token": csrf, "name": name, "password": PASSWORD, "next": "/needs"}
        res = browser.post("/sign-in", data=form)
    assert res.status_code == 303, res.text
    return res.cookies["offramp_session"]


def test_a_use_is_written_at_most_once_a_minute(db: Path) -> None:
    with served_at(db, minutes(0)) as desk:
        secret = sign_in(desk, "mediator_il")
        burst = [me(desk, secret).status_code for _ in range(10)]  # at sign-in: nothing due
    assert burst == [200] * 10 and touches(db) == 0
    for after, written, last in ((20, 1, 20), (20.5, 1, 20), (21 + 1 / 60, 2, 21 + 1 / 60)):
        with served_at(db, minutes(after)) as desk:
            for _ in range(10):
                assert me(desk, secret).status_code == 200
            page = with_session(desk, "/account/password", secret)
            (listed,) = with_session(desk, "/api/sessions", secret).json()
        assert touches(db) == written, after
        assert session_row(db, secret) == (stamp(minutes(0)), stamp(minutes(last)))
    assert listed["last_used_at"] == "2022-03-12T09:21:01Z"
    assert "<td data-last-used>12 March 2022, 09:21 UTC</td>" in page.text
    assert "A session also ends after 30 minutes without use" in page.text
    assert "None" not in page.text


def test_idle_timeout_0_turns_the_limit_off_and_2h_sets_it(db: Path) -> None:
    off = ("--idle-timeout", "0")
    with served_at(db, minutes(0), *off) as desk:
        kept = sign_in(desk, "mediator_il")
    with served_at(db, timedelta(hours=5), *off) as desk:
        assert me(desk, kept).status_code == 200  # 5 hours unused, no limit: still on
    two_hours = ("--idle-timeout", "2h")
    with served_at(db, timedelta(hours=5), *two_hours) as desk:
        secret = sign_in(desk, "delegate_ua")
    with served_at(db, timedelta(hours=6, minutes=30), *two_hours) as desk:
        assert me(desk, secret).status_code == 200  # 90 minutes: within 2 hours
    with served_at(db, timedelta(hours=8, minutes=31), *two_hours) as desk:
        refused = me(desk, secret)
    assert refused.status_code == 401
    assert refused.json()["detail"] == (
        "Your session ended after 2 hours without use; sign in again."
    )


@pytest.mark.parametrize("verb", ["serve", "demo"])
def test_a_bad_idle_timeout_is_one_line_naming_the_option(verb: str, tmp_path: Path) -> None:
    ran = offramp(verb, "--db", str(tmp_path / "desk.db"), "--idle-timeout", "30x")
    assert ran.code == 1
    assert ran.err.strip() == (
        "error: --idle-timeout: '30x' is not a spell of time; write 30m, 2h or 1d, "
        "or 0 for no idle limit"
    )


def test_over_https_the_cookies_are_host_cookies_and_the_only_ones_read(db: Path) -> None:
    login = {"name": "mediator_il", "password": PASSWORD}
    with served_at(db, minutes(0)) as desk, httpx.Client(base_url=desk.base) as tls:
        opened = tls.post("/api/session", json=login, headers=HTTPS)
        header = opened.headers["set-cookie"]
        secret = opened.cookies["__Host-offramp_session"]
        assert "offramp_session" not in opened.cookies
        attributes = {a.strip().split("=")[0].lower() for a in header.split(";")[1:]}
        assert {"secure", "httponly", "path", "samesite", "max-age"} <= attributes
        assert "domain" not in attributes and "; Path=/" in header
        tls.cookies.clear()

        def get(path: str, cookie: str) -> httpx.Response:
            return tls.get(path, headers={**HTTPS, "Cookie": f"{cookie}={secret}"})

        assert get("/api/me", "__Host-offramp_session").json()["name"] == "mediator_il"
        planted = get("/api/me", "offramp_session")  # as a sibling subdomain could set it
        assert planted.status_code == 401
        assert get("/needs", "offramp_session").headers["location"].startswith("/sign-in")
        assert get("/needs", "__Host-offramp_session").status_code == 200
        note = {"title": "Over https", "body": "A write with the __Host- cookie."}
        wrote = tls.post(
            "/api/cases/small/notes",
            json=note,
            headers={**HTTPS, "Cookie": f"__Host-offramp_session={secret}"},
        )
        assert wrote.status_code == 201, wrote.text  # the body limits know the name too
        over_http = tls.get("/api/me", headers={"Cookie": f"__Host-offramp_session={secret}"})
        assert over_http.status_code == 401  # plain http reads the plain name only


def test_the_web_sign_in_over_https_uses_host_cookies_for_session_and_csrf(db: Path) -> None:
    with served_at(db, minutes(0)) as desk, httpx.Client(base_url=desk.base) as tls:
        form_page = tls.get("/sign-in", headers=HTTPS)
        csrf_header = form_page.headers["set-cookie"]
        assert csrf_header.startswith("__Host-offramp_csrf=") and "Secure" in csrf_header
        assert "Path=/" in csrf_header and "Domain" not in csrf_header
        token = tls.cookies["__Host-offramp_csrf"]
        form = {"csrf_token": token, "name": "analyst", "password": PASSWORD, "next": "/needs"}
        tls.cookies.clear()
        plain = tls.post(
            "/sign-in", data=form, headers={**HTTPS, "Cookie": f"offramp_csrf={token}"}
        )
        assert plain.status_code == 403  # the plain CSRF cookie is not read over https
        signed = tls.post(
            "/sign-in", data=form, headers={**HTTPS, "Cookie": f"__Host-offramp_csrf={token}"}
        )
        assert signed.status_code == 303, signed.text
        cookies = signed.headers.get_list("set-cookie")
        session = next(c for c in cookies if c.startswith("__Host-offramp_session="))
        assert "Secure" in session and "Path=/" in session and "Domain" not in session
        assert any(c.startswith("__Host-offramp_csrf=") for c in cookies)
        assert not any(c.startswith("offramp_") for c in cookies)
