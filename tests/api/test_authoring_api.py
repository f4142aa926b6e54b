"""Authoring a case through the HTTP API alone (issue 15): from an empty desk to a
ripeness verdict, exported, checked by ``offramp check`` and imported back the same."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from offramp.api.app import create_app
from offramp.bootstrap import Services, bootstrap
from offramp.services.accounts import SYSTEM
from support.authoring import COLLECTIONS, EARLY, LATE, RIVER, check_river_export, steps
from support.desk import FAST_HASHER, PASSWORD


class Desk:
    """An empty desk behind the API, with only its first admin (``offramp user add``)."""

    def __init__(self, path: Path) -> None:
        self.services: Services = bootstrap(str(path), hasher=FAST_HASHER)
        admin = self.services.accounts.add_user(SYSTEM, "admin", PASSWORD, admin=True)
        self.admin = {
            "Authorization": f"Bearer {self.services.accounts.create_token(admin, 'admin')}"
        }
        self.http = TestClient(create_app(services=self.services), raise_server_exceptions=False)

    def author(self, name: str, slug: str) -> dict[str, str]:
        """A new user, a mediator of case ``slug``, signed in by token: all through the API."""
        assert (
            self.http.post(
                "/api/users", json={"name": name, "password": PASSWORD}, headers=self.admin
            ).status_code
            == 201
        )
        res = self.http.post(
            f"/api/cases/{slug}/members",
            json={"user": name, "role": "mediator"},
            headers=self.admin,
        )
        assert res.status_code == 201, res.text
        token = self.http.post("/api/tokens", json={"user": name}, headers=self.admin).json()
        return {"Authorization": f"Bearer {token['token']}"}


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    d = Desk(tmp_path / "desk.db")
    yield d
    d.services.close()


def _river(desk: Desk) -> dict[str, str]:
    res = desk.http.post("/api/cases", json=RIVER, headers=desk.admin)
    assert res.status_code == 201, res.text
    assert res.json()["version"] == 1
    return desk.author("mediator", "river")


def test_an_empty_desk_to_a_verdict_through_the_api_exported_checked_and_reimported(
    desk: Desk, tmp_path: Path
) -> None:
    me = _river(desk)
    for kind, record in steps():
        res = desk.http.post(f"/api/cases/river/{COLLECTIONS[kind]}", json=record, headers=me)
        assert res.status_code == 201, (kind, res.text)
    version = int(res.headers["ETag"].strip('"'))
    res = desk.http.put(
        "/api/cases/river/issues/data/options/order",
        json={"order": ["none", "voluntary", "real_time"]},
        headers={**me, "If-Match": f'"{version}"'},
    )
    assert res.status_code == 200, res.text
    verdicts = {
        day: desk.http.get(f"/api/cases/river/analysis?at={day}", headers=me).json()
        for day in (EARLY, LATE)
    }
    assert (verdicts[EARLY]["ripe"], verdicts[LATE]["ripe"]) == (False, True)
    assert verdicts[EARLY]["enlarge"]["chosen"] == ["power"]

    text = desk.http.get("/api/cases/river/export", headers=me).json()["text"]
    check_river_export(text, tmp_path)

    other = Desk(tmp_path / "other.db")  # the file into a second desk, and out again
    try:
        res = other.http.post("/api/cases", json={"text": text}, headers=other.admin)
        assert res.status_code == 201, res.text
        again = other.author("mediator", "river")
        assert other.http.get("/api/cases/river/export", headers=again).json()["text"] == text
        day = date.fromisoformat(EARLY).isoformat()
        there = other.http.get(f"/api/cases/river/analysis?at={day}", headers=again).json()
        assert there["ripeness"] == verdicts[EARLY]["ripeness"]
    finally:
        other.services.close()


def _problem(res: Any) -> list[tuple[str, str]]:
    assert res.headers["content-type"].startswith("application/problem+json")
    return [(e["where"], e["message"]) for e in res.json()["errors"]]


def test_errors_are_problems_naming_the_field(desk: Desk) -> None:
    me = _river(desk)
    issue = {
        "id": "filling",
        "title": "Filling",
        "kind": "security",
        "options": [{"id": "fast", "label": "Fast"}, {"id": "slow", "label": "Slow"}],
    }
    desk.http.post(
        "/api/cases/river/parties", json={"id": "UP", "name": "U", "role": "party"}, headers=me
    )
    desk.http.post("/api/cases/river/issues", json=issue, headers=me)
    bad = {
        "party": "UP",
        "issue": "filling",
        "date": EARLY,
        "ideal": "fast",
        "salience": 0.5,
        "values": {"fast": 1.0, "slow": -0.2},
    }
    res = desk.http.post("/api/cases/river/positions", json=bad, headers=me)
    assert res.status_code == 422
    assert (
        "values.slow",
        "-0.2 is out of range: input should be greater than or equal to 0",
    ) in _problem(res)
    res = desk.http.post("/api/cases/river/issues", json=issue, headers=me)
    assert res.status_code == 422 and _problem(res) == [("id", "duplicate id 'filling'")]
    res = desk.http.post(
        "/api/cases/river/positions",
        json={**bad, "values": {"fast": 1.0, "slow": 0.4}, "statements": ["nope"]},
        headers=me,
    )
    assert _problem(res) == [("statements", "unknown statement 'nope'")]
    res = desk.http.post(
        "/api/cases/river/positions",
        json={**bad, "values": {"fast": 1.0, "slow": 0.4}, "extra": 1},
        headers=me,
    )
    assert res.status_code == 422 and _problem(res)[0][0] == "extra"


def test_a_stale_write_is_409_naming_who_and_nothing_is_overwritten(desk: Desk) -> None:
    me = _river(desk)
    res = desk.http.post(
        "/api/cases/river/parties", json={"id": "UP", "name": "U", "role": "party"}, headers=me
    )
    opened = res.headers["ETag"]
    colleague = desk.author("colleague", "river")
    res = desk.http.patch(
        "/api/cases/river/parties/UP",
        json={"name": "Upland"},
        headers={**colleague, "If-Match": opened},
    )
    assert res.status_code == 200, res.text
    res = desk.http.patch(
        "/api/cases/river/parties/UP", json={"name": "Highland"}, headers={**me, "If-Match": opened}
    )
    assert res.status_code == 409
    assert "changed by colleague since you opened it" in res.json()["detail"]
    draft = desk.http.get("/api/cases/river/draft", headers=me).json()
    assert draft["data"]["parties"][0]["name"] == "Upland"
    res = desk.http.delete(f"/api/cases/river/parties/UP?version={draft['version']}", headers=me)
    assert res.status_code == 200 and res.json()["record"] is None
    res = desk.http.patch("/api/cases/river", json={"title": "Renamed"}, headers=me)
    assert res.status_code == 422 and _problem(res)[0][0] == "version"


def test_positions_added_here_are_edited_by_the_position_route(desk: Desk) -> None:
    me = _river(desk)
    for kind, record in steps()[:16]:  # parties, people, issues, source, statements
        assert desk.http.post(
            f"/api/cases/river/{COLLECTIONS[kind]}", json=record, headers=me
        ).is_success
    position = {"party": "UP", "issue": "filling", "date": EARLY, "ideal": "fast", "salience": 0.4}
    res = desk.http.post("/api/cases/river/positions", json=position, headers=me)
    key = res.json()["key"]
    assert res.json()["position"] == int(key)
    res = desk.http.patch(
        f"/api/cases/river/positions/{key}", json={"version": 1, "salience": 0.6}, headers=me
    )
    assert res.status_code == 200 and res.json()["salience"] == 0.6
    version = desk.http.get("/api/cases/river/draft", headers=me).json()["version"]
    res = desk.http.delete(
        f"/api/cases/river/positions/{key}", headers={**me, "If-Match": str(version)}
    )
    assert res.status_code == 200
    assert desk.http.get("/api/cases/river/positions", headers=me).json() == []


def test_the_openapi_document_gives_each_body_the_case_file_shape(desk: Desk) -> None:
    spec = desk.http.get("/openapi.json").json()
    body = spec["paths"]["/api/cases/{case}/positions"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert {"party", "issue", "date", "ideal", "salience", "values", "version"} <= set(
        schema["properties"]
    )
    assert schema["additionalProperties"] is False
    patch = spec["paths"]["/api/cases/{case}/issues/{issue}"]["patch"]["requestBody"]
    partial = patch["content"]["application/json"]["schema"]
    assert "required" not in partial and "options" in partial["properties"]
    assert "$ref" not in str(partial)  # self-contained: the option kinds inlined
