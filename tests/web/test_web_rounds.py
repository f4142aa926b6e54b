"""Secret rounds on the web desk (issue 15), in process on the real services: the
mediator opens a round through the form, each delegation marks in private, and the
result page shows the overlap and nothing else.

The rule under test: what the mediator (of a sealed round) and the other delegation
read is a function of the overlap alone, byte for byte; a round open to the mediator
shows the marks to the mediator only; a closed or expired round refuses marks with a
message that says why; a bad form names the field and stores nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from support.desk import query
from support.rounds import (
    MEDIATOR,
    P1,
    P2,
    P3,
    P4,
    RU,
    UA,
    ClockedWorld,
    WorldMaker,
    clocked_fixture,  # noqa: F401 (the fixture "clocked")
)
from support.web_client import WebDesk, visible_text, web_desk

ROUNDS = "/cases/small/rounds"


@pytest.fixture
def web(clocked: ClockedWorld) -> Iterator[WebDesk]:
    with web_desk(clocked) as w:
        yield w


def typed_form(*packages: dict[str, str], **extra: str) -> dict[str, object]:
    form: dict[str, object] = {
        "title": "Round one",
        "source": "typed",
        "kind": "sealed",
        "parties": ["UA", "RU"],
        "deadline": "",
    }
    for k, p in enumerate(packages, start=1):
        form.update({f"p{k}_{issue}": option for issue, option in p.items()})
    form.update(extra)
    return form


def open_round(web: WebDesk, *packages: dict[str, str], **extra: str) -> int:
    res = web.as_(MEDIATOR).post(ROUNDS, typed_form(*packages, **extra))
    assert res.status_code == 303, visible_text(res.text)[:600]
    assert res.headers["location"] == f"{ROUNDS}?done=opened"
    return max(r.id for r in web.world.desk.rounds.list_rounds(web.world.actor(MEDIATOR), "small"))


def mark(web: WebDesk, persona: str, round_id: int, *keys: str) -> None:
    res = web.as_(persona).post(f"{ROUNDS}/{round_id}/marks", {"accepted": list(keys)})
    assert res.status_code == 303, visible_text(res.text)[:600]


def page(web: WebDesk, persona: str, path: str) -> str:
    res = web.as_(persona).get(path)
    assert res.status_code == 200, path
    return res.text


def test_the_mediator_opens_a_round_and_every_party_is_told_its_kind(web: WebDesk) -> None:
    rid = open_round(web, P1, P2, P3)
    listing = visible_text(page(web, MEDIATOR, ROUNDS))
    assert "Round one" in listing
    assert "Open: waiting for 2 of 2 delegations (Ukraine and Russia)." in listing
    told = {
        UA: "Sealed: only your own delegation sees your marks",
        RU: "Sealed: only your own delegation sees your marks",
        MEDIATOR: "Sealed: you see only the packages every party marked",
    }
    for who, kind in told.items():
        text = visible_text(page(web, who, f"{ROUNDS}/{rid}"))
        assert kind in text
        # packages in the case's words, never by id
        assert "Package 1" in text and "Alignment: Neutral like Austria" in text
        assert "Donetsk and Luhansk: Autonomy" in text
        assert "neutral" not in text.replace("Neutral", "") and "p1" not in text
    assert 'name="accepted"' in page(web, UA, f"{ROUNDS}/{rid}")
    assert 'name="accepted"' not in page(web, MEDIATOR, f"{ROUNDS}/{rid}")


def test_the_result_page_reveals_only_the_packages_every_party_marked(web: WebDesk) -> None:
    rid = open_round(web, P1, P2, P3, P4)
    mark(web, UA, rid, "p1", "p2", "p3")
    ua_open = visible_text(page(web, UA, f"{ROUNDS}/{rid}"))
    assert "Your delegation marked as acceptable: Package 1, Package 2, Package 3." in ua_open
    assert "Open: waiting for 1 of 2 delegations (Russia). Ukraine has answered." in ua_open
    mark(web, RU, rid, "p2", "p4")
    for who in (MEDIATOR, UA, RU):
        html = page(web, who, f"{ROUNDS}/{rid}")
        text = visible_text(html)
        assert "Marked acceptable by every party: Package 2." in text
        assert "Closed: every delegation it was addressed to answered" in text
        assert [k for k in ("p1", "p2", "p3", "p4") if f'data-overlap="{k}"' in html] == ["p2"]
        assert "marks (this round is open to the mediator)" not in text
        assert "Bloc-free constitution" in text  # the overlap's package, in words


def test_no_overlap_says_so(web: WebDesk) -> None:
    rid = open_round(web, P1, P3)
    mark(web, UA, rid, "p2")
    mark(web, RU, rid, "p1")
    text = visible_text(page(web, MEDIATOR, f"{ROUNDS}/{rid}"))
    assert "No package was marked acceptable by every party." in text


def scenario(
    maker: WorldMaker, ua_marks: tuple[str, ...], ru_marks: tuple[str, ...]
) -> dict[str, str]:
    """Every page a reader other than the marking party reads, after UA and RU mark."""
    world = maker.make()
    with web_desk(world) as web:
        rid = open_round(web, P1, P2, P3, P4)
        mark(web, UA, rid, *ua_marks)
        half = {
            "med-open": page(web, MEDIATOR, f"{ROUNDS}/{rid}"),
            "ru-open": page(web, RU, f"{ROUNDS}/{rid}"),
        }
        half["med-list"] = page(web, MEDIATOR, ROUNDS)
        mark(web, RU, rid, *ru_marks)
        return {
            **half,
            "med-done": page(web, MEDIATOR, f"{ROUNDS}/{rid}"),
            "med-list-done": page(web, MEDIATOR, ROUNDS),
        }


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((("p1", "p2"), ("p2",)), (("p2", "p3", "p4"), ("p2", "p1"))),
        ((("p1",), ("p2",)), (("p3", "p4"), ())),
    ],
)
def test_the_mediator_of_a_sealed_round_reads_the_same_bytes_whatever_was_marked_outside_the_overlap(
    _templates: dict[str, tuple[str, dict[str, str]]],
    tmp_path: Path,
    a: tuple[tuple[str, ...], tuple[str, ...]],
    b: tuple[tuple[str, ...], tuple[str, ...]],
) -> None:
    """Same overlap, different marks outside it: the mediator's pages and Russia's page
    of the open round are identical (Russia reads them before it marks)."""
    maker = WorldMaker(_templates, tmp_path)
    try:
        first, second = scenario(maker, *a), scenario(maker, *b)
    finally:
        maker.close()
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], name


def test_a_round_open_to_the_mediator_shows_the_marks_to_the_mediator_only(web: WebDesk) -> None:
    rid = open_round(web, P1, P2, P3, kind="open_to_mediator")
    mark(web, UA, rid, "p1", "p3")
    med = visible_text(page(web, MEDIATOR, f"{ROUNDS}/{rid}"))
    assert "Open to the mediator: you see each party's marks" in med
    assert "Ukraine: Package 1, Package 3" in med
    assert "Russia: not answered yet" in med
    ru = visible_text(page(web, RU, f"{ROUNDS}/{rid}"))
    assert "Open to the mediator" in ru  # Russia is told the kind of round
    assert "Package 1, Package 3" not in ru and "Each party's marks" not in ru


def test_a_closed_round_refuses_marks_with_a_clear_message(web: WebDesk) -> None:
    rid = open_round(web, P1, P2)
    mark(web, UA, rid, "p1")
    mark(web, RU, rid, "p1")
    res = web.as_(UA).post(f"{ROUNDS}/{rid}/marks", {"accepted": ["p2"]})
    assert res.status_code == 409
    text = visible_text(res.text)
    assert f"Round {rid} is revealed; it takes no more marks." in text
    assert "Marked acceptable by every party: Package 1." in text
    assert 'name="accepted"' not in res.text


def test_an_expired_round_refuses_marks_and_reveals_nothing(web: WebDesk) -> None:
    deadline = (web.world.clock.now() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%MZ")
    rid = open_round(web, P1, P2, deadline=deadline)
    assert "Deadline: 12 March 2022, 11:00 UTC." in visible_text(page(web, UA, f"{ROUNDS}/{rid}"))
    # Ukraine's form was opened before the deadline; it is sent after
    mark(web, UA, rid, "p1")
    web.world.clock.advance(timedelta(hours=3))
    web.sessions.clear()  # 3 hours unused: every session idled out (ASVS 3.3.2)
    res = web.as_(RU).post(f"{ROUNDS}/{rid}/marks", {"accepted": ["p1"]})
    assert res.status_code == 409
    text = visible_text(res.text)
    assert f"Round {rid} expired at its deadline; it takes no more marks." in text
    assert "Deadline passed on 12 March 2022, 11:00 UTC before every delegation answered" in text
    assert "Nothing is revealed" in text and "Marked acceptable" not in text
    listing = visible_text(page(web, MEDIATOR, ROUNDS))
    assert "Deadline passed" in listing


def test_a_partial_package_row_names_the_row_and_issue_and_stores_nothing(web: WebDesk) -> None:
    before = query(web.world.url, "SELECT count(*) FROM rounds")
    res = web.as_(MEDIATOR).post(ROUNDS, typed_form(P1, {"alignment": "nato"}))
    assert res.status_code == 422
    text = visible_text(res.text)
    assert "package row 2, Donetsk and Luhansk: a package names every issue on the table" in text
    assert 'value="Round one"' in res.text  # the form comes back filled in
    assert query(web.world.url, "SELECT count(*) FROM rounds") == before


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"title": ""}, "title: title is required"),
        ({"parties": []}, "parties: tick the delegations the round goes to"),
        ({"parties": ["UA"]}, "parties: a round goes to two or more parties"),
        ({"deadline": "tomorrow"}, "deadline: 'tomorrow' is not a date and time"),
        ({"deadline": "2022-03-01T09:00Z"}, "deadline: the deadline must be in the future"),
        ({"kind": "loud"}, "kind: choose a sealed round or one open to the mediator"),
        ({"source": "hat"}, "source: choose where the round's packages come from"),
    ],
)
def test_bad_round_forms_name_the_field(
    web: WebDesk, form: dict[str, object], message: str
) -> None:
    res = web.as_(MEDIATOR).post(ROUNDS, {**typed_form(P1), **form})
    assert res.status_code == 422
    assert message in visible_text(res.text)
    assert query(web.world.url, "SELECT count(*) FROM rounds") == [(0,)]


def test_a_round_on_the_bargaining_solutions_names_where_each_package_came_from(
    web: WebDesk,
) -> None:
    res = web.as_(MEDIATOR).post(
        ROUNDS, {**typed_form(), "source": "solutions", "at": "2022-03-01"}
    )
    assert res.status_code == 303, visible_text(res.text)[:600]
    got = web.world.desk.rounds.list_rounds(web.world.actor(MEDIATOR), "small")[0]
    text = visible_text(page(web, UA, f"{ROUNDS}/{got.id}"))
    assert "(the Nash bargaining package)" in text
    assert len(got.packages) >= 1 and f"Package {len(got.packages)}" in text


def test_who_is_not_addressed_or_may_not_read_rounds_gets_the_plain_404(web: WebDesk) -> None:
    rid = open_round(web, P1, P2)
    for who in ("facilitator_de", "observer_us", "analyst", "desk_officer"):
        assert web.as_(who).get(ROUNDS).status_code == 404
        assert web.as_(who).get(f"{ROUNDS}/{rid}").status_code == 404
    res = web.as_(MEDIATOR).post(f"{ROUNDS}/{rid}/marks", {"accepted": ["p1"]})
    assert res.status_code == 403 and "round.mark" in res.text
