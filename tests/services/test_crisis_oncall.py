"""The crisis desk on call, through the services on the example desk and a fixed clock:
the seed's 24 hours as a figure, named recipients, escalation applied by the sweep once
per due action, heartbeats, roles, the timeline and its report, jumps, repeats, reviews."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from offramp.bootstrap import Services
from offramp.errors import Conflict
from offramp.model.crisis import ChannelLevel, IncidentType, NotificationKind
from offramp.model.crisis.journal import EntryKind, IncidentRole
from offramp.model.deadlines import FixedClock
from offramp.services.access import Actor
from offramp.services.crisis import ArrivalIn
from support.crisis import CASE, NOW, sqlite_crisis_desk

H = timedelta(hours=1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


class Desk:
    def __init__(self, services: Services, clock: FixedClock) -> None:
        self.s = services
        self.c = services.crisis
        self.clock = clock
        self.officer: Actor = services.accounts.get_actor("officer_us")
        self.mediator: Actor = services.accounts.get_actor("mediator")

    def events(self, action: str) -> list[dict[str, object]]:
        return [e.payload for e in self.s.audit.events(self.mediator, CASE) if e.action == action]

    def allege(self, key: str, title: str, claim: str) -> None:
        """The officer logs RU's allegation against UA (level 2), arrived now on the
        RU-US defence channel."""
        self.c.log_incident(
            self.officer, CASE, key=key, type=IncidentType.ALLEGATION, title=title,
            raised_by="RU", against="UA", claim=claim, level=2,
            arrivals=[ArrivalIn("ru-us-defence", NOW)],
        )  # fmt: skip


@pytest.fixture
def desk(crisis_templates: dict[str, str], tmp_path: Path) -> Iterator[Desk]:
    clock = FixedClock(NOW)
    with sqlite_crisis_desk(crisis_templates, tmp_path, clock) as services:
        yield Desk(services, clock)


def test_the_seed_allegation_in_figures_against_the_playbook(desk: Desk) -> None:
    t = desk.c.response_times(desk.mediator, CASE, "dirty-bomb")
    figure = {s.step: (s.since_start, s.target) for s in t.steps}
    assert figure["acknowledge"] == (timedelta(minutes=30), 6 * H)
    assert figure["consult_ally"] == (6 * H, 12 * H)
    assert figure["refer"] == (12 * H, 24 * H)
    assert figure["answer_publicly"] == (11 * H, 37 * H)
    report = desk.c.desk_times(desk.mediator, CASE, IncidentType.ALLEGATION)
    assert [i.incident for i in report.incidents] == ["dirty-bomb"]
    refer = next(s for s in report.steps if s.step == "refer")
    assert (refer.median, refer.worst, refer.late) == (12 * H, 12 * H, 0)
    # replayed on the Sunday evening, before the referral: still open, on time
    early = desk.c.response_times(desk.mediator, CASE, "dirty-bomb", at=utc(2022, 10, 23, 20))
    assert early.step("refer").status.value == "open"
    assert early.step("answer_publicly").since_start == 11 * H


def _notify(desk: Desk) -> None:
    desk.c.send_notification(
        desk.officer, CASE, key="ex-1", kind=NotificationKind.EXERCISE, sender="US", to="RU",
        what="A naval exercise", where="Black Sea", starts=NOW + 48 * H, size="12 ships",
        channel="ru-us-nrrc", ack_hours=24, sent_at=NOW,
    )  # fmt: skip
    desk.c.name_recipients(desk.officer, CASE, ["RU", "TR", "UA"], notification="ex-1")


def test_a_notification_is_acknowledged_when_every_recipient_has(desk: Desk) -> None:
    _notify(desk)
    with pytest.raises(Conflict, match="each acknowledges on its own"):
        desk.c.acknowledge_notification(desk.officer, CASE, "ex-1", "someone")
    desk.clock.advance(2 * H)
    desk.c.acknowledge_recipient(desk.officer, CASE, "RU", notification="ex-1", by="NRRC")
    desk.clock.advance(2 * H)
    view = desk.c.acknowledge_recipient(desk.officer, CASE, "UA", notification="ex-1")
    assert view.pending == ("TR",) and view.completed_at is None
    board = desk.c.crisis_board(desk.mediator, CASE)
    assert next(n for n in board.notifications if n.notification.id == "ex-1").status == "awaited"
    desk.clock.advance(30 * H)  # TR is late: 34 h after sending, 10 h past the deadline
    report = desk.s.sweeps.run()
    applied = [e for c, e in report.escalations if "notification:ex-1" in e]
    # ack_late: resend at +1 h, up one rung at +3, +5, +7 h past the deadline
    assert applied == [
        "notification:ex-1 ack_late resend#1", "notification:ex-1 ack_late up_one#1",
        "notification:ex-1 ack_late up_one#2", "notification:ex-1 ack_late up_one#3",
    ]  # fmt: skip
    escalated = desk.events("crisis.escalation.escalate")
    assert [e["level"] for e in escalated if e["subject"] == "notification:ex-1"] == [
        "hotline",
        "hotline",
        "hotline",
    ]  # fmt: skip  (the NRRC line is the hotline: the top of the ladder already)
    assert all(e["to"] == ["TR"] for e in escalated if e["subject"] == "notification:ex-1")
    assert desk.s.sweeps.run().escalations == ()  # exactly once
    desk.c.acknowledge_recipient(desk.officer, CASE, "TR", notification="ex-1")
    board = desk.c.crisis_board(desk.mediator, CASE)
    n = next(n for n in board.notifications if n.notification.id == "ex-1")
    assert n.status == "acknowledged_late" and n.notification.acknowledged_by == "RU, TR, UA"
    desk.clock.advance(24 * H)
    assert [e for _, e in desk.s.sweeps.run().escalations if "ex-1" in e] == []  # stopped


def test_a_step_with_recipients_is_done_when_the_last_acknowledges(desk: Desk) -> None:
    desk.allege("again", "Again", "Once more.")
    desk.c.start_playbook(desk.officer, CASE, "again", "wmd_allegation")
    desk.c.complete_step(desk.officer, CASE, "again", "acknowledge")
    desk.c.name_recipients(desk.officer, CASE, ["UA", "GB"], incident="again",
                           step="consult_ally")  # fmt: skip
    with pytest.raises(Conflict, match="waits for UA, GB"):
        desk.c.complete_step(desk.officer, CASE, "again", "consult_ally")
    desk.clock.advance(H)
    desk.c.acknowledge_recipient(desk.officer, CASE, "GB", incident="again", step="consult_ally")
    duty = desk.c.oncall(desk.mediator, CASE, "again").steps[1]
    assert duty.recipients is not None and duty.recipients.pending == ("UA",)
    desk.clock.advance(H)
    desk.c.acknowledge_recipient(desk.officer, CASE, "UA", incident="again", step="consult_ally")
    step = desk.c.incident(desk.mediator, CASE, "again").run.step("consult_ally")  # type: ignore[union-attr]
    assert (step.done_at, step.done_by) == (NOW + 2 * H, "UA, GB")


def test_the_sweep_escalates_a_late_step_once_per_due_action(desk: Desk) -> None:
    desk.allege("late", "Late", "x")
    desk.c.start_playbook(desk.officer, CASE, "late", "wmd_allegation")
    desk.s.sweeps.run()
    base = len(desk.events("crisis.escalation.resend"))
    desk.clock.advance(6 * H + timedelta(minutes=1))  # acknowledge is overdue (6 h)
    first = [e for _, e in desk.s.sweeps.run().escalations if "step:late:" in e]
    assert first == ["step:late:acknowledge step_late remind#1"]
    assert [e for _, e in desk.s.sweeps.run().escalations if "step:late:" in e] == []
    desk.clock.advance(2 * H)
    again = [e for _, e in desk.s.sweeps.run().escalations if "step:late:" in e]
    assert again == ["step:late:acknowledge step_late remind_again#1"]
    assert len(desk.events("crisis.escalation.resend")) == base + 2
    desk.c.complete_step(desk.officer, CASE, "late", "acknowledge")
    desk.clock.advance(5 * H)  # 13 h: acknowledge stopped; consult_ally (12 h) is overdue
    later = [e for _, e in desk.s.sweeps.run().escalations if "step:late:" in e]
    assert later == [
        "step:late:consult_ally wmd_referral_late chiefs#1",  # at 12 h
        "step:late:consult_ally wmd_referral_late heads#1",  # at 13 h, the clock's now
    ]
    planned = desk.c.escalations(desk.mediator, CASE)
    mine = [p for p in planned if p.subject == "step:late:consult_ally"]
    assert [(p.action.key, p.applied_at is not None) for p in mine] == [
        ("chiefs#1", True), ("heads#1", True), ("hotline#1", False),
    ]  # fmt: skip


def test_a_missed_heartbeat_raises_its_own_incident_once(desk: Desk) -> None:
    desk.c.expect_heartbeat(desk.officer, CASE, "ru-us-nrrc", expected_from="RU",
                            every_hours=24, what="hotline test")  # fmt: skip
    desk.clock.advance(20 * H)
    desk.c.record_message(desk.officer, CASE, "ru-us-nrrc", sender="RU", text="Test.")
    desk.clock.advance(24 * H)  # the next is due 20 + 24 h after the start: now, not missed
    assert desk.s.sweeps.run().incidents == ()
    desk.clock.advance(timedelta(minutes=1))
    raised = desk.s.sweeps.run().incidents
    assert raised == ((CASE, "heartbeat-ru-us-nrrc-20221106t0800"),)
    assert desk.s.sweeps.run().incidents == ()
    inc = desk.c.incident(desk.mediator, CASE, raised[0][1]).incident
    assert inc.type is IncidentType.HEARTBEAT_MISSED and inc.against == "RU"
    (view,) = desk.c.heartbeats(desk.mediator, CASE)
    assert view.last_message == NOW + 20 * H and view.missed == (NOW + 44 * H,)
    desk.c.start_playbook(desk.officer, CASE, inc.id, "heartbeat_missed")


def test_roles_timeline_report_jump_repeat_and_review(desk: Desk) -> None:
    c, o = desk.c, desk.officer
    desk.allege("drill", "A drill <b>", "x")
    c.start_playbook(o, CASE, "drill", "wmd_allegation")
    c.assign_role(o, CASE, "drill", IncidentRole.LEAD, "austin")
    c.assign_role(o, CASE, "drill", IncidentRole.BODY_LIAISON, "the IAEA desk")
    view = c.make_answerable(o, CASE, "drill", "refer", IncidentRole.BODY_LIAISON)
    duties = {d.step: (d.role, d.holder) for d in view.steps}
    assert duties["refer"] == (IncidentRole.BODY_LIAISON, "the IAEA desk")
    assert duties["acknowledge"] == (IncidentRole.LEAD, "austin")
    assert duties["consult_ally"] == (IncidentRole.LEAD, "austin")
    desk.clock.advance(H)
    c.add_note(o, CASE, "drill", "We will refer it.", EntryKind.DECISION)
    run = c.jump_to_step(o, CASE, "drill", "refer")
    assert run.step("acknowledge").waived == "jumped to step “Refer to the impartial body”"
    desk.clock.advance(H)
    c.complete_step(o, CASE, "drill", "refer")
    desk.clock.advance(H)
    run = c.repeat_from_step(o, CASE, "drill", "refer")
    stored = c.incident(desk.mediator, CASE, "drill").run
    assert stored is not None and stored.step("refer").done_at is None
    assert stored.step("refer").due_at == NOW + 3 * H + 24 * H
    c.record_message(o, CASE, "ru-us-defence", sender="austin", text="Call me.", incident="drill")
    entries = c.incident_timeline(desk.mediator, CASE, "drill")
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    kinds = [(e.kind.value, e.text) for e in entries]
    assert ("decision", "We will refer it.") in kinds
    assert ("decision", "jumped to step “Refer to the impartial body”") in kinds
    assert ("decision", "repeated from step “Refer to the impartial body”") in kinds
    assert ("step", "done before a repeat: Refer to the impartial body") in kinds
    # in words: no step ids, policy keys or playbook ids
    assert not [t for _, t in kinds if re.search(r"#\d|\b[a-z]+_[a-z_]+\b", t)], kinds
    assert ("message", "Call me.") in kinds
    assert ("role", "austin is lead") in kinds
    html = c.timeline_report(desk.mediator, CASE, "drill")
    assert "A drill &lt;b&gt;" in html and "Call me." in html and "<b>" not in html
    with pytest.raises(Conflict, match="not closed yet"):
        c.write_review(o, CASE, "drill", what_happened="A drill.")
    for step in ("refer", "answer_publicly", "receive_finding"):
        c.waive_step(o, CASE, "drill", step, "a drill")
    c.close_incident(o, CASE, "drill", "Drill over.")
    c.write_review(
        o, CASE, "drill", what_happened="A drill.", went_right=["Roles were clear."],
        went_wrong=["The jump waived the acknowledgement."],
        follow_ups=[("Add a drill playbook", "desk officer", date(2022, 11, 30))],
    )  # fmt: skip
    review = c.review(desk.mediator, CASE, "drill")
    assert review is not None and review.follow_ups[0].owner == "desk officer"
    assert "Add a drill playbook" in c.timeline_report(desk.mediator, CASE, "drill")
    assert ChannelLevel.HOTLINE  # the ladder's top, used above through the NRRC line
