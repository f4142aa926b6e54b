"""Statements, positions and the analysis of a case."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from offramp.api.deps import MaybeActor, ServicesDep
from offramp.api.routes import PROBLEMS, CaseSlug, Id
from offramp.api.routes.convert import position_out, statement_out
from offramp.api.schemas import (
    AnalysisOut,
    IntakeIn,
    IntakeOut,
    PositionOut,
    PositionPatch,
    StatementIn,
    StatementOut,
)
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


@router.post(
    "/cases/{case}/statements",
    name="statement_create",
    response_model=StatementOut,
    status_code=201,
    tags=["statements"],
)
def create_statement(
    case: CaseSlug, body: StatementIn, actor: MaybeActor, services: ServicesDep
) -> StatementOut:
    """Add a statement typed in by the services; checked like a case file's."""
    data = body.model_dump(mode="json", exclude_defaults=True)
    return statement_out(services.cases.add_statement(actor, case, data))


@router.post(
    "/cases/{case}/statements/{statement}/confirm",
    name="statement_confirm",
    response_model=StatementOut,
    tags=["statements"],
)
def confirm_statement(
    case: CaseSlug, statement: str, actor: MaybeActor, services: ServicesDep
) -> StatementOut:
    """Confirm a statement; the position it implies is stored."""
    return statement_out(services.cases.confirm_statement(actor, case, statement))


@router.post(
    "/cases/{case}/intake/proposals",
    name="intake_propose",
    response_model=IntakeOut,
    tags=["statements"],
)
def propose_statements(
    case: CaseSlug, body: IntakeIn, actor: MaybeActor, services: ServicesDep
) -> dict[str, Any]:
    """Proposed statements in a text, read with the case's word lists (and its trained
    reader, where one ships). Stores nothing: add one with ``POST .../statements``."""
    found = services.intake.propose(actor, case, body.text, body.article_date)
    return {"article_date": body.article_date, "proposals": [p.to_dict() for p in found]}


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


@router.patch(
    "/cases/{case}/positions/{position}",
    name="position_update",
    response_model=PositionOut,
    tags=["positions"],
)
def update_position(
    case: CaseSlug, position: Id, body: PositionPatch, actor: MaybeActor, services: ServicesDep
) -> PositionOut:
    """Edit a position; a stale ``version`` gets 409 and nothing is overwritten."""
    changes = body.model_dump(exclude={"version"}, exclude_none=True)
    return position_out(
        services.cases.update_position(actor, case, position, changes, body.version)
    )


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
