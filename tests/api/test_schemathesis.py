"""Schemathesis over /openapi.json of the real server, with each persona's bearer token.

Every operation of the spec is called with generated valid requests (``case`` pinned
to the seeded case, ids drawn small so that existing objects are hit too) by a
mediator, a delegate, an observer, an analyst, a crisis officer and an outsider (a
member of another case only). Each response must not be a 5xx, must have a status
code the spec documents for that operation, a documented content type, and a body
that matches the documented schema. Valid (positive) and invalid (negative)
requests are both generated: an invalid one must get a documented 4xx. Examples are few and derandomized, so a run is
short and repeatable; every failing operation is listed, not just the first.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from offramp.bootstrap import bootstrap
from support.crisis_matrix import seed_crisis
from support.desk import FAST_HASHER, fresh_database
from support.launch import Running, start_server

PERSONAS = ("mediator_il", "delegate_ua", "observer_us", "analyst", "desk_officer", "outsider")
# per operation and persona: about 90 s for the whole file on 2 cores
EXAMPLES = {GenerationMode.POSITIVE: 3, GenerationMode.NEGATIVE: 2}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def running(
    _templates: dict[str, tuple[str, dict[str, str]]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Running, dict[str, str]]]:
    """The server on a copy of the populated database, with the crisis desk seeded."""
    url, tokens, _ = fresh_database("sqlite", _templates, Path(tmp_path_factory.mktemp("st")))
    desk = bootstrap(url, migrate_first=False, hasher=FAST_HASHER)
    try:
        seed_crisis(desk)
    finally:
        desk.close()
    srv = start_server(url)
    yield srv, tokens
    srv.stop()


@pytest.fixture(scope="module")
def schema(running: tuple[Running, dict[str, str]]) -> Any:
    server, _ = running
    return schemathesis.openapi.from_url(f"{server.url}/openapi.json")


def _pin(case: Any, small_ids: st.DataObject) -> None:
    """The seeded case's slug, and small ids so that stored objects are reached."""
    params = case.path_parameters or {}
    for name, value in list(params.items()):
        if name == "case":
            params[name] = "small"
        elif isinstance(value, int) and not isinstance(value, bool):
            params[name] = small_ids.draw(st.integers(1, 4), label=name)


def _failures(schema: Any, base_url: str, token: str, only: str | None = None) -> list[str]:
    """Every operation's failures (or only the operation labelled ``only``)."""
    found: list[str] = []
    headers = {"Authorization": f"Bearer {token}"}
    for result in schema.get_all_operations():
        operation = result.ok()
        if only is not None and operation.label != only:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _run(operation, mode, base_url, headers)
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE  # nothing to get wrong, e.g. GET /health
            except (Exception, BaseExceptionGroup) as exc:
                found.append(f"{mode.value} {operation.label}: {exc}")
    return found


def _run(operation: Any, mode: GenerationMode, base_url: str, headers: dict[str, str]) -> None:
    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), small_ids=st.data())
    def run(case: Any, small_ids: st.DataObject) -> None:
        _pin(case, small_ids)
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)

    run()


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_server_error_and_every_response_matches_the_spec(
    running: tuple[Running, dict[str, str]], schema: Any, persona: str
) -> None:
    server, tokens = running
    failures = _failures(schema, server.url, tokens[persona])
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)


def test_the_spec_covers_the_crisis_desk_and_the_shuttle(schema: Any) -> None:
    """A guard that the run above exercised the whole API, not an empty spec."""
    labels = {r.ok().label for r in schema.get_all_operations()}
    assert "POST /api/cases/{case}/channels/{channel}/messages" in labels
    assert any(label.startswith("GET /api/cases/{case}/crisis") for label in labels)
    assert len(labels) >= 60
    assert all(" /api/" in label for label in labels)  # the web pages stay out of the spec


def test_the_checks_catch_a_response_the_spec_does_not_allow(
    running: tuple[Running, dict[str, str]], schema: Any
) -> None:
    """The same run against a spec whose health body must be a string: it must fail.
    (Only that operation is called: the run above already calls every one.)"""
    server, tokens = running
    raw = copy.deepcopy(schema.raw_schema)
    ok = raw["components"]["schemas"]["HealthOut"]["properties"]["ok"]
    ok.clear()
    ok["type"] = "string"
    strict = schemathesis.openapi.from_dict(raw)
    failures = _failures(strict, server.url, tokens["mediator_il"], only="GET /api/health")
    assert [f.split(":")[0] for f in failures] == ["positive GET /api/health"]
    assert not _failures(schema, server.url, tokens["mediator_il"], only="GET /api/health")
