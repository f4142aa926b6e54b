"""Shared test data for the desk: a small case and the personas who work it.

Its fixtures (``world``, on SQLite and on PostgreSQL when ``OFFRAMP_TEST_DATABASE_URL``
is set; ``desk_client``, its app in process; ``world_server``, the real server over it) reach every folder through ``tests/conftest.py``; the rest is imported as
``support.desk``.
"""

from __future__ import annotations

from offramp.files.case import parse_case
from offramp.model import Case
from offramp.store.engine import make_engine

SMALL_CASE_YAML = """\
offramp: 1
id: small
title: A small shuttle case
description: Two parties, one mediator, two issues.
parties:
  - {id: UA, name: Ukraine, role: party}
  - {id: RU, name: Russia, role: party}
  - {id: IL, name: Israel, role: mediator}
  - {id: DE, name: Germany, role: facilitator}
  - {id: US, name: United States, role: stakeholder}
people:
  - {id: zelensky, name: Volodymyr Zelensky, party: UA, title: President}
issues:
  - id: alignment
    title: Alignment
    kind: security
    options:
      - {id: nato, label: NATO membership}
      - {id: bloc_free, label: Bloc-free constitution}
      - {id: neutral, label: Neutral like Austria}
  - id: donbas
    title: Donetsk and Luhansk
    kind: territorial
    options:
      - {id: ukraine, label: Ukrainian}
      - {id: autonomy, label: Autonomy}
      - {id: russia, label: Russian}
sources:
  - {id: wapo, publication: The Washington Post, date: 2022-03-11}
statements:
  - id: ru-neutral
    date: 2022-03-07
    party: RU
    speaker: Dmitry Peskov
    quote: Ukraine must be neutral.
    source: wapo
    stance: demand
    issue: alignment
    option: neutral
  - id: ua-bloc-free
    date: 2022-03-09
    party: UA
    speaker: zelensky
    quote: We could consider a bloc-free status.
    source: wapo
    stance: consider
    issue: alignment
    option: bloc_free
positions:
  - {party: UA, issue: alignment, date: 2022-03-01, ideal: nato, salience: 0.8}
  - {party: RU, issue: alignment, date: 2022-03-01, ideal: neutral, salience: 0.9}
  - {party: UA, issue: donbas, date: 2022-03-01, ideal: ukraine, salience: 0.7}
  - {party: RU, issue: donbas, date: 2022-03-01, ideal: russia, acceptable: [autonomy, russia], salience: 0.6}
reservations:
  - {party: UA, date: 2022-03-01, value: 0.3}
  - {party: RU, date: 2022-03-01, value: 0.3}
tracks:
  - {id: march, title: March 2022 mediation, start: 2022-03-01, parties: [UA, RU]}
"""


def small_case() -> Case:
    """The small two-party case used across the desk tests."""
    return parse_case(SMALL_CASE_YAML, "small.yaml")


# -- the desk on a fresh database ---------------------------------------------------------

import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import httpx  # noqa: E402
import pytest  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from offramp.bootstrap import Services, bootstrap  # noqa: E402
from offramp.server import create_desk_app  # noqa: E402
from offramp.services.access import Actor  # noqa: E402
from offramp.services.accounts import SYSTEM  # noqa: E402
from support.launch import Running, desk_server  # noqa: E402

OTHER_CASE_YAML = SMALL_CASE_YAML.replace(
    "id: small\ntitle: A small shuttle case", "id: other\ntitle: Another case"
)

PASSWORD = "correct horse battery"
TYPED_STATEMENT = {
    "id": "typed-1",
    "date": "2022-03-10",
    "party": "UA",
    "speaker": "zelensky",
    "quote": "Typed in.",
    "source": "wapo",
}
"""A statement an analyst types into the small case (the API's body for a new one)."""
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

# persona -> (case, role, party)
PERSONAS: dict[str, tuple[str, str, str | None]] = {
    "mediator_il": ("small", "mediator", None),
    "delegate_ua": ("small", "delegate", "UA"),
    "delegate_ru": ("small", "delegate", "RU"),
    "facilitator_de": ("small", "facilitator", None),
    "observer_us": ("small", "observer", None),
    "analyst": ("small", "analyst", None),
    "desk_officer": ("small", "crisis_officer", None),
    "outsider": ("other", "mediator", None),
}
PERSONA_NAMES = [*PERSONAS, "anonymous"]
PG_ENV = "OFFRAMP_TEST_DATABASE_URL"


@dataclass
class World:
    """A desk on a fresh database with the personas signed up and their tokens."""

    desk: Services
    url: str
    actors: dict[str, Actor]
    tokens: dict[str, str]
    admin: Actor

    def actor(self, name: str) -> Actor | None:
        return None if name == "anonymous" else self.actors[name]


def populate(url: str) -> dict[str, str]:
    """Migrate ``url`` and add both cases, the admin, the personas and their tokens."""
    desk = bootstrap(url, hasher=FAST_HASHER)
    try:
        admin = desk.accounts.add_user(SYSTEM, "admin", PASSWORD, admin=True)
        desk.cases.import_case(admin, SMALL_CASE_YAML, "small.yaml")
        desk.cases.import_case(admin, OTHER_CASE_YAML, "other.yaml")
        tokens = {"admin": desk.accounts.create_token(admin, "admin")}
        for name, (case, role, party) in PERSONAS.items():
            desk.accounts.add_user(admin, name, PASSWORD)
            desk.cases.add_member(admin, case, name, role, party)
            tokens[name] = desk.accounts.create_token(admin, name)
        return tokens
    finally:
        desk.close()


def backends() -> list[str]:
    return ["sqlite", *(["postgresql"] if os.environ.get(PG_ENV) else [])]


def _pg_admin_url() -> str:
    return os.environ[PG_ENV]


def _pg_exec(sql: str) -> None:
    import sqlalchemy as sa

    from offramp.store.engine import normalise_url

    engine = sa.create_engine(normalise_url(_pg_admin_url()), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(sql)
    finally:
        engine.dispose()


def _pg_url_for(dbname: str) -> str:
    from sqlalchemy.engine import make_url

    from offramp.store.engine import normalise_url

    return (
        make_url(normalise_url(_pg_admin_url()))
        .set(database=dbname)
        .render_as_string(hide_password=False)
    )


@pytest.fixture(scope="session")
def _templates(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, tuple[str, dict[str, str]]]]:
    """One populated template database per backend, copied for every test."""
    out: dict[str, tuple[str, dict[str, str]]] = {}
    base = tmp_path_factory.mktemp("desk-template")
    path = base / "template.db"
    out["sqlite"] = (str(path), populate(str(path)))
    made: list[str] = []
    if os.environ.get(PG_ENV):
        name = f"offramp_tmpl_{uuid.uuid4().hex[:10]}"
        _pg_exec(f"CREATE DATABASE {name}")
        made.append(name)
        out["postgresql"] = (name, populate(_pg_url_for(name)))
    yield out
    for name in made:
        _pg_exec(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def fresh_database(
    backend: str, templates: dict[str, tuple[str, dict[str, str]]], tmp_path: Path
) -> tuple[str, dict[str, str], str | None]:
    """A copy of the template: (url, tokens, postgres database to drop or None)."""
    source, tokens = templates[backend]
    if backend == "sqlite":
        target = tmp_path / "desk.db"
        shutil.copyfile(source, target)
        return str(target), dict(tokens), None
    name = f"offramp_t_{uuid.uuid4().hex[:12]}"
    _pg_exec(f"CREATE DATABASE {name} TEMPLATE {source}")
    return _pg_url_for(name), dict(tokens), name


@pytest.fixture(params=backends())
def world(
    request: pytest.FixtureRequest,
    _templates: dict[str, tuple[str, dict[str, str]]],
    tmp_path: Path,
) -> Iterator[World]:
    url, tokens, dbname = fresh_database(request.param, _templates, tmp_path)
    desk = bootstrap(url, migrate_first=False, hasher=FAST_HASHER)
    actors = {n: desk.accounts.get_actor(n) for n in PERSONAS}
    try:
        yield World(desk, url, actors, tokens, desk.accounts.get_actor("admin"))
    finally:
        desk.close()
        if dbname:
            _pg_exec(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")


@pytest.fixture
def world_server(world: World) -> Iterator[Running]:
    """The real desk server over ``world``'s database, on loopback (the world's own desk is
    closed first: the server owns the database now)."""
    world.desk.close()
    with desk_server(world.url) as running:
        yield running


@pytest.fixture
def desk_client(world: World) -> Iterator[TestClient]:
    """The whole desk app (web and API) over ``world``'s desk, in process; redirects are
    answers, not followed."""
    with TestClient(create_desk_app(services=world.desk), follow_redirects=False) as client:
        yield client


def world_api(server: Running, world: World, who: str, timeout: float = 60) -> httpx.Client:
    """An HTTP client of ``server``'s API, signed in as ``world``'s persona ``who``."""
    return httpx.Client(
        base_url=server.base + "/api",
        headers={"Authorization": f"Bearer {world.tokens[who]}"},
        timeout=timeout,
    )


def dump_json(obj: object) -> str:
    return json.dumps(obj, sort_keys=True, default=str)


def query(url: str, sql: str) -> list[tuple[object, ...]]:
    """Rows of ``sql`` on the database at ``url`` (SQLite or PostgreSQL)."""
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(sql)]
    finally:
        engine.dispose()
