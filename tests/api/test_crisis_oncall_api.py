"""The desk on call through the HTTP API (TestClient on ``create_desk_app``, a fixed
clock): a notification to three recipients, one of them late, from sending to the last
acknowledgement, asserted at fixed instants; the times figure; the timeline report."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from offramp.bootstrap import Services
from offramp.model.deadlines import FixedClock
from offramp.server import create_desk_app
from support.cli import offramp
from support.crisis import CASE, NOW, sqlite_crisis_desk

BASE = f"/api/cases/{CASE}/crisis"
H = timedelta(hours=1)


@dataclass
class Api:
    http: TestClient
    desk: Services
    clock: FixedClock
    officer: dict[str, str]
    mediator: dict[str, str]

    def get(self, path: str, who: str = "officer") -> Any:
        res = self.http.get(BASE + path, headers=getattr(self, who))
        assert res.status_code == 200, res.text
        return res.json()

    def send(self, method: str, path: str, body: Any, status: int = 200) -> Any:
        res = self.http.request(method, BASE + path, json=body, headers=self.officer)
        assert res.status_code == status, res.text
        return res.json()


@pytest.fixture
def api(crisis_templates: dict[str, str], tmp_path: Path) -> Iterator[Api]:
    clock = FixedClock(NOW)
    with sqlite_crisis_desk(crisis_templates, tmp_path, clock) as desk:
        tokens = {}
        for name in ("officer_us", "mediator"):
            actor = desk.accounts.get_actor(name)
            tokens[name] = {"Authorization": f"Bearer {desk.accounts.create_token(actor, name)}"}
        with TestClient(create_desk_app(services=desk), raise_server_exceptions=False) as http:
            yield Api(http, desk, clock, tokens["officer_us"], tokens["mediator"])


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def test_three_recipients_one_late_from_sending_to_the_last_acknowledgement(api: Api) -> None:
    t0 = NOW  # Friday 4 November 2022, 12:00 UTC
    api.send("POST", "/notifications", {
        "id": "ex-1", "kind": "exercise", "sender": "US", "to": "RU", "what": "A naval exercise",
        "where": "Black Sea", "starts": iso(t0 + 48 * H), "size": "12 ships",
        "channel": "ru-us-nrrc", "ack_hours": 12,
    }, 201)  # fmt: skip
    named = api.send("PUT", "/notifications/ex-1/recipients", {"recipients": ["RU", "TR", "UA"]})
    assert named["pending"] == ["RU", "TR", "UA"]
    # the whole cannot be acknowledged at once any more
    res = api.http.post(f"{BASE}/notifications/ex-1/acknowledge", json={"by": "x"},
                        headers=api.officer)  # fmt: skip
    assert res.status_code == 409 and "each acknowledges on its own" in res.json()["detail"]

    api.clock.set(t0 + 1 * H)
    api.send("POST", "/notifications/ex-1/recipients/RU/acknowledge",
             {"by": "Russia's NRRC", "channel": "ru-us-nrrc"})  # fmt: skip
    api.clock.set(t0 + 3 * H)
    got = api.send("POST", "/notifications/ex-1/recipients/UA/acknowledge", {})
    assert got["pending"] == ["TR"] and got["completed_at"] is None
    assert [r["by"] for r in got["recipients"]] == ["Russia's NRRC", "", "UA"]

    # 13:00 after sending: the deadline (12 h) passed an hour ago, TR still out
    api.clock.set(t0 + 13 * H)
    (note,) = [n for n in api.get("/notifications") if n["id"] == "ex-1"]
    assert note["status"] == "overdue" and note["overdue_hours"] == 1.0
    (mine,) = [r for r in api.get("/recipients", "mediator") if r["subject"] == "notification:ex-1"]
    assert mine["pending"] == ["TR"]
    api.desk.sweeps.run()  # what the server's schedule runs
    acts = [a for a in api.get("/escalations") if a["subject"] == "notification:ex-1"]
    assert [(a["key"], a["due_at"], a["applied_at"] is not None) for a in acts] == [
        ("resend#1", "2022-11-05T01:00:00Z", True),  # deadline + 1 h = now
        ("up_one#1", "2022-11-05T03:00:00Z", False),  # the next to come
    ]  # fmt: skip
    # the missed acknowledgement raised its incident too, once
    raised = [i["id"] for i in api.get("/incidents")]
    assert raised.count("ack-missed-ex-1") == 1

    api.clock.set(t0 + 16 * H)
    api.desk.sweeps.run()
    api.desk.sweeps.run()  # a second round applies nothing twice
    acts = [a for a in api.get("/escalations") if a["subject"] == "notification:ex-1"]
    assert [(a["key"], a["level"], a["applied_at"] is not None) for a in acts] == [
        ("resend#1", "hotline", True), ("up_one#1", "hotline", True),
        ("up_one#2", "hotline", False),
    ]  # fmt: skip

    api.clock.set(t0 + 16 * H + 30 * timedelta(minutes=1))
    done = api.send("POST", "/notifications/ex-1/recipients/TR/acknowledge",
                    {"by": "the Turkish defence ministry"})  # fmt: skip
    assert done["pending"] == [] and done["completed_at"] == "2022-11-05T04:30:00Z"
    (note,) = [n for n in api.get("/notifications") if n["id"] == "ex-1"]
    assert note["status"] == "acknowledged_late"
    assert note["acknowledged_at"] == "2022-11-05T04:30:00Z"
    assert note["acknowledged_by"] == "RU, TR, UA"
    # replayed at 14:00 after sending, the board still shows TR out
    (then,) = [r for r in api.http.get(f"{BASE}/recipients?at={iso(t0 + 14 * H)}",
               headers=api.officer).json() if r["subject"] == "notification:ex-1"]  # fmt: skip
    assert then["pending"] == ["TR"]
    api.clock.set(t0 + 40 * H)
    api.desk.sweeps.run()
    acts = [a for a in api.get("/escalations") if a["subject"] == "notification:ex-1"]
    assert [a["key"] for a in acts] == ["resend#1", "up_one#1"]  # stopped when acknowledged


def test_the_times_figure_and_the_report_over_http(api: Api) -> None:
    t = api.get("/incidents/dirty-bomb/times", "mediator")
    hours = {s["step"]: (s["hours_since_start"], s["target_hours"]) for s in t["steps"]}
    assert hours["refer"] == (12.0, 24.0) and hours["acknowledge"] == (0.5, 6.0)
    desk = api.get("/times?type=allegation", "mediator")
    assert [i["incident"] for i in desk["incidents"]] == ["dirty-bomb"]
    api.send("POST", "/incidents/dirty-bomb/timeline",
             {"text": "The referral was the point.", "kind": "decision"}, 201)  # fmt: skip
    res = api.http.get(f"{BASE}/incidents/dirty-bomb/report", headers=api.mediator)
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/html")
    assert "The referral was the point." in res.text and "IAEA" in res.text
    res = api.http.put(f"{BASE}/incidents/dirty-bomb/review", headers=api.mediator,
                       json={"what_happened": "x"})  # fmt: skip
    assert res.status_code == 403 and "crisis.write" in res.json()["detail"]
    review = api.send("PUT", "/incidents/dirty-bomb/review", {
        "what_happened": "Referred to the IAEA within 12 hours.",
        "went_right": ["One answer with the ally."],
        "went_wrong": ["The playbook clock started two days after the first call."],
        "follow_ups": [{"what": "Start the clock at the first arrival", "owner": "desk officer",
                        "due": "2022-12-01"}],
    })  # fmt: skip
    assert review["follow_ups"][0]["owner"] == "desk officer"
    assert api.get("/incidents/dirty-bomb/review", "mediator")["written_by"] == "officer_us"


# -- the command line, over a real server on loopback ---------------------------------------


@pytest.fixture
def served(api: Api) -> Iterator[str]:
    """``api``'s app served by uvicorn on a free loopback port, in a thread."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            api.http.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.02)
    assert server.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_offramp_crisis_times_prints_the_figure(api: Api, served: str) -> None:
    token = api.mediator["Authorization"].removeprefix("Bearer ")
    run = offramp(
        "times", CASE, "--type", "allegation", "--url", served, "--token", token,
        env={"COLUMNS": "200"}, module="offramp.cli.crisis",
    )  # fmt: skip
    assert run.code == 0, run.output
    rows = {line.split("│")[2].strip(): line for line in run.output.splitlines()
            if line.count("│") > 8 and "wmd_allegation" in line}  # fmt: skip
    assert "12 h" in rows["refer"] and "1 d" in rows["refer"]  # 12 h against a 24 h target
    assert "30 min" in rows["acknowledge"] and "6 h" in rows["acknowledge"]
    bad = offramp(
        "times", CASE, "--type", "rumour", "--url", served, "--token", token,
        module="offramp.cli.crisis",
    )  # fmt: skip
    assert bad.code == 1 and "error: --type:" in bad.output
    officer = api.officer["Authorization"].removeprefix("Bearer ")
    review = offramp(
        "review", CASE, "dirty-bomb", "--what-happened", "Referred.",
        "--follow-up", "Start the clock earlier|desk officer|2022-13-01",
        "--url", served, "--token", officer, module="offramp.cli.crisis",
    )  # fmt: skip
    assert review.code == 1 and "--follow-up" in review.output
