"""Rounds of secret acceptances: the mediator opens, each party marks, the overlap shows.

Every reader other than a party itself sees the same body whatever the parties marked
outside the overlap (see :mod:`offramp.services.rounds`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, Field

from offramp.api.bodies import record_out
from offramp.api.routes import PROBLEMS, CaseSlug, Id
from offramp.api.routes.table import Call, Send, Who, add_routes
from offramp.api.schemas import In, PartyId, Short, Slug
from offramp.bootstrap import Services
from offramp.model.rounds import (
    MAX_PACKAGES,
    VISIBILITY_NOTE,
    RoundState,
    Visibility,
    result_sentence,
)
from offramp.services.rounds import PackageSource, RoundView

router = APIRouter(responses=PROBLEMS)
PackageKey = Annotated[str, Field(pattern=r"^p[0-9]{1,3}$", max_length=4)]
Package = Annotated[dict[Slug, Slug], Field(max_length=100)]  # issue -> option


class RoundIn(In):
    """Open a round on typed packages, or on the frontier's or the solutions' packages
    of the deal space on ``at`` (the case's last date by default)."""

    title: Short
    packages: list[Package] = Field(default_factory=list, max_length=MAX_PACKAGES)
    source: PackageSource = PackageSource.TYPED
    at: dt.date | None = None
    parties: list[PartyId] | None = Field(None, max_length=20)
    deadline: AwareDatetime | None = None
    open_to_mediator: bool = False


class MarksIn(In):
    """The packages the caller's party could accept (the rest it could not)."""

    accepted: list[PackageKey] = Field(max_length=MAX_PACKAGES)


class RoundPackageOut(BaseModel):
    key: str
    options: dict[str, str]
    source: str


class RoundOut(BaseModel):
    """A round. ``mine`` is the caller's own party's marks (its delegates only);
    ``marks`` every party's, for the mediator of a round open to the mediator;
    ``overlap`` the keys of the packages every party marked, once revealed."""

    id: int
    version: int
    title: str
    packages: list[RoundPackageOut]
    parties: list[str]
    visibility: Visibility
    visibility_note: str
    opened_by: str
    opened_at: dt.datetime
    deadline: dt.datetime | None
    state: RoundState
    answered: list[str]
    revealed_at: dt.datetime | None
    overlap: list[str] | None
    result: str
    mine: list[str] | None
    marks: dict[str, list[str] | None] | None


def round_out(v: RoundView) -> RoundOut:
    return record_out(
        RoundOut,
        v,
        packages=[record_out(RoundPackageOut, p) for p in v.packages],
        visibility_note=VISIBILITY_NOTE[v.visibility],
        result=result_sentence(v.state, len(v.answered), len(v.parties), v.overlap),
    )


@dataclass(frozen=True)
class On:
    """What a route's path names."""

    case: CaseSlug
    round_id: Id = 0


def _open_round(services: Services, actor: Who, on: On, body: RoundIn) -> RoundOut:
    view = services.rounds.open_round(
        actor,
        on.case,
        body.title,
        packages=[dict(p) for p in body.packages],
        source=body.source,
        at=body.at,
        parties=tuple(body.parties) if body.parties else None,
        deadline=body.deadline,
        open_to_mediator=body.open_to_mediator,
    )
    return round_out(view)


add_routes(
    router,
    On,
    Send("POST", "/cases/{case}/rounds", "round_open", RoundOut, "rounds", RoundIn,
         _open_round,
         "Open a round of secret acceptances (the mediator); sealed unless ``open_to_mediator``.",
         status_code=201),
    Call("GET", "/cases/{case}/rounds", "round_list", list[RoundOut], "rounds",
         lambda s, a, p: [round_out(v) for v in s.rounds.list_rounds(a, p.case)],
         "The rounds the caller may see (the mediator's team, and the addressed parties)."),
    Call("GET", "/cases/{case}/rounds/{round_id}", "round_read", RoundOut, "rounds",
         lambda s, a, p: round_out(s.rounds.get_round(a, p.case, p.round_id)), None),
    Send("PUT", "/cases/{case}/rounds/{round_id}/marks", "round_mark", RoundOut, "rounds",
         MarksIn, lambda s, a, p, b: round_out(s.rounds.mark(a, p.case, p.round_id, b.accepted)),
         """Mark, for the caller's own party, the packages it could accept (replacing its
         earlier marks while the round is open). The last party to answer reveals."""),
)  # fmt: skip
