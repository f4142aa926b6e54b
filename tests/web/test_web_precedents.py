"""The precedents pages (web/precedents.py) and the links shown beside options, in-process
(TestClient) on the example case as ``offramp demo`` seeds it: the "March framework",
{alignment: neutral_austria, ...}, is tabled to UA and RU.

What the library page lists is checked against the model's own search; what a link form
stored is read back through the services; who sees a link is checked on every page
that shows options (the shuttle's tabled packages, the deal space, the case's page).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from offramp.bootstrap import Services, bootstrap
from offramp.demo import CASE, USERS, seed
from offramp.model.precedent_search import search
from offramp.model.precedents import ProvisionKind
from offramp.server import create_desk_app
from support.desk import FAST_HASHER

PASSWORD = "precedents-password"
CSRF = "precedents-csrf"
PAGE = f"/cases/{CASE}/precedents"
LINKS = f"/cases/{CASE}/precedent-links"
AUSTRIA = {"option": "alignment/neutral_austria", "precedent": "austria-1955/permanent-neutrality"}
CUBA = {"option": "missile_placement/mutual_limits", "precedent": "cuba-1962"}  # untabled
NOTE = "The team reads article 1 as the model."


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("precedents-web") / "desk.db"
    with closing(bootstrap(str(path), hasher=FAST_HASHER)) as desk:
        seed(desk, {u.name: PASSWORD for u in USERS})
    return path


@dataclass
class Web:
    desk: Services
    http: TestClient

    def as_(self, name: str) -> Web:
        self.http.cookies.clear()
        self.http.cookies.set("offramp_csrf", CSRF)
        self.http.cookies.set("offramp_session", self.desk.accounts.sign_in(name, PASSWORD)[1])
        return self

    def get(self, path: str) -> str:
        got = self.http.get(path)
        assert got.status_code == 200, (path, got.status_code)
        return got.text

    def post(self, path: str, form: dict[str, str]) -> tuple[int, str]:
        got = self.http.post(path, data={**form, "csrf_token": CSRF})
        return got.status_code, got.headers.get("location") or got.text

    def links(self, name: str = "mediator") -> list[tuple[str, str, str, str | None]]:
        views = self.desk.precedents.list_links(self.desk.accounts.get_actor(name), CASE)
        return [(v.link.issue, v.link.option, v.link.precedent, v.link.provision) for v in views]


@pytest.fixture
def web(seeded: Path, tmp_path: Path) -> Iterator[Web]:
    target = tmp_path / "desk.db"
    shutil.copyfile(seeded, target)
    desk = bootstrap(str(target), migrate_first=False, hasher=FAST_HASHER)
    try:
        with TestClient(create_desk_app(services=desk), follow_redirects=False) as http:
            yield Web(desk, http)
    finally:
        desk.close()


def listed(page: str) -> list[str]:
    """The precedents a library page lists, in order."""
    return re.findall(r'<article class="package" data-precedent="([^"]+)"', page)


def problems(page: str) -> str:
    found = re.search(r'data-flash="error">(.*?)</div>', page, re.S)
    return found.group(1) if found else ""


# -- the library -------------------------------------------------------------------------
FILTERS = [
    ({}, {}),
    ({"kind": "neutrality_alignment"}, {"kind": ProvisionKind.NEUTRALITY_ALIGNMENT}),
    ({"party": "RU"}, {"party": "RU"}),
    ({"party": "austria"}, {"party": "austria"}),
    (
        {"from": "1960", "to": "1975"},
        {"since": dt.date(1960, 1, 1), "until": dt.date(1975, 12, 31)},
    ),
    ({"keyword": "hotline"}, {"keyword": "hotline"}),
    (
        {"kind": "weapons_placement", "party": "US", "from": "1962", "keyword": "missiles"},
        {
            "kind": ProvisionKind.WEAPONS_PLACEMENT,
            "party": "US",
            "since": dt.date(1962, 1, 1),
            "keyword": "missiles",
        },
    ),
]


@pytest.mark.parametrize(("form", "model"), FILTERS, ids=lambda v: str(v))
def test_the_library_page_lists_what_the_search_finds(
    web: Web, form: dict[str, str], model: dict[str, object]
) -> None:
    page = web.as_("delegate_ru").get(
        "/precedents?" + "&".join(f"{k}={v}" for k, v in form.items())
    )
    expected = [p.id for p in search(web.desk.precedents.library, **model)]  # type: ignore[arg-type]
    assert expected, "a filter that finds nothing proves nothing"
    assert listed(page) == expected
    assert f'data-count="{len(expected)}"' in page


def test_a_result_shows_the_matching_provisions_how_it_held_up_and_its_sources(web: Web) -> None:
    page = web.as_("observer").get("/precedents?kind=neutrality_alignment&from=1955&to=1955")
    assert listed(page) == ["austria-1955"]
    austria = web.desk.precedents.library.get("austria-1955")
    assert "Austrian State Treaty" in page
    assert austria.date.strftime("%d %B %Y") in page
    matching = [x for x in austria.provisions if ProvisionKind.NEUTRALITY_ALIGNMENT in x.kinds]
    shown = re.findall(r'data-provision="([^"]+)"', page)
    assert shown == [x.id for x in matching]
    assert "How it held up: held." in page
    for s in austria.sources:
        assert f'href="{s.url}"' in page
    assert "neutrality and alignment" in page and "neutrality_alignment<" not in page


@pytest.mark.parametrize(
    ("query", "field"),
    [("from=abc", "from"), ("to=12", "to"), ("from=1990&to=1980", "to"), ("kind=bogus", "kind")],
)
def test_bad_search_input_names_the_field(web: Web, query: str, field: str) -> None:
    got = web.as_("mediator").http.get(f"/precedents?{query}")
    assert got.status_code == 422
    assert problems(got.text).startswith(f"<p>{field}: ")
    assert 'data-form="precedent-search"' in got.text  # the form again, to correct it


def test_an_unknown_precedent_is_the_plain_404(web: Web) -> None:
    web.as_("mediator")
    missing = web.http.get("/precedents/no-such-precedent")
    assert missing.status_code == 404
    assert missing.text == web.http.get("/no-such-page").text


# -- linking and unlinking ---------------------------------------------------------------
def test_the_case_page_offers_the_austrian_precedent_for_neutral_austria(web: Web) -> None:
    page = web.as_("mediator").get(PAGE)
    section = page.split('data-issue="alignment"', 1)[1].split("<section", 1)[0]
    first = re.search(r'data-match="([^"]+)"', section)
    assert first is not None and first.group(1) == "austria-1955/permanent-neutrality"
    # the option sharing the most words with it is chosen already
    form = section.split('data-match="austria-1955/permanent-neutrality"', 1)[1].split("</form>")[0]
    assert 'value="alignment/neutral_austria" selected' in form


def test_the_mediator_links_and_the_link_is_stored_and_audited(web: Web) -> None:
    status, where = web.as_("mediator").post(LINKS, {**AUSTRIA, "note": NOTE})
    assert (status, where) == (303, f"{PAGE}?done=linked#issue-alignment")
    assert web.links() == [("alignment", "neutral_austria", "austria-1955", "permanent-neutrality")]
    events = web.desk.audit.events(web.desk.accounts.get_actor("mediator"), CASE, limit=500)
    assert [e.action for e in events][-1] == "precedent.link"
    page = web.get(f"{PAGE}?done=linked")
    assert "Precedent linked: it is shown wherever that option is shown." in page
    assert NOTE in page and "Linked by mediator" in page


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"precedent": "austria-1955"}, "option"),
        ({"option": "alignment/neutral_austria"}, "precedent"),
        ({"option": "alignment/no_such", "precedent": "austria-1955"}, "option"),
        ({"option": "alignment/neutral_austria", "precedent": "austria-1955/nope"}, "provision"),
        ({"option": "alignment/neutral_austria", "precedent": "nope-1900"}, "precedent"),
    ],
)
def test_a_bad_link_form_names_the_field_and_stores_nothing(
    web: Web, form: dict[str, str], field: str
) -> None:
    status, page = web.as_("mediator").post(LINKS, form)
    assert status == 422
    assert f"<p>{field}: " in problems(page)
    assert web.links() == []


def test_the_same_link_twice_is_a_conflict(web: Web) -> None:
    web.as_("mediator").post(LINKS, AUSTRIA)
    status, page = web.post(LINKS, AUSTRIA)
    assert status == 409 and "already linked" in problems(page)
    assert len(web.links()) == 1


def test_the_mediator_removes_a_link_at_the_version_shown(web: Web) -> None:
    web.as_("mediator").post(LINKS, AUSTRIA)
    (view,) = web.desk.precedents.list_links(web.desk.accounts.get_actor("mediator"), CASE)
    remove = f"{LINKS}/{view.link.id}/remove"
    assert f'action="{remove}"' in web.get(PAGE)
    status, page = web.post(remove, {"version": str(view.link.version + 1)})
    assert status == 409 and "changed meanwhile" in problems(page)
    assert web.post(remove, {"version": str(view.link.version)}) == (
        303,
        f"{PAGE}?done=unlinked",
    )
    assert web.links() == []
    assert web.http.post(remove, data={"csrf_token": CSRF}).status_code == 404


def test_a_delegate_may_not_link_or_unlink(web: Web) -> None:
    web.as_("mediator").post(LINKS, AUSTRIA)
    (view,) = web.desk.precedents.list_links(web.desk.accounts.get_actor("mediator"), CASE)
    status, page = web.as_("delegate_ua").post(LINKS, CUBA)
    assert status == 403 and "precedent.link" in problems(page)
    status, page = web.post(f"{LINKS}/{view.link.id}/remove", {})
    assert status == 403
    assert 'data-form="link"' not in web.get(PAGE)  # no forms offered
    assert len(web.links()) == 1


# -- who sees what -------------------------------------------------------------------------
def tabled_card(page: str, title: str = "March framework") -> str:
    after = page.split(f"<h3>{title}", 1)[1]
    return after.split("</article>", 1)[0]


def test_a_link_on_a_tabled_option_shows_to_the_parties_it_is_tabled_to(web: Web) -> None:
    web.as_("mediator").post(LINKS, {**AUSTRIA, "note": NOTE})
    for name in ("mediator", "delegate_ua", "delegate_ru"):
        card = tabled_card(web.as_(name).get(f"/cases/{CASE}/shuttle"))
        assert "Precedents for this package" in card, name
        assert '<a href="/precedents/austria-1955">' in card, name
        assert "Neutral" in card and "permanent" in card.casefold(), name
        assert (NOTE in card) is (name == "mediator"), name
    ua = web.as_("delegate_ua").get(PAGE)
    assert 'data-link="' in ua and NOTE not in ua and "Linked by" not in ua
    assert "tabled to your delegation" in ua


def test_nothing_linked_to_an_untabled_option_reaches_a_delegation(web: Web) -> None:
    med = web.desk.accounts.get_actor("mediator")
    web.as_("mediator").post(LINKS, CUBA)
    web.post(LINKS, AUSTRIA)
    for user in ("delegate_ua", "observer"):  # the analysis shared: the deal space opens
        web.desk.cases.share(med, CASE, user, "analysis")
    assert "/precedents/cuba-1962" in web.get(f"/cases/{CASE}/deal-space")  # enlarge
    for name in ("delegate_ua", "delegate_ru", "observer", "analyst", "crisis_officer"):
        web.as_(name)
        pages = [web.get(PAGE)]
        if name.startswith("delegate"):
            pages.append(web.get(f"/cases/{CASE}/shuttle"))
        if name in ("delegate_ua", "observer", "analyst"):
            pages.append(web.get(f"/cases/{CASE}/deal-space?at=2022-03-11"))
            pages.append(web.get(f"/cases/{CASE}/deal-space"))
        for page in pages:
            assert "cuba-1962" not in listed_links(page), name
        if name == "delegate_ua":  # while the tabled option's precedent does reach it
            assert "austria-1955" in listed_links(pages[2]), name
        assert 'data-link="' not in pages[0] or name.startswith("delegate"), name


def listed_links(page: str) -> list[str]:
    """The precedents a page shows as links on options (not the library's matches)."""
    return re.findall(r'<li data-(?:link="\d+" data-)?precedent="([^"]+)"', page)


def test_a_shared_package_shows_its_precedents_to_that_observer(web: Web) -> None:
    med = web.desk.accounts.get_actor("mediator")
    web.as_("mediator").post(LINKS, AUSTRIA)
    assert listed_links(web.as_("observer").get(PAGE)) == []
    march = web.desk.shuttle.list_proposals(med, CASE)[0].proposal.id
    web.desk.cases.share(med, CASE, "observer", "proposal", march)
    assert listed_links(web.as_("observer").get(PAGE)) == ["austria-1955"]


def test_the_deal_space_shows_links_on_packages_and_on_enlarge_suggestions(web: Web) -> None:
    web.as_("mediator").post(LINKS, AUSTRIA)
    web.post(LINKS, CUBA)
    march = web.get(f"/cases/{CASE}/deal-space?at=2022-03-11")
    solutions = march.split('id="sol-h"', 1)[1].split("</section>", 1)[0]
    assert "/precedents/austria-1955" in solutions  # a solution holds neutral_austria
    october = web.get(f"/cases/{CASE}/deal-space")
    enlarge = october.split('data-list="enlarge"', 1)[1].split("</ul>\n</section>", 1)[0]
    assert "With a precedent linked to this issue" in enlarge
    assert "/precedents/cuba-1962" in enlarge
