"""Shared test data for rounds of secret acceptances and private codings (issue 15): a
desk on a fixed clock, codings of the small case, and the rows of the access matrix
(``tests/api/test_access_matrix.py``) with the objects they act on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from offramp.bootstrap import Services, bootstrap
from offramp.model.codings import Coding, IssueCoding
from offramp.model.deadlines import FixedClock
from offramp.services.access import Actor
from support.desk import FAST_HASHER, PERSONAS, _pg_exec, backends, fresh_database

T0 = datetime(2022, 3, 12, 9, tzinfo=UTC)
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


# -- the access matrix ------------------------------------------------------------------

MEDIATOR, UA, RU = "mediator_il", "delegate_ua", "delegate_ru"
OTHERS = ("facilitator_de", "observer_us", "analyst", "desk_officer")
MEMBERS = (MEDIATOR, UA, RU, *OTHERS)
BASE = "/api/cases/small"


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
