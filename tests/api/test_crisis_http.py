"""The October 2022 "dirty bomb" allegation through the HTTP API of the real server on
loopback, its clock fixed by ``offramp demo --clock fixed:...`` at Friday 4 November 2022, 12:00 UTC.

The example case already holds the record as the column tells it (incident
``dirty-bomb``); here the desk lives it again step by step as ``dirty-bomb-replay``,
and the board is read at fixed instants with ``?at=``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from offramp.bootstrap import bootstrap
from offramp.services.accounts import SYSTEM
from support.crisis import SERVER_PASSWORD
from support.desk import FAST_HASHER, OTHER_CASE_YAML
from support.launch import Running

CASE = "ukraine-2022"
API = f"/api/cases/{CASE}/crisis"
OTHER_PASSWORD = "other-officer-password"


@pytest.fixture(scope="module")
def server(crisis_server: Running) -> Running:
    """The crisis desk's own server (``crisis_server``: the example case, a fixed clock)."""
    return crisis_server


@contextmanager
def client(server: Running, name: str, password: str = SERVER_PASSWORD) -> Iterator[httpx.Client]:
    """An HTTP client signed in as ``name`` (the session cookie)."""
    with httpx.Client(base_url=server.base, timeout=30) as http:
        res = http.post("/api/session", json={"name": name, "password": password})
        assert res.status_code == 200, res.text
        yield http


@pytest.fixture(scope="module")
def officer(server: Running) -> Iterator[httpx.Client]:
    with client(server, "crisis_officer") as http:
        yield http


def ok(res: httpx.Response, status: int = 200) -> Any:
    assert res.status_code == status, res.text
    return res.json()


def steps_at(http: httpx.Client, at: str) -> dict[str, dict[str, Any]]:
    incident = ok(http.get(f"{API}/incidents/dirty-bomb-replay", params={"at": at}))
    return {s["id"]: s for s in incident["run"]["steps"]}


def problem(res: httpx.Response, status: int) -> dict[str, Any]:
    assert res.status_code == status, res.text
    assert res.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = res.json()
    return body


def test_dirty_bomb_lifecycle_through_the_api(officer: httpx.Client) -> None:
    arrival = {"quote": "The Russian minister of defense called his U.S. counterpart, twice"}
    logged = ok(
        officer.post(
            f"{API}/incidents",
            json={
                "id": "dirty-bomb-replay",
                "type": "allegation",
                "title": 'Russia alleges a Ukrainian "dirty bomb"',
                "raised_by": "RU",
                "against": "UA",
                "claim": "Ukraine is preparing a radiological dirty bomb.",
                "level": 2,
                "evidence": ["none shown"],
                "arrivals": [
                    {"channel": "ru-us-defence", "at": "2022-10-23T09:00:00Z", **arrival},
                    {"channel": "gb-ru-defence", "at": "2022-10-23T09:00:00Z"},
                ],
            },
        ),
        201,
    )
    assert logged["channels"] == ["gb-ru-defence", "ru-us-defence"]
    for channel, at in [
        ("fr-ru-defence", "2022-10-23T09:00:00Z"),
        ("ru-tr-defence", "2022-10-23T09:00:00Z"),
        ("ru-us-chiefs", "2022-10-24T09:00:00Z"),
        ("ru-unsc", "2022-10-25T19:00:00Z"),
    ]:
        ok(
            officer.post(
                f"{API}/incidents/dirty-bomb-replay/arrivals", json={"channel": channel, "at": at}
            ),
            201,
        )

    # one incident, shown once, with every channel it came through
    listed = ok(officer.get(f"{API}/incidents", params={"at": "2022-10-26T00:00:00Z"}))
    replays = [i for i in listed if i["id"] == "dirty-bomb-replay"]
    assert len(replays) == 1
    assert replays[0]["channels"] == [
        "fr-ru-defence", "gb-ru-defence", "ru-tr-defence", "ru-us-defence", "ru-us-chiefs", "ru-unsc",
    ]  # fmt: skip
    assert replays[0]["level_name"] == "declarations"

    started = ok(
        officer.post(
            f"{API}/incidents/dirty-bomb-replay/playbook",
            json={"playbook": "wmd_allegation", "at": "2022-10-23T09:00:00Z"},
        ),
        201,
    )
    assert {s["id"]: s["due_at"] for s in started["run"]["steps"]} == {
        "acknowledge": "2022-10-23T09:00:00Z".replace("09", "15", 1),
        "consult_ally": "2022-10-23T21:00:00Z",
        "refer": "2022-10-24T09:00:00Z",
        "answer_publicly": "2022-10-24T22:00:00Z",  # 18:00 in New York (EDT) the next day
        "receive_finding": "2022-11-06T09:00:00Z",
    }

    # 16:00 UTC: the acknowledgement (6 h) is an hour overdue; the rest wait on it
    at_16 = steps_at(officer, "2022-10-23T16:00:00Z")
    assert (at_16["acknowledge"]["status"], at_16["acknowledge"]["overdue_hours"]) == (
        "overdue",
        1.0,
    )
    assert at_16["acknowledge"]["text"] == "overdue by 1 h"
    assert at_16["consult_ally"]["text"] == "pending (after acknowledge)"

    def complete(step: str, **body: Any) -> None:
        ok(officer.post(f"{API}/incidents/dirty-bomb-replay/steps/{step}/complete", json=body))

    complete("acknowledge", by="austin", at="2022-10-23T09:30:00Z", channel="ru-us-defence")
    at_22 = steps_at(officer, "2022-10-23T22:00:00Z")
    assert (at_22["acknowledge"]["status"], at_22["acknowledge"]["done_by"]) == ("done", "austin")
    assert at_22["consult_ally"]["text"] == "overdue by 1 h"
    assert at_22["answer_publicly"]["status"] == "due"

    complete("consult_ally", at="2022-10-23T22:30:00Z", channel="ua-us-officials")
    complete("answer_publicly", at="2022-10-23T20:00:00Z", channel="ru-us-public")
    complete("refer", at="2022-10-23T23:00:00Z", channel="iaea-us")
    at_25 = steps_at(officer, "2022-10-25T00:00:00Z")
    assert at_25["consult_ally"]["text"] == "done late by 1 h 30 min"
    assert at_25["consult_ally"]["done_by"] == "crisis_officer"  # the US officer, by default
    assert at_25["refer"]["status"] == "done"
    assert at_25["receive_finding"]["status"] == "due"

    # now (the fixed clock): still waiting for the IAEA, due in two days
    now = ok(officer.get(f"{API}/incidents/dirty-bomb-replay"))
    assert [s["status"] for s in now["run"]["steps"]] == [
        "done",
        "done_late",
        "done",
        "done",
        "due",
    ]
    assert (
        "later than now"
        in problem(
            officer.get(
                f"{API}/incidents/dirty-bomb-replay", params={"at": "2022-11-06T10:00:00Z"}
            ),
            422,
        )["detail"]
    )

    closing = {"outcome": "Referred to the IAEA; inspection; no undeclared activity found; closed."}
    assert (
        "open steps"
        in problem(officer.post(f"{API}/incidents/dirty-bomb-replay/close", json=closing), 409)[
            "detail"
        ]
    )
    complete("receive_finding", by="grossi", at="2022-11-03T12:00:00Z")
    closed = ok(
        officer.post(
            f"{API}/incidents/dirty-bomb-replay/close",
            json={**closing, "at": "2022-11-03T13:00:00Z"},
        )
    )
    assert closed["run"]["outcome"] == closing["outcome"]
    assert (closed["run"]["closed_at"], closed["run"]["closed_by"]) == (
        "2022-11-03T13:00:00Z",
        "crisis_officer",
    )
    board = ok(officer.get(f"{API}/board"))
    assert board["now"] == "2022-11-04T12:00:00Z"
    replay = next(i for i in board["incidents"] if i["id"] == "dirty-bomb-replay")
    assert replay["overdue"] == 0 and replay["run"]["outcome"] == closing["outcome"]
    # the channels record their last use: the US-IAEA channel by the referral
    dyads = {tuple(d["between"]): d for d in ok(officer.get(f"{API}/channels"))}
    assert dyads[("IAEA", "US")]["channels"][0]["last_used"] == "2022-10-23T23:00:00Z"


def test_an_overdue_acknowledgement_raises_an_incident(officer: httpx.Client) -> None:
    sent = ok(
        officer.post(
            f"{API}/notifications",
            json={
                "id": "launch-1104",
                "kind": "missile_launch",
                "sender": "US",
                "to": "RU",
                "what": "Minuteman III test launch",
                "where": "Vandenberg Space Force Base",
                "starts": "2022-11-05T09:00:00Z",
                "size": "one unarmed ICBM",
                "channel": "ru-us-nrrc",
                "ack_hours": 24,
                "sent_at": "2022-11-03T09:00:00Z",
            },
        ),
        201,
    )
    assert (sent["ack_due"], sent["status"], sent["overdue_hours"]) == (
        "2022-11-04T09:00:00Z",
        "overdue",
        3.0,
    )
    raised = ok(officer.post(f"{API}/notifications/sweep"))
    assert [(i["id"], i["type"], i["raised_by"], i["against"]) for i in raised] == [
        ("ack-missed-launch-1104", "notification_missed", "US", "RU")
    ]
    assert ok(officer.post(f"{API}/notifications/sweep")) == []
    listed = {n["id"]: n for n in ok(officer.get(f"{API}/notifications"))}
    assert listed["launch-1104"]["raised"] == "ack-missed-launch-1104"
    assert listed["grom-2022"]["status"] == "acknowledged"


def test_an_escalation_jump_raises_an_alert(officer: httpx.Client) -> None:
    scored = ok(
        officer.post(
            f"{API}/escalation",
            json={
                "id": "ru-us-2022-11-04",
                "between": ["US", "RU"],
                "level": 4,
                "kind": "threat",
                "at": "2022-11-04T10:00:00Z",
                "rationale": "harassment of a satellite (hypothetical)",
            },
        ),
        201,
    )
    assert [(a["from_level"], a["to_level"], a["jump"]) for a in scored["alerts"]] == [(1, 4, 3)]
    alerts = ok(officer.get(f"{API}/alerts"))
    assert alerts[-1]["score"] == "ru-us-2022-11-04"
    assert alerts[-1]["text"].startswith("RU-US escalated from level 1 to 4 (+3)")
    series = ok(officer.get(f"{API}/escalation", params={"between": "RU,US"}))
    assert [s["level"] for s in series] == [0, 2, 2, 1, 1, 4]


@pytest.mark.parametrize(
    ("path", "body", "where", "words"),
    [
        ("/incidents", {"id": "x", "type": "threat", "title": "t", "raised_by": "RU",
          "against": "US", "claim": "c", "level": 2,
          "arrivals": [{"channel": "ru-us-public", "at": "2022-10-26T19:00:00"}]},
         "body.arrivals.0.at", "timezone"),
        ("/incidents", {"id": "x", "type": "threat", "title": "t", "raised_by": "RU",
          "against": "US", "claim": "c", "level": 2,
          "arrivals": [{"channel": "no-such-channel", "at": "2022-10-26T19:00:00Z"}]},
         "arrivals[0].channel", "unknown channel 'no-such-channel'"),
        ("/incidents", {"id": "x", "type": "rumour", "title": "t", "raised_by": "RU",
          "against": "US", "claim": "c", "level": 2, "arrivals": []},
         "body.type", "allegation"),
        ("/incidents/satellites-threat/playbook", {"playbook": "no-such-book"}, "playbook",
         "wmd_allegation"),
        ("/incidents/satellites-threat/steps/record_wording/complete",
         {"at": "2022-11-05T00:00:00Z"}, "at", "later than now"),
        ("/notifications", {"id": "n", "kind": "exercise", "sender": "RU", "to": "US",
          "what": "w", "where": "w", "starts": "2022-11-05T00:00:00Z", "size": "s",
          "channel": "ru-us-nrrc", "ack_hours": -1}, "body.ack_hours", "greater than or equal"),
        ("/escalation", {"id": "s", "between": ["RU", "US"], "level": 12, "kind": "threat"},
         "body.level", "less than or equal to 9"),
    ],
)  # fmt: skip
def test_bad_bodies_are_problems_naming_the_field(
    officer: httpx.Client, path: str, body: dict[str, Any], where: str, words: str
) -> None:
    body_out = problem(officer.post(API + path, json=body), 422)
    assert body_out["errors"][0]["where"] == where
    assert words in body_out["errors"][0]["message"]


# -- access --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def other_officer(server: Running) -> Iterator[httpx.Client]:
    """A crisis officer of another case, added to the server's database."""
    desk = bootstrap(str(server.db), migrate_first=False, hasher=FAST_HASHER)
    try:
        desk.cases.import_case(SYSTEM, OTHER_CASE_YAML, "other.yaml")
        desk.accounts.add_user(SYSTEM, "officer_other", OTHER_PASSWORD)
        desk.cases.add_member(SYSTEM, "other", "officer_other", "crisis_officer", None)
        desk.accounts.add_user(SYSTEM, "nobody", OTHER_PASSWORD)
    finally:
        desk.close()
    with client(server, "officer_other", OTHER_PASSWORD) as http:
        yield http


@pytest.mark.parametrize(
    "person", ["delegate_ua", "observer", "analyst", "officer_other", "nobody"]
)
def test_the_crisis_board_is_a_404_to_who_may_not_read_it(
    server: Running, other_officer: httpx.Client, person: str
) -> None:
    password = (
        SERVER_PASSWORD if person in {"delegate_ua", "observer", "analyst"} else OTHER_PASSWORD
    )
    with client(server, person, password) as http:
        hidden = problem(http.get(f"{API}/board"), 404)
        missing = problem(http.get("/api/cases/no-such-case/crisis/board"), 404)
        assert hidden == missing
        assert hidden["detail"] == "No such case."
        denied = problem(http.post(f"{API}/notifications/sweep"), 404)
        assert denied == missing


def test_the_mediator_reads_the_board_but_may_not_change_it(server: Running) -> None:
    with client(server, "mediator") as http:
        board = ok(http.get(f"{API}/board"))
        assert board["can_write"] is False and board["incidents"]
        refused = problem(
            http.post(f"{API}/incidents/satellites-threat/steps/record_wording/complete", json={}),
            403,
        )
        assert refused["errors"][0]["where"] == "crisis.write"
