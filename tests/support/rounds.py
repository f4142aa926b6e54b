"""Shared test data for rounds of secret acceptances and private codings (issue 15): a
desk on a fixed clock, codings of the small case, and the rows of the access matrix
(``tests/api/test_access_matrix.py``) with the objects they act on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from fastapi.testclient import TestClient

from offramp.api.app import api_routes, create_app
from offramp.bootstrap import Services, bootstrap
from offramp.model.codings import Coding, IssueCoding
from offramp.model.deadlines import FixedClock
from offramp.services.access import Actor
from support.desk import FAST_HASHER, PERSONAS, _pg_exec, backends, fresh_database

V = TypeVar("V")
T0 = datetime(2022, 3, 12, 9, tzinfo=UTC)
MEDIATOR, UA, RU = "mediator_il", "delegate_ua", "delegate_ru"
OTHERS = ("facilitator_de", "observer_us", "analyst", "desk_officer")
MEMBERS = (MEDIATOR, UA, RU, *OTHERS)
BASE = "/api/cases/small"
P1 = {"alignment": "neutral", "donbas": "autonomy"}
P2 = {"alignment": "bloc_free", "donbas": "autonomy"}
P3 = {"alignment": "nato", "donbas": "ukraine"}
P4 = {"alignment": "neutral", "donbas": "russia"}
PACKAGES = [P1, P2, P3, P4]


def coding(party: str, *, reservation: float = 0.2, salience: float = 0.5) -> Coding:
    """A valid coding of ``party``'s own preferences on the small case."""
    if party == "UA":
        align = {"nato": 1.0, "bloc_free": 0.9, "neutral": 0.6}
        donbas = {"ukraine": 1.0, "autonomy": 0.5, "russia": 0.0}
    else:
        align = {"nato": 0.0, "bloc_free": 0.7, "neutral": 1.0}
        donbas = {"ukraine": 0.0, "autonomy": 0.6, "russia": 1.0}
    return Coding(
        party,
        (IssueCoding("alignment", salience, align), IssueCoding("donbas", 1 - salience, donbas)),
        reservation,
        note=f"{party}'s own secret note",
    )


def coding_body(c: Coding, version: int | None = None) -> dict[str, Any]:
    """The API body that writes ``c``."""
    body: dict[str, Any] = {
        "issues": {i.issue: {"salience": i.salience, "values": dict(i.values)} for i in c.issues},
        "reservation": c.reservation,
        "note": c.note,
    }
    if version is not None:
        body["version"] = version
    return body


@dataclass
class ClockedWorld:
    """A desk on a fresh copy of the template, reading "now" from ``clock``."""

    desk: Services
    clock: FixedClock
    url: str
    tokens: dict[str, str]

    def actor(self, name: str) -> Actor | None:
        return None if name == "anonymous" else self.desk.accounts.get_actor(name)


class WorldMaker:
    """Makes fresh desks on fixed clocks; :meth:`close` closes and drops them all."""

    def __init__(self, templates: dict[str, tuple[str, dict[str, str]]], where: Path) -> None:
        self.templates = templates
        self.where = where
        self.made: list[tuple[Services, str | None]] = []

    def make(self, backend: str = "sqlite") -> ClockedWorld:
        folder = self.where / f"w{len(self.made)}"
        folder.mkdir()
        url, tokens, dbname = fresh_database(backend, self.templates, folder)
        clock = FixedClock(T0)
        desk = bootstrap(url, migrate_first=False, hasher=FAST_HASHER, clock=clock)
        self.made.append((desk, dbname))
        return ClockedWorld(desk, clock, url, tokens)

    def close(self) -> None:
        for desk, dbname in self.made:
            desk.close()
            if dbname:
                _pg_exec(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
        self.made.clear()


@pytest.fixture(name="clocked", params=backends())
def clocked_fixture(
    request: pytest.FixtureRequest,
    _templates: dict[str, tuple[str, dict[str, str]]],
    tmp_path: Path,
) -> Iterator[ClockedWorld]:
    """One desk on a fixed clock, on each backend under test."""
    maker = WorldMaker(_templates, tmp_path)
    try:
        yield maker.make(request.param)
    finally:
        maker.close()


class PersonaHttp:
    """One desk's app in a test client, called as a persona: ``http(who, method, path,
    body)``."""

    def __init__(self, w: ClockedWorld, client: TestClient) -> None:
        self.w, self.client = w, client

    def __call__(self, persona: str, method: str, path: str, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {self.w.tokens[persona]}"}
        return self.client.request(method, path, json=body, headers=headers)


@contextmanager
def persona_http(w: ClockedWorld) -> Iterator[PersonaHttp]:
    """The API app over ``w``'s desk (server errors as 500 responses, not raised)."""
    with TestClient(create_app(services=w.desk), raise_server_exceptions=False) as client:
        yield PersonaHttp(w, client)


# -- every GET route of the API, as every reader -----------------------------------------

_EVENT_ID = re.compile(r"^id: .*$", re.MULTILINE)


def every_get(client: TestClient, params: dict[str, list[str]]) -> list[str]:
    """Every GET path of the API under /cases/{case}, each parameter filled in with each of
    its ``params`` values (``["1", "2"]`` for one not named there)."""
    out = []
    for route in api_routes(client.app):  # type: ignore[arg-type]
        if "GET" not in (route.methods or set()) or not route.path.startswith("/cases/{case}"):
            continue
        paths = ["/api" + route.path]
        for name in re.findall(r"{(\w+)}", route.path):
            values = params.get(name, ["1", "2"])
            paths = [p.replace(f"{{{name}}}", v) for p in paths for v in values]
        out.extend(paths)
    return sorted(out)


def read_everything(
    http: PersonaHttp, paths: list[str], *, skip: frozenset[str], after: dict[str, str]
) -> dict[str, Any]:
    """Every GET answer of ``paths`` for every member outside ``skip``, each member's event
    stream read from its cursor in ``after`` (event ids are random, so they are blanked)."""
    out: dict[str, Any] = {}
    for who in MEMBERS:
        if who in skip:
            continue
        for path in paths:
            query = {f"{BASE}/events": f"?after={after[who]}&wait=0", f"{BASE}/messages": "?q=a"}
            res = http(who, "GET", path + query.get(path, ""))
            out[f"{who} {path}"] = (res.status_code, _EVENT_ID.sub("id: -", res.text))
    return out


def fresh_desks(
    templates: dict[str, tuple[str, dict[str, str]]], where: Path, variants: Iterable[V]
) -> Iterator[tuple[V, PersonaHttp, dict[str, str]]]:
    """A fresh desk on a fixed clock for each of ``variants``, one after the other: the
    variant, the desk's API called as a persona, and where each member's event stream
    starts (before anything under test happens). The desks are dropped at the end."""
    maker = WorldMaker(templates, where)
    try:
        for variant in variants:
            with persona_http(maker.make()) as http:
                yield variant, http, event_cursors(http)
    finally:
        maker.close()


def event_cursors(http: PersonaHttp) -> dict[str, str]:
    """Where each member's event stream starts (before anything under test happens)."""
    out = {}
    for who in MEMBERS:
        text = http(who, "GET", f"{BASE}/events?wait=0").text
        found = re.search(r"^id: (.+)$", text, re.MULTILINE)
        out[who] = found.group(1) if found else ""
    return out


# -- the access matrix ------------------------------------------------------------------


def seed_rounds(desk: Services) -> dict[str, str]:
    """An open round for the matrix; UA's coding unshared and RU's shared."""
    get = desk.accounts.get_actor
    med, ua, ru = get(MEDIATOR), get(UA), get(RU)
    r = desk.rounds.open_round(med, "small", "Matrix round", packages=PACKAGES)
    desk.codings.put(ua, "small", "UA", coding("UA"), None)
    desk.codings.put(ru, "small", "RU", coding("RU"), None)
    desk.codings.share(ru, "small", "RU")
    return {"round": str(r.id)}


def rounds_routes(route: Callable[..., Any]) -> list[Any]:
    """The rows, built with the matrix's own ``Route``."""
    not_ua = (MEDIATOR, RU, *OTHERS)
    not_ru = (MEDIATOR, UA, *OTHERS)
    return [
        route("round_list", "GET", f"{BASE}/rounds", MEMBERS),
        route(
            "round_open", "POST", f"{BASE}/rounds", (MEDIATOR,), (UA, RU, *OTHERS), "round.open",
            body={"title": "Another", "packages": [P1, P2]},
        ),
        route(
            "round_read", "GET", f"{BASE}/rounds/{{round}}", (MEDIATOR, UA, RU),
            missing=f"{BASE}/rounds/999999",
        ),
        route(
            "round_mark", "PUT", f"{BASE}/rounds/{{round}}/marks", (UA, RU), (MEDIATOR,),
            "round.mark", missing=f"{BASE}/rounds/999999/marks", body={"accepted": ["p1"]},
        ),
        route("coding_list", "GET", f"{BASE}/codings", MEMBERS),
        # the mediator gets the same 404 for UA's unshared coding as for no coding at all
        route(
            "coding_read", "GET", f"{BASE}/codings/UA", (UA,), missing=f"{BASE}/codings/XX"
        ),
        route(
            "coding_write", "PUT", f"{BASE}/codings/UA", (UA,), not_ua, "coding.write",
            body=coding_body(coding("UA", reservation=0.25), version=1),
        ),
        route(
            "coding_share", "POST", f"{BASE}/codings/UA/share", (UA,), not_ua, "coding.share"
        ),
        route(
            "coding_revoke", "DELETE", f"{BASE}/codings/RU/share", (RU,), not_ru, "coding.share"
        ),
        route(
            "coding_events", "GET", f"{BASE}/codings/UA/events", (UA,),
            missing=f"{BASE}/codings/XX/events",
        ),
        route(
            "analysis_coded", "GET", f"{BASE}/analysis/coded", (MEDIATOR, "analyst"),
            (UA, RU, "facilitator_de", "observer_us", "desk_officer"), "analysis.read",
        ),
    ]  # fmt: skip


assert set(MEMBERS) == {p for p, (case, _, _) in PERSONAS.items() if case == "small"}
