"""Rounds and private codings over HTTP: the bodies, the problems, and that no GET route
of the whole API answers differently because of a mark outside the overlap or an
unshared coding. (Who may call each route: the access matrix.)"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support.rounds import (
    MEDIATOR,
    P1,
    P2,
    P3,
    P4,
    PACKAGES,
    RU,
    UA,
    ClockedWorld,
    PersonaHttp,
    coding,
    coding_body,
    every_get,
    fresh_desks,
    persona_http,
    read_everything,
)

BASE = "/api/cases/small"


@pytest.fixture
def http(clocked: ClockedWorld) -> Iterator[PersonaHttp]:
    with persona_http(clocked) as h:
        yield h


def test_a_round_over_http_from_opening_to_reveal(http: PersonaHttp) -> None:
    opened = http(MEDIATOR, "POST", f"{BASE}/rounds", {"title": "R1", "packages": PACKAGES})
    assert opened.status_code == 201, opened.text
    r = opened.json()
    assert r["state"] == "open" and r["visibility"] == "sealed"
    assert r["visibility_note"].startswith("Sealed: only your own delegation sees your marks")
    assert r["result"] == "0 of 2 parties have answered."
    url = f"{BASE}/rounds/{r['id']}"
    ua = http(UA, "PUT", f"{url}/marks", {"accepted": ["p2", "p1"]})
    assert ua.status_code == 200 and ua.json()["mine"] == ["p1", "p2"]
    ru_view = http(RU, "GET", url).json()
    assert ru_view["mine"] is None and ru_view["answered"] == ["UA"]
    assert ru_view["visibility_note"] == r["visibility_note"]
    done = http(RU, "PUT", f"{url}/marks", {"accepted": ["p2", "p4"]}).json()
    assert done["state"] == "revealed" and done["overlap"] == ["p2"]
    assert done["result"] == "Marked acceptable by every party: p2."
    med = http(MEDIATOR, "GET", url).json()
    assert (med["overlap"], med["marks"], med["mine"]) == (["p2"], None, None)
    late = http(UA, "PUT", f"{url}/marks", {"accepted": []})
    assert late.status_code == 409 and "revealed" in late.json()["detail"]
    assert [x["id"] for x in http(UA, "GET", f"{BASE}/rounds").json()] == [r["id"]]


def test_a_round_open_to_the_mediator_says_so_to_every_party(http: PersonaHttp) -> None:
    body = {"title": "R2", "packages": [P1, P2], "open_to_mediator": True}
    r = http(MEDIATOR, "POST", f"{BASE}/rounds", body).json()
    for who in (UA, RU):
        got = http(who, "GET", f"{BASE}/rounds/{r['id']}").json()
        assert got["visibility"] == "open_to_mediator"
        assert got["visibility_note"].startswith("Open to the mediator: the mediator sees")
    http(UA, "PUT", f"{BASE}/rounds/{r['id']}/marks", {"accepted": ["p1"]})
    med = http(MEDIATOR, "GET", f"{BASE}/rounds/{r['id']}").json()
    assert med["marks"] == {"UA": ["p1"], "RU": None}


def test_bad_rounds_are_problems_naming_the_field(http: PersonaHttp) -> None:
    bad = http(
        MEDIATOR, "POST", f"{BASE}/rounds", {"title": "x", "packages": [{"alignment": "nato"}]}
    )
    assert bad.status_code == 422
    assert [e["where"] for e in bad.json()["errors"]] == ["packages[0].donbas"]
    naive = http(
        MEDIATOR, "POST", f"{BASE}/rounds",
        {"title": "x", "packages": [P1], "deadline": "2022-03-13T09:00:00"},
    )  # fmt: skip
    assert naive.status_code == 422 and "deadline" in naive.json()["errors"][0]["where"]
    r = http(MEDIATOR, "POST", f"{BASE}/rounds", {"title": "x", "packages": [P1, P3]}).json()
    wrong = http(UA, "PUT", f"{BASE}/rounds/{r['id']}/marks", {"accepted": ["p9"]})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["where"] == "accepted"


def test_the_deadline_passes_on_the_desks_clock(http: PersonaHttp) -> None:
    deadline = (http.w.clock.now() + timedelta(hours=1)).isoformat()
    body = {"title": "R3", "packages": [P1, P4], "deadline": deadline}
    r = http(MEDIATOR, "POST", f"{BASE}/rounds", body).json()
    http.w.clock.advance(timedelta(hours=1))
    got = http(MEDIATOR, "GET", f"{BASE}/rounds/{r['id']}").json()
    assert got["state"] == "expired" and got["overlap"] is None
    assert got["result"].startswith("The deadline passed")
    assert http(UA, "PUT", f"{BASE}/rounds/{r['id']}/marks", {"accepted": []}).status_code == 409


def test_a_coding_over_http_private_then_shared(http: PersonaHttp) -> None:
    put = http(UA, "PUT", f"{BASE}/codings/UA", coding_body(coding("UA")))
    assert put.status_code == 200, put.text
    assert put.json()["version"] == 1 and put.json()["shared"] is False
    hidden = http(MEDIATOR, "GET", f"{BASE}/codings/UA")
    assert hidden.status_code == 404
    assert hidden.json() == http(MEDIATOR, "GET", f"{BASE}/codings/RU").json()
    coded = http(MEDIATOR, "GET", f"{BASE}/analysis/coded").json()
    assert coded["coding"] == {"UA": "mediator", "RU": "mediator"}
    assert http(UA, "POST", f"{BASE}/codings/UA/share").json()["shared"] is True
    seen = http(MEDIATOR, "GET", f"{BASE}/codings/UA").json()
    assert seen["reservation"] == 0.2 and seen["version"] is None
    assert seen["note"] == "UA's own secret note"
    coded = http(MEDIATOR, "GET", f"{BASE}/analysis/coded").json()
    assert coded["coding"] == {"UA": "party", "RU": "mediator"}
    assert coded["reservation"]["UA"] == 0.2
    plain = http(MEDIATOR, "GET", f"{BASE}/analysis/coded?coding=mediator").json()
    assert plain["coding"] == {"UA": "mediator", "RU": "mediator"}
    assert http(UA, "DELETE", f"{BASE}/codings/UA/share").json()["shared"] is False
    assert http(MEDIATOR, "GET", f"{BASE}/codings/UA").status_code == 404
    bad = http(UA, "PUT", f"{BASE}/codings/UA", {**coding_body(coding("UA")), "reservation": 2})
    assert bad.status_code == 422 and bad.json()["errors"][0]["where"] == "reservation"


# -- every GET route of the API, as every reader -----------------------------------------

_PARAMS = {"case": ["small"], "party": ["UA", "RU", "XX"], "channel": ["UA", "RU", "plenary"]}
ROUND_PATHS = [
    f"{BASE}/rounds",
    f"{BASE}/rounds/1",
    f"{BASE}/rounds/2",
    f"{BASE}/audit/events",
    f"{BASE}/events",
]


def test_no_route_shows_an_unshared_coding(
    _templates: dict[str, tuple[str, dict[str, str]]], tmp_path: Path
) -> None:
    seen = []
    for secret, h, start in fresh_desks(_templates, tmp_path, (True, False)):
        if secret:
            h(UA, "PUT", f"{BASE}/codings/UA", coding_body(coding("UA", reservation=0.9)))
        every = every_get(h.client, _PARAMS)
        seen.append(read_everything(h, every, skip=frozenset({UA}), after=start))
    assert len(seen[0]) > 100
    assert seen[0] == seen[1]


def two_rounds(
    templates: dict[str, tuple[str, dict[str, str]]],
    where: Path,
    marks: tuple[list[str], list[str]],
    ru: list[str],
    paths: list[str] | None,
) -> list[dict[str, Any]]:
    """A sealed round on two fresh desks where UA marks ``marks[0]``, then ``marks[1]``."""
    seen = []
    for ua, h, start in fresh_desks(templates, where, marks):
        r = h(MEDIATOR, "POST", f"{BASE}/rounds", {"title": "R", "packages": PACKAGES})
        url = f"{BASE}/rounds/{r.json()['id']}/marks"
        h(UA, "PUT", url, {"accepted": ua})
        h(RU, "PUT", url, {"accepted": ru})
        # sealed and revealed: nobody keeps marks, so every member reads alike
        read = paths or every_get(h.client, _PARAMS)
        seen.append(read_everything(h, read, skip=frozenset(), after=start))
    return seen


def test_no_route_shows_a_mark_outside_the_overlap(
    _templates: dict[str, tuple[str, dict[str, str]]], tmp_path: Path
) -> None:
    one, two = two_rounds(_templates, tmp_path, (["p2"], ["p1", "p2", "p3"]), ["p2", "p4"], None)
    assert len(one) > 100
    assert one == two
    assert '"overlap":["p2"]' in one[f"{MEDIATOR} {BASE}/rounds/1"][1]


@settings(max_examples=10)
@given(
    ru=st.lists(st.sampled_from(["p1", "p2", "p3", "p4"]), unique=True),
    extra=st.lists(st.sampled_from(["p1", "p2", "p3", "p4"]), unique=True),
)
def test_the_rounds_routes_answer_as_a_function_of_the_overlap(
    _templates: dict[str, tuple[str, dict[str, str]]],
    tmp_path_factory: pytest.TempPathFactory,
    ru: list[str],
    extra: list[str],
) -> None:
    """UA marks the overlap with RU's marks, or that plus ``extra`` packages RU did not."""
    common = [k for k in ["p2", "p3"] if k in ru]
    outside = [k for k in extra if k not in ru]
    where = Path(tmp_path_factory.mktemp("routes"))
    one, two = two_rounds(_templates, where, (common, common + outside), ru, ROUND_PATHS)
    assert one == two
