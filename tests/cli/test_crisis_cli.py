"""``offramp crisis``: the CLI as an HTTP client of the real server on loopback, its clock
fixed by ``offramp demo --clock fixed:...`` at Friday 4 November 2022, 12:00 UTC.

Each verb runs as a subprocess with the user's bearer token, made by ``offramp token
create``, so the server applies the access policy it applies to the API. Most runs use
``python -m offramp.cli.crisis`` (the sub-app alone, quick to start); the board test runs
``python -m offramp crisis`` to prove the verbs are registered on the main command.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from offramp.bootstrap import bootstrap
from offramp.services.accounts import SYSTEM
from support.cli import Ran, offramp
from support.desk import FAST_HASHER
from support.launch import Running

CASE = "ukraine-2022"


@pytest.fixture(scope="module")
def server(crisis_server: Running) -> Running:
    """The crisis desk's own server (``crisis_server``: the example case, a fixed clock)."""
    return crisis_server


@dataclass(frozen=True)
class Cli:
    base: str
    token: str

    def __call__(self, *args: str, main: bool = False, token: str | None = None) -> Ran:
        env = {
            "OFFRAMP_URL": self.base,
            "OFFRAMP_TOKEN": self.token if token is None else token,
            "COLUMNS": "200",
        }
        module = "offramp" if main else "offramp.cli.crisis"
        return offramp(*(["crisis"] if main else []), *args, env=env, module=module, timeout=60)


@pytest.fixture(scope="module")
def cli(server: Running) -> Cli:
    """The crisis officer's CLI, with a token from ``offramp token create``."""
    made = offramp("token", "create", "crisis_officer", "--db", server.db, timeout=60)
    assert made.code == 0, made.err
    return Cli(server.base, made.out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def stranger_token(server: Running) -> str:
    """A bearer token of a user who is a member of no case."""
    desk = bootstrap(str(server.db), migrate_first=False, hasher=FAST_HASHER)
    try:
        desk.accounts.add_user(SYSTEM, "stranger", "not-a-member-password")
        return str(desk.accounts.create_token(SYSTEM, "stranger"))
    finally:
        desk.close()


def test_the_board_at_a_fixed_instant_as_text_and_json(cli: Cli) -> None:
    at = "2022-10-26T22:00Z"
    text = cli("board", CASE, "--at", at, main=True)
    assert text.code == 0, text.err
    assert text.out.startswith(
        "Crisis desk of ukraine-2022 at 2022-10-26 22:00 UTC (now 2022-11-04 12:00 UTC)"
    )
    # the threat against satellites arrived at 19:00; its first step (2 h) is an hour late
    assert "satellites-threat: Threat of force (started 2022-10-26 19:00 UTC)" in text.out
    row = next(line for line in text.out.splitlines() if "record_wording" in line)
    assert "2022-10-26 21:00 UTC" in row and "overdue by 1 h" in row
    assert "alert: RU-US escalated from level 0 to 2 (+2)" in text.out

    board = cli("board", CASE, "--at", at, "--json").json()
    assert (board["at"], board["now"]) == ("2022-10-26T22:00:00Z", "2022-11-04T12:00:00Z")
    threat = next(i for i in board["incidents"] if i["id"] == "satellites-threat")
    steps = {s["id"]: s for s in threat["run"]["steps"]}
    assert (steps["record_wording"]["status"], steps["record_wording"]["overdue_hours"]) == (
        "overdue",
        1.0,
    )
    assert steps["assess"]["text"] == "pending (after record_wording)"


def test_an_incident_from_log_to_close(cli: Cli) -> None:
    logged = cli(
        "log", CASE, "--id", "cli-replay", "--type", "allegation", "--raised-by", "RU",
        "--against", "UA", "--claim", "Ukraine is preparing a radiological dirty bomb.",
        "--channel", "ru-us-defence", "--channel", "gb-ru-defence",
        "--at", "2022-10-23T09:00Z", "--evidence", "none shown",
    )  # fmt: skip
    assert logged.code == 0, logged.err
    assert "logged incident cli-replay" in logged.out
    arrived = cli(
        "arrive", CASE, "cli-replay", "--channel", "ru-unsc", "--at", "2022-10-25T19:00Z", "--json"
    ).json()
    assert sorted(arrived["channels"]) == ["gb-ru-defence", "ru-unsc", "ru-us-defence"]
    assert arrived["evidence"] == ["none shown"] and arrived["level"] == 2

    # no --playbook: the shipped one for an allegation, counted from the first arrival
    started = cli("start", CASE, "cli-replay", "--json").json()
    assert started["run"]["playbook"] == "wmd_allegation"
    assert started["run"]["started_at"] == "2022-10-23T09:00:00Z"

    steps = [
        ("acknowledge", "2022-10-23T09:30Z", "ru-us-defence"),
        ("consult_ally", "2022-10-23T22:30Z", "ua-us-officials"),
        ("refer", "2022-10-23T23:00Z", "iaea-us"),
        ("answer_publicly", "2022-10-23T20:00Z", "ru-us-public"),
    ]
    for step, at, channel in steps:
        done = cli("done", CASE, "cli-replay", step, "--at", at, "--channel", channel)
        assert done.code == 0, done.err
        assert f"step {step} recorded as done" in done.out
    early = cli("close", CASE, "cli-replay", "--outcome", "Referred to the IAEA.")
    assert early.code == 1
    assert early.err.startswith("error: Incident cli-replay still has open steps (receive_finding)")

    finding = cli(
        "done", CASE, "cli-replay", "receive_finding", "--at", "2022-11-03T12:00Z",
        "--note", "no undeclared activity found", "--json",
    ).json()  # fmt: skip
    statuses = [s["status"] for s in finding["run"]["steps"]]
    assert statuses == ["done", "done_late", "done", "done", "done"]
    closed = cli("close", CASE, "cli-replay", "--outcome", "Referred to the IAEA.", "--json")
    run = closed.json()["run"]
    assert (run["outcome"], run["closed_by"], run["closed_at"]) == (
        "Referred to the IAEA.",
        "crisis_officer",
        "2022-11-04T12:00:00Z",  # the server's fixed now
    )
    listed = cli("incidents", CASE, "--json").json()
    assert [i["id"] for i in listed].count("cli-replay") == 1
    table = cli("incidents", CASE)
    row = next(line for line in table.out.splitlines() if "cli-replay" in line)
    assert "closed" in row and "2022-10-23 09:00 UTC" in row


def test_a_token_of_someone_outside_the_case_gets_the_404_of_a_missing_case(
    cli: Cli, stranger_token: str
) -> None:
    hidden = cli("board", CASE, token=stranger_token)
    missing = cli("board", "no-such-case", token=stranger_token)
    assert (hidden.code, hidden.err) == (1, "error: No such case.\n")
    assert (missing.code, missing.err) == (hidden.code, hidden.err)
    wrote = cli("sweep", CASE, token=stranger_token)
    assert (wrote.code, wrote.err) == (1, "error: No such case.\n")
    assert hidden.out == "" and "Traceback" not in hidden.err


@pytest.mark.parametrize(
    ("args", "err"),
    [
        (("board", CASE, "--at", "yesterday"),
         "error: --at: 'yesterday' is not a date and time like 2022-10-23T16:00Z\n"),
        (("incident", CASE, "dirty-bomb", "--at", "2022-10-23T16:00"),
         "error: --at: '2022-10-23T16:00' has no time zone; end it with Z or an offset\n"),
        # the server's own check, its problem named after the option
        (("done", CASE, "satellites-threat", "assess", "--at", "2022-11-05T10:00Z"),
         "error: --at: 2022-11-05T10:00:00+00:00 is later than now (2022-11-04T12:00:00+00:00);"
         " the desk records what has happened\n"),
        (("escalation", CASE, "--between", "RU"),
         "error: --between: 'RU' is not two party ids like RU,US\n"),
    ],
)  # fmt: skip
def test_a_bad_option_is_one_line_naming_it_and_exit_1(
    cli: Cli, args: tuple[str, ...], err: str
) -> None:
    ran = cli(*args)
    assert (ran.code, ran.err, ran.out) == (1, err, "")


def test_a_desk_that_is_not_running_or_no_token_is_one_clear_line(cli: Cli) -> None:
    down = Cli("http://127.0.0.1:9", cli.token)("alerts", CASE)
    assert (down.code, down.err) == (
        1,
        "error: cannot reach the desk at http://127.0.0.1:9; is it running? (--url, OFFRAMP_URL)\n",
    )
    anonymous = cli("alerts", CASE, token="")
    assert anonymous.code == 1
    assert anonymous.err.startswith("error: --token: no token; pass --token or set OFFRAMP_TOKEN")
    forged = cli("alerts", CASE, token="not-a-token")
    assert forged.code == 1 and forged.err.startswith("error: ") and "Traceback" not in forged.err
