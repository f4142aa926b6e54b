"""A delegation's private coding on the web desk (issue 15), in process on the real
services: written on sliders, visible to its delegation only, shared with the mediator
and unshared by explicit acts, and the deal space computed on it says so.

The rule under test: until Ukraine shares its coding, every page the mediator and
Russia read is byte for byte the page of a desk where Ukraine has no coding at all
(no number, note, count or error differs).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from offramp.model.codings import Coding
from support.desk import query
from support.rounds import MEDIATOR, RU, UA, ClockedWorld, WorldMaker, clocked_fixture, coding
from support.web_client import WebDesk, visible_text, web_desk

__all__ = ["clocked_fixture"]
C = "/cases/small"
NOTE = "Ukraine would live with autonomy, secretly"


@pytest.fixture
def web(clocked: ClockedWorld) -> Iterator[WebDesk]:
    with web_desk(clocked) as w:
        yield w


def form_of(c: Coding, note: str = NOTE, version: int | None = None) -> dict[str, str]:
    form = {"reservation": f"{c.reservation:.2f}", "note": note}
    for ic in c.issues:
        form[f"salience_{ic.issue}"] = f"{ic.salience:.2f}"
        form.update({f"value_{ic.issue}_{o}": f"{v:.2f}" for o, v in ic.values.items()})
    form["version"] = "" if version is None else str(version)
    return form


def save(web: WebDesk, form: dict[str, str]) -> None:
    res = web.as_(UA).post(f"{C}/codings/UA", form)
    assert res.status_code == 303, visible_text(res.text)[:500]


def text_of(web: WebDesk, persona: str, path: str, status: int = 200) -> str:
    res = web.as_(persona).get(path)
    assert res.status_code == status, (persona, path, res.status_code)
    return res.text


def test_a_delegation_codes_its_party_on_sliders_and_reads_it_back(web: WebDesk) -> None:
    blank = text_of(web, UA, f"{C}/codings/UA")
    assert 'type="range"' in blank and "has not coded" not in blank
    assert "Visible to your delegation only" in visible_text(blank)
    save(web, form_of(coding("UA", reservation=0.35)))
    html = text_of(web, UA, f"{C}/codings/UA?done=saved")
    text = visible_text(html)
    assert "Your delegation's coding is saved." in text
    assert 'name="reservation" min="0" max="1" step="0.01" value="0.35"' in html
    assert 'name="value_alignment_bloc_free" min="0" max="1" step="0.01" value="0.90"' in html
    assert NOTE in text and "Last saved 12 March 2022, 09:00 UTC by delegate_ua." in text
    assert 'name="version" value="1"' in html
    assert "Share with the mediator" in text
    assert '<script src="/static/coding.js" defer></script>' in html  # no inline script


PAGES = (
    "",
    "/deal-space",
    "/deal-space?coding=party",
    "/deal-space?coding=mediator&at=2022-03-01",
    "/shuttle",
    "/rounds",
    "/codings",
    "/codings/UA",
    "/codings/RU",
    "/codings/XX",
    "/audit",
)


def pages_read(maker: WorldMaker, *, ua_codes: bool) -> dict[tuple[str, str], tuple[int, str]]:
    """Every page the mediator and Russia read, after Ukraine did or did not write (and
    re-write) a coding it never shared."""
    world = maker.make()
    with web_desk(world) as web:
        web.as_(UA).get(f"{C}/codings/UA")  # Ukraine opens the page in both worlds
        if ua_codes:
            save(web, form_of(coding("UA")))
            save(web, form_of(coding("UA", reservation=0.6), version=1))
        out = {}
        for persona in (MEDIATOR, RU):
            for path in PAGES:
                res = web.as_(persona).get(C + path)
                out[(persona, path)] = (res.status_code, res.text)
        return out


def test_an_unshared_coding_changes_no_byte_of_any_page_the_mediator_or_russia_reads(
    _templates: dict[str, tuple[str, dict[str, str]]], tmp_path: Path
) -> None:
    maker = WorldMaker(_templates, tmp_path)
    try:
        coded, uncoded = pages_read(maker, ua_codes=True), pages_read(maker, ua_codes=False)
    finally:
        maker.close()
    assert coded.keys() == uncoded.keys()
    for key, got in coded.items():
        assert got == uncoded[key], f"{key} differs when Ukraine has an unshared coding"
        assert NOTE not in got[1], key
    assert coded[(MEDIATOR, "/codings/UA")][0] == 404
    assert coded[(MEDIATOR, "/codings/UA")] == coded[(MEDIATOR, "/codings/XX")]
    assert coded[(RU, "/codings/UA")] == coded[(RU, "/codings/XX")]
    party = visible_text(coded[(MEDIATOR, "/deal-space?coding=party")][1])
    assert "Ukraine: the mediator's coding (no coding of its own is shared with you)." in party


def test_sharing_and_stopping_are_explicit_and_audited(web: WebDesk) -> None:
    save(web, form_of(coding("UA", reservation=0.35)))
    res = web.as_(UA).post(f"{C}/codings/UA/share")
    assert res.status_code == 303 and res.headers["location"].endswith("done=shared")
    med = visible_text(text_of(web, MEDIATOR, f"{C}/codings/UA"))
    assert "Ukraine's delegation shares this coding with the mediator's team" in med
    assert "No-deal value (0 the worst, 1 the best): 0.35" in med and NOTE in med
    listing = visible_text(text_of(web, MEDIATOR, f"{C}/codings"))
    assert "Ukraine's own coding, shared 12 March 2022, 09:00 UTC by delegate_ua" in listing
    dealt = visible_text(text_of(web, MEDIATOR, f"{C}/deal-space?coding=party"))
    assert "Ukraine: its own coding." in dealt
    assert "Russia: the mediator's coding (no coding of its own is shared with you)." in dealt
    # Russia still sees nothing of it
    assert text_of(web, RU, f"{C}/codings/UA", 404) == text_of(web, RU, f"{C}/codings/XX", 404)
    res = web.as_(UA).post(f"{C}/codings/UA/stop-sharing")
    assert res.status_code == 303 and res.headers["location"].endswith("done=unshared")
    assert text_of(web, MEDIATOR, f"{C}/codings/UA", 404) == text_of(
        web, MEDIATOR, f"{C}/codings/XX", 404
    )
    actions = [
        r[0]
        for r in query(
            web.world.url,
            "SELECT action FROM audit_events WHERE chain = 'small'"
            " AND substr(action, 1, 7) = 'coding.' ORDER BY seq",
        )
    ]
    assert actions == ["coding.share", "coding.revoke"]


def test_the_deal_space_says_which_coding_it_was_computed_on(web: WebDesk) -> None:
    default = visible_text(text_of(web, MEDIATOR, f"{C}/deal-space"))
    assert "Computed on the mediator's coding of every party." in default
    bad = web.as_(MEDIATOR).get(f"{C}/deal-space?coding=mine")
    assert bad.status_code == 422
    assert "coding: choose the mediator's coding or each party's own" in visible_text(bad.text)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "salience_alignment",
            "2",
            "Alignment, how much it matters: 2 is not a number from 0 to 1",
        ),
        ("value_donbas_autonomy", "lots", "Donetsk and Luhansk, Autonomy: 'lots' is not a number"),
        ("reservation", "", "no-deal value: 'nothing' is not a number from 0 to 1"),
    ],
)
def test_a_bad_slider_value_names_the_field_and_stores_nothing(
    web: WebDesk, field: str, value: str, message: str
) -> None:
    res = web.as_(UA).post(f"{C}/codings/UA", {**form_of(coding("UA")), field: value})
    assert res.status_code == 422
    assert message in visible_text(res.text)
    assert query(web.world.url, "SELECT count(*) FROM codings") == [(0,)]


def test_a_stale_coding_form_is_refused_with_a_clear_message(web: WebDesk) -> None:
    save(web, form_of(coding("UA")))
    save(web, form_of(coding("UA", reservation=0.5), version=1))
    res = web.as_(UA).post(f"{C}/codings/UA", form_of(coding("UA", reservation=0.9), version=1))
    assert res.status_code == 409
    assert "The coding of UA is at version 2; reload it." in visible_text(res.text)
    got = web.world.desk.codings.get_coding(web.world.actor(UA), "small", "UA")
    assert got.coding.reservation == 0.5


@pytest.mark.parametrize(
    ("persona", "path", "action"),
    [
        (RU, "/codings/UA", "coding.write"),
        (MEDIATOR, "/codings/UA", "coding.write"),
        (RU, "/codings/UA/share", "coding.share"),
        (MEDIATOR, "/codings/UA/share", "coding.share"),
        (MEDIATOR, "/codings/UA/stop-sharing", "coding.share"),
    ],
)
def test_who_is_not_the_delegation_is_refused_on_the_action_alone(
    web: WebDesk, persona: str, path: str, action: str
) -> None:
    """The same 403 whether or not Ukraine has a coding: nothing stored is read first."""
    before = web.as_(persona).post(C + path, form_of(coding("UA")))
    save(web, form_of(coding("UA")))
    after = web.as_(persona).post(C + path, form_of(coding("UA", reservation=0.7), version=1))
    for res in (before, after):
        assert res.status_code == 403 and action in res.text
    assert before.text == after.text
