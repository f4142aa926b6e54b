"""Liveness, readiness, ``/metrics`` and the JSON request log.

``/api/health/live`` does no I/O (it answers while the database is gone);
``/api/health/ready`` is 503 with a problem body unless the database answers and is
migrated to head. ``/metrics`` is Prometheus text 0.0.4 for a server admin's bearer
token (or loopback when the setting says so); anyone else gets 401/403 and no numbers.
"""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from offramp.api.app import Settings, create_app
from offramp.api.requestlog import use_json_lines
from offramp.bootstrap import bootstrap
from offramp.errors import InputError
from offramp.server import create_desk_app
from offramp.services.counters import DESK
from offramp.store.status import head_revision
from support.cli import offramp
from support.desk import PASSWORD, World, _pg_exec, backends
from support.launch import desk_server, free_port

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = re.compile(
    r'^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*)\})?'
    r" (?P<value>[-+]?(?:[0-9.]+(?:e[-+]?[0-9]+)?|Inf|NaN))$"
)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def http(world: World) -> Iterator[TestClient]:
    with TestClient(create_app(services=world.desk), raise_server_exceptions=False) as client:
        yield client


def parse(text: str) -> dict[str, float]:
    """The exposition as ``{'name{labels}': value}``; every line must be well formed."""
    assert text.endswith("\n")
    samples: dict[str, float] = {}
    typed: set[str] = set()
    for line in text.splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert kind in {"counter", "gauge", "histogram"}
            typed.add(name)
            continue
        m = SAMPLE.match(line)
        assert m, f"not a 0.0.4 sample line: {line!r}"
        family = re.sub(r"_(bucket|sum|count)$", "", m["name"])
        assert m["name"] in typed or family in typed, f"sample before its TYPE: {line!r}"
        key = f"{m['name']}{{{m['labels']}}}" if m["labels"] else m["name"]
        samples[key] = float(m["value"])
    return samples


# -- health -------------------------------------------------------------------------------


def test_health_stays_as_it_was_and_live_answers(http: TestClient) -> None:
    assert http.get("/api/health").json() == {"ok": True}
    assert http.get("/api/health/live").json() == {"ok": True}


def test_ready_on_a_migrated_database_names_the_revision(http: TestClient) -> None:
    res = http.get("/api/health/ready")
    assert res.status_code == 200
    assert res.json() == {"ok": True, "revision": head_revision(), "head": head_revision()}


def test_ready_is_503_on_a_database_never_migrated_and_live_still_answers(
    tmp_path: Path,
) -> None:
    desk = bootstrap(str(tmp_path / "empty.db"), migrate_first=False)
    try:
        with TestClient(create_app(services=desk)) as client:
            res = client.get("/api/health/ready")
            assert res.status_code == 503
            assert res.headers["content-type"].startswith("application/problem+json")
            body = res.json()
            assert body["title"] == "Not ready" and body["status"] == 503
            assert f"never migrated, this code needs {head_revision()}" in body["detail"]
            assert "offramp db upgrade" in body["detail"]
            assert client.get("/api/health/live").status_code == 200
    finally:
        desk.close()


@pytest.mark.postgres
@pytest.mark.parametrize("world", [b for b in backends() if b == "postgresql"], indirect=True)
def test_ready_is_503_once_the_database_stops_answering(world: World) -> None:
    name = world.url.rsplit("/", 1)[1]
    with TestClient(create_app(services=world.desk)) as client:
        assert client.get("/api/health/ready").status_code == 200
        _pg_exec(f"DROP DATABASE {name} WITH (FORCE)")  # the database goes away under it
        res = client.get("/api/health/ready")
        assert res.status_code == 503
        assert res.json()["detail"].startswith("The database does not answer (")
        assert client.get("/api/health/live").json() == {"ok": True}


def test_a_database_that_does_not_answer_at_start_is_one_clear_error() -> None:
    port = free_port()  # nothing listens there
    url = f"postgresql://nobody:s3cret@127.0.0.1:{port}/none"
    with pytest.raises(InputError) as caught:
        bootstrap(url, migrate_first=False)
    message = str(caught.value.problems[0])
    assert message.startswith(f"database: postgresql+psycopg://nobody:***@127.0.0.1:{port}/none")
    assert "does not answer" in message and "s3cret" not in message
    ran = offramp("serve", "--db", url, "--port", str(free_port()))
    assert ran.code == 1 and ran.err.startswith("error: database: ")
    assert "Traceback" not in ran.err and "s3cret" not in ran.err


# -- metrics: who may read ----------------------------------------------------------------


def test_metrics_refuse_anonymous_members_and_cookies(http: TestClient, world: World) -> None:
    anonymous = http.get("/metrics")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("application/problem+json")
    assert "offramp_" not in anonymous.text
    for persona in ("mediator_il", "outsider"):
        member = http.get("/metrics", headers=bearer(world.tokens[persona]))
        assert member.status_code == 403
        assert member.json()["errors"][0]["where"] == "metrics.read"
        assert "offramp_" not in member.text
    bad = http.get("/metrics", headers=bearer("not-a-token"))
    assert bad.status_code == 401
    # an admin's browser session is not a bearer token
    signed_in = http.post("/api/session", json={"name": "admin", "password": PASSWORD})
    assert signed_in.status_code == 200
    assert http.get("/metrics").status_code == 401
    http.cookies.clear()


def test_loopback_reads_metrics_only_when_the_setting_says_so(world: World) -> None:
    allowed = create_app(Settings(metrics_loopback=True), services=world.desk)
    closed = create_app(services=world.desk)
    with TestClient(allowed, client=("127.0.0.1", 5000)) as local:
        assert local.get("/metrics").status_code == 200
        relayed = local.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
        assert relayed.status_code == 401
        assert local.get("/metrics", headers={"X-Real-IP": "203.0.113.9"}).status_code == 401
    with TestClient(allowed, client=("::1", 5000)) as local6:
        assert local6.get("/metrics").status_code == 200
    with TestClient(allowed, client=("192.0.2.7", 5000)) as remote:
        assert remote.get("/metrics").status_code == 401
    with TestClient(closed, client=("127.0.0.1", 5000)) as local:
        assert local.get("/metrics").status_code == 401


# -- metrics: what they say ---------------------------------------------------------------


def test_requests_are_counted_by_route_template_and_status(http: TestClient, world: World) -> None:
    med = bearer(world.tokens["mediator_il"])
    for _ in range(3):
        assert http.get("/api/cases/small", headers=med).status_code == 200
    assert http.get("/api/cases/other", headers=med).status_code == 404
    assert http.get("/no/such/page/123").status_code == 404
    res = http.get("/metrics", headers=bearer(world.tokens["admin"]))
    assert res.status_code == 200
    assert res.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    m = parse(res.text)
    case = 'method="GET",route="/api/cases/{case}"'
    assert m[f'offramp_http_requests_total{{{case},status="200"}}'] == 3
    assert m[f'offramp_http_requests_total{{{case},status="404"}}'] == 1
    assert m['offramp_http_requests_total{method="GET",route="unmatched",status="404"}'] == 1
    assert not any("small" in k or "123" in k for k in m), "a path leaked into a label"
    # the histogram: cumulative buckets ending in +Inf == count, and a sum
    buckets = [
        v
        for k, v in m.items()
        if k.startswith(f"offramp_http_request_duration_seconds_bucket{{{case}")
    ]
    assert buckets == sorted(buckets) and len(buckets) == 12
    assert buckets[-1] == m[f"offramp_http_request_duration_seconds_count{{{case}}}"] == 4
    assert m[f'offramp_http_request_duration_seconds_bucket{{{case},le="+Inf"}}'] == 4
    assert 0 < m[f"offramp_http_request_duration_seconds_sum{{{case}}}"] < 60
    assert 0 < m["offramp_process_start_time_seconds"] <= time.time()


def test_the_desk_counters_count_what_the_desk_increments(http: TestClient, world: World) -> None:
    admin = bearer(world.tokens["admin"])
    before = parse(http.get("/metrics", headers=admin).text)
    DESK.inc("sweeps_run")
    DESK.inc("events_delivered", 3)
    after = parse(http.get("/metrics", headers=admin).text)
    assert after["offramp_sweeps_run_total"] == before["offramp_sweeps_run_total"] + 1
    assert after["offramp_events_delivered_total"] == before["offramp_events_delivered_total"] + 3
    with pytest.raises(KeyError):
        DESK.inc("no_such_counter")
    with pytest.raises(ValueError):
        DESK.inc("sweeps_run", -1)


def test_web_pages_are_counted_by_their_template_too(world: World) -> None:
    with TestClient(create_desk_app(services=world.desk)) as client:
        client.get("/static/desk.css")
        client.get("/")
        m = parse(client.get("/metrics", headers=bearer(world.tokens["admin"])).text)
    routes = {re.search(r'route="([^"]*)"', k)[1] for k in m if "route=" in k}  # type: ignore[index]
    assert "/static/{path}" in routes and "/" in routes


# -- request ids and the JSON log ---------------------------------------------------------


def test_every_response_has_a_request_id_and_a_good_one_is_kept(http: TestClient) -> None:
    fresh = http.get("/api/health").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", fresh)
    assert (
        http.get("/api/health", headers={"X-Request-ID": "abc-123.x"}).headers["x-request-id"]
        == "abc-123.x"
    )
    replaced = http.get("/api/health", headers={"X-Request-ID": "bad id\twith spaces"})
    assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["x-request-id"])
    ids = {http.get("/api/health").headers["x-request-id"] for _ in range(50)}
    assert len(ids | {fresh, replaced.headers["x-request-id"]}) == 52, "an id was given twice"


def test_request_ids_of_two_server_processes_differ() -> None:
    """Each process draws its own random half, so two workers never give the same id."""
    code = "from offramp.api.metrics import _request_id; print(_request_id({}))"
    ids = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    }
    assert len(ids) == 2 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = use_json_lines(stream)
    root = logging.getLogger("offramp")
    yield stream
    root.removeHandler(handler)
    root.setLevel(logging.NOTSET)
    root.propagate = True


def test_the_json_log_has_one_line_per_request_and_no_secrets(
    http: TestClient, world: World, json_log: io.StringIO
) -> None:
    token = world.tokens["delegate_ua"]
    http.post("/api/session", json={"name": "admin", "password": PASSWORD})
    cookie = http.cookies.get("offramp_session")
    http.cookies.clear()
    http.post(
        "/api/cases/small/channels/UA/messages",
        json={"body": "the secret plan", "mark": "may-relay"},
        headers={**bearer(token), "X-Request-ID": "req-1"},
    )
    http.get("/api/cases/small/messages?q=hidden-query", headers=bearer(token))
    logged = [json.loads(line) for line in json_log.getvalue().splitlines()]
    lines = [line for line in logged if line["message"] == "request"]  # sign-ins: offramp.auth
    assert len(lines) == 3
    post = lines[1]
    assert {k: post[k] for k in ("method", "route", "status", "request_id")} == {
        "method": "POST",
        "route": "/api/cases/{case}/channels/{channel}/messages",
        "status": 201,
        "request_id": "req-1",
    }
    assert isinstance(post["duration_ms"], float) and post["duration_ms"] > 0
    assert lines[2]["route"] == "/api/cases/{case}/messages"
    text = json_log.getvalue()
    for secret in (token, PASSWORD, "the secret plan", "hidden-query", str(cookie)):
        assert secret not in text


@pytest.mark.parametrize("world", ["sqlite"], indirect=True)  # one backend: the command line
def test_serve_with_log_format_json_writes_json_lines(world: World) -> None:
    world.desk.close()
    with desk_server(
        world.url, extra_args=("--log-format", "json"), ready="/api/health/live"
    ) as srv:
        res = httpx.get(f"{srv.base}/api/cases/small", headers=bearer(world.tokens["mediator_il"]))
        assert res.status_code == 200
    err = srv.output()  # the server's stdout and stderr, once it has stopped
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    case = [line for line in lines if line.get("route") == "/api/cases/{case}"]
    assert len(case) == 1 and case[0]["status"] == 200 and case[0]["method"] == "GET"
    assert world.tokens["mediator_il"] not in err
