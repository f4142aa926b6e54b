"""ASVS 4.0.3 section 14.4 (and 3.4.1): the security headers on every kind of response
of the real server on loopback: API answers and refusals, pages, static files, docs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.asvs_support import AsvsDesk, asvs_desk
from offramp.bootstrap import bootstrap
from offramp.server import create_desk_app
from support.desk import PASSWORD

EVERY = {"x-content-type-options": "nosniff", "x-frame-options": "DENY"}
HTTPS = {"X-Forwarded-Proto": "https"}  # as a TLS proxy on loopback says it


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AsvsDesk]:
    for running in asvs_desk(tmp_path_factory.mktemp("asvs-headers")):
        with running.api("delegate_ua") as ua:
            message = {"body": "For the mediator: we could drop NATO.", "mark": "may-relay"}
            assert ua.post("/cases/small/channels/UA/messages", json=message).status_code == 201
        yield running


def answers(desk: AsvsDesk) -> dict[str, httpx.Response]:
    """One response of each kind the server gives."""
    base = desk.server.base
    with desk.api("mediator_il") as med, desk.api() as anonymous:
        return {
            "api read": med.get("/cases/small/channels/UA/messages"),
            "api 404": med.get("/cases/small/messages/999999"),
            "api 401 before the body": anonymous.post("/cases/small/notes", json={}),
            "api 422": med.post("/cases/small/notes", json={"nope": 1}),
            "page": httpx.get(base + "/sign-in"),
            "page 404": httpx.get(base + "/no-such-page"),
            "static file": httpx.get(base + "/static/desk.css"),
            "api docs": httpx.get(base + "/docs"),
            "openapi": httpx.get(base + "/openapi.json"),
        }


def test_every_response_forbids_sniffing_framing_and_cross_site_referrers(
    desk: AsvsDesk,
) -> None:
    got = answers(desk)
    assert {k: r.status_code for k, r in got.items()} == {
        "api read": 200,
        "api 404": 404,
        "api 401 before the body": 401,
        "api 422": 422,
        "page": 200,
        "page 404": 404,
        "static file": 200,
        "api docs": 200,
        "openapi": 200,
    }
    for kind, res in got.items():
        for name, value in EVERY.items():
            assert res.headers.get(name) == value, f"{kind}: {name}"
        assert res.headers.get("referrer-policy") == "same-origin", kind
        assert res.headers.get("content-type"), kind  # 14.4.1


def test_api_answers_are_not_cached_run_nothing_and_download_as_files(desk: AsvsDesk) -> None:
    got = answers(desk)
    for kind in ("api read", "api 404", "api 401 before the body", "api 422"):
        res = got[kind]
        assert res.headers["cache-control"] == "no-store", kind
        assert res.headers["content-security-policy"] == (
            "default-src 'none'; frame-ancestors 'none'"
        ), kind
        assert res.headers["content-disposition"] == 'attachment; filename="api.json"', kind
    assert got["api read"].json()[0]["body"]  # a confidential message: not to be cached
    page_policy = got["page"].headers["content-security-policy"]
    assert "script-src 'self'" in page_policy and "frame-ancestors 'none'" in page_policy
    assert got["page"].headers["cache-control"] == "no-store"
    assert "content-disposition" not in got["page"].headers
    assert "no-store" not in got["static file"].headers.get("cache-control", "")


def test_hsts_and_secure_cookies_only_when_the_request_came_over_https(desk: AsvsDesk) -> None:
    login = {"name": "analyst", "password": PASSWORD}
    with desk.api(**HTTPS) as tls, desk.api() as plain:
        over_tls = [tls.get("/health"), tls.get("/me"), tls.post("/session", json=login)]
        over_http = [plain.get("/health"), plain.post("/session", json=login)]
    for res in over_tls:
        assert res.headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"
    for res in over_http:
        assert "strict-transport-security" not in res.headers
    tls_cookie = over_tls[2].headers["set-cookie"]
    assert tls_cookie.startswith("__Host-offramp_session=") and "Secure" in tls_cookie
    assert "HttpOnly" in tls_cookie and "SameSite=strict" in tls_cookie
    assert "Secure" not in over_http[1].headers["set-cookie"]  # loopback http: no Secure
    page = httpx.get(desk.server.base + "/sign-in", headers=HTTPS)
    assert page.headers["strict-transport-security"].startswith("max-age=63072000")
    assert "Secure" in page.headers["set-cookie"]  # the CSRF cookie under https


def test_an_api_body_that_is_not_json_is_refused_with_415_unread(desk: AsvsDesk) -> None:
    note = b'{"title": "t", "body": "b"}'
    with desk.api("mediator_il") as med:
        as_text = med.post(
            "/cases/small/notes", content=note, headers={"content-type": "text/plain"}
        )
        as_form = med.post("/cases/small/notes", data={"title": "t", "body": "b"})
        as_json = med.post(
            "/cases/small/notes", content=note, headers={"content-type": "application/json"}
        )
        no_body = med.post("/me/2fa")  # a POST without a body needs no type
    for res in (as_text, as_form):
        assert res.status_code == 415
        assert res.json()["detail"] == (
            "Send the request body as JSON, with Content-Type: application/json."
        )
        assert res.headers["x-content-type-options"] == "nosniff"
    assert (as_json.status_code, no_body.status_code) == (201, 200)


def test_an_unexpected_error_answers_a_generic_500_with_the_headers(tmp_path: Path) -> None:
    """The one response no route gives on purpose: a route that raises, added to the real
    app, answers through Starlette's outermost error handler, inside the headers."""
    services = bootstrap(str(tmp_path / "desk.db"))
    app = create_desk_app(services=services)

    def crash() -> None:
        raise RuntimeError("a secret detail that must not reach the client")

    app.add_api_route("/api/crash", crash)
    try:
        with TestClient(app, raise_server_exceptions=False) as http:
            got = http.get("/api/crash")
    finally:
        services.close()
    assert got.status_code == 500
    assert "secret detail" not in got.text
    for name, value in {**EVERY, "cache-control": "no-store"}.items():
        assert got.headers[name] == value, name
