"""A party's private coding of its own preferences, its sharing, and the deal space on it.

A coding the caller may not read answers exactly as a coding that does not exist (see
:mod:`offramp.services.codings`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from offramp.api.bodies import record_out
from offramp.api.deps import MaybeActor, ServicesDep
from offramp.api.routes import PROBLEMS, CaseSlug
from offramp.api.schemas import AnalysisOut, AuditEventOut, In, Slug, Version
from offramp.model.codings import MAX_NOTE, Coder, Coding, IssueCoding
from offramp.services.codings import CodingView

router = APIRouter(responses=PROBLEMS)
PartyPath = Annotated[str, Path(pattern=r"^[A-Z][A-Z0-9_]*$", max_length=20)]
Parties = Annotated[list[str] | None, Query(max_length=20)]


class IssueCodingIn(In):
    salience: float
    values: dict[Slug, float] = Field(max_length=50)


class CodingIn(In):
    """The party's coding: every issue on the table (candidate issues optional).
    ``version`` is the one read, or omitted to create the coding."""

    issues: dict[Slug, IssueCodingIn] = Field(max_length=100)
    reservation: float
    note: Annotated[str, Field(max_length=MAX_NOTE)] = ""
    version: Version | None = None


class IssueCodingOut(BaseModel):
    salience: float
    values: dict[str, float]


class CodingOut(BaseModel):
    """A coding. ``version`` and ``updated_by`` are for the party's own delegates only."""

    party: str
    issues: dict[str, IssueCodingOut]
    reservation: float
    note: str
    shared: bool
    shared_at: dt.datetime | None
    shared_by: str | None
    changed_at: dt.datetime
    version: int | None
    updated_by: str | None


class CodedAnalysisOut(AnalysisOut):
    """The analysis, with ``coding``: per party, whose coding it was computed on."""

    coding: dict[str, Coder]
    coding_notes: list[str]


def coding_out(v: CodingView) -> CodingOut:
    c = v.coding
    return record_out(
        CodingOut,
        c,
        v,
        issues={i.issue: record_out(IssueCodingOut, i) for i in c.issues},
        shared=v.shared_at is not None,
    )


@router.get(
    "/cases/{case}/codings", name="coding_list", response_model=list[CodingOut], tags=["codings"]
)
def list_codings(case: CaseSlug, actor: MaybeActor, services: ServicesDep) -> list[CodingOut]:
    """The codings the caller may read: its own party's, or (mediator) those shared."""
    return [coding_out(v) for v in services.codings.list_codings(actor, case)]


@router.get(
    "/cases/{case}/codings/{party}",
    name="coding_read",
    response_model=CodingOut,
    tags=["codings"],
)
def get_coding(
    case: CaseSlug, party: PartyPath, actor: MaybeActor, services: ServicesDep
) -> CodingOut:
    return coding_out(services.codings.get_coding(actor, case, party))


@router.put(
    "/cases/{case}/codings/{party}",
    name="coding_write",
    response_model=CodingOut,
    tags=["codings"],
)
def put_coding(
    case: CaseSlug, party: PartyPath, body: CodingIn, actor: MaybeActor, services: ServicesDep
) -> CodingOut:
    """Write the caller's own party's coding (its delegates only; private until shared)."""
    coding = Coding(
        party=party,
        issues=tuple(
            IssueCoding(issue, i.salience, dict(i.values)) for issue, i in body.issues.items()
        ),
        reservation=body.reservation,
        note=body.note,
    )
    return coding_out(services.codings.put(actor, case, party, coding, body.version))


@router.post(
    "/cases/{case}/codings/{party}/share",
    name="coding_share",
    response_model=CodingOut,
    tags=["codings"],
)
def share_coding(
    case: CaseSlug, party: PartyPath, actor: MaybeActor, services: ServicesDep
) -> CodingOut:
    """Share the party's coding with the mediator's team (audited; revocable)."""
    return coding_out(services.codings.share(actor, case, party))


@router.delete(
    "/cases/{case}/codings/{party}/share",
    name="coding_revoke",
    response_model=CodingOut,
    tags=["codings"],
)
def revoke_coding(
    case: CaseSlug, party: PartyPath, actor: MaybeActor, services: ServicesDep
) -> CodingOut:
    """Stop sharing the party's coding with the mediator (audited)."""
    return coding_out(services.codings.revoke(actor, case, party))


@router.get(
    "/cases/{case}/codings/{party}/events",
    name="coding_events",
    response_model=list[AuditEventOut],
    tags=["codings"],
)
def coding_events(
    case: CaseSlug, party: PartyPath, actor: MaybeActor, services: ServicesDep
) -> list[AuditEventOut]:
    """The delegation's own audit chain of its coding (its delegates only)."""
    return [record_out(AuditEventOut, e) for e in services.codings.events(actor, case, party)]


@router.get(
    "/cases/{case}/analysis/coded",
    name="analysis_coded",
    response_model=CodedAnalysisOut,
    tags=["analysis"],
)
def coded_analysis(
    case: CaseSlug,
    actor: MaybeActor,
    services: ServicesDep,
    at: dt.date | None = None,
    parties: Parties = None,
    coding: Coder = Coder.PARTY,
) -> dict[str, Any]:
    """The deal space on each party's own coding where the caller may read it (shared
    with the mediator, or the caller's own party's), else on the mediator's; with
    ``coding=mediator``, on the mediator's throughout. ``coding`` in the answer names,
    per party, whose coding was used."""
    got = services.codings.analysis(
        actor, case, at, tuple(parties) if parties else None, coding=coding
    )
    return got.to_dict()
