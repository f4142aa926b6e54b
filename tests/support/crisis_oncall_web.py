"""The web access matrix's rows for the crisis desk on call (issue 19: web/crisis_oncall.py,
crisis_times.py, crisis_incident.py, crisis_review.py), with what they act on, seeded on
the example case (``tests/web/test_web_access_matrix.py``): a notification to the United
States and the United Kingdom, and a step of the running satellites threat to the same
two. Reads are the mediator's and the crisis officer's; forms the officer's (the mediator
gets a 403 naming ``crisis.write``); every other member the plain 404.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from offramp.bootstrap import Services
from offramp.demo import CASE
from offramp.model.crisis import NotificationKind

MED, OFF = "mediator", "crisis_officer"
THREAT = "satellites-threat"


def seed_crisis_oncall_web(desk: Services) -> dict[str, str]:
    """Named recipients on a notification and on a step; the ids the rows use."""
    officer = desk.accounts.get_actor(OFF)
    at = datetime(2022, 10, 27, 9, tzinfo=UTC)
    desk.crisis.send_notification(
        officer, CASE, key="matrix-oncall", kind=NotificationKind.EXERCISE, sender="RU",
        to="US", what="An exercise", where="Russia", starts=at, size="small",
        channel="ru-us-nrrc", ack_hours=24, sent_at=at,
    )  # fmt: skip
    desk.crisis.name_recipients(officer, CASE, ["US", "GB"], notification="matrix-oncall")
    desk.crisis.name_recipients(
        officer, CASE, ["US", "GB"], incident=THREAT, step="deterrence_message"
    )
    return {"oncall_notification": "matrix-oncall", "oncall_incident": THREAT}


def crisis_oncall_web_rows(row: Callable[..., Any], c: str) -> list[Any]:
    """The rows, built with the matrix's own ``Row`` class; ``c`` is the case's path."""
    read = (MED, OFF)
    inc = "/cases/{slug}/crisis/incidents/{incident}"
    here = f"{c}/crisis/incidents/{{oncall_incident}}"
    reads = [
        ("/cases/{slug}/crisis/oncall", f"{c}/crisis/oncall"),
        ("/cases/{slug}/crisis/times", f"{c}/crisis/times?type=all"),
        (inc, here),
        (inc + "/timeline.html", here + "/timeline.html"),
        (inc + "/timeline.pdf", here + "/timeline.pdf"),
        (inc + "/review", f"{c}/crisis/incidents/dirty-bomb/review"),
    ]
    forms: list[tuple[str, str, dict[str, Any]]] = [
        ("/cases/{slug}/crisis/oncall/recipients", f"{c}/crisis/oncall/recipients",
         {"notification": "matrix-exercise", "recipients": ["US", "GB"]}),
        ("/cases/{slug}/crisis/oncall/acknowledge", f"{c}/crisis/oncall/acknowledge",
         {"notification": "{oncall_notification}", "recipient": "GB"}),
        ("/cases/{slug}/crisis/oncall/heartbeats", f"{c}/crisis/oncall/heartbeats",
         {"channel": "ru-us-nrrc", "expected_from": "RU", "every_hours": "24"}),
        ("/cases/{slug}/crisis/oncall/messages", f"{c}/crisis/oncall/messages",
         {"channel": "ru-us-nrrc", "sender": "RU", "text": "Hotline test."}),
        (inc + "/roles", here + "/roles", {"role": "lead", "holder": OFF}),
        (inc + "/answerable", here + "/answerable",
         {"step": "consult_allies", "role": "ally_liaison"}),
        (inc + "/step-recipients", here + "/step-recipients",
         {"step": "consult_allies", "recipients": ["US"]}),
        (inc + "/step-acknowledge", here + "/step-acknowledge",
         {"step": "deterrence_message", "recipient": "GB"}),
        (inc + "/jump", here + "/jump", {"step": "assess"}),
        (inc + "/repeat", here + "/repeat", {"step": "assess"}),
        (inc + "/notes", here + "/notes", {"kind": "decision", "text": "From the matrix."}),
        (inc + "/review", f"{c}/crisis/incidents/dirty-bomb/review",
         {"what_happened": "From the matrix.", "fu_what_0": "A follow-up",
          "fu_owner_0": OFF, "fu_due_0": "2022-12-01"}),
    ]  # fmt: skip
    return [row("GET", route, path, read) for route, path in reads] + [
        row("POST", route, path, (OFF,), (MED,), "crisis.write", form=form)
        for route, path, form in forms
    ]
