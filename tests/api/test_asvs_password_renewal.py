"""ASVS 4.0.3 2.1.7 through the real server on loopback: an account whose password the
desk's rules no longer allow (set before they grew) signs in to a renewal session, which
may only change the password or sign out; every other request is refused with the
reason, on the API (403) and the web desk (to the password page); once changed, the
desk is open again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.asvs_support import CSRF, AsvsDesk
from offramp.bootstrap import bootstrap
from offramp.services.accounts import SYSTEM
from offramp.services.session_rules import RENEWAL_MESSAGE
from support.desk import FAST_HASHER, populate, query
from support.launch import desk_server

OLD = "short-old1"  # 10 characters: allowed before the 12-character rule
NEW = "a long and fresh passphrase"


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AsvsDesk]:
    db = tmp_path_factory.mktemp("renewal") / "desk.db"
    tokens = populate(str(db))
    services = bootstrap(str(db), hasher=FAST_HASHER)
    try:  # accounts as an older desk made them, their passwords never checked by the rules
        for name in ("veteran", "elder"):
            with services.uow(write=True) as uow:
                uow.repo.add_user(name, FAST_HASHER.hash(OLD), False)
                uow.commit()
            services.cases.add_member(SYSTEM, "small", name, "analyst", None)
    finally:
        services.close()
    with desk_server(Path(db)) as running:
        yield AsvsDesk(running, tokens)


def _api_session(desk: AsvsDesk, password: str) -> httpx.Client:
    client = desk.api()
    res = client.post("/session", json={"name": "veteran", "password": password})
    assert res.status_code == 200, res.text
    return client


def test_the_api_session_may_only_change_the_password_then_the_desk_opens(desk: AsvsDesk) -> None:
    client = _api_session(desk, OLD)
    for method, path in (("GET", "/cases"), ("GET", "/cases/small"), ("GET", "/sessions")):
        refused = client.request(method, path)
        assert refused.status_code == 403, (path, refused.text)
        assert refused.json()["detail"] == RENEWAL_MESSAGE
    assert client.get("/me").json()["name"] == "veteran"
    weak = client.post(
        "/me/password", json={"current_password": OLD, "new_password": "veteran12345"}
    )
    assert weak.status_code == 422  # the new one is held to the rules
    done = client.post("/me/password", json={"current_password": OLD, "new_password": NEW})
    assert done.status_code == 200, done.text
    assert client.get("/cases").status_code == 200  # the fresh session the change set
    again = _api_session(desk, NEW)
    assert [c["slug"] for c in again.get("/cases").json()] == ["small"]
    opened = query(
        desk.server.db,
        "SELECT count(*) FROM audit_events WHERE chain = '_server' AND action = 'session.open'",
    )
    assert opened[0][0] >= 3


def test_a_renewal_web_session_is_sent_to_the_password_page(desk: AsvsDesk) -> None:
    web = desk.browser()
    form = {"csrf_token": CSRF, "name": "elder", "password": OLD, "next": "/cases/small"}
    assert web.post("/sign-in", data=form).status_code == 303
    web.cookies.delete("offramp_csrf")
    web.cookies.set("offramp_csrf", CSRF)
    for path in ("/needs", "/cases/small", "/cases/small/deal-space"):
        sent = web.get(path)
        assert (sent.status_code, sent.headers["location"]) == (303, "/account/password")
    share = web.post("/cases/small/shares", data={"csrf_token": CSRF, "user": "observer"})
    assert (share.status_code, share.headers["location"]) == (303, "/account/password")
    page = web.get("/account/password")
    assert page.status_code == 200
    assert RENEWAL_MESSAGE.replace("'", "&#39;") in page.text
    assert "data-sessions" not in page.text  # nothing but the change form
    change = {"csrf_token": CSRF, "current_password": OLD, "new_password": NEW, "again": NEW}
    done = web.post("/account/password", data=change)
    assert done.status_code == 303, done.text
    assert web.get("/cases/small").status_code == 200
    assert "data-renewal" not in web.get("/account/password").text
