"""The whole desk app (API and web pages on one server): unmatched paths, CSRF on the
API's cookie-signed writes, and ``offramp serve`` serving the pages and printing its URL.
"""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from support.desk import PASSWORD, World
from support.launch import start_server
from support.web import set_session

CSRF = "fixed-csrf-token-for-the-test"
NOTE = {"title": "Draft", "body": "text"}


def signed_in(client: TestClient, world: World, who: str) -> TestClient:
    return set_session(client, world.desk.accounts.sign_in(who, PASSWORD)[1], CSRF)


# -- pages that do not exist ----------------------------------------------------------------


def test_an_unmatched_page_is_the_plain_404_page_of_a_missing_case(
    desk_client: TestClient, world: World
) -> None:
    c = signed_in(desk_client, world, "delegate_ru")
    nowhere = c.get("/no/such/page")
    missing_case = c.get("/cases/no-such-case")
    other_channel = c.get("/cases/small/shuttle/UA")
    assert nowhere.status_code == missing_case.status_code == other_channel.status_code == 404
    assert nowhere.headers["content-type"].startswith("text/html")
    assert 'data-error="not-found"' in nowhere.text and "delegate_ru" in nowhere.text
    assert nowhere.text == missing_case.text == other_channel.text


def test_an_unmatched_page_for_an_anonymous_visitor_is_the_404_page(
    desk_client: TestClient,
) -> None:
    got = desk_client.get("/cases/small/nowhere/at/all")
    assert got.status_code == 404 and 'data-error="not-found"' in got.text
    assert got.headers["cache-control"] == "no-store"


def test_an_unmatched_api_path_is_a_json_problem(desk_client: TestClient) -> None:
    got = desk_client.get("/api/no/such/thing")
    assert got.status_code == 404
    assert got.headers["content-type"].startswith("application/problem+json")
    assert got.json()["detail"] == "No such resource."


# -- CSRF on the API's cookie-signed writes --------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://testserver"},
    ],
    ids=["other-origin", "opaque-origin", "cross-site", "same-site-not-same-origin"],
)
def test_a_cookie_signed_api_write_from_elsewhere_is_refused_and_writes_nothing(
    desk_client: TestClient, world: World, headers: dict[str, str]
) -> None:
    c = signed_in(desk_client, world, "mediator_il")
    before = world.desk.audit.head("small")
    got = c.post("/api/cases/small/notes", json=NOTE, headers=headers)
    assert got.status_code == 403
    assert got.json()["errors"][0]["where"] == "csrf"
    assert world.desk.audit.head("small") == before
    assert world.desk.cases.list_notes(world.actor("mediator_il"), "small") == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
        {"Origin": "http://testserver"},
        {"Sec-Fetch-Site": "none"},
        {},
    ],
    ids=["same-origin", "origin", "typed-by-the-user", "not-a-browser"],
)
def test_a_cookie_signed_api_write_from_this_site_is_accepted(
    desk_client: TestClient, world: World, headers: dict[str, str]
) -> None:
    c = signed_in(desk_client, world, "mediator_il")
    assert c.post("/api/cases/small/notes", json=NOTE, headers=headers).status_code == 201


def test_a_bearer_token_write_needs_no_origin_and_a_cookie_read_is_fine(
    desk_client: TestClient, world: World
) -> None:
    bearer = {"Authorization": f"Bearer {world.tokens['mediator_il']}"}
    assert desk_client.post("/api/cases/small/notes", json=NOTE, headers=bearer).status_code == 201
    c = signed_in(desk_client, world, "mediator_il")
    assert [n["title"] for n in c.get("/api/cases/small/notes").json()] == ["Draft"]


def test_a_statement_is_confirmed_once_and_a_second_confirmation_is_a_409(
    desk_client: TestClient, world: World
) -> None:
    bearer = {"Authorization": f"Bearer {world.tokens['mediator_il']}"}
    path = "/api/cases/small/statements/ua-bloc-free/confirm"
    first = desk_client.post(path, headers=bearer)
    assert first.status_code == 200 and first.json()["confirmed_by"] == "mediator_il"
    head = world.desk.audit.head("small")
    second = desk_client.post(path, headers=bearer)
    assert second.status_code == 409
    assert "already confirmed by mediator_il" in second.json()["detail"]
    assert world.desk.audit.head("small") == head  # no second event


# -- offramp serve ---------------------------------------------------------------------------


def test_serve_prints_its_url_and_serves_the_pages_and_the_api(world: World) -> None:
    world.desk.close()
    server = start_server(world.url)
    try:
        first = server.output().splitlines()[0]
        assert first.strip() == f"offramp desk on {server.url}/ (API at /api, its docs at /docs)"
        with httpx.Client(base_url=server.url) as http:
            assert http.get("/").headers["location"] == "/cases"
            assert http.get("/sign-in").status_code == 200
            assert http.get("/api/health").json() == {"ok": True}
            assert http.get("/nowhere").status_code == 404
    finally:
        server.stop()
