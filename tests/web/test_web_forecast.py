"""The forecast page, in-process on the seeded Ukraine case (as the access matrix runs).

The mediator's forecast of the Donbas issue from 11 March 2022: one line per actor and
the weighted median in the SVG, the predicted outcome in the case's own words, the
positions per round in a table; a bad issue, date or number of rounds re-renders the
form with the message; the observer gets the plain 404 page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from offramp.bootstrap import Services
from offramp.demo import CASE
from support.web import demo_desk, demo_sessions, desk_app

PASSWORD = "forecast-password"
CSRF = "forecast-csrf-token"
PAGE = f"/cases/{CASE}/forecast"
DONBAS = f"{PAGE}?issue=donbas&at=2022-03-11&rounds=10"


class Web:
    def __init__(self, desk: Services, http: TestClient) -> None:
        self.desk = desk
        self.http = http
        self.sessions = demo_sessions(desk, PASSWORD)

    def get(self, persona: str, path: str) -> Any:
        self.http.cookies.clear()
        self.http.cookies.set("offramp_csrf", CSRF)  # the same page for the same request
        self.http.cookies.set("offramp_session", self.sessions[persona])
        return self.http.get(path)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    with (
        demo_desk(tmp_path_factory.mktemp("web-forecast") / "desk.db", PASSWORD) as desk,
        desk_app(desk) as http,
    ):
        yield Web(desk, http)


def _svg(page: str) -> str:
    found = re.search(r'<svg[^>]*data-chart="forecast".*?</svg>', page, re.S)
    assert found, "no forecast chart on the page"
    return found.group(0)


def test_the_mediator_sees_each_actor_and_the_median_round_by_round(web: Web) -> None:
    expected = web.desk.forecasting.forecast(
        web.desk.accounts.get_actor("mediator"), CASE, "donbas", "2022-03-11", 10
    )
    actors = [a["id"] for a in expected["actors"]]
    assert len(actors) >= 2

    page = web.get("mediator", DONBAS)
    assert page.status_code == 200, page.text[:500]
    svg = _svg(page.text)
    lines = re.findall(r'<polyline class="actor-line" data-actor="([^"]+)"', svg)
    assert lines == actors
    assert svg.count('data-line="median"') == 1
    # eleven points (rounds 0..10) on every line
    for points in re.findall(r'points="([^"]+)"', svg):
        assert len(points.split()) == 11
    # the issue's options label the scale, in the case's words
    for label in ("Restored to Ukraine", "A compromise status", "Annexed by Russia"):
        assert label in svg
    # the predicted outcome: the option nearest the median after the last round
    sentence = re.search(r'data-outcome="([^"]+)">(.*?)</p>', page.text, re.S)
    assert sentence is not None
    assert sentence.group(1) == expected["outcome_option"]
    assert f"the predicted outcome is <strong>{expected['outcome_label']}</strong>" in (
        sentence.group(2)
    )
    assert expected["outcome_label"] == "Restored to Ukraine"
    # the table: a row per round, a column per actor
    assert len(re.findall(r'<tr data-round="\d+">', page.text)) == 11
    assert 'aria-current="page">Forecast</a>' in page.text


def test_the_page_defaults_to_an_issue_and_the_last_date(web: Web) -> None:
    page = web.get("analyst", PAGE)
    assert page.status_code == 200
    assert 'data-chart="forecast"' in page.text
    assert '<option value="2022-10-28" selected>' in page.text


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("issue=no_such_issue&at=2022-03-11", "issue", "unknown issue &#39;no_such_issue&#39;"),
        ("issue=donbas&at=11-03-2022", "at", "is not a date"),
        ("issue=donbas&at=2022-03-11&rounds=many", "rounds", "is not a whole number"),
        ("issue=donbas&at=2022-03-11&rounds=5000", "rounds", "between 0 and 100"),
        ("issue=donbas&at=2020-01-01", "issue", "no party has a position"),
    ],
)
def test_bad_input_re_renders_the_form_with_the_message(
    web: Web, query: str, field: str, words: str
) -> None:
    page = web.get("mediator", f"{PAGE}?{query}")
    assert page.status_code == 422, page.text[:500]
    message = re.search(r'data-flash="error">(.*?)</div>', page.text, re.S)
    assert message is not None
    assert f"{field}: " in message.group(1)
    assert words in message.group(1)
    assert 'data-form="forecast"' in page.text  # the form again, to correct
    assert 'data-chart="forecast"' not in page.text


def test_the_observer_gets_the_404_page(web: Web) -> None:
    page = web.get("observer", DONBAS)
    missing = web.get("observer", DONBAS.replace(CASE, "no-such-case"))
    assert page.status_code == 404
    assert 'data-error="not-found"' in page.text
    assert page.text == missing.text
    assert "/forecast" not in web.get("observer", f"/cases/{CASE}").text
