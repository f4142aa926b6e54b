"""The crisis desk's on-call pages in process (the desk app over a fresh copy of the
example desk, its clock fixed at Friday 4 November 2022, 12:00 UTC, moved by the test):
named recipients and who has not acknowledged, the escalation a late one sets off, the
response-time figure, roles, jumps and repeats, the timeline with notes and its HTML
and PDF report, heartbeats, the review and its follow-ups on "What needs me".

Every assertion reads what the page says, at a fixed instant.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from offramp.model.crisis import NotificationKind
from offramp.server import create_desk_app
from support.crisis import CASE, NOW, CrisisWorld
from support.desk import PASSWORD

CSRF = "fixed-csrf-token-for-the-on-call-forms"
CRISIS = f"/cases/{CASE}/crisis"
ONCALL = f"{CRISIS}/oncall"
BOMB = f"{CRISIS}/incidents/dirty-bomb"
THREAT = f"{CRISIS}/incidents/satellites-threat"
BOMB_TITLE = 'Russia alleges a Ukrainian plot to build a radiological "dirty bomb"'


@pytest.fixture
def app(cw: CrisisWorld) -> Iterator[TestClient]:
    with TestClient(create_desk_app(services=cw.desk), follow_redirects=False) as c:
        yield c


def as_(client: TestClient, cw: CrisisWorld, who: str) -> TestClient:
    _, secret = cw.desk.accounts.sign_in(who, PASSWORD)
    client.cookies.set("offramp_session", secret)
    client.cookies.set("offramp_csrf", CSRF)
    return client


def post(client: TestClient, path: str, form: dict[str, str | list[str]]) -> httpx.Response:
    return client.post(path, data={"csrf_token": CSRF, **form})


def words(page: str) -> str:
    """The page's text, tags removed and spaces collapsed."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def row(page: str, attr: str, value: str) -> str:
    """The text of the table row marked ``attr="value"``."""
    found = re.search(rf'<tr [^>]*{attr}="{re.escape(value)}"[^>]*>(.*?)</tr>', page, re.S)
    assert found, f"no row {attr}={value}"
    return words(found.group(1))


def send_exercise(cw: CrisisWorld) -> None:
    """Russia notifies an exercise at midnight, to be acknowledged within 6 hours."""
    cw.desk.crisis.send_notification(
        cw["officer_us"], CASE, key="ex-1", kind=NotificationKind.EXERCISE, sender="RU",
        to="US", what="Strategic forces exercise", where="Northern Russia",
        starts=datetime(2022, 11, 5, 9, tzinfo=UTC), size="large", channel="ru-us-nrrc",
        ack_hours=6, sent_at=datetime(2022, 11, 4, 0, tzinfo=UTC),
    )  # fmt: skip


def test_three_recipients_one_late_escalation_then_the_last_acknowledgement(
    app: TestClient, cw: CrisisWorld
) -> None:
    send_exercise(cw)
    officer = as_(app, cw, "officer_us")
    res = post(officer, ONCALL + "/recipients",
               {"notification": "ex-1", "recipients": ["US", "GB", "FR"]})  # fmt: skip
    assert res.status_code == 303 and res.headers["location"].endswith("done=recipients-named")
    page = officer.get(ONCALL).text
    assert "Recipients named: each must acknowledge on its own." in words(
        officer.get(res.headers["location"]).text
    )
    line = row(page, "data-notification", "ex-1")
    assert "United States (US): not yet" in line and "United Kingdom (GB): not yet" in line
    assert page.count('data-form="recipient-ack"') == 3

    # at 12:00 the United States and France acknowledge; the United Kingdom does not
    for who in ("US", "FR"):
        res = post(officer, ONCALL + "/acknowledge", {"notification": "ex-1", "recipient": who})
        assert res.status_code == 303
    page = officer.get(ONCALL).text
    line = row(page, "data-notification", "ex-1")
    assert "United States (US): acknowledged 2022-11-04 12:00 UTC" in line
    assert "France (FR): acknowledged 2022-11-04 12:00 UTC" in line
    assert "United Kingdom (GB): not yet" in line
    assert 'aria-label="United Kingdom (GB) acknowledged Strategic forces exercise"' in page
    status = row(officer.get(f"{CRISIS}/notifications").text, "data-notification", "ex-1")
    assert "overdue by 6 h" in status  # not acknowledged while one recipient is out

    # due at 06:00: re-sent at 07:00, one rung up at 09:00 and 11:00, the next at 13:00
    subject = "notification:ex-1 ack_late"
    assert row(page, "data-action", f"{subject} resend#1") == (
        "2022-11-04 07:00 UTC notification “Strategic forces exercise” from RU to US "
        "An acknowledgement is late re-send on the same level due; the next sweep applies it"
    )
    assert "to come" in row(page, "data-action", f"{subject} up_one#3")
    cw.desk.sweeps.run()  # what the server's schedule runs
    page = officer.get(ONCALL).text
    assert row(page, "data-action", f"{subject} up_one#2").endswith("applied 2022-11-04 12:00 UTC")
    assert "escalate to" in row(page, "data-action", f"{subject} up_one#2")

    # the mediator reads it all and is offered no button
    mediator = as_(app, cw, "mediator").get(ONCALL).text
    assert 'data-form="recipient-ack"' not in mediator
    assert "United Kingdom (GB)" in row(mediator, "data-notification", "ex-1")

    # the United Kingdom acknowledges at 13:30: the whole notification is acknowledged
    cw.clock.set(NOW + timedelta(hours=1, minutes=30))
    officer = as_(app, cw, "officer_us")
    post(officer, ONCALL + "/acknowledge",
         {"notification": "ex-1", "recipient": "GB", "by": "UK duty officer"})  # fmt: skip
    page = officer.get(ONCALL).text
    line = row(page, "data-notification", "ex-1")
    assert "everyone, 2022-11-04 13:30 UTC" in line
    assert "United Kingdom (GB): acknowledged 2022-11-04 13:30 UTC by UK duty officer" in line
    status = row(officer.get(f"{CRISIS}/notifications").text, "data-notification", "ex-1")
    assert "acknowledged late by US, GB, FR, 2022-11-04 13:30 UTC" in status
    # replayed at 12:30, the United Kingdom had not acknowledged yet
    then = row(officer.get(ONCALL + "?at=2022-11-04T12:30Z").text, "data-notification", "ex-1")
    assert "United Kingdom (GB): not yet" in then


def test_refused_on_call_forms_name_the_field_and_store_nothing(
    app: TestClient, cw: CrisisWorld
) -> None:
    send_exercise(cw)
    secrets = {w: cw.desk.accounts.sign_in(w, PASSWORD)[1] for w in ("mediator", "delegate_ua")}
    officer = as_(app, cw, "officer_us")
    before = cw.state()
    res = post(officer, ONCALL + "/recipients", {"notification": "ex-1"})
    assert res.status_code == 422 and "recipients: recipients is required" in words(res.text)
    res = post(officer, ONCALL + "/heartbeats", {"channel": "nowhere", "expected_from": "RU",
                                                  "every_hours": "24"})  # fmt: skip
    assert res.status_code == 422 and "channel: choose channel from the list" in words(res.text)
    res = post(officer, ONCALL + "/heartbeats", {"channel": "ru-us-nrrc", "expected_from": "RU",
                                                  "every_hours": "daily"})  # fmt: skip
    assert "every_hours: 'daily' is not a number" in words(res.text)
    assert cw.state() == before
    app.cookies.set("offramp_session", secrets["mediator"])
    res = post(app, ONCALL + "/recipients", {"notification": "ex-1", "recipients": ["US"]})
    assert res.status_code == 403 and "crisis.write" in res.text
    app.cookies.set("offramp_session", secrets["delegate_ua"])
    res = post(app, ONCALL + "/recipients",
               {"notification": "ex-1", "recipients": ["US"]})  # fmt: skip
    assert res.status_code == 404
    assert cw.state() == before


def test_heartbeats_show_the_interval_the_last_message_and_what_was_missed(
    app: TestClient, cw: CrisisWorld
) -> None:
    officer = as_(app, cw, "officer_us")
    res = post(officer, ONCALL + "/heartbeats", {"channel": "ru-us-nrrc", "expected_from": "RU",
                                                  "every_hours": "24", "what": "hotline test"})  # fmt: skip
    assert res.status_code == 303
    line = row(officer.get(ONCALL).text, "data-heartbeat", "ru-us-nrrc")
    assert line == (
        "ru-us-nrrc hotline test from Russia (RU), every 24 h, since 2022-11-04 12:00 UTC "
        "no message yet 2022-11-05 12:00 UTC none"
    )
    cw.clock.set(NOW + timedelta(hours=30))  # Saturday 18:00
    res = post(as_(app, cw, "officer_us"), ONCALL + "/messages", {
        "channel": "ru-us-nrrc", "sender": "RU", "text": "Test.", "at": "2022-11-05T17:00Z"})  # fmt: skip
    assert res.status_code == 303 and res.headers["location"].endswith("done=message-recorded")
    cw.clock.set(NOW + timedelta(days=3))  # Monday 12:00 (a new session: the old one ended)
    line = row(as_(app, cw, "officer_us").get(ONCALL).text, "data-heartbeat", "ru-us-nrrc")
    # missed at Friday+24 h (the message came five hours after), then 24 h after it
    assert line == (
        "ru-us-nrrc hotline test from Russia (RU), every 24 h, since 2022-11-04 12:00 UTC "
        "2022-11-05 17:00 UTC 2022-11-07 17:00 UTC 2 times, last at 2022-11-06 17:00 UTC"
    )


def test_the_24_hour_figure_against_the_playbook_and_over_the_desk(
    app: TestClient, cw: CrisisWorld
) -> None:
    page = as_(app, cw, "mediator").get(f"{CRISIS}/times").text
    assert "Playbook: Allegation of a weapon of mass destruction." in words(page)
    refer = row(page, "data-step", "refer")
    assert refer.startswith("Refer to the impartial body")
    assert "within 1 d (by 2022-10-24 09:00 UTC)" in refer
    assert "2022-10-23 21:00 UTC 2 d 12 h 12 h on time, 12 h to spare" in refer
    ack = row(page, "data-step", "acknowledge")
    assert "30 min" in ack and "on time, 5 h 30 min to spare" in ack
    summary = row(page, "data-summary", "wmd_allegation refer")
    assert summary == (
        "Allegation of a weapon of mass destruction Refer to the impartial body within 1 d "
        f"1 of 1 0 12 h 12 h ({BOMB_TITLE})"
    )
    threats = as_(app, cw, "mediator").get(f"{CRISIS}/times?type=threat").text
    assert 'data-times="satellites-threat"' in threats and 'data-times="dirty-bomb"' not in threats
    bad = as_(app, cw, "mediator").get(f"{CRISIS}/times?at=yesterday")
    assert bad.status_code == 422 and "at:" in words(bad.text)


def test_roles_steps_jump_repeat_and_the_timeline_with_its_reports(
    app: TestClient, cw: CrisisWorld
) -> None:
    officer = as_(app, cw, "officer_us")
    page = officer.get(THREAT).text
    assert row(page, "data-role", "lead") == "lead nobody yet"
    assert '<option value="officer_us">officer_us</option>' in page  # members, from a list
    res = post(officer, THREAT + "/roles", {"role": "lead", "holder": "officer_us"})
    assert res.status_code == 303
    res = post(officer, THREAT + "/roles", {"role": "scribe", "holder": "delegate_ua"})
    assert res.status_code == 422 and "holder: choose holder from the list" in words(res.text)
    page = officer.get(THREAT).text
    assert row(page, "data-role", "lead") == (
        "lead officer_us 2022-11-04 12:00 UTC, named by officer_us"
    )
    steps = re.findall(r'<tr data-step="([a-z_]+)"', page)
    assert len(steps) >= 2
    first, second = steps[0], steps[1]
    assert "lead: officer_us" in row(page, "data-step", first)

    # jump to the second step: the first is waived; then repeat from the first
    res = post(officer, THREAT + "/jump", {"step": second})
    assert res.status_code == 303
    page = officer.get(THREAT).text
    assert "waived" in row(page, "data-step", first)
    res = post(officer, THREAT + "/repeat", {"step": first})
    assert res.status_code == 303
    page = officer.get(THREAT).text
    assert "waived" not in row(page, "data-step", first)
    res = post(officer, THREAT + "/jump", {"step": "no-such-step"})
    assert res.status_code == 422 and "step: choose step from the list" in words(res.text)

    post(officer, THREAT + "/notes", {"kind": "decision", "text": "Answer at the UN first."})
    page = officer.get(THREAT).text
    timeline = words(page[page.index('data-table="timeline"') :])
    assert "2022-11-04 12:00 UTC decision officer_us Answer at the UN first." in timeline
    first_title, second_title = (
        re.split(r" \d{4}-\d\d-\d\d", row(page, "data-step", s))[0] for s in (first, second)
    )
    assert first_title == "Record the exact wording and who said it"
    assert f"jumped to step “{second_title}”" in timeline
    assert f"repeated from step “{first_title}”" in timeline
    assert "officer_us is lead" in timeline

    report = officer.get(THREAT + "/timeline.html")
    assert report.status_code == 200 and "Answer at the UN first." in report.text
    pdf = officer.get(THREAT + "/timeline.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert 'filename="satellites-threat-timeline.pdf"' in pdf.headers["content-disposition"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    flat = " ".join(text.split())
    assert "Answer at the UN first." in flat
    assert "2022-11-04 12:00 UTC" in flat and "2022-10-26 19:00 UTC" in flat  # note, arrival
    assert f"jumped to step “{second_title}”" in flat and "officer_us is lead" in flat
    assert "Printed 2022-11-04 12:00 UTC by offramp." in flat

    # the mediator reads, with no forms; a delegate gets the 404 page
    mediator = as_(app, cw, "mediator").get(THREAT).text
    assert 'data-form="assign-role"' not in mediator and 'data-form="note"' not in mediator
    assert as_(app, cw, "delegate_ua").get(THREAT + "/timeline.pdf").status_code == 404


def test_the_review_and_its_follow_up_on_the_owners_needs(app: TestClient, cw: CrisisWorld) -> None:
    officer = as_(app, cw, "officer_us")
    before = cw.state()
    res = post(officer, BOMB + "/review", {"what_happened": "Referred within 12 hours.",
                                           "fu_what_0": "Start the clock at the first call"})  # fmt: skip
    assert res.status_code == 422 and "fu_owner_0: follow-up 1: choose who owns it" in words(
        res.text
    )
    assert 'value="Start the clock at the first call"' in res.text  # kept in the form
    assert cw.state() == before
    res = post(officer, BOMB + "/review", {
        "what_happened": "Referred to the IAEA within 12 hours.",
        "went_right": "One answer with the ally.\nThe referral was the point.",
        "went_wrong": "The playbook clock started two days after the first call.",
        "fu_what_0": "Start the clock at the first call", "fu_owner_0": "officer_us",
        "fu_due_0": "2022-12-01",
        "fu_what_1": "Brief the mediator", "fu_owner_1": "mediator", "fu_due_1": "2022-11-10",
    })  # fmt: skip
    assert res.status_code == 303
    page = officer.get(res.headers["location"]).text
    assert "Review saved" in words(page)
    assert row(page, "data-follow-up", "0") == (
        "Start the clock at the first call officer_us 1 December 2022 not yet"
    )
    assert "The referral was the point." in words(page)
    needs = officer.get("/needs").text
    item = re.search(r'<li data-need="[^"]*follow-up[^"]*"[^>]*>(.*?)</li>', needs, re.S)
    assert item is not None
    assert words(item.group(1)) == (
        "Follow-up: Start the clock at the first call · due in 27 d 12 h "
        f"from the review of “{BOMB_TITLE}”, due 1 December 2022 See the review"
    )
    assert "Brief the mediator" not in needs  # the mediator's, not the officer's
    assert "Brief the mediator" in as_(app, cw, "mediator").get("/needs").text
    # done: off the owner's list
    post(as_(app, cw, "officer_us"), BOMB + "/review", {
        "what_happened": "Referred to the IAEA within 12 hours.",
        "fu_what_0": "Start the clock at the first call", "fu_owner_0": "officer_us",
        "fu_due_0": "2022-12-01", "fu_done_0": "yes",
    })  # fmt: skip
    assert "Start the clock" not in as_(app, cw, "officer_us").get("/needs").text
    pdf = as_(app, cw, "mediator").get(BOMB + "/timeline.pdf")
    flat = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert "Referred to the IAEA within 12 hours." in flat and "2022-12-01" in flat


def test_a_review_before_the_incident_is_closed_is_not_offered(
    app: TestClient, cw: CrisisWorld
) -> None:
    officer = as_(app, cw, "officer_us")
    page = officer.get(THREAT + "/review").text
    assert "The review is written once the incident is closed." in words(page)
    assert 'data-form="review"' not in page
    res = post(officer, THREAT + "/review", {"what_happened": "Too soon."})
    assert res.status_code == 409 and "is not closed yet" in words(res.text)
