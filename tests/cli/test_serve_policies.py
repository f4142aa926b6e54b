"""``offramp serve --policies DIR``: a team's escalation policies, checked at start (every
problem at its file and line, and no server), then applied by the desk and its sweeps."""

from __future__ import annotations

from pathlib import Path

import httpx

from offramp.bootstrap import bootstrap
from support.cli import offramp
from support.desk import FAST_HASHER
from support.launch import desk_server

GOOD = """\
policy: 1
id: team_ack_late
title: Our own late acknowledgement
applies_to: acknowledgement
stop: acknowledged
steps:
  - id: resend
    action: resend
    hours: 0.5
"""
NO_STOP = """\
policy: 1
id: no_stop
title: A policy that never stops
applies_to: step
steps:
  - id: up
    action: escalate
    level: nowhere
    hours: 1
"""


def test_a_bad_policy_file_stops_serve_with_its_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "ok.yaml").write_text(GOOD, encoding="utf-8")
    (folder / "bad.yaml").write_text(NO_STOP, encoding="utf-8")
    ran = offramp("serve", "--db", str(tmp_path / "desk.db"), "--policies", str(folder))
    assert ran.returncode == 1
    bad = folder / "bad.yaml"
    assert f"error: {bad}:4: stop:" in ran.stderr  # the line of applies_to: no stop given
    assert f"error: {bad}:8: steps[0].level: unknown channel level 'nowhere'" in ran.stderr
    assert "Traceback" not in ran.output
    assert not (tmp_path / "desk.db").exists()  # refused before the database is made


def test_a_missing_folder_is_refused_by_name(tmp_path: Path) -> None:
    ran = offramp("serve", "--db", str(tmp_path / "desk.db"), "--policies", str(tmp_path / "no"))
    assert ran.returncode == 1
    assert f"error: {tmp_path / 'no'}: no such folder of escalation policies" in ran.stderr


def test_the_team_policies_are_what_the_desk_and_the_sweeps_apply(tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "ours.yaml").write_text(GOOD, encoding="utf-8")
    desk = bootstrap(str(tmp_path / "in.db"), hasher=FAST_HASHER, policies=folder)
    try:
        ids = {p.id for p in desk.crisis.escalation_policies}
        assert {"team_ack_late", "ack_late", "step_late"} <= ids
        assert {p.id for p in desk.sweeps.policies} == ids
    finally:
        desk.close()
    with desk_server(tmp_path / "served.db", extra_args=["--policies", str(folder)]) as running:
        assert httpx.get(running.base + "/api/health").status_code == 200
