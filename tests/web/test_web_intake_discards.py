"""The intake's discards and its reader's page, in process (issue 16): Discard records
the proposal with its reason and the intake page lists it; the reader's page retrains
from the desk, shows precision and recall before and after, adopts and goes back; pages
speak words, not ids or Python values; the right refusals for every other role."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from offramp.demo import CASE
from support.intake_web import DISCARD_FORM, confirm_the_example
from support.web import DemoWeb, demo_desk, demo_sessions, desk_app
from support.web_client import visible_text

PASSWORD = "intake-discard-password"
CSRF = "intake-discard-csrf"
PAGE = f"/cases/{CASE}/intake"
READER = f"{PAGE}/reader"
PERSONAS = ("mediator", "analyst", "delegate_ua", "observer", "crisis_officer")
RAW = re.compile(r"\b(None|True|False)\b|\b[a-z][a-z0-9_]*=[a-z0-9_]+\b")


class Web(DemoWeb):
    def rows(self) -> tuple[int, int]:
        with self.desk.engine.connect() as conn:
            d = conn.execute(text("SELECT count(*) FROM intake_discards")).scalar_one()
            r = conn.execute(text("SELECT count(*) FROM intake_readers")).scalar_one()
        return int(d), int(r)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    db = tmp_path_factory.mktemp("discards") / "desk.db"
    with demo_desk(db, PASSWORD) as desk, desk_app(desk) as http:
        confirm_the_example(desk, keep="")
        yield Web(desk, http, demo_sessions(desk, PASSWORD, PERSONAS), CSRF)


def words_only(page: str) -> str:
    seen = visible_text(page)
    assert RAW.findall(seen) == [], RAW.findall(seen)
    return seen


def test_discard_records_the_proposal_and_the_page_lists_it(web: Web) -> None:
    before, _ = web.rows()
    got = web.as_("analyst").post(f"{PAGE}/discards", DISCARD_FORM)
    assert got.status_code == 303
    assert got.headers["location"] == f"{PAGE}?discarded=1"
    assert web.rows()[0] == before + 1
    [row, *_] = web.desk.intake.discards(web.desk.accounts.get_actor("mediator"), CASE)
    assert row.discarded_by == "analyst" and row.discard.reason == "No position: a mention."
    page = web.http.get(got.headers["location"])
    assert re.search(r"<title>Intake · [^<]*</title>", page.text)
    seen = words_only(page.text)
    assert "Proposal discarded and recorded as discarded" in seen
    assert "Discarded proposals" in seen
    assert "Ukraine, reject on Crimea (Volodymyr Zelensky)" in seen
    assert "“Zelensky spoke about Crimea on Sunday.”" in seen
    assert "No position: a mention." in seen
    assert "by analyst" in seen


def test_the_review_form_sends_the_proposal_as_proposed_to_discard(web: Web) -> None:
    form = {
        "text": "Zelensky said Ukraine would never recognise Crimea as Russian territory.",
        "article_date": "2022-03-20",
        "source_id": "wapo-2022-03-11",
    }
    page = web.as_("mediator").post(PAGE, form).text
    assert f'formaction="{PAGE}/discards"' in page
    assert 'name="p_party" value="UA"' in page and 'name="p_issue" value="crimea"' in page
    assert 'name="sentence" value="Zelensky said Ukraine would never recognise' in page
    assert "Reason, if you discard it" in page


@pytest.mark.parametrize("who", ["delegate_ua", "observer", "crisis_officer"])
def test_other_roles_may_not_discard_nor_see_the_reader(web: Web, who: str) -> None:
    before = web.rows()
    got = web.as_(who).post(f"{PAGE}/discards", DISCARD_FORM)
    assert got.status_code == 403 and "statement.create" in got.text
    assert web.http.get(READER).status_code == 404
    for path in (f"{READER}/train", f"{READER}/1/adopt", f"{READER}/retire"):
        refused = web.post(path)
        assert refused.status_code == 403 and "reader.train" in refused.text, path
    assert web.rows() == before


def test_a_bad_discard_names_the_field(web: Web) -> None:
    before = web.rows()
    got = web.as_("analyst").post(f"{PAGE}/discards", {**DISCARD_FORM, "p_stance": "sulk"})
    assert got.status_code == 422
    assert "stance: &#39;sulk&#39; is not a stance" in got.text
    assert web.rows() == before


def test_the_reader_page_retrains_adopts_and_goes_back(web: Web) -> None:
    page = web.as_("analyst").http.get(READER)
    seen = words_only(page.text)
    assert "The reader shipped with offramp for this case" in seen
    assert "No reader has been trained on this desk yet." in seen
    assert re.search(r"Retraining learns from \d+ confirmed statements and", seen)
    trained = web.post(f"{READER}/train")
    assert trained.status_code == 303
    page = web.http.get(trained.headers["location"])
    seen = words_only(page.text)
    assert "A new reader was trained and scored below" in seen
    row = web.desk.intake.readers.state(web.desk.accounts.get_actor("analyst"), CASE).readers[0]
    right, proposed, labelled = row.report["after"]
    assert f"recall {right / labelled:.2f} ({right} of {labelled} confirmed found)" in seen
    assert f"({right} of {proposed} proposals right)" in seen
    assert "not adopted" in seen and "data-in-use" not in page.text
    adopted = web.post(f"{READER}/{row.id}/adopt")
    assert adopted.status_code == 303
    seen = words_only(web.http.get(adopted.headers["location"]).text)
    assert "The intake now reads with the reader you adopted." in seen
    assert "The reader analyst trained on this desk on" in seen and "In use Adopt" not in seen
    back = web.post(f"{READER}/retire")
    assert back.status_code == 303
    seen = words_only(web.http.get(back.headers["location"]).text)
    assert "The intake reads with the reader shipped for the case again." in seen
    again = web.post(f"{READER}/retire")
    assert again.status_code == 422
    assert "no reader trained on this desk is in use" in again.text
    missing = web.post(f"{READER}/99999/adopt")
    assert missing.status_code == 404


def test_the_intake_page_links_the_reader_for_those_who_may_retrain(web: Web) -> None:
    assert f'href="{READER}"' in web.as_("mediator").http.get(PAGE).text
    assert f'href="{READER}"' in web.as_("analyst").http.get(PAGE).text


def _accepted(web: Web, **changed: str) -> str:
    """Add the discard form's proposal as a statement, with ``changed`` fields; the
    address the desk sends the browser to."""
    form = {
        **DISCARD_FORM,
        "reason": "",
        "speaker": "zelensky",
        "party": "UA",
        "issue": "crimea",
        "stance": "reject",
        "quote": "Crimea",
        "date": "2022-03-20",
        "source_id": "wapo-2022-03-11",
        **changed,
    }
    got = web.as_("analyst").post(f"{PAGE}/statements", form)
    assert got.status_code == 303, visible_text(got.text)
    return got.headers["location"]


def test_a_corrected_proposal_is_recorded_as_discarded_and_learned(web: Web) -> None:
    """Changing whose position a proposal is records the desk's version as discarded,
    with what it was corrected to; retraining then learns it as a miss."""
    before, _ = web.rows()
    where = _accepted(web, party="RU", speaker="Dmitry Peskov", stance="demand")
    assert where.endswith("&corrected=1")
    assert web.rows()[0] == before + 1
    mediator = web.desk.accounts.get_actor("mediator")
    [row, *_] = web.desk.intake.discards(mediator, CASE)
    assert (row.discard.party, row.discard.issue, row.discard.stance) == ("UA", "crimea", "reject")
    assert row.discard.reason == "corrected to Russia on Crimea"
    assert row.discarded_by == "analyst"
    seen = words_only(web.http.get(where).text)
    assert "the desk's proposal is recorded as discarded" in seen
    _, items = web.desk.intake.training_items(mediator, CASE)
    judged = [i["judged"] for i in items if i["text"] == DISCARD_FORM["sentence"]]
    assert {"party": "UA", "issue": "crimea"} in [j for js in judged for j in js]


def test_a_proposal_added_as_proposed_or_with_another_stance_is_no_correction(
    web: Web,
) -> None:
    before, _ = web.rows()
    assert not _accepted(web).endswith("corrected=1")
    assert not _accepted(web, stance="consider").endswith("corrected=1")
    assert web.rows()[0] == before
