"""Issue 18, findings 6 and 9: sign-in is throttled, and access can be taken away.

Through the real server on loopback and the CLI in a subprocess.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import httpx

from support.cli import Ran, offramp
from support.desk import PASSWORD, World, query
from support.launch import Running


def api(server: Running, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=server.url + "/api", headers=headers, timeout=60)


def cli(*args: str) -> Ran:
    return offramp(*args)


def server_actions(db: str) -> list[str]:
    rows = query(db, "SELECT action FROM audit_events WHERE chain = '_server' ORDER BY seq")
    return [str(r[0]) for r in rows]


def login(server: Running, name: str, password: str) -> httpx.Response:
    return api(server).post("/session", json={"name": name, "password": password})


# -- finding 6: throttling -------------------------------------------------------------


def test_after_ten_wrong_passwords_the_right_one_is_429(world_server: Running) -> None:
    for _ in range(10):
        assert login(world_server, "analyst", "wrong password").status_code == 401
    res = login(world_server, "analyst", PASSWORD)
    assert res.status_code == 429, res.text
    assert res.headers["content-type"] == "application/problem+json"
    assert 0 < int(res.headers["retry-after"]) <= 900
    assert res.json()["detail"] == (
        "Too many failed sign-ins for this account; try again in 15 minutes."
    )
    assert login(world_server, "mediator_il", PASSWORD).status_code == 200  # others still sign in


def test_an_unknown_name_is_throttled_like_a_known_one(world_server: Running) -> None:
    for _ in range(10):
        assert login(world_server, "nobody-here", "wrong password").status_code == 401
    res = login(world_server, "nobody-here", "wrong password")
    assert res.status_code == 429
    assert "this account" in res.json()["detail"]


def test_one_client_is_throttled_across_names(world_server: Running) -> None:
    for i in range(30):
        assert login(world_server, f"guess-{i}", "wrong password").status_code == 401
    res = login(world_server, "mediator_il", PASSWORD)
    assert res.status_code == 429
    assert res.json()["detail"].startswith("Too many failed sign-ins for this address;")


# -- finding 9: taking access away -------------------------------------------------------


def test_a_revoked_token_stops_at_once(world_server: Running, world: World) -> None:
    analyst = api(world_server, world.tokens["analyst"])
    made = analyst.post("/tokens", json={"user": "analyst", "expires_in": "1m"})
    assert made.status_code == 201, made.text
    listed = analyst.get("/tokens").json()
    assert len(listed) == 2
    fresh = next(t for t in listed if t["expires_at"] == made.json()["expires_at"])
    lived = datetime.fromisoformat(fresh["expires_at"]) - datetime.fromisoformat(
        fresh["created_at"]
    )
    assert lived == timedelta(minutes=1)
    second = api(world_server, made.json()["token"])
    assert second.get("/me").status_code == 200
    assert analyst.delete(f"/tokens/{fresh['id']}").status_code == 204
    gone = second.get("/me")
    assert gone.status_code == 401
    assert gone.json()["detail"] == "The session or token is not valid; sign in again."
    assert analyst.get("/me").status_code == 200  # the other token is untouched
    assert "token.revoke" in server_actions(world.url)
    other = api(world_server, world.tokens["delegate_ua"]).delete(
        f"/tokens/{fresh['id']}?user=analyst"
    )
    assert other.status_code == 403 and other.json()["errors"][0]["where"] == "token.revoke"


def test_a_token_lifetime_is_bounded(world_server: Running, world: World) -> None:
    res = api(world_server, world.tokens["analyst"]).post(
        "/tokens", json={"user": "analyst", "expires_in": "400d"}
    )
    assert res.status_code == 422
    assert res.json()["errors"][0] == {
        "where": "expires_in",
        "message": "a token lives at most 366 days",
    }
    out = cli("token", "create", "analyst", "--expires-in", "forever", "--db", world.url)
    assert out.returncode == 1
    assert out.stderr.strip() == (
        "error: --expires-in: 'forever' is not a lifetime; write minutes, hours or days: "
        "90m, 12h, 30d"
    )


def test_a_disabled_user_is_signed_out_and_cannot_sign_in(
    world_server: Running, world: World
) -> None:
    ua = api(world_server, world.tokens["delegate_ua"])
    assert ua.get("/me").status_code == 200
    assert login(world_server, "delegate_ua", PASSWORD).status_code == 200
    out = cli("user", "disable", "delegate_ua", "--db", world.url)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "disabled user delegate_ua (2 sessions and tokens ended)"
    assert ua.get("/me").status_code == 401
    refused = login(world_server, "delegate_ua", PASSWORD)
    assert refused.status_code == 401
    assert refused.json()["detail"] == "Wrong user name or password."
    admin = api(world_server, world.tokens["admin"])
    assert admin.post("/users/delegate_ua/enable").json() == {
        "user": "delegate_ua",
        "disabled": False,
        "ended": 0,
    }
    assert login(world_server, "delegate_ua", PASSWORD).status_code == 200
    assert server_actions(world.url)[-3:] == ["user.disable", "user.enable", "session.open"]


def test_a_member_can_be_removed_and_given_another_role(
    world_server: Running, world: World
) -> None:
    admin, ua = (
        api(world_server, world.tokens["admin"]),
        api(world_server, world.tokens["delegate_ua"]),
    )
    observer = api(world_server, world.tokens["observer_us"])
    assert ua.get("/cases/small").status_code == 200
    assert admin.delete("/cases/small/members/delegate_ua").status_code == 204
    assert ua.get("/cases/small").status_code == 404
    assert observer.get("/cases/small/positions").status_code == 403
    out = cli("member", "role", "small", "observer_us", "analyst", "--db", world.url)
    assert out.returncode == 0, out.stderr
    assert observer.get("/cases/small/positions").status_code == 200
    changed = admin.patch("/cases/small/members/observer_us", json={"role": "observer"})
    assert changed.json() == {"user": "observer_us", "role": "observer", "party": None}
    assert observer.get("/cases/small/positions").status_code == 403
    mediator = api(world_server, world.tokens["mediator_il"])
    events = mediator.get("/cases/small/audit/events").json()
    assert [e["action"] for e in events[-3:]] == ["member.remove", "member.change", "member.change"]
    assert events[-2]["payload"]["was"] == {"role": "observer", "party": None}


def test_a_session_lives_as_long_as_its_cookie(world_server: Running, world: World) -> None:
    res = login(world_server, "mediator_il", PASSWORD)
    assert "Max-Age=43200" in res.headers["set-cookie"]
    assert "Secure" not in res.headers["set-cookie"]  # plain http on loopback
    ((created, expires),) = query(
        world.url, "SELECT created_at, expires_at FROM credentials WHERE kind = 'session'"
    )
    lived = datetime.fromisoformat(str(expires)) - datetime.fromisoformat(str(created))
    assert lived == timedelta(hours=12)
    https = api(world_server).post(
        "/session",
        json={"name": "mediator_il", "password": PASSWORD},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert "Secure" in https.headers["set-cookie"]  # behind a TLS proxy (finding 10)
    assert json.loads(https.text)["name"] == "mediator_il"
