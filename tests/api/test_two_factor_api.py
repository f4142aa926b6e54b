"""Issue 18: two-factor enrolment and sign-in over the HTTP API, and the CLI verbs.

In process for the API (the app over a fresh copy of the test desk); the CLI runs as a
user runs it (:mod:`support.cli`).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient

from offramp.api.app import create_app
from offramp.services.totp import key_of, totp
from support.cli import offramp
from support.desk import PASSWORD, World, query


@pytest.fixture
def http(world: World) -> Iterator[TestClient]:
    with TestClient(create_app(services=world.desk)) as client:
        yield client


def now_code(world: World, secret: str, later: int = 0) -> str:
    return totp(key_of(secret), world.desk.clock.now().timestamp() + later)


def test_enrol_confirm_then_sign_in_needs_the_code(http: TestClient, world: World) -> None:
    auth = {"Authorization": f"Bearer {world.tokens['mediator_il']}"}
    started = http.post("/api/me/2fa", headers=auth)
    assert started.status_code == 200
    secret = started.json()["secret"]
    assert parse_qs(urlparse(started.json()["uri"]).query)["secret"] == [secret]
    plain = {"name": "mediator_il", "password": PASSWORD}
    assert http.post("/api/session", json=plain).status_code == 200  # not on yet
    confirmed = http.post(
        "/api/me/2fa/confirm", headers=auth, json={"code": now_code(world, secret)}
    )
    assert confirmed.status_code == 200, confirmed.text
    codes = confirmed.json()["recovery_codes"]
    assert len(codes) == 10
    refused = http.post("/api/session", json=plain)
    assert refused.status_code == 401 and "6-digit code" in refused.json()["detail"]
    ok = http.post("/api/session", json={**plain, "code": codes[0]})
    assert ok.status_code == 200
    # the secret is never handed out again
    assert secret not in http.get("/api/me", headers=auth).text
    assert http.post("/api/me/2fa", headers=auth).status_code == 409
    off = http.post("/api/me/2fa/disable", headers=auth, json={"code": codes[1]})
    assert off.status_code == 200 and off.json()["enabled"] is False
    assert http.post("/api/session", json=plain).status_code == 200


def test_the_cli_enables_and_disables_2fa(world: World) -> None:
    on = offramp("user", "2fa", "enable", "analyst", "--db", world.url)
    assert on.code == 0, on.err
    uri = next(w for w in on.out.split() if w.startswith("otpauth://totp/"))
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    codes = [line.strip() for line in on.out.splitlines() if line.startswith("  ")]
    assert len(codes) == 10
    ((stored,),) = query(world.url, "SELECT secret FROM two_factor")
    assert stored.startswith("enc1:") and secret not in stored  # sealed at rest
    again = offramp("user", "2fa", "enable", "analyst", "--db", world.url)
    assert again.code == 1 and "already has two-factor" in again.err
    off = offramp("user", "2fa", "disable", "analyst", "--db", world.url)
    assert off.code == 0 and "off for analyst" in off.out
    assert query(world.url, "SELECT count(*) FROM recovery_codes") == [(0,)]
    actions = [
        str(r[0]) for r in query(world.url, "SELECT action FROM audit_events ORDER BY chain, seq")
    ]
    assert [a for a in actions if a.startswith("2fa.")] == [
        "2fa.enrol",
        "2fa.confirm",
        "2fa.disable",
    ]


def test_serve_refuses_an_unknown_required_role(world: World) -> None:
    ran = offramp("serve", "--db", world.url, "--require-2fa-for", "mediator,boss")
    assert ran.code == 1
    assert "--require-2fa-for: boss: name roles among mediator, admin" in ran.err
