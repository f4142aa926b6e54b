"""The library of precedents (any signed-in account), matches for a case's issues, and
links from a case's options to precedents (made by the mediator's team; seen by a party
only on the options of packages tabled to it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import Field

from offramp.api.deps import MaybeActor, ServicesDep
from offramp.api.precedent_schemas import (
    IssueMatchesOut,
    PrecedentLinkOut,
    PrecedentOut,
    PrecedentPage,
    link_out,
    matches_out,
    precedent_out,
)
from offramp.api.routes import PROBLEMS, CaseSlug, Id
from offramp.api.routes.table import Call, Send, Who, add_routes
from offramp.api.schemas import In, Slug
from offramp.bootstrap import Services
from offramp.model.precedents import ProvisionKind
from offramp.services.precedents import MAX_NOTE

router = APIRouter(responses=PROBLEMS)
PrecedentId = Annotated[str, Path(min_length=1, max_length=80, description="A precedent's id.")]
SlugQuery = Annotated[str | None, Query(max_length=80, pattern=r"^[a-z0-9][a-z0-9_\-]*$")]


@dataclass(frozen=True)
class On:
    """What a route's path names."""

    case: CaseSlug = ""
    precedent: PrecedentId = ""
    link: Id = 0


class PrecedentLinkIn(In):
    issue: Slug
    option: Slug
    precedent: Slug
    provision: Slug | None = Field(None, description="One provision; none: the whole precedent.")
    note: Annotated[str, Field(max_length=MAX_NOTE)] = Field(
        "", description="The mediator's team's own note; the parties never see it."
    )


@router.get(
    "/precedents", name="precedent_search", response_model=PrecedentPage, tags=["precedents"]
)
def search_precedents(
    actor: MaybeActor,
    services: ServicesDep,
    kind: Annotated[
        ProvisionKind | None, Query(description="Some provision settles this kind of issue.")
    ] = None,
    party: Annotated[
        str | None,
        Query(max_length=200, description="A party's id (RU also finds SU) or part of its name."),
    ] = None,
    since: Annotated[
        dt.date | None, Query(alias="from", description="On or after this date.")
    ] = None,
    until: Annotated[
        dt.date | None, Query(alias="to", description="On or before this date.")
    ] = None,
    keyword: Annotated[
        str | None, Query(max_length=200, description="Words that must all occur.")
    ] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> PrecedentPage:
    """Precedents of the library passing every filter given, oldest first, one page."""
    found = services.precedents.search(
        actor, kind=kind, party=party, since=since, until=until, keyword=keyword
    )
    return PrecedentPage(
        total=len(found),
        offset=offset,
        limit=limit,
        precedents=[precedent_out(p) for p in found[offset : offset + limit]],
    )


add_routes(
    router,
    On,
    Call("GET", "/precedents/{precedent}", "precedent_read", PrecedentOut, "precedents",
         lambda s, a, p: precedent_out(s.precedents.get(a, p.precedent)),
         "One precedent, with its provisions and sources."),
)  # fmt: skip


@router.get(
    "/cases/{case}/precedent-matches",
    name="precedent_matches",
    response_model=list[IssueMatchesOut],
    tags=["precedents"],
)
def precedent_matches(
    case: CaseSlug,
    actor: MaybeActor,
    services: ServicesDep,
    issue: Annotated[SlugQuery, Query(description="One issue (default: every issue).")] = None,
    limit: Annotated[int, Query(ge=1, le=50, description="Matches per issue.")] = 5,
) -> list[IssueMatchesOut]:
    """For each issue of the case, the provisions of the library that bear on it, best
    first, with the words and kinds that made each match."""
    return [
        matches_out(m) for m in services.precedents.matches(actor, case, issue=issue, limit=limit)
    ]


@router.get(
    "/cases/{case}/precedent-links",
    name="precedent_link_list",
    response_model=list[PrecedentLinkOut],
    tags=["precedents"],
)
def list_links(
    case: CaseSlug,
    actor: MaybeActor,
    services: ServicesDep,
    issue: Annotated[SlugQuery, Query(description="Only links on this issue.")] = None,
    option: Annotated[SlugQuery, Query(description="Only links on this option.")] = None,
) -> list[PrecedentLinkOut]:
    """The links the caller sees: every link for the mediator's team; for others, those
    on the options of packages tabled (or shared) to them."""
    views = services.precedents.list_links(actor, case, issue=issue, option=option)
    return [link_out(v) for v in views]


def _link(services: Services, actor: Who, on: On, body: PrecedentLinkIn) -> PrecedentLinkOut:
    view = services.precedents.link(
        actor,
        on.case,
        issue=body.issue,
        option=body.option,
        precedent=body.precedent,
        provision=body.provision,
        note=body.note,
    )
    return link_out(view)


add_routes(
    router,
    On,
    Send("POST", "/cases/{case}/precedent-links", "precedent_link_create", PrecedentLinkOut,
         "precedents", PrecedentLinkIn, _link,
         """Link an option of the case to a precedent or one of its provisions (the
         mediator's team; audited). The same link twice is a 409.""", status_code=201),
    Call("GET", "/cases/{case}/precedent-links/{link}", "precedent_link_read",
         PrecedentLinkOut, "precedents",
         lambda s, a, p: link_out(s.precedents.get_link(a, p.case, p.link)),
         "One link (404 alike for a missing link and one the caller does not see)."),
)  # fmt: skip


@router.delete(
    "/cases/{case}/precedent-links/{link}",
    name="precedent_link_delete",
    status_code=204,
    response_class=Response,
    tags=["precedents"],
)
def delete_link(
    case: CaseSlug,
    link: Id,
    actor: MaybeActor,
    services: ServicesDep,
    version: Annotated[
        int | None, Query(ge=1, le=2_000_000_000, description="409 unless the link is at it.")
    ] = None,
) -> Response:
    """Remove a link (the mediator's team; audited)."""
    services.precedents.unlink(actor, case, link, version)
    return Response(status_code=204)
