"""Bodies of the precedent routes: the library, matches for a case's issues, and links.

Response bodies only, and nothing from :mod:`offramp.api.schemas`, which takes
:class:`PrecedentLinkOut` for the precedents a tabled proposal shows on its options (the
request body, ``PrecedentLinkIn``, is in :mod:`offramp.api.routes.precedents`).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from offramp.api.bodies import record_out
from offramp.model.precedent_search import IssueMatch
from offramp.model.precedents import Outcome, Precedent, ProvisionKind
from offramp.services.precedents import IssueMatches, LinkView


class PrecedentSourceOut(BaseModel):
    id: str
    title: str
    publisher: str
    url: str
    reference: str


class PrecedentPartyOut(BaseModel):
    id: str
    name: str
    continued_by: list[str]


class ProvisionOut(BaseModel):
    id: str
    kinds: list[ProvisionKind]
    text: str
    sources: list[str] = Field(description="Ids of the precedent's sources; empty: all.")


class HeldUpOut(BaseModel):
    outcome: Outcome
    note: str
    sources: list[str]


class PrecedentOut(BaseModel):
    """One precedent of the library, with every provision and source."""

    id: str
    name: str
    date: dt.date
    end: dt.date | None
    form: str
    summary: str
    parties: list[PrecedentPartyOut]
    parties_note: str
    kinds: list[ProvisionKind] = Field(description="Every kind some provision settles.")
    provisions: list[ProvisionOut]
    held_up: HeldUpOut
    sources: list[PrecedentSourceOut]


class PrecedentPage(BaseModel):
    """One page of a search: ``total`` matched, ``precedents`` from ``offset`` on."""

    total: int
    offset: int
    limit: int
    precedents: list[PrecedentOut]


class OptionMatchOut(BaseModel):
    option: str
    words: list[str] = Field(description="Word stems the option shares with the provision.")
    kinds: list[ProvisionKind] = Field(description="Kinds both name, in other words.")


class IssueMatchOut(BaseModel):
    precedent: str
    name: str
    date: dt.date
    provision: str
    text: str
    kinds: list[ProvisionKind]
    options: list[OptionMatchOut]
    words: list[str] = Field(description="Stems shared with the issue's own title and text.")
    score: int
    held_up: Outcome


class IssueMatchesOut(BaseModel):
    issue: str
    title: str
    candidate: bool
    matches: list[IssueMatchOut]


class PrecedentBriefOut(BaseModel):
    """What the library holds now for a linked precedent (and provision)."""

    name: str
    date: dt.date
    held_up: Outcome
    provision_text: str | None


class PrecedentLinkOut(BaseModel):
    """A link from an option to a precedent. ``library`` is null and ``missing`` says
    "no longer in the library" when the precedent (or provision) left it; ``note`` and
    ``created_by`` are the mediator's team's own (null for everyone else)."""

    id: int
    version: int
    issue: str
    option: str
    precedent: str
    provision: str | None
    note: str | None
    created_by: str | None
    created_at: dt.datetime
    missing: str
    library: PrecedentBriefOut | None


def precedent_out(p: Precedent) -> PrecedentOut:
    return record_out(
        PrecedentOut,
        p,
        parties=[record_out(PrecedentPartyOut, x) for x in p.parties],
        kinds=sorted(p.kinds),
        provisions=[record_out(ProvisionOut, x) for x in p.provisions],
        held_up=record_out(HeldUpOut, p.held_up),
        sources=[record_out(PrecedentSourceOut, s) for s in p.sources],
    )


def match_out(m: IssueMatch) -> IssueMatchOut:
    return IssueMatchOut(
        precedent=m.precedent.id,
        name=m.precedent.name,
        date=m.precedent.date,
        provision=m.provision.id,
        text=m.provision.text,
        kinds=sorted(m.kinds),
        options=[
            OptionMatchOut(option=o.option, words=sorted(o.words), kinds=sorted(o.kinds))
            for o in m.options
        ],
        words=sorted(m.words),
        score=m.score,
        held_up=m.precedent.held_up.outcome,
    )


def matches_out(found: IssueMatches) -> IssueMatchesOut:
    i = found.issue
    return IssueMatchesOut(
        issue=i.id,
        title=i.title,
        candidate=i.candidate,
        matches=[match_out(m) for m in found.matches],
    )


def link_out(v: LinkView) -> PrecedentLinkOut:
    brief = None
    if v.precedent is not None:
        brief = PrecedentBriefOut(
            name=v.precedent.name,
            date=v.precedent.date,
            held_up=v.precedent.held_up.outcome,
            provision_text=v.provision.text if v.provision is not None else None,
        )
    # the caller's view of the note and its author, not the stored link's
    return record_out(
        PrecedentLinkOut,
        v.link,
        note=v.note,
        created_by=v.created_by,
        missing=v.missing,
        library=brief,
    )
