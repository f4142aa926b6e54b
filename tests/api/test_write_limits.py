"""ASVS 4.0.3 11.1.4 (anti-automation): each signed-in user's writes are limited
(``offramp serve --write-rate``, :mod:`offramp.services.write_limits`).

Through the real server on loopback: over the limit a write is 429 problem JSON with
``Retry-After`` and writes nothing; another user and reads go on; a user's session and
tokens share one bucket; signing out always works; the default, ``OFFRAMP_WRITE_RATE``,
``off`` and ``0``, and ``offramp demo``. In process, on a monotonic clock moved by hand:
the refill. And every API write but signing in is counted.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.asvs_support import AsvsDesk
from offramp.api.app import Settings, api_routes, create_app, env_settings
from offramp.api.deps import UNLIMITED_WRITES, get_actor, get_watcher, require_actor
from offramp.errors import InputError
from offramp.server import app_from_env
from offramp.services.write_limits import DEFAULT_WRITE_RATE, WRITE_METHODS, WriteRate
from support.cli import offramp
from support.desk import PASSWORD, World, populate
from support.launch import Running, desk_server

MESSAGE = {"body": "For the mediator: we could look at neutrality.", "mark": "may-relay"}
UA_MESSAGES = "/cases/small/channels/UA/messages"
RU_MESSAGES = "/cases/small/channels/RU/messages"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AsvsDesk]:
    """The test desk served with 4 writes at once, one more every 15 seconds; each test
    writes as personas of its own, so their buckets do not meet."""
    db = tmp_path_factory.mktemp("write-limits") / "desk.db"
    tokens = populate(str(db))
    with desk_server(db, extra_args=("--write-rate", "4/60s")) as running:
        yield AsvsDesk(running, tokens)


def assert_throttled(res: httpx.Response) -> int:
    """``res`` is the 429 problem of the write limit; its ``Retry-After`` in seconds."""
    assert res.status_code == 429, res.text
    assert res.headers["content-type"] == PROBLEM
    wait = int(res.headers["retry-after"])  # whole seconds
    plural = "s" if wait != 1 else ""
    assert res.json() == {
        "type": "https://offramp.example/problems/too-many-requests",
        "title": "Too many requests",
        "status": 429,
        "detail": (
            "Too many changes from your account in a short time: the desk takes 4 at once "
            f"and 4 more every minute. This one was not made; try again in {wait} "
            f"second{plural}."
        ),
        "errors": [{"where": "", "message": res.json()["detail"]}],
    }
    return wait


def test_over_the_limit_a_write_is_429_with_retry_after_and_nothing_is_written(
    desk: AsvsDesk,
) -> None:
    with desk.api("delegate_ua") as ua:
        before = len(ua.get(UA_MESSAGES).json())
        assert [ua.post(UA_MESSAGES, json=MESSAGE).status_code for _ in range(4)] == [201] * 4
        wait = assert_throttled(ua.post(UA_MESSAGES, json=MESSAGE))
        assert 1 <= wait <= 15  # one write comes back every 15 s
        assert_throttled(ua.post("/me/notices/seen", json={}))  # any write route
        reads = [ua.get(UA_MESSAGES) for _ in range(12)]  # reads are never limited
        assert {r.status_code for r in reads} == {200}
        assert len(reads[-1].json()) == before + 4  # the refused writes wrote nothing


def test_another_user_writes_on_while_one_is_limited(desk: AsvsDesk) -> None:
    with desk.api("delegate_ru") as ru, desk.api("mediator_il") as mediator:
        for _ in range(4):
            assert ru.post(RU_MESSAGES, json=MESSAGE).status_code == 201
        assert_throttled(ru.post(RU_MESSAGES, json=MESSAGE))
        assert mediator.post(RU_MESSAGES, json=MESSAGE).status_code == 201


def test_a_users_session_and_tokens_share_one_bucket_and_signing_out_is_never_refused(
    desk: AsvsDesk,
) -> None:
    base = desk.server.base + "/api"
    signed = httpx.post(f"{base}/session", json={"name": "observer_us", "password": PASSWORD})
    assert signed.status_code == 200  # signing in spends nothing
    cookie = {"Cookie": f"offramp_session={signed.cookies['offramp_session']}"}
    mint = {"user": "observer_us"}
    with desk.api("observer_us") as first, httpx.Client(base_url=base, headers=cookie) as web:
        made = first.post("/tokens", json=mint)
        assert made.status_code == 201
        with httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {made.json()['token']}"}
        ) as second:
            assert second.post("/tokens", json=mint).status_code == 201
            assert web.post("/tokens", json=mint).status_code == 201
            assert first.post("/tokens", json=mint).status_code == 201
            for client in (first, second, web):  # four spent between the three
                assert_throttled(client.post("/tokens", json=mint))
        assert len(first.get("/tokens").json()) == 1 + 4  # populate's, and the four made
        assert web.delete("/session").status_code == 204
    assert httpx.get(f"{base}/me", headers=cookie).status_code == 401  # signed out indeed


def writes_until_refused(server: Running, token: str, cap: int) -> tuple[int, float]:
    """How many messages ``token`` posts before the first 429 (at most ``cap``), and the
    seconds that took."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base + "/api", headers=headers, timeout=60) as client:
        start = time.monotonic()
        for n in range(cap):
            res = client.post(UA_MESSAGES, json=MESSAGE)
            if res.status_code == 429:
                return n, time.monotonic() - start
            assert res.status_code == 201, res.text
    return cap, time.monotonic() - start


def test_serve_limits_by_default_to_60_at_once_then_2_a_second(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    tokens = populate(str(db))
    with desk_server(db, env={"OFFRAMP_WRITE_RATE": ""}) as running:  # empty: unset
        n, seconds = writes_until_refused(running, tokens["delegate_ua"], 400)
    assert 60 <= n <= 60 + 2 * seconds + 1


@pytest.mark.parametrize(
    ("env", "args", "allowed"),
    [
        ("1/60s", (), 1),  # OFFRAMP_WRITE_RATE sets it
        ("1/60s", ("--write-rate", "off"), 8),  # the option wins, and off is no limit
        ("1/60s", ("--write-rate", "0"), 8),
    ],
    ids=["env", "off", "zero"],
)
def test_the_environment_sets_the_limit_and_off_or_0_turns_it_off(
    tmp_path: Path, env: str, args: tuple[str, ...], allowed: int
) -> None:
    db = tmp_path / "desk.db"
    tokens = populate(str(db))
    with desk_server(db, env={"OFFRAMP_WRITE_RATE": env}, extra_args=args) as running:
        assert writes_until_refused(running, tokens["delegate_ua"], 8)[0] == allowed


def test_demo_takes_the_write_rate_too(tmp_path: Path) -> None:
    with desk_server(
        tmp_path / "demo.db", verb="demo", password=PASSWORD, extra_args=("--write-rate", "2/1h")
    ) as running:
        base = running.base + "/api"
        signed = httpx.post(f"{base}/session", json={"name": "mediator", "password": PASSWORD})
        assert signed.status_code == 200, signed.text
        mint = {"user": "mediator"}
        with httpx.Client(base_url=base, cookies=signed.cookies) as web:
            assert [web.post("/tokens", json=mint).status_code for _ in range(2)] == [201, 201]
            refused = web.post("/tokens", json=mint)
    assert refused.status_code == 429
    assert "the desk takes 2 at once and 2 more every hour" in refused.json()["detail"]
    assert refused.headers["retry-after"] == "1800"


@pytest.mark.parametrize("verb", ["serve", "demo"])
@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_bad_write_rate_is_one_line_naming_the_option(
    verb: str, how: str, tmp_path: Path
) -> None:
    args = [verb, "--db", str(tmp_path / "desk.db")]
    if how == "option":
        ran = offramp(*args, "--write-rate", "60 a minute")
    else:
        ran = offramp(*args, env={"OFFRAMP_WRITE_RATE": "60 a minute"})
    assert ran.code == 1
    assert ran.err == (
        "error: --write-rate: '60 a minute' is not a write rate; write BURST/SECONDS such "
        "as 60/30s (60 writes at once, refilled in 30 seconds), or off for no limit\n"
    )


class Ticks:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def test_after_the_refill_time_writes_work_again(world: World) -> None:
    ticks = Ticks()
    app = create_app(Settings(write_rate=WriteRate(2, 10)), services=world.desk, ticks=ticks)
    bearer = {"Authorization": f"Bearer {world.tokens['delegate_ua']}"}
    with TestClient(app, headers=bearer) as http:

        def post() -> httpx.Response:
            res: httpx.Response = http.post(f"/api{UA_MESSAGES}", json=MESSAGE)
            return res

        assert [post().status_code for _ in range(2)] == [201, 201]
        first = post()
        assert (first.status_code, first.headers["retry-after"]) == (429, "5")
        ticks.now += 4.9
        almost = post()
        assert (almost.status_code, almost.headers["retry-after"]) == (429, "1")
        ticks.now += 0.1  # 5 seconds: one write back, and only one
        assert [post().status_code for _ in range(2)] == [201, 429]
        assert re.search(r"try again in 5 seconds\.$", post().json()["detail"])


def test_app_from_env_limits_by_default_and_names_a_bad_value(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OFFRAMP_DB", str(tmp_path / "env.db"))
    monkeypatch.delenv("OFFRAMP_WRITE_RATE", raising=False)
    assert env_settings().write_rate == DEFAULT_WRITE_RATE
    app = app_from_env()  # the whole desk, as uvicorn --factory builds it
    assert app.state.write_limits.rate == DEFAULT_WRITE_RATE
    app.state.services.close()
    monkeypatch.setenv("OFFRAMP_WRITE_RATE", "off")
    assert env_settings().write_rate is None
    monkeypatch.setenv("OFFRAMP_WRITE_RATE", "fast")
    with pytest.raises(InputError) as caught:
        env_settings()
    assert caught.value.where == "OFFRAMP_WRITE_RATE"


def test_every_api_write_but_signing_in_resolves_the_user_and_so_is_counted(
    tmp_path: Path,
) -> None:
    app = create_app(Settings(db=str(tmp_path / "routes.db")))

    def calls(dependant: object) -> set[object]:
        found = {getattr(dependant, "call", None)}
        for sub in getattr(dependant, "dependencies", []):
            found |= calls(sub)
        return found

    uncounted = {
        (method, "/api" + route.path)
        for route in api_routes(app)
        for method in (route.methods or set()) & WRITE_METHODS
        if not calls(route.dependant) & {get_actor, get_watcher, require_actor}
    }
    app.state.services.close()
    assert uncounted == {("POST", "/api/session")}  # signing in: its own throttle
    assert {("DELETE", "/api/session")} == UNLIMITED_WRITES  # signing out
