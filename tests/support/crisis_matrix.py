"""The crisis desk's rows of the access matrix (``tests/api/test_access_matrix.py``) and
the objects they act on, seeded on the matrix's small case by its crisis officer.

On the small case the mediator reads the crisis desk and may not change it
(``crisis.write`` is ``never`` for mediators in ``offramp.model.access``); its crisis
officer does both; every other member gets the same 404 as for a missing case.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from offramp.bootstrap import Services
from offramp.model.crisis import (
    ChannelLevel,
    CommitmentKind,
    IncidentType,
    NotificationKind,
)
from offramp.services.crisis import ArrivalIn

MEDIATOR, OFFICER = "mediator_il", "desk_officer"
BASE = "/api/cases/small/crisis"
HIDDEN = "/api/cases/no-such-case/crisis"


def seed_crisis(desk: Services) -> None:
    """Channels, incidents in each state, a commitment, a notification and an assurance."""
    officer = desk.accounts.get_actor(OFFICER)
    c = desk.crisis

    def at(day: int, hour: int = 9) -> datetime:
        return datetime(2022, 10, day, hour, tzinfo=UTC)

    c.add_channel(officer, "small", "ru-ua-hotline", ["RU", "UA"], ChannelLevel.HOTLINE)
    c.add_channel(officer, "small", "ru-us-hotline", ["RU", "US"], ChannelLevel.HOTLINE)

    def log(key: str, kind: IncidentType, against: str, channel: str, day: int) -> None:
        c.log_incident(
            officer, "small", key=key, type=kind, title=key, raised_by="RU", against=against,
            claim="A claim.", level=2, arrivals=[ArrivalIn(channel, at(day))],
        )  # fmt: skip

    log("inc-open", IncidentType.ALLEGATION, "UA", "ru-ua-hotline", 23)
    log("inc-dup", IncidentType.ALLEGATION, "UA", "ru-ua-hotline", 24)
    log("inc-new", IncidentType.THREAT, "US", "ru-us-hotline", 25)
    log("inc-violation", IncidentType.VIOLATION, "US", "ru-us-hotline", 26)
    log("inc-done", IncidentType.ALLEGATION, "UA", "ru-ua-hotline", 20)
    c.start_playbook(officer, "small", "inc-open", "wmd_allegation")
    c.start_playbook(officer, "small", "inc-done", "wmd_allegation")
    for hour, step in enumerate(
        ("acknowledge", "consult_ally", "refer", "answer_publicly", "receive_finding"), 10
    ):
        c.complete_step(officer, "small", "inc-done", step, at=at(20, hour))
    c.declare_commitment(
        officer, "small", key="c-1", kind=CommitmentKind.RESTRAINT, text="No overflights.",
        declared_by="US", to=["RU"], on=date(2022, 10, 1),
    )  # fmt: skip
    c.send_notification(
        officer, "small", key="n-1", kind=NotificationKind.EXERCISE, sender="US", to="RU",
        what="An exercise", where="At sea", starts=at(27), size="small", channel="ru-us-hotline",
        ack_hours=24, sent_at=at(26),
    )  # fmt: skip
    c.propose_assurance(
        officer, "small", key="a-1", title="Missile limits", proposed_by="US", to=["RU"],
        options=[("none", "No limits"), ("limits", "Mutual limits")],
        stakes={"RU": (0.2, {"none": 0.0, "limits": 1.0}, []),
                "US": (0.1, {"none": 1.0, "limits": 0.6}, ["limits"])},
    )  # fmt: skip


def crisis_routes(route: Any) -> list[Any]:
    """The rows, built with the matrix's own ``Route`` class."""
    reads = [
        ("crisis_board", "/board?at=2022-10-24T00:00:00Z"),
        ("crisis_channel_list", "/channels"),
        ("crisis_incident_list", "/incidents"),
        ("crisis_incident_read", "/incidents/inc-open"),
        ("crisis_commitment_list", "/commitments"),
        ("crisis_notification_list", "/notifications"),
        ("crisis_assurance_list", "/assurances"),
        ("crisis_escalation_timeline", "/escalation?between=RU,UA"),
        ("crisis_alert_list", "/alerts"),
    ]
    writes: list[tuple[str, str, str, Any]] = [
        ("crisis_channel_add", "POST", "/channels",
         {"id": "ua-us-heads", "between": ["UA", "US"], "level": "heads_of_state"}),
        ("crisis_incident_log", "POST", "/incidents",
         {"id": "inc-2", "type": "threat", "title": "A threat", "raised_by": "RU",
          "against": "US", "claim": "x", "level": 2,
          "arrivals": [{"channel": "ru-us-hotline", "at": "2022-10-26T09:00:00Z"}]}),
        ("crisis_arrival_add", "POST", "/incidents/inc-open/arrivals",
         {"channel": "ru-us-hotline", "at": "2022-10-24T09:00:00Z"}),
        ("crisis_incident_merge", "POST", "/incidents/inc-open/merge", {"other": "inc-dup"}),
        ("crisis_playbook_start", "POST", "/incidents/inc-new/playbook", {"playbook": "threat"}),
        ("crisis_step_complete", "POST", "/incidents/inc-open/steps/acknowledge/complete", {}),
        ("crisis_step_waive", "POST", "/incidents/inc-open/steps/answer_publicly/waive",
         {"reason": "answered on the hotline"}),
        ("crisis_incident_close", "POST", "/incidents/inc-done/close", {"outcome": "Closed."}),
        ("crisis_commitment_declare", "POST", "/commitments",
         {"id": "c-2", "kind": "red_line", "text": "No strikes.", "declared_by": "US",
          "to": ["RU"], "date": "2022-10-28"}),
        ("crisis_violation_report", "POST", "/commitments/c-1/violations",
         {"incident": "inc-violation"}),
        ("crisis_notification_send", "POST", "/notifications",
         {"id": "n-2", "kind": "missile_launch", "sender": "US", "to": "RU", "what": "A test",
          "where": "Vandenberg", "starts": "2022-11-02T09:00:00Z", "size": "one ICBM",
          "channel": "ru-us-hotline", "ack_hours": 24, "sent_at": "2022-11-01T09:00:00Z"}),
        ("crisis_notification_acknowledge", "POST", "/notifications/n-1/acknowledge",
         {"by": "the Russian NRRC"}),
        ("crisis_ack_sweep", "POST", "/notifications/sweep", None),
        ("crisis_assurance_propose", "POST", "/assurances",
         {"id": "a-2", "title": "Exercise information", "proposed_by": "US", "to": ["RU"],
          "options": [{"id": "no", "label": "No"}, {"id": "yes", "label": "Yes"}]}),
        ("crisis_assurance_promote", "POST", "/assurances/a-1/promote", {"on": "2022-03-01"}),
        ("crisis_escalation_score", "POST", "/escalation",
         {"id": "s-1", "between": ["RU", "UA"], "level": 3, "kind": "statement",
          "at": "2022-10-23T09:00:00Z"}),
        ("crisis_alert_rule", "PUT", "/alert-rule", {"jump": 3}),
    ]  # fmt: skip
    rows = [
        route(name, "GET", BASE + path, (MEDIATOR, OFFICER), missing=HIDDEN + path)
        for name, path in reads
    ]
    rows += [
        route(
            name,
            method,
            BASE + path,
            (OFFICER,),
            (MEDIATOR,),
            "crisis.write",
            missing=HIDDEN + path,
            body=body,
        )
        for name, method, path, body in writes
    ]
    return rows
