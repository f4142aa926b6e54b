"""The evidence intake page, in-process: propose (stores nothing), add (one unconfirmed
statement, positions unchanged), refusals and errors re-rendered as pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from offramp.demo import CASE
from offramp.services.intake import MAX_TEXT
from support.web import DemoWeb, demo_desk, demo_sessions, desk_app
from support.web_client import visible_text

PASSWORD = "intake-password"
CSRF = "intake-csrf-token"
SEED = "Zelensky said he would also consider \u201ccompromise\u201d on Donetsk and Luhansk."
PAGE = f"/cases/{CASE}/intake"


class Web(DemoWeb):
    def state(self) -> tuple[int, list[tuple[Any, ...]], list[Any]]:
        """Statement count, the audit chains' heads, and the positions."""
        with self.desk.engine.connect() as conn:
            n = int(conn.execute(text("SELECT count(*) FROM statements")).scalar_one())
            heads = [tuple(r) for r in conn.execute(text("SELECT * FROM chain_heads ORDER BY 1"))]
        mediator = self.desk.accounts.get_actor("mediator")
        positions = [p.value for p in self.desk.cases.list_positions(mediator, CASE)]
        return n, heads, positions


@pytest.fixture
def web(tmp_path: Path) -> Iterator[Web]:
    with demo_desk(tmp_path / "desk.db", PASSWORD) as desk, desk_app(desk) as http:
        sessions = demo_sessions(desk, PASSWORD, ("mediator", "analyst", "delegate_ua", "observer"))
        yield Web(desk, http, sessions, CSRF)


PROPOSE = {"text": SEED, "article_date": "2022-03-11", "source_id": "wapo-2022-03-11"}
# the form "Add as statement" posts for the seed sentence, citing an existing source
ADD = {
    "speaker": "zelensky",
    "party": "UA",
    "issue": "donbas",
    "stance": "consider",
    "option": "compromise",
    "quote": "compromise",
    "date": "2022-03-11",
    "date_basis": "article date 2022-03-11",
    "rule": "cue:consider(consider)",
    "source_id": "wapo-2022-03-11",
}


def test_the_form_is_linked_for_those_who_may_add_statements(web: Web) -> None:
    page = web.as_("analyst").http.get(PAGE)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert f'href="{PAGE}"' in page.text
    overview = web.as_("observer").http.get(f"/cases/{CASE}")
    assert f'href="{PAGE}"' not in overview.text


def test_propose_shows_the_seed_sentence_and_stores_nothing(web: Web) -> None:
    before = web.state()
    page = web.as_("mediator").post(PAGE, PROPOSE)
    assert page.status_code == 200, page.text[:500]
    assert 'data-party="UA" data-issue="donbas" data-stance="consider"' in page.text
    assert "<mark data-quote>compromise</mark>" in page.text
    assert "cue:consider(consider)+reader" in page.text
    assert "data-confidence>reader: 0.9" in page.text  # the example case's reader agrees
    assert "Read as: Volodymyr Zelensky (Ukraine)" in page.text  # the person, not their id
    assert "Nothing changes a position until a person confirms it" in page.text
    assert "Add as statement" in page.text
    assert web.state() == before


def test_add_as_statement_stores_one_unconfirmed_statement(web: Web) -> None:
    n, _, positions = web.state()
    form = {
        **ADD,
        "source_id": "",  # a new source, described by the three fields below
        "publication": "The Washington Post",
        "title": "Zelensky on compromise",
        "source_date": "2022-03-11",
    }
    got = web.as_("mediator").post(f"{PAGE}/statements", form)
    assert got.status_code == 303, got.text[:500]
    assert got.headers["location"] == f"{PAGE}?added=ua-donbas-2022-03-11"
    n2, _, positions2 = web.state()
    assert n2 == n + 1
    assert positions2 == positions
    mediator = web.desk.accounts.get_actor("mediator")
    row = next(
        r
        for r in web.desk.cases.list_statements(mediator, CASE)
        if r.statement.id == "ua-donbas-2022-03-11"
    )
    assert row.confirmed_at is None
    assert row.statement.quote == "compromise"
    assert row.statement.source == "the-washington-post-2022-03-11"
    done = web.http.get(got.headers["location"])
    assert "Ukraine's statement on Donetsk and Luhansk of 11 Mar 2022 recorded, unconfirmed" in (
        visible_text(done.text)
    )
    flash = done.text.split('data-flash="ok"', 1)[1].split("</p>", 1)[0]
    assert "ua-donbas-2022-03-11" not in flash  # named, not by its id


@pytest.mark.parametrize("persona", ["delegate_ua", "observer"])
def test_party_delegates_and_observers_are_refused(web: Web, persona: str) -> None:
    before = web.state()
    page = web.as_(persona).http.get(PAGE)
    assert page.status_code == 404
    assert 'data-error="not-found"' in page.text
    posted = web.post(PAGE, PROPOSE)
    assert posted.status_code == 403
    assert "statement.create" in posted.text
    added = web.post(f"{PAGE}/statements", {**PROPOSE, "speaker": "x", "quote": "x"})
    assert added.status_code == 403
    assert web.state() == before


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({**PROPOSE, "text": "   "}, "paste the article or statement"),
        ({**PROPOSE, "article_date": "11/03/2022"}, "is not a date like 2022-03-11"),
        ({**PROPOSE, "article_date": ""}, "article date is required"),
        ({**PROPOSE, "text": "x" * (MAX_TEXT + 1)}, "longer than"),
    ],
)
def test_errors_re_render_the_form_with_a_message(
    web: Web, form: dict[str, str], message: str
) -> None:
    before = web.state()
    page = web.as_("analyst").post(PAGE, form)
    assert page.status_code == 422
    assert 'data-flash="error"' in page.text
    assert message in page.text
    assert '<form class="intake"' in page.text
    assert web.state() == before


def test_a_txt_upload_is_read(web: Web) -> None:
    form = {k: v for k, v in PROPOSE.items() if k != "text"}
    page = web.as_("analyst").post(
        PAGE, form, files={"file": ("article.txt", SEED.encode(), "text/plain")}
    )
    assert page.status_code == 200
    assert 'data-party="UA" data-issue="donbas"' in page.text


KEY = "ua-donbas-2022-03-11"


def _row(web: Web, key: str) -> Any:
    mediator = web.desk.accounts.get_actor("mediator")
    return next(r for r in web.desk.cases.list_statements(mediator, CASE) if r.statement.id == key)


def test_the_mediator_confirms_what_the_analyst_added_and_the_position_follows(web: Web) -> None:
    assert web.as_("analyst").post(f"{PAGE}/statements", ADD).status_code == 303
    waiting = web.http.get(PAGE)
    assert f'data-statement="{KEY}"' in waiting.text
    assert "<td>Volodymyr Zelensky</td>" in waiting.text and "<td>zelensky</td>" not in waiting.text
    assert f"/statements/{KEY}/confirm" not in waiting.text  # the analyst may not confirm
    before = web.state()
    refused = web.post(f"/cases/{CASE}/statements/{KEY}/confirm", {})
    assert refused.status_code == 403 and "statement.confirm" in refused.text
    assert web.state() == before and _row(web, KEY).confirmed_at is None

    page = web.as_("mediator").http.get(PAGE)
    assert f"/statements/{KEY}/confirm" in page.text
    got = web.post(f"/cases/{CASE}/statements/{KEY}/confirm", {})
    assert got.status_code == 303
    assert got.headers["location"] == f"{PAGE}?confirmed={KEY}"
    row = _row(web, KEY)
    assert row.confirmed_at is not None and row.confirmed_by == "mediator"
    _, heads, positions = web.state()
    assert heads != before[1]  # the confirmation is in the audit log
    added = [p for p in positions if KEY in p.get("statements", [])]
    assert [(p["party"], p["issue"]) for p in added] == [("UA", "donbas")]
    seq, _ = web.desk.audit.head(CASE)
    [event] = web.desk.audit.events(web.desk.accounts.get_actor("mediator"), CASE, after=seq - 1)
    assert event.action == "statement.confirm" and event.payload["statement"] == KEY
    done = web.http.get(got.headers["location"])
    said = visible_text(done.text)
    assert "Ukraine's statement on Donetsk and Luhansk of 11 Mar 2022 confirmed" in said
    assert f'data-statement="{KEY}"' not in done.text  # no longer waiting

    again_before = web.state()
    again = web.post(f"/cases/{CASE}/statements/{KEY}/confirm", {})
    assert again.status_code == 409 and "already confirmed by mediator" in again.text
    assert web.state() == again_before


def test_confirming_is_refused_to_delegates_and_observers_and_unknown_ids_are_404(
    web: Web,
) -> None:
    assert web.as_("analyst").post(f"{PAGE}/statements", ADD).status_code == 303
    before = web.state()
    for persona in ("delegate_ua", "observer"):
        got = web.as_(persona).post(f"/cases/{CASE}/statements/{KEY}/confirm", {})
        assert got.status_code == 403 and "statement.confirm" in got.text, persona
    missing = web.as_("mediator").post(f"/cases/{CASE}/statements/no-such/confirm", {})
    assert missing.status_code == 404 and 'data-error="not-found"' in missing.text
    assert web.state() == before and _row(web, KEY).confirmed_at is None
