"""The case file from the web desk: a download of the case as its reader may read it,
for those with ``case.export`` (the mediator, the analyst), audited as an export."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from offramp.demo import CASE
from offramp.files.case import parse_case
from support.web import DemoWeb, demo_desk, demo_sessions, desk_app
from support.web_client import visible_text

PASSWORD = "case-file-password"
CSRF = "case-file-csrf"
FILE = f"/cases/{CASE}/case-file"
PERSONAS = ("mediator", "analyst", "delegate_ua", "observer", "crisis_officer")


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoWeb]:
    db = tmp_path_factory.mktemp("case-file") / "desk.db"
    with demo_desk(db, PASSWORD) as desk, desk_app(desk) as http:
        yield DemoWeb(desk, http, demo_sessions(desk, PASSWORD, PERSONAS), CSRF)


def exports(web: DemoWeb) -> list[tuple[str, dict[str, object]]]:
    mediator = web.desk.accounts.get_actor("mediator")
    events = web.desk.audit.events(mediator, CASE)
    return [(e.actor, e.payload) for e in events if e.action == "case.export"]


def test_the_mediator_downloads_the_whole_case_and_it_is_audited(web: DemoWeb) -> None:
    got = web.as_("mediator").http.get(FILE)
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("application/yaml")
    assert got.headers["content-disposition"] == f'attachment; filename="{CASE}.yaml"'
    case = parse_case(got.text, f"{CASE}.yaml")
    assert case.id == CASE and case.crisis is not None and case.statements
    as_json = web.http.get(FILE, params={"format": "json"})
    assert as_json.headers["content-disposition"] == f'attachment; filename="{CASE}.json"'
    assert json.loads(as_json.text)["id"] == CASE
    assert exports(web)[-2:] == [
        ("mediator", {"format": "yaml", "crisis_desk": True}),
        ("mediator", {"format": "json", "crisis_desk": True}),
    ]


def test_the_analysts_file_leaves_out_the_crisis_desk(web: DemoWeb) -> None:
    got = web.as_("analyst").http.get(FILE)
    assert got.status_code == 200
    assert parse_case(got.text, "analyst.yaml").crisis is None
    assert exports(web)[-1] == ("analyst", {"format": "yaml", "crisis_desk": False})


@pytest.mark.parametrize("who", ["delegate_ua", "observer", "crisis_officer"])
def test_the_others_get_no_file_and_no_link(web: DemoWeb, who: str) -> None:
    before = len(exports(web))
    got = web.as_(who).http.get(FILE)
    assert got.status_code == 404
    assert "offramp:" not in got.text and "statements:" not in got.text
    assert 'data-link="case-file-yaml"' not in web.http.get(f"/cases/{CASE}").text
    assert len(exports(web)) == before


@pytest.mark.parametrize("where", ["", "/author"])
def test_the_overview_and_the_author_page_link_the_file(web: DemoWeb, where: str) -> None:
    page = web.as_("analyst").http.get(f"/cases/{CASE}{where}").text
    assert f'href="{FILE}?format=json"' in page and f'href="{FILE}"' in page
    assert "Each download is recorded in the case's audit log." in visible_text(page)


def test_a_bad_format_is_named(web: DemoWeb) -> None:
    got = web.as_("mediator").http.get(FILE, params={"format": "xml"})
    assert got.status_code == 422
    assert "choose yaml or json" in visible_text(got.text)
