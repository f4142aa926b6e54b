"""The crisis desk on the example case: a desk per test with a fixed clock, the people
who work it, and (for the HTTP and browser tests) the real server on loopback.

Services tests run on SQLite, and on PostgreSQL too when ``OFFRAMP_TEST_DATABASE_URL``
is set (as the desk's own tests do, through :mod:`support.desk`).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from offramp.bootstrap import Services, bootstrap
from offramp.model.deadlines import FixedClock
from offramp.services.access import Actor
from offramp.services.accounts import SYSTEM
from support.desk import (
    FAST_HASHER,
    OTHER_CASE_YAML,
    PASSWORD,
    _pg_exec,
    _pg_url_for,
    backends,
)
from support.launch import Running, desk_server

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ukraine-2022.yaml"
CASE = "ukraine-2022"
# Friday 4 November 2022, the day after the IAEA's finding: everything in the example
# has happened by then.
NOW = datetime(2022, 11, 4, 12, 0, tzinfo=UTC)

# persona -> (case, role, party)
PEOPLE: dict[str, tuple[str, str, str | None]] = {
    "officer_us": (CASE, "crisis_officer", None),
    "mediator": (CASE, "mediator", None),
    "delegate_ua": (CASE, "delegate", "UA"),
    "observer": (CASE, "observer", None),
    "analyst": (CASE, "analyst", None),
    "officer_other": ("other", "crisis_officer", None),
}


def populate(url: str) -> None:
    desk = bootstrap(url, hasher=FAST_HASHER, clock=FixedClock(NOW))
    try:
        desk.cases.import_case(SYSTEM, EXAMPLE.read_text("utf-8"), EXAMPLE.name)
        desk.cases.import_case(SYSTEM, OTHER_CASE_YAML, "other.yaml")
        for name, (case, role, party) in PEOPLE.items():
            desk.accounts.add_user(SYSTEM, name, PASSWORD)
            desk.cases.add_member(SYSTEM, case, name, role, party)
        desk.accounts.add_user(SYSTEM, "outsider", PASSWORD)
    finally:
        desk.close()


@pytest.fixture(scope="session")
def crisis_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One populated database per backend, copied for every test."""
    out: dict[str, str] = {}
    path = tmp_path_factory.mktemp("crisis-template") / "template.db"
    populate(str(path))
    out["sqlite"] = str(path)
    made = []
    if os.environ.get("OFFRAMP_TEST_DATABASE_URL"):
        name = f"offramp_crisis_{uuid.uuid4().hex[:10]}"
        _pg_exec(f"CREATE DATABASE {name}")
        made.append(name)
        populate(_pg_url_for(name))
        out["postgresql"] = name
    yield out
    for name in made:
        _pg_exec(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def sqlite_crisis_desk(
    templates: dict[str, str], folder: Path, clock: FixedClock
) -> Iterator[Services]:
    """A fresh SQLite copy of the example desk (of ``crisis_templates``) in ``folder``, on
    ``clock``; closed at the end."""
    target = folder / "desk.db"
    target.write_bytes(Path(templates["sqlite"]).read_bytes())
    desk = bootstrap(str(target), migrate_first=False, hasher=FAST_HASHER, clock=clock)
    try:
        yield desk
    finally:
        desk.close()


@dataclass
class CrisisWorld:
    desk: Services
    clock: FixedClock
    actors: dict[str, Actor]

    def __getitem__(self, name: str) -> Actor:
        return self.actors[name]

    def state(self) -> tuple[dict[str, int], tuple[int, str]]:
        """Row counts of every table and the case's audit head."""
        with self.desk.uow() as uow:
            counts = uow.repo.count_rows()
        return counts, self.desk.audit.head(CASE)


@pytest.fixture(params=backends())
def cw(
    request: pytest.FixtureRequest, crisis_templates: dict[str, str], tmp_path: Path
) -> Iterator[CrisisWorld]:
    """A fresh copy of the example desk, its clock standing at :data:`NOW`."""
    dbname = None
    if request.param == "sqlite":
        target = tmp_path / "desk.db"
        target.write_bytes(Path(crisis_templates["sqlite"]).read_bytes())
        url = str(target)
    else:
        dbname = f"offramp_c_{uuid.uuid4().hex[:12]}"
        _pg_exec(f"CREATE DATABASE {dbname} TEMPLATE {crisis_templates['postgresql']}")
        url = _pg_url_for(dbname)
    clock = FixedClock(NOW)
    desk = bootstrap(url, migrate_first=False, hasher=FAST_HASHER, clock=clock)
    actors = {n: desk.accounts.get_actor(n) for n in [*PEOPLE, "outsider"]}
    try:
        yield CrisisWorld(desk, clock, actors)
    finally:
        desk.close()
        if dbname:
            _pg_exec(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")


# -- the real server ------------------------------------------------------------------------


SERVER_NOW = "2022-11-04T12:00:00+00:00"
SERVER_PASSWORD = "crisis-test-password"


@pytest.fixture(scope="session")
def crisis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """The desk server (``offramp demo``: the API and the web pages) on a
    free loopback port, on a fresh example database, with its clock fixed at
    ``--clock fixed:`` :data:`SERVER_NOW`; the crisis tests of api/, cli/ and web/
    name it ``server`` in their modules."""
    db = tmp_path_factory.mktemp("crisis-server") / "desk.db"
    with desk_server(
        db, verb="demo", password=SERVER_PASSWORD, clock=f"fixed:{SERVER_NOW}"
    ) as running:
        yield running
