"""The crisis desk's forms, in process (the desk app over a fresh copy of the example desk,
its clock fixed at Friday 4 November 2022, 12:00 UTC): log an incident, add an arrival,
declare a commitment, send a notification, score a dyad, promote an assurance.

Every refused form re-renders its page with the message and stores nothing; a member who
may not read the desk gets the 404 page before any field is read; a form without the
CSRF token is refused.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from support.crisis import CASE, CrisisWorld
from support.desk import PASSWORD
from support.web import desk_app, set_session

CSRF = "fixed-csrf-token-for-the-crisis-forms"
BOARD = f"/cases/{CASE}/crisis"
LOG = {
    "form": "log",
    "type": "allegation",
    "raised_by": "RU",
    "against": "UA",
    "level": "2",
    "claim": "Ukraine is preparing a radiological dirty bomb.",
    "evidence": "none shown\nsatellite images (none released)",
    "channel": ["ru-us-defence", "gb-ru-defence"],
    "arrived_at": "2022-10-23T09:00Z",
}


@pytest.fixture
def app_client(cw: CrisisWorld) -> Iterator[TestClient]:
    with desk_app(cw.desk) as c:
        yield c


def as_(client: TestClient, cw: CrisisWorld, who: str) -> TestClient:
    return set_session(client, cw.desk.accounts.sign_in(who, PASSWORD)[1], CSRF)


def post(client: TestClient, path: str, form: dict[str, str]) -> httpx.Response:
    return client.post(path, data={"csrf_token": CSRF, **form})


def test_logging_an_incident_through_the_form_puts_it_on_the_board(
    app_client: TestClient, cw: CrisisWorld
) -> None:
    officer = as_(app_client, cw, "officer_us")
    form_page = officer.get(BOARD)
    assert 'data-form="log-incident"' in form_page.text
    res = officer.post(BOARD + "/incidents", data={"csrf_token": CSRF, **LOG})
    assert res.status_code == 303, res.text
    assert res.headers["location"] == f"{BOARD}?done=logged"
    key = "allegation-ukraine-is-preparing-a-radiological-dirty-bomb"
    incident = cw.desk.crisis.incident(cw["officer_us"], CASE, key).incident
    assert incident.channels == ("gb-ru-defence", "ru-us-defence")
    assert incident.evidence == ("none shown", "satellite images (none released)")
    assert (incident.raised_by, incident.against, incident.level) == ("RU", "UA", 2)
    board = officer.get(f"{BOARD}?done=logged")
    assert f'data-incident="{key}"' in board.text
    assert "Incident logged." in board.text

    # it arrived again through the Security Council
    res = officer.post(
        f"{BOARD}/incidents/{key}/arrivals",
        data={"csrf_token": CSRF, "channel": "ru-unsc", "at": "2022-10-25T19:00Z"},
    )
    assert res.status_code == 303, res.text
    again = cw.desk.crisis.incident(cw["officer_us"], CASE, key).incident
    assert "ru-unsc" in again.channels


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"claim": ""}, "claim: claim is required"),
        ({"channel": []}, "channel: choose the channel it arrived through"),
        ({"arrived_at": "2022-10-23 09:00"}, "arrived_at: &#39;2022-10-23 09:00&#39; has no time zone"),
        ({"arrived_at": "2022-11-05T09:00Z"}, "later than now"),
        ({"channel": ["no-such-channel"]}, "unknown channel"),
        ({"raised_by": "XX"}, "unknown party"),
    ],
)  # fmt: skip
def test_a_refused_log_form_re_renders_with_the_message_and_stores_nothing(
    app_client: TestClient, cw: CrisisWorld, change: dict[str, object], message: str
) -> None:
    officer = as_(app_client, cw, "officer_us")
    before = cw.state()
    res = officer.post(BOARD + "/incidents", data={"csrf_token": CSRF, **LOG, **change})
    assert res.status_code == 422, res.text
    assert 'data-flash="error"' in res.text and message in res.text
    # the page is the board again, the form open and filled with what was given
    assert 'data-form="log-incident"' in res.text
    assert '<details class="crisis-form" open>' in res.text
    against = res.text[res.text.index('id="log-against"') :]  # a picker, UA still chosen
    assert '<option value="UA" selected>' in against[: against.index("</select>")]
    assert cw.state() == before


def test_a_delegates_post_is_a_404_and_stores_nothing(
    app_client: TestClient, cw: CrisisWorld
) -> None:
    delegate = as_(app_client, cw, "delegate_ua")
    before = cw.state()
    for path, form in [
        ("/incidents", LOG),
        ("/incidents", {}),  # the 404 comes before any field is read
        ("/commitments", {"id": "x"}),
        ("/escalation", {"id": "x"}),
    ]:
        res = delegate.post(BOARD + path, data={"csrf_token": CSRF, **form})
        assert res.status_code == 404, (path, res.text)
        assert "required" not in res.text
    assert cw.state() == before
    assert 'data-form="log-incident"' not in delegate.get(BOARD).text


def test_the_mediator_reads_the_desk_without_forms_and_a_post_is_refused(
    app_client: TestClient, cw: CrisisWorld
) -> None:
    mediator = as_(app_client, cw, "mediator")
    board = mediator.get(BOARD)
    assert board.status_code == 200 and 'data-incident="dirty-bomb"' in board.text
    for tab in ("", "/commitments", "/notifications", "/escalation"):
        assert "data-form=" not in mediator.get(BOARD + tab).text, tab
    before = cw.state()
    res = mediator.post(BOARD + "/incidents", data={"csrf_token": CSRF, **LOG})
    assert res.status_code == 403
    assert "You may not crisis.write in case ukraine-2022." in res.text
    assert cw.state() == before


def test_a_form_without_the_csrf_token_is_refused(app_client: TestClient, cw: CrisisWorld) -> None:
    officer = as_(app_client, cw, "officer_us")
    before = cw.state()
    res = officer.post(BOARD + "/incidents", data=LOG)
    assert res.status_code == 403
    assert "did not come from this desk" in res.text
    res = officer.post(BOARD + "/incidents", data={"csrf_token": "forged", **LOG})
    assert res.status_code == 403
    assert cw.state() == before


def test_declare_send_score_and_promote_through_the_forms(
    app_client: TestClient, cw: CrisisWorld
) -> None:
    officer = as_(app_client, cw, "officer_us")
    cases = [
        (
            "/commitments",
            {"form": "declare", "id": "us-no-overflights", "kind": "restraint",
             "declared_by": "US", "to": "RU, UA", "date": "2022-10-26",
             "text": "No overflights of the exclusion zone.", "channel": ""},
            "/commitments?done=declared",
        ),
        (
            "/notifications",
            {"form": "notify", "id": "launch-1104", "kind": "missile_launch", "sender": "US",
             "to": "RU", "what": "Minuteman III test launch", "where": "Vandenberg",
             "size": "one unarmed ICBM", "starts": "2022-11-05T09:00Z", "channel": "ru-us-nrrc",
             "ack_hours": "24", "sent_at": "2022-11-03T09:00Z"},
            "/notifications?done=sent",
        ),
        (
            "/escalation",
            {"form": "score", "id": "ru-us-2022-11-04", "between": "US, RU", "level": "4",
             "kind": "threat", "at": "2022-11-04T10:00Z", "rationale": "hypothetical"},
            "/escalation?done=scored",
        ),
    ]  # fmt: skip
    for path, form, target in cases:
        res = post(officer, BOARD + path, form)
        assert res.status_code == 303, (path, res.text)
        assert res.headers["location"] == BOARD + target
    board = cw.desk.crisis.crisis_board(cw["officer_us"], CASE)
    commitment = next(
        v.commitment for v in board.commitments if v.commitment.id == "us-no-overflights"
    )
    assert commitment.to == ("RU", "UA")
    sent = next(v for v in board.notifications if v.notification.id == "launch-1104")
    assert sent.status.value == "overdue"  # due 4 November 09:00, now 12:00
    assert [s.level for s in cw.desk.crisis.timeline(cw["officer_us"], CASE, ("RU", "US"))][-1] == 4
    page = officer.get(f"{BOARD}/escalation?between=RU-US")
    assert 'data-score="ru-us-2022-11-04"' in page.text

    # promote the first assurance not yet a candidate issue; doing it twice is refused
    waiting = next(a.assurance.id for a in board.assurances if a.promoted_at is None)
    res = post(officer, f"{BOARD}/assurances/{waiting}/promote", {"on": "2022-11-04"})
    assert res.status_code == 303
    before = cw.state()
    again = post(officer, f"{BOARD}/assurances/{waiting}/promote", {"on": "2022-11-04"})
    assert again.status_code == 409
    assert "already a candidate issue" in again.text
    assert cw.state() == before


@pytest.mark.parametrize(
    ("path", "form", "message"),
    [
        ("/commitments", {"form": "declare", "id": "Bad Id", "kind": "restraint",
          "declared_by": "US", "to": "RU", "date": "2022-10-26", "text": "t"},
         "id: &#39;Bad Id&#39; is not an id"),
        ("/commitments", {"form": "declare", "id": "c2", "kind": "promise",
          "declared_by": "US", "to": "RU", "date": "2022-10-26", "text": "t"},
         "kind: &#39;promise&#39; is not one of restraint"),
        ("/notifications", {"form": "notify", "id": "n2", "kind": "exercise", "sender": "US",
          "to": "RU", "what": "w", "where": "w", "size": "s", "starts": "2022-11-05T09:00Z",
          "channel": "ru-us-nrrc", "ack_hours": "-1"}, "ack_hours: the hours to acknowledge"),
        ("/escalation", {"form": "score", "id": "s2", "between": "RU, US", "level": "12",
          "kind": "threat"}, "level 12 is not on the ladder"),
    ],
)  # fmt: skip
def test_a_refused_form_on_a_tab_re_renders_that_tab_and_stores_nothing(
    app_client: TestClient, cw: CrisisWorld, path: str, form: dict[str, str], message: str
) -> None:
    officer = as_(app_client, cw, "officer_us")
    before = cw.state()
    res = post(officer, BOARD + path, form)
    assert res.status_code == 422, res.text
    text = res.text
    assert message in text
    assert f'value="{form["id"]}"' in text  # filled in again
    assert cw.state() == before
