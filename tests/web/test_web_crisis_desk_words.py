"""Issue 13, points 5, 9, 10 and 11 on the crisis desk, and its pickers: the crisis
officer, at 1280 and 375 px.

- "Start playbook" defaults to the incident's own type (an allegation: the WMD one);
- a step waiting on another names that step, not its id;
- a plain date in "Board at" re-shows the board with the field named; a score's
  subject is chosen from the incidents and statements, so an unknown one cannot be sent;
- closing an incident asks first and says what will happen;
- parties, channels and subjects are chosen from lists; an incident can be escalated.
"""

from __future__ import annotations

import itertools

import pytest
from desk_browser import CASE, START, WIDTHS, Desk, desk, reachable, sideways, sign_in
from playwright.sync_api import Page

from offramp.model.crisis import IncidentType
from offramp.services.crisis import ArrivalIn

pytestmark = pytest.mark.browser
__all__ = ["desk"]
_n = itertools.count(1)
OFFICER = "crisis_officer"


def log_allegation(desk: Desk, kind: IncidentType = IncidentType.ALLEGATION) -> str:
    key = f"{kind.value}-web-{next(_n)}"
    desk.services.crisis.log_incident(
        desk.actor(OFFICER),
        CASE,
        key=key,
        type=kind,
        title=f"A new allegation {key}",
        raised_by="RU",
        against="US",
        claim="The United States is said to prepare a provocation.",
        level=2,
        arrivals=[ArrivalIn("ru-us-public", START)],
    )
    return key


@pytest.mark.parametrize("width", WIDTHS)
def test_start_playbook_defaults_to_the_incidents_type(page: Page, desk: Desk, width: int) -> None:
    key = log_allegation(desk)
    sign_in(page, desk, OFFICER, width).goto(desk.url("/crisis"))
    card = page.locator(f"section[data-incident='{key}']")
    chosen = card.locator("select[name=playbook]").input_value()
    assert chosen == "wmd_allegation"
    card.get_by_role("button", name="Start").click()
    page.wait_for_url("**done=started")
    run = desk.services.crisis.incident(desk.actor(OFFICER), CASE, key).run
    assert run is not None and run.playbook == "wmd_allegation"


@pytest.mark.parametrize("width", WIDTHS)
def test_a_waiting_step_names_the_step_it_waits_for(page: Page, desk: Desk, width: int) -> None:
    key = log_allegation(desk, IncidentType.THREAT)
    desk.services.crisis.start_playbook(desk.actor(OFFICER), CASE, key, "threat")
    sign_in(page, desk, OFFICER, width).goto(desk.url("/crisis"))
    card = page.locator(f"section[data-incident='{key}']")
    status = card.locator("tr[data-step] [data-step-status]").all_inner_texts()
    assert not [s for s in status if "_" in s], status
    waiting = [s for s in status if s.startswith("waits for:")]
    assert "waits for: Consult allies named or affected" in waiting, waiting
    # every step's Done and Waive are on the screen
    assert reachable(page, f"section[data-incident='{key}'] button:has-text('Waive')")
    assert reachable(page, f"section[data-incident='{key}'] button:has-text('Done')")
    assert sideways(page) == 0


@pytest.mark.parametrize("width", WIDTHS)
def test_a_plain_date_in_board_at_reshows_the_board_naming_the_field(
    page: Page, desk: Desk, width: int
) -> None:
    sign_in(page, desk, OFFICER, width).goto(desk.url("/crisis"))
    page.get_by_label("Board at (UTC)").fill("2022-10-25")
    page.get_by_role("button", name="Show").click()
    assert page.locator("h1").inner_text() == "Crisis desk"
    assert "at" in page.locator("[data-flash=error]").inner_text()
    assert page.get_by_label("Board at (UTC)").input_value() == "2022-10-25"
    assert page.locator("section[data-incident]").count() >= 2  # the board, not a bare error


@pytest.mark.parametrize("width", WIDTHS)
def test_a_score_is_about_a_chosen_subject(page: Page, desk: Desk, width: int) -> None:
    sign_in(page, desk, OFFICER, width).goto(desk.url("/crisis/escalation"))
    page.locator("summary", has_text="Score a dyad").click()
    subject = page.locator("#sc-subject")
    assert subject.evaluate("e => e.tagName") == "SELECT"
    labels = subject.locator("option").all_inner_texts()
    assert any(t.startswith("incident: Russia alleges") for t in labels)
    # a forged subject is refused with the field named, and nothing is recorded
    before = len(desk.services.crisis.crisis_board(desk.actor(OFFICER), CASE).scores)
    subject.evaluate(
        "e => { const o = new Option('forged', 'no-such-incident'); e.add(o); e.value = 'no-such-incident'; }"
    )
    page.locator("#sc-id").fill(f"forged-{width}")
    page.locator("#sc-between").select_option(["RU", "US"])
    page.get_by_role("button", name="Score").click()
    assert "unknown subject" in page.locator("[data-flash=error]").inner_text()
    after = len(desk.services.crisis.crisis_board(desk.actor(OFFICER), CASE).scores)
    assert after == before
    assert sideways(page) == 0


@pytest.mark.parametrize("width", WIDTHS)
def test_closing_an_incident_asks_first(page: Page, desk: Desk, width: int) -> None:
    key = log_allegation(desk)
    officer = desk.actor(OFFICER)
    desk.services.crisis.start_playbook(officer, CASE, key, "wmd_allegation")
    for step in desk.services.crisis.incident(officer, CASE, key).steps:
        desk.services.crisis.waive_step(officer, CASE, key, step.id, "a test incident", START)
    sign_in(page, desk, OFFICER, width).goto(desk.url("/crisis"))
    card = page.locator(f"section[data-incident='{key}']")
    button = card.get_by_role("button", name=f"Close A new allegation {key}")
    assert not button.is_visible()
    card.locator("summary", has_text="Close incident…").click()
    assert "the outcome is final" in card.inner_text()
    card.get_by_label("Outcome").fill("Withdrawn by its author.")
    button.click()
    page.wait_for_url("**done=closed")
    run = desk.services.crisis.incident(desk.actor(OFFICER), CASE, key).run
    assert run is not None and run.outcome == "Withdrawn by its author."


@pytest.mark.parametrize("width", WIDTHS)
def test_parties_and_channels_are_chosen_from_lists(page: Page, desk: Desk, width: int) -> None:
    for path, fields in (
        ("/crisis", ("raised_by", "against", "channel")),
        ("/crisis/commitments", ("declared_by", "to", "channel")),
        ("/crisis/notifications", ("sender", "to", "channel")),
        ("/crisis/escalation", ("between", "subject")),
    ):
        sign_in(page, desk, OFFICER, width).goto(desk.url(path))
        for name in fields:
            form = page.locator("form[method=post]", has=page.locator(f"[name={name}]"))
            tag = form.first.locator(f"[name={name}]").first.evaluate("e => e.tagName")
            assert tag == "SELECT", (path, name)
        assert sideways(page) == 0, path


@pytest.mark.parametrize("width", WIDTHS)
def test_an_incident_can_be_escalated(page: Page, desk: Desk, width: int) -> None:
    key = log_allegation(desk)
    sign_in(page, desk, OFFICER, width).goto(desk.url("/crisis"))
    card = page.locator(f"section[data-incident='{key}']")
    card.locator("summary", has_text="Escalate…").click()
    card.get_by_label("New level").select_option("4")
    channels = card.get_by_label("Move it to a higher channel").locator("option").all_inner_texts()
    assert any("heads of state" in c or "defence ministers" in c for c in channels), channels
    card.get_by_label("Move it to a higher channel").select_option(index=1)
    card.get_by_label("Why").fill("The allegation is repeated at the UN.")
    card.get_by_role("button", name=f"Escalate A new allegation {key}").click()
    page.wait_for_url("**done=escalated")
    board = desk.services.crisis.crisis_board(desk.actor(OFFICER), CASE)
    scores = [s for s in board.scores if s.subject == key]
    assert [s.level for s in scores] == [4]
    inc = desk.services.crisis.incident(desk.actor(OFFICER), CASE, key).incident
    assert len(inc.arrivals) == 2
    assert "scored 4 (harassment)" in page.locator(f"section[data-incident='{key}']").inner_text()
