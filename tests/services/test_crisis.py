"""The crisis desk's services on a stored case: import, the lifecycle of an incident at
fixed instants, notifications, escalation alerts, assurances, access and audit."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from offramp.analysis.problem import problem_from_case
from offramp.errors import Conflict, Forbidden, InputError, NotFound
from offramp.files.case import parse_case
from offramp.model.crisis import (
    AckStatus,
    CommitmentKind,
    IncidentType,
    NotificationKind,
    ScoreKind,
    StepStatus,
)
from offramp.model.deadlines import SystemClock
from offramp.model.parse import parse_clock
from offramp.services.crisis import ArrivalIn
from support.crisis import CASE, NOW, CrisisWorld


def t(day: int, hour: int = 0, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2022, month, day, hour, minute, tzinfo=UTC)


def statuses(cw: CrisisWorld, incident: str, at: datetime) -> dict[str, str]:
    board = cw.desk.crisis.incident(cw["officer_us"], CASE, incident, at)
    return {v.id: v.describe() for v in board.steps}


def log_allegation(cw: CrisisWorld, key: str = "replay") -> None:
    cw.desk.crisis.log_incident(
        cw["officer_us"],
        CASE,
        key=key,
        type=IncidentType.ALLEGATION,
        title="Russia alleges a dirty bomb (replayed)",
        raised_by="RU",
        against="UA",
        claim="Ukraine is preparing a dirty bomb.",
        level=2,
        arrivals=[
            ArrivalIn("ru-us-defence", t(23, 9)),
            ArrivalIn("ru-us-chiefs", t(24, 9)),
        ],
        evidence=["none shown"],
    )


# -- import --------------------------------------------------------------------------


def test_case_import_loads_the_example_crisis_section(cw: CrisisWorld) -> None:
    board = cw.desk.crisis.crisis_board(cw["officer_us"], CASE, t(24, 0))
    assert [b.incident.id for b in board.incidents] == ["dirty-bomb"]
    bomb = board.incidents[0]
    # arrivals up to that instant only, shown as one incident
    assert bomb.incident.channels == (
        "ru-us-defence",
        "fr-ru-defence",
        "gb-ru-defence",
        "ru-tr-defence",
    )
    assert {v.id: (v.status, v.done_by) for v in bomb.steps} == {
        "acknowledge": (StepStatus.DONE, "austin"),
        "consult_ally": (StepStatus.DONE, "top White House and State Department officials"),
        "refer": (StepStatus.DONE, "the Biden administration"),
        "answer_publicly": (StepStatus.DONE, "the Biden administration"),
        "receive_finding": (StepStatus.DUE, ""),
    }
    later = cw.desk.crisis.crisis_board(cw["officer_us"], CASE)
    assert later.at == NOW
    closed = next(b for b in later.incidents if b.incident.id == "dirty-bomb")
    assert closed.run is not None and closed.run.closed
    assert closed.run.outcome.startswith("Referred to the IAEA; inspection at three locations")
    assert len(closed.incident.channels) == 7
    assert {c.commitment.id for c in later.commitments} >= {"us-no-atacms", "us-no-no-fly-zone"}
    assert [(n.notification.id, n.status) for n in later.notifications] == [
        ("grom-2022", AckStatus.ACKNOWLEDGED)
    ]


def test_channels_per_dyad_with_last_use_from_arrivals_and_steps(cw: CrisisWorld) -> None:
    groups = {g.dyad: g for g in cw.desk.crisis.channels(cw["mediator"], CASE)}
    ru_us = [(c.channel.id, c.last_used) for c in groups[("RU", "US")].channels]
    # highest level first; last use from the arrivals and the steps done on each
    assert ru_us == [
        ("ru-us-defence", t(23, 9, 30)),  # the acknowledgement on the call
        ("ru-us-chiefs", t(24, 9)),
        ("ru-us-nrrc", None),
        ("ru-us-back", None),
        ("ru-us-public", t(27, 9)),
    ]
    assert [c.last_used for c in groups[("IAEA", "US")].channels] == [t(23, 21)]


# -- the lifecycle at fixed instants ---------------------------------------------------


def test_incident_through_several_channels_is_one_incident(cw: CrisisWorld) -> None:
    log_allegation(cw)
    cw.desk.crisis.add_arrival(cw["officer_us"], CASE, "replay", ArrivalIn("ru-unsc", t(25, 19)))
    board = cw.desk.crisis.crisis_board(cw["officer_us"], CASE, t(26))
    replays = [b for b in board.incidents if b.incident.id == "replay"]
    assert len(replays) == 1
    assert replays[0].incident.channels == ("ru-us-defence", "ru-us-chiefs", "ru-unsc")


def test_merging_a_separately_logged_report_leaves_one_incident(cw: CrisisWorld) -> None:
    log_allegation(cw)
    log_allegation(cw, "replay-unsc")
    cw.desk.crisis.add_arrival(
        cw["officer_us"], CASE, "replay-unsc", ArrivalIn("ru-unsc", t(25, 19))
    )
    merged = cw.desk.crisis.merge_incidents(cw["officer_us"], CASE, "replay", "replay-unsc")
    assert merged.channels == ("ru-us-defence", "ru-us-chiefs", "ru-unsc")
    ids = [b.incident.id for b in cw.desk.crisis.crisis_board(cw["officer_us"], CASE).incidents]
    assert ids.count("replay") == 1 and "replay-unsc" not in ids
    with pytest.raises(Conflict, match="merged into replay"):
        cw.desk.crisis.add_arrival(
            cw["officer_us"], CASE, "replay-unsc", ArrivalIn("ru-us-public", t(26, 9))
        )


def test_playbook_steps_due_and_overdue_at_fixed_instants(cw: CrisisWorld) -> None:
    log_allegation(cw)
    run = cw.desk.crisis.start_playbook(cw["officer_us"], CASE, "replay", "wmd_allegation")
    assert run.started_at == t(23, 9)
    # 6 h to acknowledge: due at 15:00; at 15:00 still due, at 16:00 overdue by 1 h
    assert statuses(cw, "replay", t(23, 15))["acknowledge"] == "due"
    at_16 = statuses(cw, "replay", t(23, 16))
    assert at_16["acknowledge"] == "overdue by 1 h"
    assert at_16["consult_ally"] == "pending (after acknowledge)"
    # answer publicly by 18:00 New York the next day: 22:00 UTC on 24 October (EDT)
    assert statuses(cw, "replay", t(25, 1))["answer_publicly"] == "overdue by 3 h"
    cw.desk.crisis.complete_step(
        cw["officer_us"], CASE, "replay", "acknowledge", at=t(23, 17, 30), channel="ru-us-defence"
    )
    at_18 = cw.desk.crisis.incident(cw["officer_us"], CASE, "replay", t(23, 18)).steps
    ack = next(v for v in at_18 if v.id == "acknowledge")
    assert (ack.status, ack.done_by, ack.late_by) == (
        StepStatus.DONE_LATE,
        "officer_us",
        timedelta(hours=2, minutes=30),
    )
    assert statuses(cw, "replay", t(23, 18))["consult_ally"] == "due"
    # replayed at an earlier instant the step is not done yet
    assert statuses(cw, "replay", t(23, 17))["acknowledge"] == "overdue by 2 h"


def test_the_wmd_playbook_closes_with_the_iaea_outcome(cw: CrisisWorld) -> None:
    log_allegation(cw)
    c = cw.desk.crisis
    officer = cw["officer_us"]
    c.start_playbook(officer, CASE, "replay", "wmd_allegation")
    c.complete_step(officer, CASE, "replay", "acknowledge", at=t(23, 9, 30), by="austin")
    c.complete_step(officer, CASE, "replay", "consult_ally", at=t(23, 15))
    c.complete_step(officer, CASE, "replay", "answer_publicly", at=t(23, 20))
    c.complete_step(officer, CASE, "replay", "refer", at=t(23, 21), channel="iaea-us")
    with pytest.raises(Conflict, match="open steps"):
        c.close_incident(officer, CASE, "replay", "Closed.", at=t(24))
    c.complete_step(officer, CASE, "replay", "receive_finding", at=t(3, 12, month=11), by="grossi")
    outcome = "Referred to the IAEA; inspection; no undeclared activity found; closed."
    run = c.close_incident(officer, CASE, "replay", outcome, at=t(3, 13, month=11))
    assert run.closed and run.outcome == outcome and run.closed_by == "officer_us"
    stored = c.incident(officer, CASE, "replay")
    assert stored.run is not None and stored.run.outcome == outcome
    assert {v.id: v.status for v in stored.steps} == {
        "acknowledge": StepStatus.DONE,
        "consult_ally": StepStatus.DONE,
        "refer": StepStatus.DONE,
        "answer_publicly": StepStatus.DONE,
        "receive_finding": StepStatus.DONE,
    }
    with pytest.raises(Conflict, match="closed"):
        c.waive_step(officer, CASE, "replay", "refer", "no longer needed")


def test_times_later_than_the_clock_are_refused(cw: CrisisWorld) -> None:
    log_allegation(cw)
    cw.desk.crisis.start_playbook(cw["officer_us"], CASE, "replay", "wmd_allegation")
    with pytest.raises(InputError) as err:
        cw.desk.crisis.complete_step(
            cw["officer_us"], CASE, "replay", "acknowledge", at=NOW + timedelta(minutes=1)
        )
    assert err.value.where == "at" and "later than now" in err.value.message
    # the clock moves, the same time is now allowed (tests move the clock, never sleep)
    cw.clock.advance(timedelta(minutes=1))
    cw.desk.crisis.complete_step(
        cw["officer_us"], CASE, "replay", "acknowledge", at=NOW + timedelta(minutes=1)
    )


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (
            {"arrivals": [ArrivalIn("no-such-channel", t(23))]},
            "arrivals[0].channel",
            "unknown channel",
        ),
        ({"raised_by": "XX"}, "raised_by", "unknown party 'XX'"),
        ({"level": 10}, "level", "not on the ladder"),
        ({"arrivals": []}, "arrivals", "at least one arrival"),
        (
            {"arrivals": [ArrivalIn("ru-unsc", datetime(2022, 10, 23))]},
            "arrivals[0].at",
            "no time zone",
        ),
    ],
)
def test_bad_incidents_name_the_field_and_store_nothing(
    cw: CrisisWorld, change: dict[str, object], where: str, message: str
) -> None:
    before = cw.state()
    fields: dict[str, object] = {
        "key": "bad",
        "type": IncidentType.THREAT,
        "title": "A threat",
        "raised_by": "RU",
        "against": "US",
        "claim": "x",
        "level": 2,
        "arrivals": [ArrivalIn("ru-us-public", t(26))],
        **change,
    }
    with pytest.raises(InputError) as err:
        cw.desk.crisis.log_incident(cw["officer_us"], CASE, **fields)  # type: ignore[arg-type]
    assert err.value.where == where and message in err.value.message
    assert cw.state() == before


def test_unknown_playbook_is_named(cw: CrisisWorld) -> None:
    log_allegation(cw)
    with pytest.raises(InputError) as err:
        cw.desk.crisis.start_playbook(cw["officer_us"], CASE, "replay", "nope")
    assert err.value.where == "playbook" and "wmd_allegation" in err.value.message
    with pytest.raises(Conflict, match="threat incidents"):
        cw.desk.crisis.start_playbook(cw["officer_us"], CASE, "replay", "threat")


# -- commitments and notifications --------------------------------------------------------


def test_violation_reports_link_to_commitments(cw: CrisisWorld) -> None:
    c, officer = cw.desk.crisis, cw["officer_us"]
    c.declare_commitment(
        officer, CASE, key="no-strikes-on-satellites", kind=CommitmentKind.RED_LINE,
        text="No strikes on commercial satellites.", declared_by="US", to=["RU"],
        on=date(2022, 10, 28),
    )  # fmt: skip
    c.log_incident(
        officer, CASE, key="jamming", type=IncidentType.VIOLATION, title="Jamming",
        raised_by="US", against="RU", claim="A satellite was jammed.", level=4,
        arrivals=[ArrivalIn("ru-us-nrrc", t(30))],
    )  # fmt: skip
    cm = c.report_violation(officer, CASE, "no-strikes-on-satellites", "jamming")
    assert cm.violations == ("jamming",)
    view = next(
        v for v in c.crisis_board(officer, CASE).commitments
        if v.commitment.id == "no-strikes-on-satellites"
    )  # fmt: skip
    assert [i.id for i in view.violations] == ["jamming"]
    with pytest.raises(Conflict, match="not a violation"):
        c.report_violation(officer, CASE, "no-strikes-on-satellites", "dirty-bomb")


def send(cw: CrisisWorld, key: str = "launch-1") -> None:
    cw.desk.crisis.send_notification(
        cw["officer_us"], CASE, key=key, kind=NotificationKind.MISSILE_LAUNCH, sender="US",
        to="RU", what="Minuteman III test launch", where="Vandenberg", starts=t(2, 9, month=11),
        size="one unarmed ICBM", channel="ru-us-nrrc", ack_hours=24, sent_at=t(1, 9, month=11),
    )  # fmt: skip


def test_an_overdue_acknowledgement_raises_an_incident_once(cw: CrisisWorld) -> None:
    send(cw)
    c, officer = cw.desk.crisis, cw["officer_us"]
    cw.clock.set(t(2, 9, month=11))  # the deadline itself: not missed yet
    assert c.sweep_acknowledgements(officer, CASE) == ()
    cw.clock.set(t(2, 10, month=11))
    raised = c.sweep_acknowledgements(officer, CASE)
    assert [(i.id, i.type, i.raised_by, i.against) for i in raised] == [
        ("ack-missed-launch-1", IncidentType.NOTIFICATION_MISSED, "US", "RU")
    ]
    assert raised[0].first_arrival == t(2, 9, month=11)
    assert c.sweep_acknowledgements(officer, CASE) == ()
    board = c.crisis_board(officer, CASE)
    view = next(n for n in board.notifications if n.notification.id == "launch-1")
    assert (view.status, view.overdue_by, view.raised) == (
        AckStatus.OVERDUE,
        timedelta(hours=1),
        "ack-missed-launch-1",
    )
    # the raised incident can run the notification_missed playbook
    c.start_playbook(officer, CASE, "ack-missed-launch-1", "notification_missed")


def test_an_acknowledgement_in_time_raises_nothing(cw: CrisisWorld) -> None:
    send(cw)
    c, officer = cw.desk.crisis, cw["officer_us"]
    cw.clock.set(t(1, 20, month=11))
    n = c.acknowledge_notification(officer, CASE, "launch-1", "the Russian NRRC")
    assert n.acknowledged_at == t(1, 20, month=11)
    cw.clock.set(t(5, month=11))
    assert c.sweep_acknowledgements(officer, CASE) == ()
    with pytest.raises(Conflict, match="already acknowledged"):
        c.acknowledge_notification(officer, CASE, "launch-1", "again")


# -- escalation and assurances --------------------------------------------------------------


def test_an_escalation_jump_raises_an_alert_and_the_rule_is_configurable(cw: CrisisWorld) -> None:
    c, officer = cw.desk.crisis, cw["officer_us"]
    score, alerts = c.score_escalation(
        officer, CASE, key="ru-us-11-04", between=["US", "RU"], level=2,
        kind=ScoreKind.STATEMENT, rationale="one level up",
    )  # fmt: skip
    assert score.dyad == ("RU", "US") and alerts == ()  # 1 -> 2: below the jump of 2
    cw.clock.advance(timedelta(hours=1))
    _, alerts = c.score_escalation(
        officer, CASE, key="ru-us-11-04b", between=["RU", "US"], level=5, kind=ScoreKind.ACTION
    )
    assert [(a.from_level, a.to_level, a.score) for a in alerts] == [(2, 5, "ru-us-11-04b")]
    assert [s.level for s in c.timeline(officer, CASE, ["US", "RU"])] == [0, 2, 2, 1, 1, 2, 5]
    c.set_alert_rule(officer, CASE, jump=4)
    assert [a.score for a in c.alerts(officer, CASE)] == []
    c.set_alert_rule(officer, CASE, jump=1)
    assert [(a.from_level, a.to_level) for a in c.alerts(officer, CASE)] == [(0, 2), (1, 2), (2, 5)]


def test_a_promoted_assurance_is_a_candidate_issue_the_analysis_weighs(cw: CrisisWorld) -> None:
    c, officer = cw.desk.crisis, cw["officer_us"]
    c.promote_assurance(officer, CASE, "us-ru-missile-limits", on=date(2022, 10, 28))
    case = parse_case(cw.desk.cases.export_case_as_operator(CASE), "stored")
    issue = case.issue("us-ru-missile-limits")
    assert issue.candidate
    problem = problem_from_case(case, date(2022, 10, 28))
    linked = {li.id: li for li in problem.linked}
    assert "us-ru-missile-limits" in linked
    assert linked["us-ru-missile-limits"].values.tolist()[0] == [0.0, 1.0]  # RU first
    view = next(a for a in c.crisis_board(officer, CASE).assurances if a.assurance.id == issue.id)
    assert view.promoted_by == "officer_us"
    with pytest.raises(Conflict, match="already a candidate issue"):
        c.promote_assurance(officer, CASE, "us-ru-missile-limits")


# -- access and audit -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "person", ["delegate_ua", "observer", "analyst", "officer_other", "outsider"]
)
def test_who_may_not_read_the_crisis_desk_gets_the_missing_case_404(
    cw: CrisisWorld, person: str
) -> None:
    with pytest.raises(NotFound) as hidden:
        cw.desk.crisis.crisis_board(cw[person], CASE)
    with pytest.raises(NotFound) as missing:
        cw.desk.crisis.crisis_board(cw[person], "no-such-case")
    assert hidden.value.message == missing.value.message == "No such case."
    before = cw.state()
    with pytest.raises(NotFound):
        cw.desk.crisis.sweep_acknowledgements(cw[person], CASE)
    assert cw.state() == before


def test_the_mediator_reads_the_desk_but_may_not_write_it(cw: CrisisWorld) -> None:
    board = cw.desk.crisis.crisis_board(cw["mediator"], CASE)
    assert board.incidents and not board.can_write
    before = cw.state()
    with pytest.raises(Forbidden) as err:
        log_allegation(cw.__class__(cw.desk, cw.clock, {**cw.actors, "officer_us": cw["mediator"]}))
    assert err.value.action == "crisis.write"
    assert cw.state() == before
    checks = [ch for ch in cw.desk.policy.checks if ch.action == "crisis.write"]
    assert checks[-1].allowed is False and checks[-1].actor == "mediator"


def test_every_write_is_in_the_audit_chain(cw: CrisisWorld) -> None:
    log_allegation(cw)
    cw.desk.crisis.start_playbook(cw["officer_us"], CASE, "replay", "wmd_allegation")
    cw.desk.crisis.complete_step(cw["officer_us"], CASE, "replay", "acknowledge", at=t(23, 10))
    events = cw.desk.audit.events(cw["mediator"], CASE)
    mine = [(e.actor, e.action) for e in events if e.action.startswith("crisis.")]
    assert mine[-3:] == [
        ("officer_us", "crisis.incident.log"),
        ("officer_us", "crisis.playbook.start"),
        ("officer_us", "crisis.step.complete"),
    ]
    assert cw.desk.audit.verify_as(cw["mediator"], CASE).ok


def test_the_desk_clock_is_read_from_what_the_operator_typed() -> None:
    assert parse_clock("fixed:2022-10-23T09:00:00Z", "--clock").now() == t(23, 9)
    started = parse_clock("2022-10-23T09:00:00Z", "--clock").now()
    assert t(23, 9) <= started < t(23, 9) + timedelta(minutes=1)
    assert parse_clock("real", "--clock").now().year >= 2026
    assert isinstance(parse_clock(None, "--clock"), SystemClock)
    with pytest.raises(InputError) as err:
        parse_clock("fixed:2022-10-23T09:00:00", "--clock")
    assert err.value.where == "--clock"
    assert "no time zone" in str(err.value)


# -- export ----------------------------------------------------------------------------


def test_export_carries_what_the_desk_recorded_since_import(cw: CrisisWorld) -> None:
    from offramp.files.case import parse_case

    log_allegation(cw, key="logged-on-the-desk")
    exported = cw.desk.cases.export_case(cw["mediator"], CASE, "yaml")
    case = parse_case(exported.text, "export.yaml")
    assert case.crisis is not None
    ids = [i.id for i in case.crisis.incidents]
    assert "dirty-bomb" in ids and "logged-on-the-desk" in ids
    # and the export reads back to the same desk
    again = parse_case(cw.desk.cases.export_case_as_operator(CASE, "json"), "export.json")
    assert again.crisis is not None and [i.id for i in again.crisis.incidents] == ids


def test_a_case_file_replacement_changes_the_crisis_desk_only_for_who_may_write_it(
    cw: CrisisWorld,
) -> None:
    from offramp.errors import Forbidden
    from offramp.files.case import dump_case, parse_case

    log_allegation(cw, key="logged-on-the-desk")
    exported = cw.desk.cases.export_case(cw["mediator"], CASE, "yaml")
    case = parse_case(exported.text, "export.yaml")
    assert case.crisis is not None
    before = sorted(i.id for i in case.crisis.incidents)
    # the mediator's edit drops the incident logged on the desk: the mediator may import
    # the case file but may not write the crisis desk, so nothing changes
    kept = tuple(i for i in case.crisis.incidents if i.id != "logged-on-the-desk")
    runs = tuple(r for r in case.crisis.runs if r.incident != "logged-on-the-desk")
    edited = dump_case(replace(case, crisis=replace(case.crisis, incidents=kept, runs=runs)))
    with pytest.raises(Forbidden) as refused:
        cw.desk.cases.replace_case(cw["mediator"], CASE, edited, exported.version)
    assert "crisis.write" in str(refused.value)
    board = cw.desk.crisis.crisis_board(cw["officer_us"], CASE, t(28, 0))
    assert sorted(b.incident.id for b in board.incidents) == before
    # the same file with the crisis desk as it is goes through, and keeps the desk
    cw.desk.cases.replace_case(cw["mediator"], CASE, exported.text, exported.version)
    again = parse_case(cw.desk.cases.export_case(cw["mediator"], CASE, "yaml").text, "x.yaml")
    assert again.crisis is not None and sorted(i.id for i in again.crisis.incidents) == before
