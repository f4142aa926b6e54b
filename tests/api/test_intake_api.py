"""``POST /api/cases/{case}/intake/proposals``: proposals as JSON, nothing stored, bad
input a 422 naming the field. (Who may call it: the access matrix.)"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from support.desk import World

URL = "/api/cases/small/intake/proposals"


def _statements(world: World) -> int:
    with world.desk.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM statements")).scalar_one())


def test_proposals_come_back_with_their_quote_and_nothing_is_stored(desk_client, world):
    before = _statements(world)
    body = {
        "text": "Zelensky accused Russia of shelling the plant. Russia denied it.",
        "article_date": "2022-08-12",
    }
    got = desk_client.post(
        URL, json=body, headers={"Authorization": f"Bearer {world.tokens['analyst']}"}
    )
    assert got.status_code == 200, got.text
    data = got.json()
    assert data["article_date"] == "2022-08-12"
    triples = {(p["party"], p["issue"], p["stance"]) for p in data["proposals"]}
    assert ("UA", None, "allege") in triples
    first = next(p for p in data["proposals"] if p["stance"] == "allege")
    assert first["speaker"] == "zelensky"
    assert first["sentence"].startswith("Zelensky accused Russia")
    assert first["confidence"] is None  # the small case has no trained reader: rules only
    assert _statements(world) == before


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"text": "   ", "article_date": "2022-08-12"}, "text"),
        ({"text": "Russia denied it.", "article_date": "2022-13-01"}, "article_date"),
        ({"text": "x" * 200_001, "article_date": "2022-08-12"}, "text"),
        ({"text": "Russia denied it."}, "article_date"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(desk_client, world, body, where):
    before = _statements(world)
    got = desk_client.post(
        URL, json=body, headers={"Authorization": f"Bearer {world.tokens['analyst']}"}
    )
    assert got.status_code == 422, got.text
    assert where in got.text
    assert "Traceback" not in got.text
    assert _statements(world) == before
