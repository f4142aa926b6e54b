"""The crisis desk on call (issue 19) in the access matrix
(``tests/api/test_access_matrix.py``): its rows, and the objects they act on, seeded on
the small case after :func:`support.crisis_matrix.seed_crisis`.

Reads need ``crisis.read`` (the mediator and the crisis officer); writes need
``crisis.write`` (the crisis officer; the mediator gets 403 naming it); every other
member gets the same 404 as for a missing case.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from offramp.bootstrap import Services
from offramp.model.crisis import IncidentType, NotificationKind
from offramp.services.crisis import ArrivalIn
from support.crisis_matrix import BASE, HIDDEN, MEDIATOR, OFFICER


def seed_oncall(desk: Services) -> None:
    """A notification and a step with named recipients, and a closed incident."""
    officer = desk.accounts.get_actor(OFFICER)
    c = desk.crisis
    at = datetime(2022, 10, 27, 9, tzinfo=UTC)
    c.send_notification(
        officer, "small", key="n-oc", kind=NotificationKind.EXERCISE, sender="US", to="RU",
        what="An exercise", where="At sea", starts=at, size="small", channel="ru-us-hotline",
        ack_hours=24, sent_at=at,
    )  # fmt: skip
    c.name_recipients(officer, "small", ["RU", "DE"], notification="n-oc")
    c.name_recipients(officer, "small", ["UA", "US"], incident="inc-open", step="refer")
    c.log_incident(
        officer, "small", key="inc-closed", type=IncidentType.ALLEGATION, title="Closed",
        raised_by="RU", against="UA", claim="A claim.", level=2,
        arrivals=[ArrivalIn("ru-ua-hotline", at)],
    )  # fmt: skip
    c.start_playbook(officer, "small", "inc-closed", "wmd_allegation")
    for step in ("acknowledge", "consult_ally", "refer", "answer_publicly", "receive_finding"):
        c.waive_step(officer, "small", "inc-closed", step, "a drill")
    c.close_incident(officer, "small", "inc-closed", "A drill.")


def oncall_routes(route: Any) -> list[Any]:
    """The rows, built with the matrix's own ``Route`` class."""
    reads = [
        ("crisis_desk_times", "/times?type=allegation"),
        ("crisis_incident_times", "/incidents/inc-done/times"),
        ("crisis_recipient_list", "/recipients"),
        ("crisis_escalation_actions", "/escalations"),
        ("crisis_heartbeat_list", "/heartbeats"),
        ("crisis_oncall_read", "/incidents/inc-open/oncall"),
        ("crisis_timeline_read", "/incidents/inc-open/timeline"),
        ("crisis_timeline_report", "/incidents/inc-open/report"),
        ("crisis_review_read", "/incidents/inc-closed/review"),
    ]
    writes: list[tuple[str, str, str, Any]] = [
        ("crisis_notification_recipients", "PUT", "/notifications/n-1/recipients",
         {"recipients": ["RU", "UA"]}),
        ("crisis_notification_recipient_acknowledge", "POST",
         "/notifications/n-oc/recipients/DE/acknowledge", {"by": "the German desk"}),
        ("crisis_step_recipients", "PUT", "/incidents/inc-open/steps/consult_ally/recipients",
         {"recipients": ["US"]}),
        ("crisis_step_recipient_acknowledge", "POST",
         "/incidents/inc-open/steps/refer/recipients/UA/acknowledge", {}),
        ("crisis_step_jump", "POST", "/incidents/inc-open/steps/refer/jump", {}),
        ("crisis_step_repeat", "POST", "/incidents/inc-done/steps/refer/repeat", {}),
        ("crisis_heartbeat_expect", "PUT", "/channels/ru-ua-hotline/heartbeat",
         {"expected_from": "RU", "every_hours": 24, "what": "hotline test"}),
        ("crisis_channel_message", "POST", "/channels/ru-us-hotline/messages",
         {"sender": "US", "text": "Test message."}),
        ("crisis_role_assign", "PUT", "/incidents/inc-open/roles/lead", {"holder": "austin"}),
        ("crisis_step_answerable", "PUT", "/incidents/inc-open/steps/refer/answerable",
         {"role": "body_liaison"}),
        ("crisis_timeline_note", "POST", "/incidents/inc-open/timeline",
         {"text": "Decided to refer.", "kind": "decision"}),
        ("crisis_review_write", "PUT", "/incidents/inc-closed/review",
         {"what_happened": "A drill.", "follow_ups": [
             {"what": "Write a drill playbook", "owner": "desk officer", "due": "2022-12-01"}]}),
    ]  # fmt: skip
    rows = [
        route(name, "GET", BASE + path, (MEDIATOR, OFFICER), missing=HIDDEN + path)
        for name, path in reads
    ]
    rows += [
        route(name, method, BASE + path, (OFFICER,), (MEDIATOR,), "crisis.write",
              missing=HIDDEN + path, body=body)
        for name, method, path, body in writes
    ]  # fmt: skip
    return rows
