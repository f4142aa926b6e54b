"""The October 2022 crisis section: faithful to the column, and the desk's views of it
at fixed instants; the section's errors come with file and line."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from offramp.errors import InputError
from offramp.files.case import load_case
from offramp.files.crisis import CrisisIn, crisis_to_data, parse_crisis_section, to_crisis
from offramp.files.playbooks import builtin_playbooks
from offramp.model.crisis import (
    ChannelLevel,
    CrisisDesk,
    IncidentType,
    PlaybookRun,
    StepStatus,
)

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "examples" / "ukraine-2022.yaml"
SEEDS = Path(os.environ.get("OFFRAMP_SEEDS", ROOT.parent / "shared" / "seeds"))
EXTRA_SOURCES = {"iaea-2022-11-03", "dod-2022-10-25"}
PARTIES = {"RU", "UA", "US", "GB", "FR", "TR", "IAEA", "UNSC"}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture(scope="module")
def desk() -> CrisisDesk:
    crisis = load_case(CASE).crisis
    assert crisis is not None
    return crisis


def _records(data: object) -> list[dict[str, object]]:
    """Every mapping in the section that carries a quote."""
    found = []
    if isinstance(data, dict):
        if "quote" in data:
            found.append(data)
        for value in data.values():
            found += _records(value)
    elif isinstance(data, list):
        for value in data:
            found += _records(value)
    return found


def test_every_quote_from_the_column_is_verbatim() -> None:
    columns = sorted(SEEDS.glob("003_*.txt"))
    assert columns, f"the second seed column is not at {SEEDS} (set OFFRAMP_SEEDS)"
    text = re.sub(r"\s+", " ", columns[0].read_text(encoding="utf-8"))
    records = _records(yaml.safe_load(CASE.read_text(encoding="utf-8"))["crisis"])
    from_column = [r for r in records if r["source"] == "wapo-2022-10-28"]
    assert len(from_column) > 30
    missing = [
        r["quote"] for r in from_column if re.sub(r"\s+", " ", str(r["quote"])).strip() not in text
    ]
    assert missing == []
    # and what is not from the column says where it is from
    others = [r for r in records if r["source"] != "wapo-2022-10-28"]
    assert {str(r["source"]) for r in others} == EXTRA_SOURCES
    assert all(
        "outside the column" in str(r.get("note", "")) + str(r.get("date_basis", ""))
        for r in others
    )


def test_the_allegation_is_one_incident_through_four_channel_levels(desk: CrisisDesk) -> None:
    incident = desk.incident("dirty-bomb")
    assert incident.type is IncidentType.ALLEGATION
    assert (incident.raised_by, incident.against) == ("RU", "UA")
    levels = {desk.channel(c).level for c in incident.channels}
    assert levels == {
        ChannelLevel.DEFENCE_MINISTERS,
        ChannelLevel.CHIEFS_OF_STAFF,
        ChannelLevel.UN_SECURITY_COUNCIL,
        ChannelLevel.PUBLIC,
    }
    days = [a.at.date() for a in incident.arrivals]
    assert days == [
        date(2022, 10, 21), *[date(2022, 10, 23)] * 4, date(2022, 10, 24),
        date(2022, 10, 25), date(2022, 10, 26), date(2022, 10, 27),
    ]  # fmt: skip
    assert [b.incident.id for b in desk.board(utc(2022, 10, 24))] == ["dirty-bomb"]


def test_a_fresh_wmd_run_25_hours_after_first_arrival_has_refer_overdue_by_one_hour(
    desk: CrisisDesk,
) -> None:
    incident = desk.incident("dirty-bomb")
    run = PlaybookRun.start(builtin_playbooks()["wmd_allegation"], incident)
    now = incident.first_arrival + timedelta(hours=25)
    refer = run.view("refer", now)
    assert refer.status is StepStatus.OVERDUE
    assert refer.overdue_by == timedelta(hours=1)
    assert refer.describe() == "overdue by 1 h"
    assert run.view("acknowledge", now).describe() == "overdue by 19 h"


def test_the_recorded_run_referred_within_24_hours_and_closed(desk: CrisisDesk) -> None:
    run = desk.run("dirty-bomb")
    assert run is not None
    # Sunday morning: the allegation has just arrived; acknowledge is due
    morning = {v.id: v.status for v in run.board(utc(2022, 10, 23, 9, 15))}
    assert morning["acknowledge"] is StepStatus.DUE
    assert morning["refer"] is StepStatus.PENDING
    # Sunday afternoon: acknowledged and consulted, the referral is due
    afternoon = run.view("refer", utc(2022, 10, 23, 16, 0))
    assert afternoon.status is StepStatus.DUE
    # Monday: everything but the finding is done on time
    monday = {v.id: v.status for v in run.board(utc(2022, 10, 24, 12, 0))}
    assert monday == {
        "acknowledge": StepStatus.DONE,
        "consult_ally": StepStatus.DONE,
        "refer": StepStatus.DONE,
        "answer_publicly": StepStatus.DONE,
        "receive_finding": StepStatus.DUE,
    }
    refer = run.step("refer")
    assert refer.done_at is not None and refer.done_at - run.started_at <= timedelta(hours=24)
    # 3 November: the IAEA's finding, and the incident closes
    assert run.view("receive_finding", utc(2022, 11, 3, 13)).done_by == "grossi"
    assert run.closed and "no undeclared" in run.outcome
    assert run.closed_at == utc(2022, 11, 3, 12)


def test_the_satellite_threat_shows_its_steps_overdue(desk: CrisisDesk) -> None:
    run = desk.run("satellites-threat")
    assert run is not None and not run.closed
    now = utc(2022, 10, 28, 12)  # the column's day
    views = {v.id: v.describe() for v in run.board(now)}
    assert views["record_wording"] == "overdue by 1 d 15 h"  # due 26 Oct 21:00 UTC
    assert views["deterrence_message"] == "pending (after consult_allies)"


def test_the_escalation_alert_fires_on_the_allegation(desk: CrisisDesk) -> None:
    (alert,) = desk.alerts()
    assert alert.dyad == ("RU", "US")
    assert (alert.from_level, alert.to_level, alert.score) == (0, 2, "ru-us-2022-10-23")
    assert [s.level for s in desk.timeline("US", "RU")] == [0, 2, 2, 1, 1]


def test_the_grom_notification_was_acknowledged_in_time(desk: CrisisDesk) -> None:
    assert desk.missed_acknowledgements(utc(2022, 10, 30)) == ()
    grom = desk.notifications[0]
    assert grom.acknowledged_at is not None and grom.acknowledged_at <= grom.ack_due


def test_commitments_and_channels(desk: CrisisDesk) -> None:
    kinds = {c.id: c.kind.value for c in desk.commitments}
    assert kinds["us-no-atacms"] == "restraint"
    assert kinds["us-direct-attack-red-line"] == "red_line"
    assert kinds["us-opposes-covert-attacks"] == "rule_of_engagement"
    assert [c.level for c in desk.channels_between("US", "RU")][:2] == [
        ChannelLevel.DEFENCE_MINISTERS,
        ChannelLevel.CHIEFS_OF_STAFF,
    ]
    assert desk.last_used("ru-us-public") == utc(2022, 10, 27, 9)


def test_assurances_become_candidate_issues_with_valid_positions(desk: CrisisDesk) -> None:
    issues = desk.candidate_issues()
    assert {i.id for i in issues} == {
        "us-ru-missile-limits", "us-ru-exercise-information", "us-ru-avoid-escalation",
    }  # fmt: skip
    assert all(i.candidate for i in issues)
    positions = desk.candidate_positions(date(2022, 10, 28))
    assert {(p.party, p.issue) for p in positions} >= {("RU", "us-ru-missile-limits")}
    ru = next(p for p in positions if (p.party, p.issue) == ("RU", "us-ru-missile-limits"))
    assert ru.ideal == "mutual_limits"
    cuba = next(a for a in desk.assurances if a.id == "us-ru-missile-limits").precedent
    assert "Turkey" in cuba and "Cuba" in cuba


def test_the_section_round_trips(desk: CrisisDesk) -> None:
    data = crisis_to_data(desk)
    again = to_crisis(CrisisIn.model_validate(yaml.safe_load(yaml.safe_dump(data))))
    assert again == desk


# -- errors with file and line -------------------------------------------------------------


def _errors(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_crisis_section(text, "c.yaml", PARTIES, case_sources={"wapo-2022-10-28"})
    return [str(p) for p in caught.value.problems]


SMALL = """\
crisis:
  channels:
    - {id: ru-us-defence, between: [RU, US], level: defence_ministers}
  incidents:
    - id: dirty-bomb
      type: allegation
      title: Dirty bomb
      raised_by: RU
      against: UA
      claim: a plot
      level: 2
      arrivals:
        - {channel: ru-us-defence, at: 2022-10-23T09:00:00Z}
      run:
        playbook: wmd_allegation
        steps:
          acknowledge: {done_by: austin, done_at: 2022-10-23T10:00:00Z}
"""


def test_the_small_section_loads() -> None:
    desk = parse_crisis_section(SMALL, "c.yaml", PARTIES)
    run = desk.run("dirty-bomb")
    assert run is not None and run.step("acknowledge").done_by == "austin"


def test_an_unknown_channel_level_in_the_section() -> None:
    errors = _errors(SMALL.replace("level: defence_ministers", "level: ambassadors"))
    assert errors[0].startswith("c.yaml:3: crisis.channels[0].level: 'ambassadors' is not allowed")


def test_a_time_without_a_zone_is_refused_at_its_line() -> None:
    errors = _errors(SMALL.replace("2022-10-23T09:00:00Z", "2022-10-23T09:00:00"))
    assert errors == [
        "c.yaml:13: crisis.incidents[0].arrivals[0].at: '2022-10-23T09:00:00' has no time "
        "zone: add an offset, like 2022-10-23T09:00:00Z"
    ]


def test_unknown_references_are_reported_at_their_lines() -> None:
    text = SMALL.replace("channel: ru-us-defence,", "channel: ru-us-hotline,")
    text = text.replace("against: UA", "against: XX").replace("playbook: wmd", "playbook: wnd")
    assert _errors(text) == [
        "c.yaml:9: crisis.incidents[0].against: unknown party 'XX'",
        "c.yaml:13: crisis.incidents[0].arrivals[0].channel: unknown channel 'ru-us-hotline'",
        "c.yaml:15: crisis.incidents[0].run.playbook: unknown playbook 'wnd_allegation': use one of "
        "accident, heartbeat_missed, notification_missed, threat, violation, wmd_allegation",
    ]


def test_a_run_that_breaks_the_state_machine_is_reported_at_the_step() -> None:
    text = SMALL + "          refer: {done_by: desk, done_at: 2022-10-23T11:00:00Z}\n"
    assert _errors(text) == [
        "c.yaml:18: crisis.incidents[0].run.steps.refer: Step refer comes after consult_ally, "
        "which is not done yet; do consult_ally first or waive it."
    ]


def test_a_step_the_playbook_does_not_have() -> None:
    text = SMALL + "          pray: {done_by: desk, done_at: 2022-10-23T11:00:00Z}\n"
    (error,) = _errors(text)
    assert error.startswith("c.yaml:18: crisis.incidents[0].run.steps.pray: playbook ")
    assert "has no step 'pray'" in error


def test_an_unknown_source_is_reported() -> None:
    text = SMALL.replace("claim: a plot", "claim: a plot\n      source: nyt-2022")
    assert _errors(text) == ["c.yaml:11: crisis.incidents[0].source: unknown source 'nyt-2022'"]
