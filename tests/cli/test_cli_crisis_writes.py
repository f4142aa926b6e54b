"""``offramp crisis`` verbs for the API's crisis writes that had no verb: ``add-channel``,
``merge``, ``report-violation``, ``propose`` (with the ``assurances`` read), ``promote`` and
``alert-rule``.

As in ``tests/cli/test_crisis_cli.py``: the real desk server (``python -m
offramp demo``) on a loopback port, its clock fixed by ``offramp demo --clock fixed:...``, and each
verb run as a subprocess with a user's bearer token. What a verb changed is read back
through the API itself; a refused or bad call must leave the whole board as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from offramp.bootstrap import bootstrap
from offramp.services.accounts import SYSTEM
from support.cli import Ran, offramp
from support.desk import FAST_HASHER
from support.launch import desk_server

CASE = "ukraine-2022"
NOW = "2022-11-04T12:00:00Z"
API = f"/api/cases/{CASE}/crisis"
REFUSED = {
    "mediator": f"error: crisis.write: You may not crisis.write in case {CASE}.\n",
    "delegate_ua": "error: No such case.\n",
}


@dataclass(frozen=True)
class Services:
    base: str
    tokens: dict[str, str]

    def cli(self, *args: str, user: str = "crisis_officer", main: bool = False) -> Ran:
        env = {"OFFRAMP_URL": self.base, "OFFRAMP_TOKEN": self.tokens[user], "COLUMNS": "200"}
        module = "offramp" if main else "offramp.cli.crisis"
        return offramp(*(["crisis"] if main else []), *args, env=env, module=module, timeout=60)

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """The crisis officer's call to the API, for setting up and reading back."""
        res = httpx.request(
            method,
            self.base + API + path,
            json=body,
            headers={"Authorization": f"Bearer {self.tokens['crisis_officer']}"},
            timeout=30,
        )
        assert res.status_code < 400, res.text
        return res.json()

    def board(self) -> Any:
        return self.api("GET", "/board")


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """The demo desk on a fresh database, its clock at :data:`NOW`, with bearer tokens
    for the crisis officer, the mediator (reads the crisis desk only) and a delegate."""
    db = tmp_path_factory.mktemp("cli-crisis") / "desk.db"
    with desk_server(
        db, verb="demo", password="cli-crisis-password", clock=f"fixed:{NOW}"
    ) as running:
        services = bootstrap(str(db), migrate_first=False, hasher=FAST_HASHER)
        try:
            tokens = {
                name: services.accounts.create_token(SYSTEM, name)
                for name in ("crisis_officer", "mediator", "delegate_ua")
            }
        finally:
            services.close()
        yield Services(running.base, tokens)


def _incident(desk: Services, key: str, type_: str, channel: str, at: str) -> None:
    desk.api("POST", "/incidents", {
        "id": key, "type": type_, "title": key, "raised_by": "RU", "against": "US",
        "claim": f"the claim of {key}", "level": 3, "evidence": [f"seen by {channel}"],
        "arrivals": [{"channel": channel, "at": at}],
    })  # fmt: skip


# -- the crisis officer's calls change the desk -------------------------------------------


def test_add_channel_records_a_channel_with_its_endpoints(desk: Services) -> None:
    ran = desk.cli(
        "add-channel", CASE, "--id", "ru-us-hotline", "--between", "us-ru", "--level", "hotline",
        "--endpoint", "RU=the Kremlin", "--endpoint", "us=the White House",
    )  # fmt: skip
    assert ran.code == 0, ran.err
    row = next(line for line in ran.out.splitlines() if "ru-us-hotline" in line)
    assert "RU-US" in row and "hotline" in row and "RU: the Kremlin; US: the White House" in row
    assert ran.out.endswith("added channel ru-us-hotline\n") and ran.err == ""

    dyad = next(d for d in desk.api("GET", "/channels") if d["between"] == ["RU", "US"])
    added = next(c for c in dyad["channels"] if c["id"] == "ru-us-hotline")
    assert (added["level"], added["endpoints"], added["last_used"]) == (
        "hotline",
        {"RU": "the Kremlin", "US": "the White House"},
        None,
    )


def test_merge_folds_an_incident_logged_separately_into_another(desk: Services) -> None:
    _incident(desk, "merge-keep", "threat", "ru-us-defence", "2022-10-30T10:00Z")
    _incident(desk, "merge-fold", "threat", "ru-unsc", "2022-10-30T11:00Z")
    ran = desk.cli("merge", CASE, "merge-keep", "--from", "merge-fold")
    assert ran.code == 0, ran.err
    assert "Arrived through: ru-us-defence 2022-10-30 10:00 UTC; ru-unsc 2022-10-30 11:00 UTC" in (
        ran.out
    )
    assert ran.out.endswith("incident merge-fold merged into merge-keep\n")

    kept = desk.api("GET", "/incidents/merge-keep")
    assert [(a["channel"], a["at"]) for a in kept["arrivals"]] == [
        ("ru-us-defence", "2022-10-30T10:00:00Z"),
        ("ru-unsc", "2022-10-30T11:00:00Z"),
    ]
    assert kept["evidence"] == ["seen by ru-us-defence", "seen by ru-unsc"]
    listed = [i["id"] for i in desk.api("GET", "/incidents")]
    assert "merge-keep" in listed and "merge-fold" not in listed
    again = desk.cli("incident", CASE, "merge-fold")
    assert (again.code, again.err) == (
        1,
        "error: Incident merge-fold was merged into merge-keep; act on merge-keep.\n",
    )


def test_report_violation_links_the_incident_to_the_commitment(desk: Services) -> None:
    _incident(desk, "airspace-violation", "violation", "ru-us-defence", "2022-10-31T08:00Z")
    ran = desk.cli(
        "report-violation", CASE, "us-planes-out-of-russian-airspace",
        "--incident", "airspace-violation", "--json",
    )  # fmt: skip
    assert ran.json()["violations"] == ["airspace-violation"]
    linked = {c["id"]: c["violations"] for c in desk.api("GET", "/commitments")}
    assert linked["us-planes-out-of-russian-airspace"] == ["airspace-violation"]

    twice = desk.cli(
        "report-violation", CASE, "us-planes-out-of-russian-airspace",
        "--incident", "airspace-violation",
    )  # fmt: skip
    assert (twice.code, twice.out) == (1, "")
    assert twice.err == (
        "error: Incident airspace-violation is already linked to commitment "
        "us-planes-out-of-russian-airspace.\n"
    )


def test_propose_then_promote_an_assurance(desk: Services) -> None:
    ran = desk.cli(
        "propose", CASE, "--id", "hotline-use", "--title", "Use the hotline in a crisis",
        "--proposed-by", "us", "--to", "RU,UA", "--option", "none=No use",
        "--option", "use=Use it within the hour", "--stake", "RU:0.2:none=0,use=1",
        "--stake", "US:0.1:none=1,use=0.7:use", "--precedent", "The 1963 hotline",
    )  # fmt: skip
    assert ran.code == 0, ran.err
    row = next(line for line in ran.out.splitlines() if "hotline-use" in line)
    assert "US" in row and "RU,UA" in row and "none, use" in row and row.rstrip(" │").endswith("no")
    assert ran.out.endswith("proposed assurance hotline-use\n")
    proposed = next(a for a in desk.api("GET", "/assurances") if a["id"] == "hotline-use")
    assert proposed == {
        "id": "hotline-use",
        "title": "Use the hotline in a crisis",
        "proposed_by": "US",
        "to": ["RU", "UA"],
        "options": ["none", "use"],
        "precedent": "The 1963 hotline",
        "promoted_at": None,
        "promoted_by": "",
    }

    promoted = desk.cli("promote", CASE, "hotline-use", "--on", "2022-11-01")
    assert promoted.code == 0, promoted.err
    assert promoted.out.endswith(f"assurance hotline-use is a candidate issue of {CASE}\n")
    after = next(a for a in desk.api("GET", "/assurances") if a["id"] == "hotline-use")
    assert (after["promoted_at"], after["promoted_by"]) == (
        "2022-11-04T12:00:00Z",
        "crisis_officer",
    )
    listed = desk.cli("assurances", CASE)
    row = next(line for line in listed.out.splitlines() if "hotline-use" in line)
    assert "since 2022-11-04 12:00 UTC" in row
    again = desk.cli("promote", CASE, "hotline-use")
    assert (again.code, again.err) == (
        1,
        "error: Assurance hotline-use is already a candidate issue.\n",
    )


def test_alert_rule_sets_and_replaces_the_cases_rule(desk: Services) -> None:
    assert desk.board()["alert_rule"] == {"jump": 2, "window_hours": None}
    ran = desk.cli("alert-rule", CASE, "--jump", "3", "--window-hours", "24", main=True)
    assert (ran.code, ran.err) == (0, "")
    assert ran.out == (
        f"alert rule of {CASE}: a rise of 3 levels or more above the lowest score of the "
        "24 h before\n"
    )
    assert desk.board()["alert_rule"] == {"jump": 3, "window_hours": 24.0}
    # the example's RU-US rise from 0 to 2 is no longer an alert at a jump of 3
    assert desk.api("GET", "/alerts") == []

    back = desk.cli("alert-rule", CASE, "--jump", "2", "--json").json()
    assert back == {"jump": 2, "window_hours": None}
    assert desk.board()["alert_rule"] == back
    assert [a["to_level"] for a in desk.api("GET", "/alerts")][:1] == [2]


# -- refused personas change nothing ------------------------------------------------------


@pytest.fixture(scope="module")
def refusable(desk: Services) -> Services:
    """Records each refused call would act on, were its persona allowed to."""
    _incident(desk, "refused-keep", "threat", "ru-us-defence", "2022-10-29T10:00Z")
    _incident(desk, "refused-fold", "threat", "ru-unsc", "2022-10-29T11:00Z")
    _incident(desk, "refused-violation", "violation", "ru-us-defence", "2022-10-29T12:00Z")
    return desk


VALID_CALLS = {
    "add-channel": ("add-channel", CASE, "--id", "ru-us-refused", "--between", "RU,US",
                    "--level", "back_channel"),
    "merge": ("merge", CASE, "refused-keep", "--from", "refused-fold"),
    "report-violation": ("report-violation", CASE, "us-no-atacms",
                         "--incident", "refused-violation"),
    "propose": ("propose", CASE, "--id", "refused-assurance", "--title", "Refused",
                "--proposed-by", "US", "--to", "RU", "--option", "a=A", "--option", "b=B"),
    "promote": ("promote", CASE, "us-ru-avoid-escalation"),
    "alert-rule": ("alert-rule", CASE, "--jump", "4"),
}  # fmt: skip


@pytest.mark.parametrize("user", sorted(REFUSED))
@pytest.mark.parametrize("verb", sorted(VALID_CALLS))
def test_a_persona_who_may_not_write_the_desk_is_refused_and_nothing_changes(
    refusable: Services, verb: str, user: str
) -> None:
    before = refusable.board()
    ran = refusable.cli(*VALID_CALLS[verb], user=user)
    assert (ran.code, ran.err, ran.out) == (1, REFUSED[user], "")
    assert refusable.board() == before


# -- bad input is one line naming what is wrong -------------------------------------------


@pytest.mark.parametrize(
    ("args", "err"),
    [
        (("add-channel", CASE, "--id", "ru-us-defence", "--between", "RU,US", "--level", "hotline"),
         "error: There is already a channel ru-us-defence.\n"),
        (("add-channel", CASE, "--id", "ru-zz", "--between", "RU,ZZ", "--level", "hotline"),
         "error: --between: unknown party 'ZZ' (parties of the case: "),
        (("add-channel", CASE, "--id", "ru-us-x", "--between", "RU,US", "--level", "telegraph"),
         "error: --level: Input should be 'heads_of_state', "),
        (("add-channel", CASE, "--id", "ru-us-x", "--between", "RU,US", "--level", "hotline",
          "--endpoint", "RU"),
         "error: --endpoint: 'RU' is not PARTY=WHO, like RU=Defence minister\n"),
        (("merge", CASE, "no-such-incident", "--from", "dirty-bomb"),
         "error: No such incident.\n"),
        (("merge", CASE, "dirty-bomb", "--from", "no-such-incident"),
         "error: --from: no incident 'no-such-incident' on the desk\n"),
        (("merge", CASE, "dirty-bomb", "--from", "satellites-threat"),
         "error: Incident satellites-threat has a playbook run; it cannot be merged away.\n"),
        (("report-violation", CASE, "no-such-commitment", "--incident", "dirty-bomb"),
         "error: No such commitment.\n"),
        (("report-violation", CASE, "us-no-atacms", "--incident", "no-such-incident"),
         "error: --incident: no incident 'no-such-incident' on the desk\n"),
        (("report-violation", CASE, "us-no-atacms", "--incident", "dirty-bomb"),
         "error: Incident dirty-bomb is allegation, not a violation; log a violation to link it"
         " to commitment us-no-atacms.\n"),
        (("propose", CASE, "--id", "x", "--title", "", "--proposed-by", "US", "--to", "RU",
          "--option", "a=A", "--option", "b=B"),
         "error: --title: String should have at least 1 character\n"),
        (("propose", CASE, "--id", "x", "--title", "X", "--proposed-by", "US", "--to", "RU",
          "--option", "a=A"),
         "error: --option: List should have at least 2 items after validation, not 1\n"),
        (("propose", CASE, "--id", "x", "--title", "X", "--proposed-by", "US", "--to", "RU",
          "--option", "a=A", "--option", "b=B", "--stake", "RU:0.2:a=1"),
         "error: --stake: assurance 'x': RU's values must cover exactly the options a, b\n"),
        (("propose", CASE, "--id", "x", "--title", "X", "--proposed-by", "US", "--to", "RU",
          "--option", "a=A", "--option", "b=B", "--stake", "RU:high"),
         "error: --stake: 'RU:high' is not PARTY:SALIENCE:OPTION=VALUE,...[:ACCEPTABLE,...]"),
        (("propose", CASE, "--id", "us-ru-missile-limits", "--title", "X", "--proposed-by", "US",
          "--to", "RU", "--option", "a=A", "--option", "b=B"),
         "error: There is already an assurance us-ru-missile-limits.\n"),
        (("promote", CASE, "no-such-assurance"), "error: No such assurance.\n"),
        (("promote", CASE, "us-ru-missile-limits", "--on", "2022-13-01"),
         "error: --on: '2022-13-01' is not a date (use YYYY-MM-DD)\n"),
        (("alert-rule", CASE, "--jump", "0"),
         "error: --jump: Input should be greater than or equal to 1\n"),
        (("alert-rule", CASE, "--jump", "2", "--window-hours", "0"),
         "error: --window-hours: Input should be greater than or equal to 0.01\n"),
    ],
    ids=lambda v: "-".join(v[:1] + v[2:4]) if isinstance(v, tuple) else "",
)  # fmt: skip
def test_bad_input_is_one_error_line_and_exit_1_and_nothing_changes(
    desk: Services, args: tuple[str, ...], err: str
) -> None:
    before = desk.board()
    ran = desk.cli(*args)
    assert (ran.code, ran.out) == (1, ""), ran.err
    assert ran.err.startswith(err) and ran.err.count("\n") == 1, ran.err
    assert "Traceback" not in ran.err
    assert desk.board() == before
