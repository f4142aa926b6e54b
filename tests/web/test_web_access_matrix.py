"""Every web route x every persona, each cell its own test, with the exact outcome.

The Ukraine example case as ``offramp demo`` seeds it (messages, claims in each state,
a tabled package, the crisis section), plus an outsider who is a member of another
case only. Run in-process (TestClient) on a copy of one seeded SQLite file.

Outcomes:
- ``ok``: 200 for a page, a 303 back to the desk for a form;
- ``signin``: anonymous, a 303 to ``/sign-in`` (signing in with a user name that does
  not exist: the sign-in page again, 401);
- ``hidden``: the plain 404 page, byte for byte the page of a case that does not exist;
- ``forbidden``: visible but not allowed: a 403 page naming the action;
- ``refused``: signed in, but the form's input is refused (a two-factor code with
  nothing to confirm or turn off): a 409 or 422 page with the row's ``refusal``;
- ``step-gone``: anyone finishing a sign-in step that does not exist (a security key's
  answer with no pending sign-in): the sign-in page again, 401, naming the expired step.
A POST that is not ``ok`` changes nothing: every table's row count and every audit
chain's head are unchanged.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from offramp.api.app import api_routes
from offramp.bootstrap import Services, bootstrap
from offramp.demo import CASE, USERS, seed
from offramp.model.crisis import IncidentType, NotificationKind
from offramp.model.shuttle import PLENARY
from offramp.server import create_desk_app
from offramp.services.accounts import SYSTEM
from offramp.services.crisis import ArrivalIn
from offramp.web.pages import WebRoute
from support.authoring_web import ADMIN, authoring_web_rows, seed_authoring_web
from support.crisis_oncall_web import crisis_oncall_web_rows, seed_crisis_oncall_web
from support.desk import FAST_HASHER, SMALL_CASE_YAML
from support.intake_web import intake_web_rows, seed_intake_web
from support.rounds_web import rounds_web_rows, seed_rounds_web
from support.web import DEMO_ROLES

PASSWORD = "matrix-password"
CSRF = "matrix-csrf-token"
MISSING = "no-such-case"
MED, UA, RU, OBS, AN, OFF = DEMO_ROLES
OUT, ANON = "outsider", "anonymous"
PERSONAS = (MED, UA, RU, OBS, AN, OFF, OUT, ANON)
INTAKE_TEXT = "Zelensky said he would also consider “compromise” on Donetsk and Luhansk."
MEMBERS = (MED, UA, RU, OBS, AN, OFF)


@dataclass(frozen=True)
class Row:
    """One web route: who gets ``ok``, who gets a 403 naming ``action``; the rest 404."""

    method: str
    route: str  # the path template as registered
    path: str  # with the seeded ids filled in
    ok: tuple[str, ...]
    forbidden: tuple[str, ...] = ()
    action: str = ""
    form: dict[str, Any] = field(default_factory=dict)
    anonymous: str = "signin"
    page: bool = False  # a form that answers with a page (200), not a redirect
    refusal: str = ""  # what every signed-in persona's refusal says (outcome ``refused``)
    everyone: str = ""  # every persona's outcome, if one for all (``step-gone``)

    def expected(self, persona: str) -> str:
        if self.everyone:
            return self.everyone
        if persona in self.ok:
            return "ok"
        if persona == ANON:
            return self.anonymous
        if self.refusal:
            return "refused"
        if persona in self.forbidden:
            return "forbidden"
        return "hidden"


def crisis_form(route: str, path: str, **form: str) -> Row:
    """A crisis desk form: the crisis officer's; the mediator reads but may not write."""
    return Row("POST", route, path, (OFF,), (MED,), "crisis.write", form=form)


def _rows() -> list[Row]:
    c = f"/cases/{CASE}"
    crisis_read = (MED, OFF)
    return [
        Row("GET", "/", "/", PERSONAS),
        Row("GET", "/sign-in", "/sign-in", PERSONAS),
        Row("GET", "/favicon.ico", "/favicon.ico", PERSONAS, anonymous="ok"),
        Row(
            "POST",
            "/sign-in",
            "/sign-in",
            (*MEMBERS, OUT),
            form={"password": PASSWORD},
            anonymous="wrong-password",
        ),
        Row("POST", "/sign-out", "/sign-out", PERSONAS),
        Row("GET", "/cases", "/cases", (*MEMBERS, OUT)),
        Row("GET", "/needs", "/needs", (*MEMBERS, OUT)),
        # two-factor sign-in (web/two_factor.py): every account's own; nobody is enrolled
        Row("GET", "/account/two-factor", "/account/two-factor", (*MEMBERS, OUT)),
        Row(
            "POST",
            "/account/two-factor/start",
            "/account/two-factor/start",
            (*MEMBERS, OUT),
            page=True,
        ),
        Row(
            "POST",
            "/account/two-factor/confirm",
            "/account/two-factor/confirm",
            (),
            form={"code": "123456"},
            refusal="There is no two-factor enrolment to confirm",
        ),
        Row(
            "POST",
            "/account/two-factor/disable",
            "/account/two-factor/disable",
            (),
            form={"code": "123456"},
            refusal="Two-factor sign-in is not on.",
        ),
        # security keys (web/security_keys.py): every account's own; nobody has one
        Row(
            "POST",
            "/account/security-keys/start",
            "/account/security-keys/start",
            (*MEMBERS, OUT),
            form={"name": "blue key"},
            page=True,
        ),
        Row(
            "POST",
            "/account/security-keys/add",
            "/account/security-keys/add",
            (),
            form={"name": "blue key", "credential": "[]"},
            refusal="This request to add a key has expired",
        ),
        Row(
            "POST",
            "/account/security-keys/{key}/remove",
            "/account/security-keys/1/remove",
            (),
            form={"password": PASSWORD},
        ),
        Row(
            "POST",
            "/sign-in/security-key",
            "/sign-in/security-key",
            (),
            form={"pending": "no-such-step", "credential": "[]"},
            everyone="step-gone",
        ),
        # changing one's password (web/password.py, ASVS 2.1.5): every account's own
        Row("GET", "/account/password", "/account/password", (*MEMBERS, OUT)),
        Row(
            "POST",
            "/account/password",
            "/account/password",
            (*MEMBERS, OUT),
            form={
                "current_password": PASSWORD,
                "new_password": "a brand new passphrase",
                "again": "a brand new passphrase",
            },
        ),
        # one's own web sessions (ASVS 3.3.4): the others ended with the password
        Row(
            "POST",
            "/account/sessions/end-others",
            "/account/sessions/end-others",
            (*MEMBERS, OUT),
            form={"password": PASSWORD},
        ),
        # the banner of changes to one's sign-in (web/notices.py): one's own notices
        Row(
            "POST",
            "/account/notices/dismiss",
            "/account/notices/dismiss",
            (*MEMBERS, OUT),
            form={"next": "/needs"},
        ),
        Row("GET", "/cases/{slug}", c, MEMBERS),
        Row(
            "POST",
            "/cases/{slug}/shares",
            f"{c}/shares",
            (MED,),
            (UA, RU, OBS, AN, OFF),
            "share.create",
            form={"user": "observer", "kind": "ledger"},
        ),
        Row("GET", "/cases/{slug}/deal-space", f"{c}/deal-space", (MED, AN)),
        Row("GET", "/cases/{slug}/case-file", f"{c}/case-file", (MED, AN)),
        Row("GET", "/cases/{slug}/forecast", f"{c}/forecast", (MED, AN)),
        Row(
            "POST",
            "/cases/{slug}/forecast",
            f"{c}/forecast",
            (MED, AN),
            form={
                "table": "actor,capability,position,salience\nA,1,0,50\nB,1,10,50",
                "rounds": "2",
            },
            page=True,
        ),
        Row("GET", "/cases/{slug}/shuttle", f"{c}/shuttle", (MED, UA, RU)),
        Row("GET", "/cases/{slug}/shuttle/{key}", f"{c}/shuttle/UA", (MED, UA)),
        Row("GET", "/cases/{slug}/ledger", f"{c}/ledger", (MED, AN)),
        Row("GET", "/cases/{slug}/audit", f"{c}/audit", (MED,)),
        # evidence intake (web/intake.py): whoever may add statements
        Row("GET", "/cases/{slug}/intake", f"{c}/intake", (MED, AN)),
        Row(
            "POST",
            "/cases/{slug}/intake",
            f"{c}/intake",
            (MED, AN),
            (UA, RU, OBS, OFF),
            "statement.create",
            form={
                "text": INTAKE_TEXT,
                "article_date": "2022-03-11",
                "source_id": "wapo-2022-03-11",
            },
            page=True,
        ),
        Row(
            "POST",
            "/cases/{slug}/intake/statements",
            f"{c}/intake/statements",
            (MED, AN),
            (UA, RU, OBS, OFF),
            "statement.create",
            form={
                "speaker": "zelensky",
                "party": "UA",
                "issue": "donbas",
                "stance": "consider",
                "option": "compromise",
                "quote": "compromise",
                "date": "2022-03-11",
                "source_id": "wapo-2022-03-11",
            },
        ),
        # discards and the intake's reader (web/intake.py, web/intake_reader.py)
        *intake_web_rows(Row, c),
        # confirming a statement stores its position: the mediator's; the analyst adds only
        Row(
            "POST",
            "/cases/{slug}/statements/{key}/confirm",
            f"{c}/statements/ru-initial-demand/confirm",
            (MED,),
            (UA, RU, OBS, AN, OFF),
            "statement.confirm",
        ),
        # precedents (web/precedents.py): the library is every account's; a case's page
        # every member's; links are the mediator's; the seeded link is on an option of
        # the package tabled to UA and RU, so they see it (403), the others do not (404)
        Row("GET", "/precedents", "/precedents?kind=autonomy&from=1945", (*MEMBERS, OUT)),
        Row("GET", "/precedents/{precedent}", "/precedents/austria-1955", (*MEMBERS, OUT)),
        Row("GET", "/cases/{slug}/precedents", f"{c}/precedents", MEMBERS),
        Row(
            "POST",
            "/cases/{slug}/precedent-links",
            f"{c}/precedent-links",
            (MED,),
            (UA, RU, OBS, AN, OFF),
            "precedent.link",
            form={"option": "alignment/neutral_austria", "precedent": "finland-ussr-1948"},
        ),
        Row(
            "POST",
            "/cases/{slug}/precedent-links/{link_id}/remove",
            f"{c}/precedent-links/{{precedent_link}}/remove",
            (MED,),
            (UA, RU),
            "precedent.link",
        ),
        # secret rounds and private codings (web/rounds.py, web/codings.py)
        *rounds_web_rows(Row, c),
        # the authoring desk (web/authoring.py): case.author; a new case is case.create
        *authoring_web_rows(Row, c),
        Row("GET", "/cases/{slug}/crisis", f"{c}/crisis", crisis_read),
        Row("GET", "/cases/{slug}/crisis/channels", f"{c}/crisis/channels", crisis_read),
        Row("GET", "/cases/{slug}/crisis/commitments", f"{c}/crisis/commitments", crisis_read),
        Row("GET", "/cases/{slug}/crisis/notifications", f"{c}/crisis/notifications", crisis_read),
        Row("GET", "/cases/{slug}/crisis/escalation", f"{c}/crisis/escalation", crisis_read),
        # the crisis desk on call (web/crisis_oncall.py, _times, _incident, _review)
        *crisis_oncall_web_rows(Row, c),
        Row(
            "POST",
            "/cases/{slug}/shuttle/{key}/messages",
            f"{c}/shuttle/UA/messages",
            (MED, UA),
            form={"body": "From the matrix.", "mark": "may-relay"},
        ),
        Row(
            "POST",
            "/cases/{slug}/messages/{message_id}/relay",
            f"{c}/messages/1/relay",
            (MED,),
            (UA,),
            "message.relay",
            form={"to": "RU", "mode": "paraphrase", "paraphrase": "Ukraine may drop NATO."},
        ),
        Row(
            "POST",
            "/cases/{slug}/claims",
            f"{c}/claims",
            (MED,),
            (UA, RU),
            "claim.create",
            form={"party": "UA", "text": "Ukraine will not join NATO."},
        ),
        Row(
            "POST",
            "/cases/{slug}/claims/{claim_id}/{step}",
            f"{c}/claims/3/request",
            (MED,),
            (RU,),
            "claim.request",
        ),
        Row(
            "POST",
            "/cases/{slug}/proposals",
            f"{c}/proposals",
            (MED,),
            (UA, RU),
            "proposal.table",
            form={"title": "From the matrix", "opt_alignment": "neutral_austria", "parties": "UA"},
        ),
        Row(
            "POST",
            "/cases/{slug}/proposals/{proposal_id}/respond",
            f"{c}/proposals/1/respond",
            (UA, RU),
            (MED,),
            "proposal.respond",
            form={"answer": "accept"},
        ),
        Row(
            "POST",
            "/cases/{slug}/crisis/incidents/{incident}/steps/{step}",
            f"{c}/crisis/incidents/{{incident}}/steps/{{step}}",
            (OFF,),
            (MED,),
            "crisis.write",
            form={"action": "done"},
        ),
        # close an incident whose every step is waived; the mediator reads, never writes
        crisis_form(
            "/cases/{slug}/crisis/incidents/{incident}/close",
            f"{c}/crisis/incidents/{{closable}}/close",
            outcome="Closed from the matrix.",
        ),
        # withdraw the tabled "March framework": the mediator's; the parties see it, may not
        Row(
            "POST",
            "/cases/{slug}/proposals/{proposal_id}/withdraw",
            f"{c}/proposals/1/withdraw",
            (MED,),
            (UA, RU),
            "proposal.withdraw",
        ),
        # record a concession by hand: the mediator's; the analyst reads the ledger only
        Row(
            "POST",
            "/cases/{slug}/ledger",
            f"{c}/ledger",
            (MED,),
            (AN,),
            "ledger.write",
            form={
                "party": "RU",
                "issue": "alignment",
                "direction": "receives",
                "from_option": "",
                "to_option": "",
                "note": "From the matrix.",
            },
        ),
        Row(
            "POST",
            "/cases/{slug}/crisis/incidents/{incident}/playbook",
            f"{c}/crisis/incidents/{{fresh_incident}}/playbook",
            (OFF,),
            (MED,),
            "crisis.write",
            form={"playbook": "{playbook}"},
        ),
        crisis_form(
            "/cases/{slug}/crisis/incidents",
            f"{c}/crisis/incidents",
            type="threat",
            raised_by="RU",
            against="US",
            claim="A new claim.",
            channel="ru-us-public",
            level="2",
            id="matrix-new",
        ),
        crisis_form(
            "/cases/{slug}/crisis/incidents/{incident}/arrivals",
            f"{c}/crisis/incidents/{{fresh_incident}}/arrivals",
            channel="ru-us-nrrc",
            at="2022-10-27T12:00Z",
        ),
        crisis_form(
            "/cases/{slug}/crisis/commitments",
            f"{c}/crisis/commitments",
            id="matrix-restraint",
            kind="restraint",
            text="No launches.",
            declared_by="RU",
            to="US",
            date="2022-10-27",
        ),
        crisis_form(
            "/cases/{slug}/crisis/assurances/{assurance}/promote",
            f"{c}/crisis/assurances/us-ru-missile-limits/promote",
            on="2022-10-28",
        ),
        crisis_form(
            "/cases/{slug}/crisis/notifications",
            f"{c}/crisis/notifications",
            id="matrix-launch",
            kind="exercise",
            sender="RU",
            to="US",
            what="A drill",
            where="Russia",
            starts="2022-10-29T09:00Z",
            size="small",
            channel="ru-us-nrrc",
            ack_hours="24",
        ),
        crisis_form(
            "/cases/{slug}/crisis/escalation",
            f"{c}/crisis/escalation",
            id="matrix-score",
            between="RU, US",
            level="3",
            kind="threat",
            at="2022-10-27T12:00Z",
        ),
        Row(
            "POST",
            "/cases/{slug}/crisis/notifications/sweep",
            f"{c}/crisis/notifications/sweep",
            (OFF,),
            (MED,),
            "crisis.write",
        ),
        Row(
            "POST",
            "/cases/{slug}/crisis/notifications/{notification}/acknowledge",
            f"{c}/crisis/notifications/matrix-exercise/acknowledge",
            (OFF,),
            (MED,),
            "crisis.write",
            form={"by": "US"},
        ),
        # the crisis desk's forms (web/crisis.py)
        Row(
            "POST",
            "/cases/{slug}/crisis/incidents",
            f"{c}/crisis/incidents",
            (OFF,),
            (MED,),
            "crisis.write",
            form={
                "type": "threat",
                "raised_by": "RU",
                "against": "US",
                "claim": "A claim.",
                "level": "2",
                "channel": "ru-us-public",
                "arrived_at": "2022-10-27T10:00Z",
            },
        ),
        Row(
            "POST",
            "/cases/{slug}/crisis/incidents/{incident}/arrivals",
            f"{c}/crisis/incidents/matrix-threat/arrivals",
            (OFF,),
            (MED,),
            "crisis.write",
            form={"channel": "ru-us-public", "at": "2022-10-27T11:00Z"},
        ),
        crisis_form(
            "/cases/{slug}/crisis/incidents/{incident}/escalate",
            f"{c}/crisis/incidents/matrix-threat/escalate",
            level="8",
            rationale="From the matrix.",
        ),
        Row(
            "POST",
            "/cases/{slug}/crisis/commitments",
            f"{c}/crisis/commitments",
            (OFF,),
            (MED,),
            "crisis.write",
            form={
                "id": "matrix-c",
                "kind": "restraint",
                "declared_by": "US",
                "to": "RU",
                "date": "2022-10-27",
                "text": "A restraint.",
            },
        ),
        Row(
            "POST",
            "/cases/{slug}/crisis/notifications",
            f"{c}/crisis/notifications",
            (OFF,),
            (MED,),
            "crisis.write",
            form={
                "id": "matrix-n",
                "kind": "exercise",
                "sender": "RU",
                "to": "US",
                "what": "w",
                "where": "w",
                "size": "s",
                "starts": "2022-10-28T09:00Z",
                "channel": "ru-us-nrrc",
                "ack_hours": "24",
                "sent_at": "2022-10-27T09:00Z",
            },
        ),
        Row(
            "POST",
            "/cases/{slug}/crisis/escalation",
            f"{c}/crisis/escalation",
            (OFF,),
            (MED,),
            "crisis.write",
            form={
                "id": "matrix-s",
                "between": "RU, US",
                "level": "3",
                "kind": "threat",
                "at": "2022-10-27T09:00Z",
            },
        ),
        Row(
            "POST",
            "/cases/{slug}/crisis/assurances/{assurance}/promote",
            f"{c}/crisis/assurances/us-ru-avoid-escalation/promote",
            (OFF,),
            (MED,),
            "crisis.write",
        ),
    ]


# Claim steps other than "request" act on claims in other states: one row each.
CLAIM_STEPS = [
    Row("POST", "", f"/cases/{CASE}/claims/2/assure", (UA,), (MED,), "claim.respond"),
    Row("POST", "", f"/cases/{CASE}/claims/2/deny", (UA,), (MED,), "claim.respond"),
    Row(
        "POST",
        "",
        f"/cases/{CASE}/claims/1/relay",
        (MED,),
        (UA,),
        "claim.relay",
        {"to": "RU", "label": "affirmed"},
    ),
]
# The step form's other action: waiving the step, with its reason (same route).
STEP_ACTIONS = [
    Row(
        "POST",
        "",
        f"/cases/{CASE}/crisis/incidents/{{incident}}/steps/{{step}}",
        (OFF,),
        (MED,),
        "crisis.write",
        {"action": "waive", "reason": "Not needed, from the matrix."},
    ),
]
ROWS = _rows()


# -- the seeded database -------------------------------------------------------------------


@dataclass
class Seeded:
    path: Path
    sessions: dict[str, str]
    ids: dict[str, str]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    path = tmp_path_factory.mktemp("web-matrix") / "desk.db"
    desk = bootstrap(str(path), hasher=FAST_HASHER)
    try:
        seed(desk, {u.name: PASSWORD for u in USERS})
        desk.cases.import_case(SYSTEM, SMALL_CASE_YAML, "small.yaml")
        desk.accounts.add_user(SYSTEM, OUT, PASSWORD)
        desk.cases.add_member(SYSTEM, "small", OUT, "mediator")
        sessions = {name: desk.accounts.sign_in(name, PASSWORD)[1] for name in PERSONAS[:-1]}
        ids = _crisis_ids(desk)
        ids.update(seed_rounds_web(desk))
        ids.update(seed_crisis_oncall_web(desk))
        ids.update(seed_intake_web(desk))
        ids["precedent_link"] = str(
            desk.precedents.link(
                desk.accounts.get_actor(MED),
                CASE,
                issue="alignment",
                option="neutral_austria",
                precedent="austria-1955",
                provision="permanent-neutrality",
            ).link.id
        )
        authoring_ids, sessions[ADMIN] = seed_authoring_web(desk, PASSWORD)  # the last seed
        ids.update(authoring_ids)
    finally:
        desk.close()
    return Seeded(path, sessions, ids)


def _crisis_ids(desk: Services) -> dict[str, str]:
    """A pending step of a running playbook, and a new threat and notification to act on."""
    officer = desk.accounts.get_actor(OFF)

    def threat(key: str, title: str) -> None:
        desk.crisis.log_incident(
            officer,
            CASE,
            key=key,
            type=IncidentType.THREAT,
            title=title,
            raised_by="RU",
            against="US",
            claim="A claim.",
            level=2,
            arrivals=[ArrivalIn("ru-us-public", datetime(2022, 10, 27, 9, tzinfo=UTC))],
        )

    threat("matrix-threat", "A threat logged for the matrix")
    desk.crisis.send_notification(
        officer,
        CASE,
        key="matrix-exercise",
        kind=NotificationKind.EXERCISE,
        sender="RU",
        to="US",
        what="An exercise",
        where="Russia",
        starts=datetime(2022, 10, 28, 9, tzinfo=UTC),
        size="small",
        channel="ru-us-nrrc",
        ack_hours=24,
        sent_at=datetime(2022, 10, 27, 9, tzinfo=UTC),
    )
    boards = desk.crisis.crisis_board(officer, CASE).incidents
    running = next(
        b for b in boards if b.run is not None and any(s.done_at is None for s in b.run.steps)
    )
    assert running.run is not None
    step = next(s.spec.id for s in running.run.steps if s.done_at is None)
    fresh = next(b.incident.id for b in boards if b.run is None)
    # an incident whose playbook has every step waived: ready to close
    threat("matrix-closable", "A threat to close from the matrix")
    run = desk.crisis.start_playbook(officer, CASE, "matrix-closable", "threat")
    for s in run.steps:
        desk.crisis.waive_step(officer, CASE, "matrix-closable", s.spec.id, "Not needed.")
    return {
        "incident": running.incident.id,
        "step": step,
        "fresh_incident": fresh,
        "playbook": "threat",
        "closable": "matrix-closable",
    }


@dataclass
class Web:
    desk: Services
    http: TestClient
    seeded: Seeded

    def request(self, persona: str, method: str, path: str, form: dict[str, Any]) -> Any:
        self.http.cookies.clear()
        self.http.cookies.set("offramp_csrf", CSRF)
        if persona != ANON:
            self.http.cookies.set("offramp_session", self.seeded.sessions[persona])
        path = path.format(**self.seeded.ids)
        if method == "GET":
            return self.http.get(path)
        data = {
            k: v.format(**self.seeded.ids) if isinstance(v, str) else v for k, v in form.items()
        }
        if path == "/sign-in":
            data["name"] = persona if persona != ANON else "nobody"
        return self.http.post(path, data={**data, "csrf_token": CSRF})

    def state(self) -> tuple[dict[str, int], list[tuple[str, int, str]]]:
        """Row counts of every table, and every audit chain's head."""
        with self.desk.engine.connect() as conn:
            names = [
                r[0]
                for r in conn.execute(
                    text("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
                )
            ]
            counts = {
                n: int(conn.execute(select(func.count()).select_from(text(f'"{n}"'))).scalar_one())
                for n in names
            }
            heads = [tuple(r) for r in conn.execute(text("SELECT * FROM chain_heads ORDER BY 1"))]
        counts.pop("login_failures", None)  # a failed sign-in is counted (the throttle)
        return counts, heads  # type: ignore[return-value]


def _web(seeded: Seeded, tmp_path: Path) -> Iterator[Web]:
    target = tmp_path / "desk.db"
    shutil.copyfile(seeded.path, target)
    desk = bootstrap(str(target), migrate_first=False, hasher=FAST_HASHER)
    try:
        with TestClient(create_desk_app(services=desk), follow_redirects=False) as http:
            yield Web(desk, http, seeded)
    finally:
        desk.close()


@pytest.fixture(scope="module")
def reader(seeded: Seeded, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    """One app for every GET (pages never write)."""
    yield from _web(seeded, tmp_path_factory.mktemp("reader"))


@pytest.fixture(scope="module")
def writer_app(seeded: Seeded, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    """One app for every POST; each test points it at its own copy of the database
    (building the app costs more than the request it answers)."""
    yield from _web(seeded, tmp_path_factory.mktemp("writer"))


@pytest.fixture
def writer(writer_app: Web, tmp_path: Path) -> Iterator[Web]:
    """A fresh copy of the database for each POST, served by the module's app."""
    target = tmp_path / "desk.db"
    shutil.copyfile(writer_app.seeded.path, target)
    desk = bootstrap(str(target), migrate_first=False, hasher=FAST_HASHER)
    app = writer_app.http.app
    app.state.services = desk  # type: ignore[attr-defined]
    try:
        yield Web(desk, writer_app.http, writer_app.seeded)
    finally:
        app.state.services = writer_app.desk  # type: ignore[attr-defined]
        desk.close()


# -- the matrix ----------------------------------------------------------------------------


def _missing(path: str) -> str:
    return path.replace(f"/cases/{CASE}", f"/cases/{MISSING}", 1)


def check(web: Web, row: Row, persona: str) -> None:
    expected = row.expected(persona)
    before = web.state() if row.method == "POST" else None
    got = web.request(persona, row.method, row.path, row.form)
    where = f"{row.method} {row.path.format(**web.seeded.ids)} as {persona}"
    if expected == "ok":
        if (row.method == "GET" and row.path != "/") or row.page:
            assert got.status_code == 200, f"{where}: {got.status_code}"
        else:
            assert got.status_code == 303, f"{where}: {got.status_code} {_problem(got.text)}"
            assert not got.headers["location"].startswith("/sign-in?next"), where
    elif expected == "signin":
        assert got.status_code == 303, f"{where}: {got.status_code}"
        assert got.headers["location"].startswith("/sign-in"), where
    elif expected == "wrong-password":  # a user name that does not exist
        assert got.status_code == 401, f"{where}: {got.status_code}"
        assert "Wrong user name or password." in got.text, where
    elif expected == "step-gone":  # the sign-in page again, naming the expired step
        assert got.status_code == 401, f"{where}: {got.status_code}"
        assert "This sign-in step has expired" in got.text, where
    elif expected == "refused":
        assert got.status_code in (409, 422), f"{where}: {got.status_code}"
        assert row.refusal in got.text, f"{where}: {_problem(got.text)}"
    elif expected == "hidden":
        assert got.status_code == 404, f"{where}: {got.status_code} {_problem(got.text)}"
        twin = web.request(persona, row.method, _missing(row.path), row.form)
        assert twin.status_code == 404, where
        assert got.text == twin.text, f"{where}: the 404 differs from a missing case's"
        assert 'data-error="not-found"' in got.text, where
    else:
        assert got.status_code == 403, f"{where}: {got.status_code} {_problem(got.text)}"
        assert row.action in got.text, f"{where}: the page does not name {row.action}"
    if before is not None and expected != "ok":
        assert web.state() == before, f"{where}: a refused form changed something"


GETS = [r for r in ROWS if r.method == "GET"]
POSTS = [r for r in ROWS if r.method == "POST"] + CLAIM_STEPS + STEP_ACTIONS


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", GETS, ids=lambda r: f"GET {r.path}")
def test_page(reader: Web, row: Row, persona: str) -> None:
    check(reader, row, persona)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", POSTS, ids=lambda r: f"POST {r.path}")
def test_form(writer: Web, row: Row, persona: str) -> None:
    check(writer, row, persona)


AUTHORING = [r for r in ROWS if "/author" in r.route or r.route == "/new-case"]


@pytest.mark.parametrize("row", AUTHORING, ids=lambda r: f"{r.method} {r.path}")
def test_a_server_admin_on_the_authoring_routes(reader: Web, writer: Web, row: Row) -> None:
    """A server admin creates cases; a case's pages stay hidden without a membership."""
    check(reader if row.method == "GET" else writer, row, ADMIN)


def test_every_web_route_has_a_row(reader: Web) -> None:
    """Fails when a page or form is added without its row in the matrix."""
    served = {
        (method, r.path)
        for r in api_routes(reader.http.app)  # type: ignore[arg-type]
        if isinstance(r, WebRoute)
        for method in r.methods
        if method != "HEAD"
    }
    covered = {(r.method, r.route) for r in ROWS}
    assert served == covered
    steps = {r.path.rsplit("/", 1)[1] for r in CLAIM_STEPS} | {"request"}
    assert steps == {"request", "assure", "deny", "relay"}
    step_route = "/cases/{slug}/crisis/incidents/{incident}/steps/{step}"
    actions = {r.form["action"] for r in ROWS if r.route == step_route}
    assert actions | {r.form["action"] for r in STEP_ACTIONS} == {"done", "waive"}


def test_the_plenary_is_both_delegates_channel(reader: Web) -> None:
    """The other side of the channel rows: the plenary opens to both parties."""
    for persona in (UA, RU):
        page = reader.request(persona, "GET", f"/cases/{CASE}/shuttle/{PLENARY}", {})
        assert page.status_code == 200


def _problem(page: str) -> str:
    """The message of an error page, for assertion messages."""
    import re

    found = re.search(r'data-flash="error">(.*?)</div>', page, re.S)
    return found.group(1)[:400] if found else page[:200]
