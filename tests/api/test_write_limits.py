"""ASVS 4.0.3 11.1.4 (anti-automation): each signed-in user's writes are limited
(``offramp serve --write-rate``, :mod:`offramp.services.write_limits`).

Through real servers on loopback, started at once for the module (one per setting;
each test writes as personas of its own, so their buckets do not meet): over the limit
a write is 429 problem JSON with ``Retry-After`` and writes nothing; another user and
reads go on; a user's session and tokens share one bucket; signing out always works;
the default, ``OFFRAMP_WRITE_RATE``, ``off`` and ``0``, and ``offramp demo``; a bad rate
is one line naming the option or variable, on the command line and under ``uvicorn
--factory``. In process, on a monotonic clock moved by hand: the refill. And every API
write but signing in is counted.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.asvs_support import AsvsDesk
from offramp.api.app import Settings, api_routes, create_app, env_settings, env_settings_or_exit
from offramp.api.deps import UNLIMITED_WRITES, get_actor, get_watcher, require_actor
from offramp.errors import InputError
from offramp.server import ServeOptions, app_from_env
from offramp.services.write_limits import DEFAULT_WRITE_RATE, WRITE_METHODS, WriteRate
from support.cli import ROOT, Ran, offramp
from support.desk import PASSWORD, World, populate
from support.launch import Running, ServerOptions, start_server

# one module on one xdist worker: its servers are started once, not once per worker
pytestmark = pytest.mark.xdist_group("write-limits")

MESSAGE = {"body": "For the mediator: we could look at neutrality.", "mark": "may-relay"}
UA_MESSAGES = "/cases/small/channels/UA/messages"
RU_MESSAGES = "/cases/small/channels/RU/messages"
SEEN = "/me/notices/seen"  # a write any signed-in user may make
PROBLEM = "application/problem+json"
BAD_RATE = (
    "is not a write rate; write BURST/SECONDS such as 60/30s (60 writes at once, refilled "
    "in 30 seconds), 100/1m or 1000/1h, or 0 or off for no limit"
)
RATE = "OFFRAMP_WRITE_RATE"
SERVED: dict[str, ServerOptions] = {
    # 4 writes at once, one more every 15 seconds, set by the environment alone
    "shared": {"env": {RATE: "4/60s"}},
    "default": {"env": {RATE: ""}},  # empty: unset
    "off": {"env": {RATE: "1/60s"}, "extra_args": ("--write-rate", "off")},  # the option wins
    "demo": {"verb": "demo", "password": PASSWORD, "extra_args": ("--write-rate", "2/1h")},
}


@dataclass
class Served:
    """One of the module's servers and its personas' tokens (none for the demo)."""

    server: Running
    tokens: dict[str, str]


class Servers:
    """The module's servers of :data:`SERVED`, each started when a test first needs it
    (a server's start-up is most of the module's time) and stopped at the module's end."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.running: dict[str, Served] = {}

    def __getitem__(self, name: str) -> Served:
        if name not in self.running:
            options = SERVED[name]
            db = self.base / f"{name}.db"
            tokens = {} if options.get("verb") == "demo" else populate(str(db))
            self.running[name] = Served(start_server(db, **options), tokens)
        return self.running[name]

    def stop(self) -> None:
        for served in self.running.values():
            served.server.stop()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    started = Servers(tmp_path_factory.mktemp("write-limits"))
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def desk(servers: Servers) -> AsvsDesk:
    """The shared server: 4 writes at once, one more every 15 seconds."""
    return AsvsDesk(servers["shared"].server, servers["shared"].tokens)


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


def writes_until_refused(
    server: Running, token: str, cap: int, path: str = UA_MESSAGES, body: Any = MESSAGE
) -> tuple[int, float]:
    """How many writes (``body`` posted to ``path``) ``token`` makes before the first 429
    (at most ``cap``), and the seconds that took."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base + "/api", headers=headers, timeout=60) as client:
        start = time.monotonic()
        for n in range(cap):
            res = client.post(path, json=body)
            if res.status_code == 429:
                return n, time.monotonic() - start
            assert res.status_code in (200, 201), res.text
    return cap, time.monotonic() - start


def test_serve_limits_by_default_to_60_at_once_then_2_a_second(
    servers: Servers,
) -> None:
    served = servers["default"]
    n, seconds = writes_until_refused(served.server, served.tokens["delegate_ua"], 400)
    assert 60 <= n <= 60 + 2 * seconds + 1


def test_the_environment_sets_the_limit(desk: AsvsDesk) -> None:
    assert writes_until_refused(desk.server, desk.tokens["analyst"], 8, SEEN, {})[0] == 4


def test_the_option_wins_over_the_environment_and_off_turns_the_limit_off(
    servers: Servers,
) -> None:
    served = servers["off"]  # OFFRAMP_WRITE_RATE=1/60s, and --write-rate off
    assert writes_until_refused(served.server, served.tokens["delegate_ua"], 8)[0] == 8


def test_0_turns_the_limit_off_as_off_does(world: World) -> None:
    """The app ``offramp serve --write-rate 0`` serves (in process: the option's way
    through the command line is the one ``off`` takes above)."""
    app = ServeOptions(db=world.url, write_rate="0").app(world.desk)
    assert app.state.write_limits is None
    bearer = {"Authorization": f"Bearer {world.tokens['delegate_ua']}"}
    with TestClient(app, headers=bearer) as http:
        posted = [http.post(f"/api{UA_MESSAGES}", json=MESSAGE).status_code for _ in range(8)]
    assert posted == [201] * 8


def test_demo_takes_the_write_rate_too(servers: Servers) -> None:
    base = servers["demo"].server.base + "/api"
    signed = httpx.post(f"{base}/session", json={"name": "mediator", "password": PASSWORD})
    assert signed.status_code == 200, signed.text
    mint = {"user": "mediator"}
    with httpx.Client(base_url=base, cookies=signed.cookies) as web:
        assert [web.post("/tokens", json=mint).status_code for _ in range(2)] == [201, 201]
        refused = web.post("/tokens", json=mint)
    assert refused.status_code == 429
    assert "the desk takes 2 at once and 2 more every hour" in refused.json()["detail"]
    assert refused.headers["retry-after"] == "1800"


def test_a_bad_write_rate_is_one_line_naming_the_option(tmp_path: Path) -> None:
    """``serve`` and ``demo``, by the option or the environment (the four run at once)."""

    def run(verb: str, how: str) -> Ran:
        args = [verb, "--db", str(tmp_path / f"{verb}-{how}.db")]
        if how == "option":
            return offramp(*args, "--write-rate", "60 a minute")
        return offramp(*args, env={RATE: "60 a minute"})

    cases = [(verb, how) for verb in ("serve", "demo") for how in ("option", "environment")]
    with ThreadPoolExecutor(len(cases)) as pool:
        ran = dict(zip(cases, pool.map(lambda c: run(*c), cases), strict=True))
    for case, done in ran.items():
        assert (done.code, done.err) == (1, f"error: --write-rate: '60 a minute' {BAD_RATE}\n"), (
            case
        )
    assert not list(tmp_path.iterdir())  # refused before any database was made


def test_a_bad_write_rate_under_uvicorn_factory_is_one_line_naming_the_variable(
    tmp_path: Path,
) -> None:
    """``uvicorn --factory`` builds the app from the environment: no traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "uvicorn", "--factory", "offramp.server:app_from_env",
         "--port", "0"],
        env={**os.environ, "OFFRAMP_DB": str(tmp_path / "env.db"), RATE: "10/0s"},
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (1, f"error: {RATE}: '10/0s' {BAD_RATE}\n")
    assert not (tmp_path / "env.db").exists()


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
    monkeypatch.delenv(RATE, raising=False)
    assert env_settings().write_rate == DEFAULT_WRITE_RATE
    app = app_from_env()  # the whole desk, as uvicorn --factory builds it
    assert app.state.write_limits.rate == DEFAULT_WRITE_RATE
    app.state.services.close()
    monkeypatch.setenv(RATE, "off")
    assert env_settings().write_rate is None
    monkeypatch.setenv(RATE, "fast")
    with pytest.raises(InputError) as caught:
        env_settings()
    assert caught.value.where == RATE
    with pytest.raises(SystemExit) as stopped:
        env_settings_or_exit()  # what both factories build from
    assert stopped.value.code == f"error: {RATE}: 'fast' {BAD_RATE}"


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
