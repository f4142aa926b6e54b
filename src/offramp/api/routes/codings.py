"""A party's private coding of its own preferences, its sharing, and the deal space on it.

A coding the caller may not read answers exactly as a coding that does not exist (see
:mod:`offramp.services.codings`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from offramp.api.bodies import record_out
from offramp.api.deps import MaybeActor, ServicesDep
from offramp.api.routes import PROBLEMS, CaseSlug
from offramp.api.routes.table import Call, Send, Who, add_routes
from offramp.api.schemas import AnalysisOut, AuditEventOut, In, Slug, Version
from offramp.bootstrap import Services
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


@dataclass(frozen=True)
class On:
    """What a route's path names."""

    case: CaseSlug
    party: PartyPath = ""


def _put(services: Services, actor: Who, on: On, body: CodingIn) -> CodingOut:
    coding = Coding(
        party=on.party,
        issues=tuple(
            IssueCoding(issue, i.salience, dict(i.values)) for issue, i in body.issues.items()
        ),
        reservation=body.reservation,
        note=body.note,
    )
    return coding_out(services.codings.put(actor, on.case, on.party, coding, body.version))


add_routes(
    router,
    On,
    Call("GET", "/cases/{case}/codings", "coding_list", list[CodingOut], "codings",
         lambda s, a, p: [coding_out(v) for v in s.codings.list_codings(a, p.case)],
         "The codings the caller may read: its own party's, or (mediator) those shared."),
    Call("GET", "/cases/{case}/codings/{party}", "coding_read", CodingOut, "codings",
         lambda s, a, p: coding_out(s.codings.get_coding(a, p.case, p.party)), None),
    Send("PUT", "/cases/{case}/codings/{party}", "coding_write", CodingOut, "codings",
         CodingIn, _put,
         "Write the caller's own party's coding (its delegates only; private until shared)."),
    Call("POST", "/cases/{case}/codings/{party}/share", "coding_share", CodingOut, "codings",
         lambda s, a, p: coding_out(s.codings.share(a, p.case, p.party)),
         "Share the party's coding with the mediator's team (audited; revocable)."),
    Call("DELETE", "/cases/{case}/codings/{party}/share", "coding_revoke", CodingOut,
         "codings", lambda s, a, p: coding_out(s.codings.revoke(a, p.case, p.party)),
         "Stop sharing the party's coding with the mediator (audited)."),
    Call("GET", "/cases/{case}/codings/{party}/events", "coding_events", list[AuditEventOut],
         "codings",
         lambda s, a, p: [record_out(AuditEventOut, e)
                          for e in s.codings.events(a, p.case, p.party)],
         "The delegation's own audit chain of its coding (its delegates only)."),
)  # fmt: skip


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
