"""The precedent routes over HTTP: search and its pages, one precedent, matches for a
case's issues, links made and removed, tabled proposals carrying the links on their
options, RFC 9457 problems, and that no GET route of the whole API answers any member
outside the mediator's team differently because of a link on an untabled option.
(Who may call each route: the access matrix.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from offramp.files.precedents import builtin_library
from support.rounds import (
    MEDIATOR,
    RU,
    UA,
    ClockedWorld,
    PersonaHttp,
    every_get,
    fresh_desks,
    persona_http,
    read_everything,
)

BASE = "/api/cases/small"
NEUTRAL = {"issue": "alignment", "option": "neutral", "precedent": "austria-1955"}


@pytest.fixture
def http(clocked: ClockedWorld) -> Iterator[PersonaHttp]:
    with persona_http(clocked) as h:
        yield h


def _problem(res: Any, status: int) -> dict[str, Any]:
    assert res.status_code == status, res.text
    assert res.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = res.json()
    assert body["status"] == status and body["errors"]
    return body


# -- the library --------------------------------------------------------------------


def test_search_pages_through_every_match_in_date_order(http: PersonaHttp) -> None:
    first = http(UA, "GET", "/api/precedents?limit=5").json()
    assert first["total"] == len(builtin_library()) and first["limit"] == 5
    ids: list[str] = []
    for offset in range(0, first["total"], 20):
        page = http(UA, "GET", f"/api/precedents?offset={offset}&limit=20").json()
        ids += [p["id"] for p in page["precedents"]]
    assert ids == [p.id for p in builtin_library()]
    assert [p["id"] for p in first["precedents"]] == ids[:5]
    past = http(UA, "GET", "/api/precedents?offset=1000").json()
    assert past["precedents"] == [] and past["total"] == first["total"]


def test_search_filters_by_kind_party_dates_and_keyword(http: PersonaHttp) -> None:
    q = "/api/precedents?kind=neutrality_alignment&party=RU&from=1950-01-01&to=1999-12-31"
    got = http(UA, "GET", q + "&limit=200").json()["precedents"]
    assert "austria-1955" in [p["id"] for p in got]  # the Soviet Union, continued by RU
    for p in got:
        assert "neutrality_alignment" in p["kinds"]
        assert "1950-01-01" <= p["date"] <= "1999-12-31"
        assert any(x["id"] in ("RU", "SU") or "RU" in x["continued_by"] for x in p["parties"])
    words = http(UA, "GET", "/api/precedents?keyword=permanent%20neutrality").json()
    assert words["total"] >= 1
    assert all("permanent" in str(p).lower() for p in words["precedents"])


def test_bad_search_queries_are_problems_naming_the_field(http: PersonaHttp) -> None:
    body = _problem(http(UA, "GET", "/api/precedents?kind=treaty"), 422)
    assert body["errors"][0]["where"] == "query.kind"
    body = _problem(http(UA, "GET", "/api/precedents?from=2000-01-01&to=1999-01-01"), 422)
    assert body["errors"][0]["where"] == "to"
    _problem(http(UA, "GET", "/api/precedents?from=yesterday"), 422)
    _problem(http.client.get("/api/precedents"), 401)


def test_one_precedent_with_its_provisions_and_sources(http: PersonaHttp) -> None:
    p = http(RU, "GET", "/api/precedents/austria-1955").json()
    assert p["name"].startswith("Austrian State Treaty")
    assert "permanent-neutrality" in [x["id"] for x in p["provisions"]]
    assert p["sources"] and p["held_up"]["outcome"] in ("held", "partly_held", "broken", "ended")
    missing = _problem(http(RU, "GET", "/api/precedents/no-such-thing"), 404)
    assert missing["detail"] == "No such precedent."


def test_matches_for_every_issue_with_their_reasons(http: PersonaHttp) -> None:
    got = http(UA, "GET", f"{BASE}/precedent-matches?limit=2").json()
    assert [m["issue"] for m in got] == ["alignment", "donbas"]
    assert all(1 <= len(m["matches"]) <= 2 for m in got)
    top = got[1]["matches"][0]
    assert top["precedent"] == "minsk-ii-2015" and "donetsk" in top["words"]
    one = http(UA, "GET", f"{BASE}/precedent-matches?issue=alignment").json()
    assert [m["issue"] for m in one] == ["alignment"]
    body = _problem(http(UA, "GET", f"{BASE}/precedent-matches?issue=nope"), 422)
    assert body["errors"][0]["where"] == "issue"


# -- links ----------------------------------------------------------------------------


def test_a_link_made_read_and_removed(http: PersonaHttp) -> None:
    made = http(MEDIATOR, "POST", f"{BASE}/precedent-links", {**NEUTRAL, "note": "art. 1"})
    assert made.status_code == 201, made.text
    link = made.json()
    assert (link["note"], link["created_by"], link["missing"]) == ("art. 1", MEDIATOR, "")
    assert link["library"]["name"].startswith("Austrian State Treaty")
    assert link["provision"] is None and link["library"]["provision_text"] is None
    url = f"{BASE}/precedent-links/{link['id']}"
    assert http(MEDIATOR, "GET", url).json() == link
    assert http(MEDIATOR, "GET", f"{BASE}/precedent-links?option=neutral").json() == [link]
    assert http(MEDIATOR, "GET", f"{BASE}/precedent-links?option=nato").json() == []
    _problem(http(MEDIATOR, "POST", f"{BASE}/precedent-links", NEUTRAL), 409)
    _problem(http(MEDIATOR, "DELETE", f"{url}?version=2"), 409)
    gone = http(MEDIATOR, "DELETE", f"{url}?version=1")
    assert gone.status_code == 204 and gone.content == b""
    assert _problem(http(MEDIATOR, "GET", url), 404)["detail"] == "No such precedent link."
    assert http(MEDIATOR, "GET", f"{BASE}/precedent-links").json() == []


def test_a_bad_link_lists_every_problem(http: PersonaHttp) -> None:
    bad = {"issue": "alignment", "option": "nope", "precedent": "no-such", "provision": "x"}
    body = _problem(http(MEDIATOR, "POST", f"{BASE}/precedent-links", bad), 422)
    assert [e["where"] for e in body["errors"]] == ["option", "precedent"]
    extra = _problem(http(MEDIATOR, "POST", f"{BASE}/precedent-links", {**NEUTRAL, "x": 1}), 422)
    assert extra["errors"][0]["where"] == "body.x"
    denied = _problem(http(UA, "POST", f"{BASE}/precedent-links", NEUTRAL), 403)
    assert denied["errors"][0]["where"] == "precedent.link"


def test_a_tabled_proposal_shows_its_links_to_the_parties_it_is_tabled_to(
    http: PersonaHttp,
) -> None:
    link = http(MEDIATOR, "POST", f"{BASE}/precedent-links", {**NEUTRAL, "note": "ours"}).json()
    other = {"issue": "donbas", "option": "autonomy", "precedent": "south-tyrol-1946"}
    hidden = http(MEDIATOR, "POST", f"{BASE}/precedent-links", other).json()
    tabled = http(
        MEDIATOR,
        "POST",
        f"{BASE}/proposals",
        {
            "title": "Neutral",
            "package": {"alignment": "neutral", "donbas": "ukraine"},
            "parties": ["UA"],
        },
    ).json()
    assert [x["id"] for x in tabled["precedents"]] == [link["id"]]
    assert tabled["precedents"][0]["note"] == "ours"
    url = f"{BASE}/proposals/{tabled['id']}"
    seen = http(UA, "GET", url).json()["precedents"]
    assert [x["id"] for x in seen] == [link["id"]]
    assert (seen[0]["note"], seen[0]["created_by"]) == (None, None)
    assert seen[0]["library"]["name"].startswith("Austrian State Treaty")
    listed = http(UA, "GET", f"{BASE}/proposals").json()
    assert [[x["id"] for x in p["precedents"]] for p in listed] == [[link["id"]]]
    answered = http(UA, "POST", f"{url}/response", {"response": "accepted"}).json()
    assert [x["id"] for x in answered["precedents"]] == [link["id"]]
    assert _problem(http(RU, "GET", url), 404)  # not tabled to RU: neither it nor its links
    assert http(RU, "GET", f"{BASE}/precedent-links").json() == []
    assert http(UA, "GET", f"{BASE}/precedent-links").json() == seen
    ua_hidden = http(UA, "GET", f"{BASE}/precedent-links/{hidden['id']}")
    assert ua_hidden.json() == http(UA, "GET", f"{BASE}/precedent-links/999999").json()


def test_the_routes_are_documented_with_problem_responses(http: PersonaHttp) -> None:
    spec = http.client.get("/openapi.json").json()
    paths = spec["paths"]
    for path, method in [
        ("/api/precedents", "get"),
        ("/api/precedents/{precedent}", "get"),
        ("/api/cases/{case}/precedent-matches", "get"),
        ("/api/cases/{case}/precedent-links", "get"),
        ("/api/cases/{case}/precedent-links", "post"),
        ("/api/cases/{case}/precedent-links/{link}", "get"),
        ("/api/cases/{case}/precedent-links/{link}", "delete"),
    ]:
        op = paths[path][method]
        assert op["tags"] == ["precedents"] and op["description"]
        assert "application/problem+json" in op["responses"]["404"]["content"]
    names = {p["name"] for p in paths["/api/precedents"]["get"]["parameters"]}
    assert names == {"kind", "party", "from", "to", "keyword", "offset", "limit"}
    proposal = spec["components"]["schemas"]["ProposalOut"]["properties"]
    assert "precedents" in proposal


# -- no route shows an untabled link --------------------------------------------------

_PARAMS = {
    "case": ["small"],
    "party": ["UA", "RU"],
    "channel": ["UA", "RU", "plenary"],
    "link": ["1", "2", "3"],
    "precedent": ["austria-1955"],
}


def test_no_route_shows_a_link_on_an_untabled_option(
    _templates: dict[str, tuple[str, dict[str, str]]], tmp_path: Path
) -> None:
    seen = []
    for untabled, h, start in fresh_desks(_templates, tmp_path, (False, True)):
        package = {"alignment": "neutral", "donbas": "ukraine"}
        h(MEDIATOR, "POST", f"{BASE}/proposals", {"title": "P", "package": package})
        made = h(MEDIATOR, "POST", f"{BASE}/precedent-links", {**NEUTRAL, "note": "n"})
        assert made.status_code == 201
        if untabled:
            for option, precedent in (("autonomy", "south-tyrol-1946"), ("russia", "kosovo-1999")):
                body = {"issue": "donbas", "option": option, "precedent": precedent}
                assert h(MEDIATOR, "POST", f"{BASE}/precedent-links", body).status_code == 201
        every = every_get(h.client, _PARAMS)
        seen.append(read_everything(h, every, skip=frozenset({MEDIATOR}), after=start))
    assert len(seen[0]) > 100
    assert seen[0] == seen[1]
    ua_links = seen[0][f"{UA} {BASE}/precedent-links"]
    assert ua_links[0] == 200 and '"precedent":"austria-1955"' in ua_links[1]
