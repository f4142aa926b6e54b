"""State machines of the crisis desk: playbook runs, incidents, notifications, commitments,
escalation alerts and assurances."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from offramp.errors import Conflict
from offramp.files.playbooks import builtin_playbooks
from offramp.model import Issue
from offramp.model.crisis import (
    KAHN_1965_CONDENSED,
    AckStatus,
    AlertRule,
    Arrival,
    Assurance,
    ChannelLevel,
    Commitment,
    CommitmentKind,
    CrisisChannel,
    EscalationScore,
    Incident,
    IncidentType,
    Notification,
    NotificationKind,
    PlaybookRun,
    ScoreKind,
    Stake,
    StepStatus,
    dyad,
    missed_acknowledgements,
)
from offramp.model.issues import Option

T0 = datetime(2022, 10, 23, 9, 0, tzinfo=UTC)


def h(n: float) -> datetime:
    return T0 + timedelta(hours=n)


def allegation(
    id: str = "dirty-bomb", channel: str = "ru-us-defence", at: datetime = T0
) -> Incident:
    return Incident(
        id, IncidentType.ALLEGATION, "Dirty bomb", "RU", "UA", "a plot", (Arrival(channel, at),), 2
    )


def wmd_run() -> PlaybookRun:
    return PlaybookRun.start(builtin_playbooks()["wmd_allegation"], allegation())


# -- playbook runs ------------------------------------------------------------------------


def test_starting_a_run_gives_every_step_its_due_time() -> None:
    run = wmd_run()
    due = {s.id: s.due_at for s in run.steps}
    assert due["acknowledge"] == h(6)
    assert due["refer"] == h(24)
    # 09:00 UTC is 05:00 in New York on the 23rd; "18:00 the next day" is 22:00 UTC on the 24th
    assert due["answer_publicly"] == datetime(2022, 10, 24, 22, 0, tzinfo=UTC)


def test_statuses_at_fixed_instants() -> None:
    run = wmd_run()
    at_start = {v.id: v.status for v in run.board(T0)}
    assert at_start == {
        "acknowledge": StepStatus.DUE,
        "consult_ally": StepStatus.PENDING,
        "refer": StepStatus.PENDING,
        "answer_publicly": StepStatus.PENDING,
        "receive_finding": StepStatus.PENDING,
    }
    late = run.view("refer", h(25))
    assert late.status is StepStatus.OVERDUE
    assert late.overdue_by == timedelta(hours=1)
    assert late.describe() == "overdue by 1 h"
    assert [v.id for v in run.overdue(h(25))] == ["acknowledge", "consult_ally", "refer"]


def test_a_step_done_after_its_deadline_is_done_late_by_the_difference() -> None:
    run = wmd_run().complete("acknowledge", "austin", h(8))
    view = run.view("acknowledge", h(9))
    assert view.status is StepStatus.DONE_LATE
    assert view.late_by == timedelta(hours=2)
    assert view.describe() == "done late by 2 h"
    assert view.done_by == "austin"
    # before it was done, the same step showed as overdue
    assert run.view("acknowledge", h(7)).describe() == "overdue by 1 h"


def test_a_step_cannot_be_done_before_the_step_it_comes_after() -> None:
    with pytest.raises(
        Conflict, match="Step refer comes after consult_ally, which is not done yet"
    ):
        wmd_run().complete("refer", "desk", h(1))


def test_a_step_cannot_be_done_twice_or_before_the_start() -> None:
    run = wmd_run().complete("acknowledge", "austin", h(1))
    with pytest.raises(Conflict, match="already done by austin"):
        run.complete("acknowledge", "austin", h(2))
    with pytest.raises(Conflict, match="before the incident's playbook started"):
        wmd_run().complete("acknowledge", "austin", h(-1))


def test_a_step_cannot_be_done_earlier_than_its_predecessor() -> None:
    run = wmd_run().complete("acknowledge", "austin", h(3))
    with pytest.raises(Conflict, match="it cannot be done earlier"):
        run.complete("consult_ally", "desk", h(2))


def test_waiving_unblocks_the_next_step_and_needs_a_reason() -> None:
    run = wmd_run()
    with pytest.raises(Conflict, match="Give the reason"):
        run.waive("acknowledge", "desk", h(1), " ")
    run = run.waive("acknowledge", "desk", h(1), "the channel is down")
    assert run.view("acknowledge", h(2)).status is StepStatus.WAIVED
    assert run.view("consult_ally", h(2)).status is StepStatus.DUE
    with pytest.raises(Conflict, match="was waived"):
        run.complete("acknowledge", "desk", h(2))


def test_a_run_closes_only_when_every_step_is_finished() -> None:
    run = wmd_run()
    with pytest.raises(Conflict, match="still has open steps"):
        run.close("desk", h(2), "done")
    for k, step in enumerate(["acknowledge", "consult_ally", "refer", "answer_publicly"]):
        run = run.complete(step, "desk", h(k + 1))
    run = run.complete("receive_finding", "grossi", h(200))
    with pytest.raises(Conflict, match="Say how incident dirty-bomb ended"):
        run.close("desk", h(201), "")
    with pytest.raises(Conflict, match="before its last step was done"):
        run.close("desk", h(100), "closed")
    closed = run.close("desk", h(201), "no undeclared activity found")
    assert closed.closed and closed.outcome == "no undeclared activity found"
    with pytest.raises(Conflict, match="already closed"):
        closed.close("desk", h(202), "again")
    with pytest.raises(Conflict, match="is closed"):
        closed.waive("refer", "desk", h(203), "late")


def test_a_playbook_for_another_type_cannot_start() -> None:
    with pytest.raises(Conflict, match="Playbook threat is for threat incidents"):
        PlaybookRun.start(builtin_playbooks()["threat"], allegation())


def test_a_run_cannot_start_before_the_incident_arrived() -> None:
    with pytest.raises(Conflict, match="cannot start before that"):
        PlaybookRun.start(builtin_playbooks()["wmd_allegation"], allegation(), h(-1))


def test_an_unknown_step_is_a_conflict_with_a_sentence() -> None:
    with pytest.raises(Conflict, match="has no step 'nope'"):
        wmd_run().complete("nope", "desk", h(1))


def test_next_due_is_the_earliest_open_step() -> None:
    run = wmd_run().complete("acknowledge", "austin", h(1))
    nxt = run.next_due(h(2))
    assert nxt is not None and nxt.id == "consult_ally" and nxt.status is StepStatus.DUE


# -- incidents ----------------------------------------------------------------------------


def test_one_incident_through_several_channels_is_shown_once() -> None:
    first = allegation()
    again = first.arrive(Arrival("ru-us-chiefs", h(24)))
    assert again.channels == ("ru-us-defence", "ru-us-chiefs")
    assert again.first_arrival == T0
    with pytest.raises(Conflict, match="already arrived through ru-us-chiefs"):
        again.arrive(Arrival("ru-us-chiefs", h(24)))


def test_merging_a_separately_logged_report_keeps_one_incident() -> None:
    merged = allegation().merge(allegation("unsc-report", "ru-unsc", h(58)))
    assert merged.id == "dirty-bomb"
    assert merged.channels == ("ru-us-defence", "ru-unsc")
    threat = Incident(
        "sat", IncidentType.THREAT, "t", "RU", "US", "c", (Arrival("ru-us-public", h(1)),), 2
    )
    with pytest.raises(Conflict, match="only the same claim can be merged"):
        allegation().merge(threat)


def test_channel_invariants_and_last_use() -> None:
    ch = CrisisChannel(
        "ru-us-defence", dyad("US", "RU"), ChannelLevel.DEFENCE_MINISTERS, {"RU": "shoigu"}
    )
    assert ch.dyad == ("RU", "US")
    assert ch.used(T0).used(h(-5)).last_used == T0
    with pytest.raises(ValueError, match="is not one of"):
        CrisisChannel("x", ("RU", "US"), ChannelLevel.HOTLINE, {"UA": "someone"})


# -- notifications ------------------------------------------------------------------------


def grom() -> Notification:
    return Notification.send(
        "grom", NotificationKind.EXERCISE, sender="RU", to="US", what="Grom exercise",
        where="Plesetsk", starts=h(24), size="strategic forces", channel="ru-us-nrrc",
        sent_at=T0, ack_hours=12,
    )  # fmt: skip


def test_an_overdue_acknowledgement_raises_an_incident() -> None:
    n = grom()
    assert n.status(h(12)) is AckStatus.AWAITED
    assert n.missed_incident(h(12)) is None
    assert n.status(h(13)) is AckStatus.OVERDUE
    incident = n.missed_incident(h(13))
    assert incident is not None
    assert incident.type is IncidentType.NOTIFICATION_MISSED
    assert (incident.raised_by, incident.against) == ("RU", "US")
    assert incident.arrivals == (Arrival("ru-us-nrrc", h(12)),)
    # raised once: a desk that already has it gets nothing new
    assert missed_acknowledgements([n], h(13), known=[incident.id]) == ()
    # and the missed-notification playbook starts from it
    run = PlaybookRun.start(builtin_playbooks()["notification_missed"], incident)
    assert run.view("query_hotline", h(13)).status is StepStatus.DUE


def test_an_acknowledgement_in_time_raises_nothing_and_a_late_one_stays_on_record() -> None:
    on_time = grom().acknowledge("US", h(2))
    assert on_time.status(h(30)) is AckStatus.ACKNOWLEDGED
    assert on_time.missed_incident(h(30)) is None
    late = grom().acknowledge("US", h(20))
    assert late.status(h(30)) is AckStatus.ACKNOWLEDGED_LATE
    assert late.missed_incident(h(30)) is not None
    with pytest.raises(Conflict, match="already acknowledged by US"):
        on_time.acknowledge("US", h(3))
    with pytest.raises(Conflict, match="before it was sent"):
        grom().acknowledge("US", h(-1))


# -- commitments --------------------------------------------------------------------------


def test_a_violation_links_to_a_commitment_once() -> None:
    c = Commitment(
        "us-planes", CommitmentKind.RESTRAINT, "planes kept out of Russian airspace", "US",
        ("RU",), date(2022, 10, 28),
    )  # fmt: skip
    breach = Incident(
        "overflight", IncidentType.VIOLATION, "o", "RU", "US", "c", (Arrival("x", T0),), 3
    )
    linked = c.report_violation(breach)
    assert linked.violations == ("overflight",)
    with pytest.raises(Conflict, match="already linked"):
        linked.report_violation(breach)
    with pytest.raises(Conflict, match="not a violation"):
        c.report_violation(allegation())


# -- escalation ---------------------------------------------------------------------------


def score(id: str, at: datetime, level: int) -> EscalationScore:
    return EscalationScore(id, ("RU", "US"), at, level, ScoreKind.INCIDENT)


def test_an_alert_fires_on_a_jump_of_k_levels() -> None:
    scores = [score("a", h(0), 1), score("b", h(1), 2), score("c", h(2), 4), score("d", h(3), 1)]
    alerts = AlertRule(jump=2).alerts(scores)
    assert [(a.score, a.from_level, a.to_level) for a in alerts] == [("c", 2, 4)]
    assert AlertRule(jump=3).alerts(scores) == ()
    # falling is never an alert; a rise of 1 is not with k = 2
    assert AlertRule(jump=2).alerts([score("a", h(0), 5), score("b", h(1), 0)]) == ()


def test_a_window_adds_up_small_steps() -> None:
    scores = [score("a", h(0), 1), score("b", h(1), 2), score("c", h(2), 3)]
    assert AlertRule(jump=2).alerts(scores) == ()
    alerts = AlertRule(jump=2, window=timedelta(hours=6)).alerts(scores)
    assert [(a.score, a.jump) for a in alerts] == [("c", 2)]


def test_the_ladder_is_documented_and_bounded() -> None:
    ladder = KAHN_1965_CONDENSED
    assert ladder.top == 9
    assert "Kahn" in ladder.source and "1965" in ladder.source
    assert ladder.rung(0).name == "routine"
    assert ladder.rung(8).covers == "rungs 21-25"
    with pytest.raises(ValueError, match="not on the ladder"):
        ladder.rung(10)


# -- assurances ---------------------------------------------------------------------------


def test_an_assurance_becomes_a_candidate_issue_with_positions() -> None:
    a = Assurance(
        "missile-limits",
        "Limits on missile placement",
        "US",
        ("RU",),
        (Option("no_limits", "No limits"), Option("mutual_limits", "Mutual limits")),
        (
            Stake("RU", 0.2, {"no_limits": 0.0, "mutual_limits": 1.0}),
            Stake("US", 0.1, {"no_limits": 1.0, "mutual_limits": 0.7}, ("mutual_limits",)),
        ),
    )
    issue = a.to_issue()
    assert isinstance(issue, Issue) and issue.candidate
    assert issue.option_ids == ("no_limits", "mutual_limits")
    ru, us = a.positions(date(2022, 10, 28))  # stakes in party order
    assert (ru.party, ru.ideal, ru.acceptable) == ("RU", "mutual_limits", ("mutual_limits",))
    assert (us.ideal, us.acceptable, us.values["mutual_limits"]) == (
        "no_limits", ("no_limits", "mutual_limits"), 0.7,
    )  # fmt: skip
    with pytest.raises(ValueError, match="must cover exactly"):
        Assurance("x", "x", "US", ("RU",), a.options, (Stake("RU", 0.1, {"no_limits": 1.0}),))
