"""Statements, positions and the analysis of a case."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query

from offramp.api.deps import MaybeActor, ServicesDep
from offramp.api.routes import PROBLEMS, CaseSlug, Id
from offramp.api.routes.convert import position_out, statement_out
from offramp.api.routes.table import Call, Send, Who, add_routes
from offramp.api.schemas import (
    AnalysisOut,
    IntakeIn,
    IntakeOut,
    PositionOut,
    PositionPatch,
    StatementIn,
    StatementOut,
)
from offramp.bootstrap import Services
from offramp.model.parse import parse_day

router = APIRouter(responses=PROBLEMS)
Filter = Query(None, max_length=80)
DayQuery = Annotated[
    str | None, Query(max_length=10, description="A date, YYYY-MM-DD (default: the last one).")
]
Parties = Annotated[
    list[str] | None,
    Query(max_length=20, description="Parties to analyse (default: the negotiating ones)."),
]


@dataclass(frozen=True)
class On:
    """What a route's path names."""

    case: CaseSlug
    statement: str = ""
    position: Id = 0


@router.get(
    "/cases/{case}/statements",
    name="statement_list",
    response_model=list[StatementOut],
    tags=["statements"],
)
def list_statements(
    case: CaseSlug,
    actor: MaybeActor,
    services: ServicesDep,
    party: str | None = Filter,
    issue: str | None = Filter,
) -> list[StatementOut]:
    """Public statements with their sources, optionally by party or issue."""
    rows = services.cases.list_statements(actor, case, party=party, issue=issue)
    return [statement_out(r) for r in rows]


def _propose(services: Services, actor: Who, on: On, body: IntakeIn) -> dict[str, Any]:
    found = services.intake.propose(actor, on.case, body.text, body.article_date)
    return {"article_date": body.article_date, "proposals": [p.to_dict() for p in found]}


add_routes(
    router,
    On,
    Send("POST", "/cases/{case}/statements", "statement_create", StatementOut, "statements",
         StatementIn,
         lambda s, a, p, b: statement_out(s.cases.add_statement(
             a, p.case, b.model_dump(mode="json", exclude_defaults=True))),
         "Add a statement typed in by the services; checked like a case file's.",
         status_code=201),
    Call("POST", "/cases/{case}/statements/{statement}/confirm", "statement_confirm",
         StatementOut, "statements",
         lambda s, a, p: statement_out(s.cases.confirm_statement(a, p.case, p.statement)),
         "Confirm a statement; the position it implies is stored."),
    Send("POST", "/cases/{case}/intake/proposals", "intake_propose", IntakeOut, "statements",
         IntakeIn, _propose,
         """Proposed statements in a text, read with the case's word lists (and its trained
         reader, where one ships). Stores nothing: add one with ``POST .../statements``."""),
)  # fmt: skip


@router.get(
    "/cases/{case}/positions",
    name="position_list",
    response_model=list[PositionOut],
    tags=["positions"],
)
def list_positions(
    case: CaseSlug,
    actor: MaybeActor,
    services: ServicesDep,
    party: str | None = Filter,
    issue: str | None = Filter,
) -> list[PositionOut]:
    """Coded positions over time (mediator, analyst, or shared)."""
    return [
        position_out(p)
        for p in services.cases.list_positions(actor, case, party=party, issue=issue)
    ]


add_routes(
    router,
    On,
    Send("PATCH", "/cases/{case}/positions/{position}", "position_update", PositionOut,
         "positions", PositionPatch,
         lambda s, a, p, b: position_out(s.cases.update_position(
             a, p.case, p.position, b.model_dump(exclude={"version"}, exclude_none=True),
             b.version)),
         "Edit a position; a stale ``version`` gets 409 and nothing is overwritten."),
)  # fmt: skip


@router.get(
    "/cases/{case}/analysis", name="analysis_read", response_model=AnalysisOut, tags=["analysis"]
)
def analysis(
    case: CaseSlug,
    actor: MaybeActor,
    services: ServicesDep,
    at: DayQuery = None,
    parties: Parties = None,
) -> dict[str, Any]:
    """The deal space on a date: frontier, zone, solutions, ripeness and why, packages.

    The same report as ``offramp analyze --json`` (mediator, analyst, or shared).
    """
    day = parse_day(at, "at")  # an ISO date only: ``?at=0`` is not 1970-01-01
    report = services.analysis.report(actor, case, day, tuple(parties) if parties else None)
    return report.to_dict()
