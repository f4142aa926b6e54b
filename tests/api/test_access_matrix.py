"""Every route x every persona, each its own test, with the exact expected outcome.

Outcomes: ``ok`` (2xx), ``forbidden`` (403 naming the action), ``hidden`` (404 with the
same body as for an id that does not exist), ``unauth`` (401). A denied write leaves
every table's row count and the case's audit head unchanged.

On SQLite every route meets every persona. The policy is the same code on either
database, so on PostgreSQL every route meets one persona per outcome it has (the first
of each, in persona order): each route's SQL runs allowed and refused on both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from offramp.api.app import api_routes, create_app
from offramp.bootstrap import Services, bootstrap
from offramp.model.shuttle import HandlingMark, RelayLabel
from offramp.services.accounts import SYSTEM
from offramp.services.totp import key_of, totp
from support.authoring import authoring_routes
from support.crisis_matrix import crisis_routes, seed_crisis
from support.crisis_oncall import oncall_routes, seed_oncall
from support.desk import (
    FAST_HASHER,
    PASSWORD,
    PERSONA_NAMES,
    SMALL_CASE_YAML,
    _pg_exec,
    backends,
    fresh_database,
)
from support.precedents import precedent_routes, seed_precedents
from support.rounds import rounds_routes, seed_rounds

M, UA, RU, F, OB, A, D = (
    "mediator_il",
    "delegate_ua",
    "delegate_ru",
    "facilitator_de",
    "observer_us",
    "analyst",
    "desk_officer",
)
MEMBERS = (M, UA, RU, F, OB, A, D)


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: str
    ok: tuple[str, ...]
    forbidden: tuple[str, ...] = ()
    action: str = ""
    missing: str | None = None  # the same path with an id that does not exist
    body: Any = None
    everyone: bool = False  # outside the case too (server routes)
    extra: dict[str, str] = field(default_factory=dict)

    def expected(self, persona: str) -> str:
        if persona == "anonymous":
            return "ok" if self.name in PUBLIC else "unauth"
        if persona in self.ok:
            return "ok"
        if persona in self.forbidden:
            return "forbidden"
        return "hidden"


PUBLIC = frozenset({"health", "health_live", "health_ready", "docs"})  # no sign-in needed


def hidden_rest(*ok: str) -> tuple[str, ...]:
    return ok


ALL = MEMBERS
NEW_STATEMENT = {
    "id": "typed-1",
    "date": "2022-03-10",
    "party": "UA",
    "speaker": "zelensky",
    "quote": "Typed in.",
    "source": "wapo",
}

ROUTES: list[Route] = [
    Route("health", "GET", "/api/health", (*ALL, "outsider"), everyone=True),
    Route("health_live", "GET", "/api/health/live", (*ALL, "outsider"), everyone=True),
    Route("health_ready", "GET", "/api/health/ready", (*ALL, "outsider"), everyone=True),
    # Prometheus text, outside /api and the OpenAPI document: a server admin's token only
    Route("metrics", "GET", "/metrics", (), (*ALL, "outsider"), "metrics.read", everyone=True),
    # the interactive API docs (HTML, outside /api and the OpenAPI document)
    Route("docs", "GET", "/docs", (*ALL, "outsider"), everyone=True),
    Route("session_open", "POST", "/api/session", (*ALL, "outsider"), everyone=True, body="login"),
    Route("me", "GET", "/api/me", (*ALL, "outsider"), everyone=True),
    # two-factor sign-in (issue 18): each signed-in user's own, nobody else's
    Route("two_factor_enrol", "POST", "/api/me/2fa", (*ALL, "outsider"), everyone=True),
    Route(
        "two_factor_confirm",
        "POST",
        "/api/me/2fa/confirm",
        (*ALL, "outsider"),
        everyone=True,
        body="2fa-confirm",
    ),
    Route(
        "two_factor_disable",
        "POST",
        "/api/me/2fa/disable",
        (*ALL, "outsider"),
        everyone=True,
        body="2fa-disable",
    ),
    Route(
        "user_create",
        "POST",
        "/api/users",
        (),
        (*ALL, "outsider"),
        "user.create",
        body={"name": "newbie", "password": "long enough 1"},
        everyone=True,
    ),
    Route(
        "token_create", "POST", "/api/tokens", (*ALL, "outsider"), everyone=True, body="own-token"
    ),
    # passwords (issue 18, ASVS 2.1.5 and 2.5.6): one's own with the current one; anyone's
    # by a server admin
    Route(
        "password_change",
        "POST",
        "/api/me/password",
        (*ALL, "outsider"),
        everyone=True,
        body={"current_password": PASSWORD, "new_password": "a brand new passphrase"},
    ),
    Route(
        "user_password_reset",
        "PUT",
        "/api/users/observer_us/password",
        (),
        (*ALL, "outsider"),
        "user.create",
        body={"password": "set by a server admin"},
        everyone=True,
    ),
    # notices of changes to one's sign-in (ASVS 2.2.3, 2.5.5): each user's own only
    Route("notice_list", "GET", "/api/me/notices", (*ALL, "outsider"), everyone=True),
    Route("notice_dismiss", "POST", "/api/me/notices/seen", (*ALL, "outsider"), everyone=True),
    # taking access away (issue 18, finding 9)
    Route("session_close", "DELETE", "/api/session", (*ALL, "outsider"), everyone=True),
    Route("token_list", "GET", "/api/tokens", (*ALL, "outsider"), everyone=True),
    # one's own web sessions (ASVS 3.3.4): listed, and the others ended with the password
    Route("session_list", "GET", "/api/sessions", (*ALL, "outsider"), everyone=True),
    Route(
        "sessions_end_others",
        "POST",
        "/api/sessions/end-others",
        (*ALL, "outsider"),
        everyone=True,
        body={"password": PASSWORD},
    ),
    Route(
        "token_revoke",
        "DELETE",
        "/api/tokens/{analyst_token}?user=analyst",
        (A,),
        (M, UA, RU, F, OB, D, "outsider"),
        "token.revoke",
        everyone=True,
    ),
    Route(
        "user_disable",
        "POST",
        "/api/users/observer_us/disable",
        (),
        (*ALL, "outsider"),
        "user.disable",
        everyone=True,
    ),
    Route(
        "user_enable",
        "POST",
        "/api/users/observer_us/enable",
        (),
        (*ALL, "outsider"),
        "user.disable",
        everyone=True,
    ),
    Route("case_list", "GET", "/api/cases", (*ALL, "outsider"), everyone=True),
    Route(
        "case_create",
        "POST",
        "/api/cases",
        (),
        (*ALL, "outsider"),
        "case.create",
        body={"text": SMALL_CASE_YAML.replace("id: small", "id: third")},
        everyone=True,
    ),
    Route(
        "member_add",
        "POST",
        "/api/cases/small/members",
        (),
        (*ALL, "outsider"),
        "member.add",
        body={"user": "outsider", "role": "observer"},
        everyone=True,
    ),
    Route(
        "member_change",
        "PATCH",
        "/api/cases/small/members/observer_us",
        (),
        (*ALL, "outsider"),
        "member.change",
        body={"role": "facilitator"},
        everyone=True,
    ),
    Route(
        "member_remove",
        "DELETE",
        "/api/cases/small/members/observer_us",
        (),
        (*ALL, "outsider"),
        "member.remove",
        everyone=True,
    ),
    Route("case_read", "GET", "/api/cases/small", ALL),
    Route(
        "case_export", "GET", "/api/cases/small/export", (M, A), (UA, RU, F, OB, D), "case.export"
    ),
    Route(
        "case_replace",
        "PUT",
        "/api/cases/small/casefile",
        (M, A),
        (UA, RU, F, OB, D),
        "case.import",
        body={"text": SMALL_CASE_YAML, "version": 1},
    ),
    Route(
        "member_list", "GET", "/api/cases/small/members", (M,), (UA, RU, F, OB, A, D), "member.read"
    ),
    Route(
        "share_create",
        "POST",
        "/api/cases/small/shares",
        (M,),
        (UA, RU, F, OB, A, D),
        "share.create",
        body={"user": OB, "kind": "ledger"},
    ),
    Route("statement_list", "GET", "/api/cases/small/statements", ALL),
    Route(
        "statement_create",
        "POST",
        "/api/cases/small/statements",
        (M, A),
        (UA, RU, F, OB, D),
        "statement.create",
        body=NEW_STATEMENT,
    ),
    Route(
        "intake_propose",
        "POST",
        "/api/cases/small/intake/proposals",
        (M, A),
        (UA, RU, F, OB, D),
        "statement.create",
        body={"text": "Russia demanded a neutral status.", "article_date": "2022-03-11"},
    ),
    Route(
        "statement_confirm",
        "POST",
        "/api/cases/small/statements/ua-bloc-free/confirm",
        (M,),
        (UA, RU, F, OB, A, D),
        "statement.confirm",
    ),
    Route(
        "position_list",
        "GET",
        "/api/cases/small/positions",
        (M, A),
        (UA, RU, F, OB, D),
        "position.read",
    ),
    Route(
        "position_update",
        "PATCH",
        "/api/cases/small/positions/{position}",
        (M, A),
        (UA, RU, F, OB, D),
        "position.read",
        body={"version": 1, "salience": 0.5},
    ),
    Route(
        "analysis_read",
        "GET",
        "/api/cases/small/analysis",
        (M, A),
        (UA, RU, F, OB, D),
        "analysis.read",
    ),
    Route("channel_list", "GET", "/api/cases/small/channels", ALL),
    Route(
        "message_list",
        "GET",
        "/api/cases/small/channels/UA/messages",
        (M, UA),
        missing="/api/cases/small/channels/XX/messages",
    ),
    Route(
        "message_post",
        "POST",
        "/api/cases/small/channels/UA/messages",
        (M, UA),
        missing="/api/cases/small/channels/XX/messages",
        body={"body": "hello", "mark": "may-relay"},
    ),
    Route("message_search", "GET", "/api/cases/small/messages?q=secret", ALL),
    Route(
        "message_read",
        "GET",
        "/api/cases/small/messages/{msg}",
        (M, UA),
        missing="/api/cases/small/messages/999999",
    ),
    Route(
        "message_relay",
        "POST",
        "/api/cases/small/messages/{msg}/relay",
        (M,),
        (UA,),
        "message.relay",
        missing="/api/cases/small/messages/999999/relay",
        body={"to_channel": "RU", "mode": "verbatim"},
    ),
    Route("claim_list", "GET", "/api/cases/small/claims", ALL),
    Route(
        "claim_create",
        "POST",
        "/api/cases/small/claims",
        (M,),
        (UA, RU, F, OB, A, D),
        "claim.create",
        body={"party": "RU", "text": "No regime change."},
    ),
    Route(
        "claim_read",
        "GET",
        "/api/cases/small/claims/{claim_requested}",
        (M, RU),
        missing="/api/cases/small/claims/999999",
    ),
    Route(
        "claim_request",
        "POST",
        "/api/cases/small/claims/{claim_stated}/assurance-request",
        (M,),
        (RU,),
        "claim.request",
        missing="/api/cases/small/claims/999999/assurance-request",
        body={},
    ),
    Route(
        "claim_respond",
        "POST",
        "/api/cases/small/claims/{claim_requested}/response",
        (RU,),
        (M,),
        "claim.respond",
        missing="/api/cases/small/claims/999999/response",
        body={"confirm": True},
    ),
    Route(
        "claim_relay",
        "POST",
        "/api/cases/small/claims/{claim_stated}/relay",
        (M,),
        (RU,),
        "claim.relay",
        missing="/api/cases/small/claims/999999/relay",
        body={"to_party": "UA", "label": "unverified"},
    ),
    Route(
        "claim_acknowledge",
        "POST",
        "/api/cases/small/claims/{claim_relayed}/acknowledgement",
        (UA,),
        (M, RU),
        "claim.acknowledge",
        missing="/api/cases/small/claims/999999/acknowledgement",
    ),
    Route("proposal_list", "GET", "/api/cases/small/proposals", ALL),
    Route(
        "proposal_table",
        "POST",
        "/api/cases/small/proposals",
        (M,),
        (UA, RU, F, OB, A, D),
        "proposal.table",
        body={"title": "Bloc-free", "package": {"alignment": "bloc_free"}},
    ),
    Route(
        "proposal_read",
        "GET",
        "/api/cases/small/proposals/{proposal}",
        (M, UA, RU),
        missing="/api/cases/small/proposals/999999",
    ),
    Route(
        "proposal_respond",
        "POST",
        "/api/cases/small/proposals/{proposal}/response",
        (UA, RU),
        (M,),
        "proposal.respond",
        missing="/api/cases/small/proposals/999999/response",
        body={"response": "accepted"},
    ),
    Route(
        "proposal_withdraw",
        "POST",
        "/api/cases/small/proposals/{proposal}/withdrawal",
        (M,),
        (UA, RU),
        "proposal.withdraw",
        missing="/api/cases/small/proposals/999999/withdrawal",
    ),
    Route(
        "ledger_read", "GET", "/api/cases/small/ledger", (M, A), (UA, RU, F, OB, D), "ledger.read"
    ),
    Route(
        "ledger_record",
        "POST",
        "/api/cases/small/ledger",
        (M,),
        (UA, RU, F, OB, A, D),
        "ledger.write",
        body={"party": "RU", "issue": "donbas", "direction": "gives"},
    ),
    Route("note_list", "GET", "/api/cases/small/notes", ALL),
    Route(
        "note_create",
        "POST",
        "/api/cases/small/notes",
        (M,),
        (UA, RU, F, OB, A, D),
        "note.write",
        body={"title": "Draft", "body": "text"},
    ),
    Route(
        "note_read",
        "GET",
        "/api/cases/small/notes/{note}",
        (M,),
        missing="/api/cases/small/notes/999999",
    ),
    Route(
        "note_update",
        "PATCH",
        "/api/cases/small/notes/{note}",
        (M,),
        missing="/api/cases/small/notes/999999",
        body={"version": 1, "body": "edited"},
    ),
    Route(
        "audit_verify", "GET", "/api/cases/small/audit", (M,), (UA, RU, F, OB, A, D), "audit.read"
    ),
    Route(
        "audit_events",
        "GET",
        "/api/cases/small/audit/events",
        (M,),
        (UA, RU, F, OB, A, D),
        "audit.read",
    ),
    Route("case_events", "GET", "/api/cases/small/events", ALL),
]
ROUTES += crisis_routes(Route)
ROUTES += oncall_routes(Route)
ROUTES += rounds_routes(Route)
ROUTES += precedent_routes(Route)
ROUTES += authoring_routes(Route)
BY_NAME = {r.name: r for r in ROUTES}


def seed(desk: Services) -> dict[str, str]:
    """Objects the routes act on, made by the people who would make them."""
    get = desk.accounts.get_actor
    med, ua, ru = get(M), get(UA), get(RU)
    s = desk.shuttle
    msg = s.post(ua, "small", "UA", "secret UA plan", HandlingMark.MAY_RELAY).message.id
    s.post(ru, "small", "RU", "secret RU plan", HandlingMark.MEDIATOR_ONLY)
    stated = s.create_claim(med, "small", party="RU", text="We accept talks.").claim.id
    requested = s.create_claim(med, "small", party="RU", text="No regime change.").claim.id
    s.request_assurance(med, "small", requested)
    relayed = s.create_claim(med, "small", party="RU", text="We halt shelling.").claim.id
    s.relay_claim(med, "small", relayed, "UA", RelayLabel.UNVERIFIED)
    proposal = s.table_proposal(med, "small", "Neutral", {"alignment": "neutral"}).proposal.id
    note = desk.cases.add_note(med, "small", "Private", "Mediator's own thoughts").id
    position = desk.cases.list_positions(med, "small")[0].id
    seed_crisis(desk)
    seed_oncall(desk)
    rounds = seed_rounds(desk)
    links = seed_precedents(desk)
    return {
        **rounds,
        **links,
        "msg": str(msg),
        "claim_stated": str(stated),
        "claim_requested": str(requested),
        "claim_relayed": str(relayed),
        "proposal": str(proposal),
        "note": str(note),
        "position": str(position),
        "analyst_token": str(desk.accounts.list_tokens(SYSTEM, A)[0].id),
    }


@pytest.fixture(scope="module")
def seeded(
    _templates: dict[str, tuple[str, dict[str, str]]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[dict[str, tuple[str, dict[str, str]]], dict[str, dict[str, str]]]]:
    """The template databases with the seed objects: (templates, ids per backend)."""
    out: dict[str, tuple[str, dict[str, str]]] = {}
    ids: dict[str, dict[str, str]] = {}
    made: list[str] = []
    for backend in _templates:
        url, tokens, dbname = fresh_database(backend, _templates, tmp_path_factory.mktemp("seed"))
        desk = bootstrap(url, migrate_first=False, hasher=FAST_HASHER)
        ids[backend] = seed(desk)
        desk.close()
        out[backend] = (dbname or url, tokens)
        if dbname:
            made.append(dbname)
    yield out, ids
    for name in made:
        _pg_exec(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@dataclass
class Client:
    http: TestClient
    desk: Services
    tokens: dict[str, str]
    ids: dict[str, str]

    def two_factor_code(self, persona: str, enrolling: bool) -> str:
        """A code that works: of a fresh enrolment, or a recovery code of 2FA switched on."""
        if persona == "anonymous":
            return "000000"
        actor = self.desk.accounts.get_actor(persona)
        if enrolling:
            secret, _ = self.desk.accounts.two_factor.enrol(actor)
            return totp(key_of(secret), self.desk.clock.now().timestamp())
        _, codes = self.desk.accounts.two_factor.enable_now(SYSTEM, actor)
        return codes[0]

    def call(self, persona: str, route: Route, path: str | None = None) -> Any:
        headers = {}
        if persona != "anonymous":
            headers["Authorization"] = f"Bearer {self.tokens[persona]}"
        body = route.body
        if body == "login":
            body = {"name": persona if persona != "anonymous" else "nobody", "password": PASSWORD}
        elif body == "own-token":
            body = {"user": persona}
        elif body in ("2fa-confirm", "2fa-disable"):
            body = {"code": self.two_factor_code(persona, body == "2fa-confirm")}
        url = (path or route.path).format(**self.ids)
        return self.http.request(route.method, url, json=body, headers=headers)


@pytest.fixture(scope="module")
def app_client(seeded: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app for the module; each test points it at its own fresh desk."""
    placeholder = bootstrap(str(tmp_path_factory.mktemp("app") / "placeholder.db"))
    with TestClient(create_app(services=placeholder), raise_server_exceptions=False) as http:
        yield http
    placeholder.close()


@dataclass
class Kept:
    """A fresh desk and its every table's row count when it was made."""

    desk: Services
    tokens: dict[str, str]
    dbname: str | None
    rows: dict[str, int]

    def drop(self) -> None:
        self.desk.close()
        if self.dbname:
            _pg_exec(f"DROP DATABASE IF EXISTS {self.dbname} WITH (FORCE)")


@pytest.fixture(scope="module")
def kept() -> Iterator[dict[str, Kept]]:
    """Per backend, the desk the last test left as it was made, for the next test."""
    desks: dict[str, Kept] = {}
    yield desks
    for desk in desks.values():
        desk.drop()


def _rows(desk: Services) -> dict[str, int]:
    with desk.uow() as uow:
        return uow.repo.count_rows()


@pytest.fixture(params=backends())
def client(
    request: pytest.FixtureRequest,
    seeded: Any,
    app_client: TestClient,
    kept: dict[str, Kept],
    tmp_path: Path,
) -> Iterator[Client]:
    """A desk as fresh as the template: a copy, or the one the last test on this backend
    left with every table's row count as made. Every write the desk makes is audited, so
    a write adds a row (an audit event, a session, a failed sign-in) and the desk is
    dropped; a refused request or a read leaves it for the next test, and saves making
    a copy (on PostgreSQL, a CREATE DATABASE) for most of the matrix's cells."""
    templates, ids = seeded
    backend = request.param
    fresh = kept.pop(backend, None)
    if fresh is None:
        url, tokens, dbname = fresh_database(backend, templates, tmp_path)
        desk = bootstrap(url, migrate_first=False, hasher=FAST_HASHER)
        fresh = Kept(desk, tokens, dbname, _rows(desk))
    app_client.app.state.services = fresh.desk  # type: ignore[attr-defined]
    yield Client(app_client, fresh.desk, dict(fresh.tokens), ids[backend])
    if _rows(fresh.desk) == fresh.rows:
        kept[backend] = fresh
    else:
        fresh.drop()


def _state(desk: Services) -> tuple[dict[str, int], tuple[int, str]]:
    with desk.uow() as uow:
        counts = uow.repo.count_rows()
    counts.pop("credentials", None)  # signing in opens a session; nothing else may change
    counts.pop("login_failures", None)  # ... and a failed sign-in is counted (the throttle)
    return counts, desk.audit.head("small")


def personas_for(backend: str, route: Route) -> list[str]:
    """Every persona on SQLite; on PostgreSQL the first persona of each outcome."""
    if backend == "sqlite":
        return list(PERSONA_NAMES)
    first: dict[str, str] = {}
    for persona in PERSONA_NAMES:
        first.setdefault(route.expected(persona), persona)
    return list(first.values())


CELLS = [
    pytest.param(backend, route, persona, id=f"{route.name}-{persona}-{backend}")
    for backend in backends()
    for route in ROUTES
    for persona in personas_for(backend, route)
]


@pytest.mark.parametrize(("client", "route", "persona"), CELLS, indirect=["client"])
def test_access_matrix(client: Client, route: Route, persona: str) -> None:
    expected = route.expected(persona)
    before = _state(client.desk)
    client.desk.policy.checks.clear()
    res = client.call(persona, route)
    got = {401: "unauth", 403: "forbidden", 404: "hidden"}.get(res.status_code, "ok")
    assert res.status_code < 500, res.text
    assert got == expected, f"{route.name} as {persona}: {res.status_code} {res.text}"
    if got == "ok":
        assert 200 <= res.status_code < 300
        return
    body = res.json()
    assert res.headers["content-type"].startswith("application/problem+json")
    if route.method != "GET":
        assert _state(client.desk) == before, "a denied write changed something"
    if got == "forbidden":
        assert body["errors"][0]["where"] == route.action
        assert route.action in body["detail"]
        denied = [c for c in client.desk.policy.checks if not c.allowed]
        assert denied and denied[-1].action == route.action
    if got == "hidden":
        if persona == "outsider":
            missing = route.path.replace("/cases/small", "/cases/no-such-case")
        else:
            assert route.missing, f"{route.name} hides from {persona} but has no missing path"
            missing = route.missing
        assert client.call(persona, route, missing).json() == body


def test_every_route_has_a_row_in_the_matrix(app_client: TestClient) -> None:
    names = {r.name for r in api_routes(app_client.app)}  # type: ignore[arg-type]
    assert names == set(BY_NAME), f"rows missing: {names - set(BY_NAME)}"
    spec = app_client.get("/openapi.json").json()
    operations = [(m.upper(), p) for p, ops in spec["paths"].items() for m in ops]
    assert len(operations) == len([r for r in ROUTES if r.path.startswith("/api/")])


def test_the_roles_of_the_matrix_reach_every_outcome() -> None:
    outcomes = {r.expected(p) for r in ROUTES for p in PERSONA_NAMES}
    assert outcomes == {"ok", "forbidden", "hidden", "unauth"}
