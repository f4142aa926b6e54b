"""The library of precedents on the desk, and a case's precedents.

- ``/precedents``: search the library by kind of issue, party, period (years) and
  keyword; any signed-in account (the library is public).
- ``/precedents/{id}``: one precedent, every provision and source.
- ``/cases/{slug}/precedents``: for each issue of the case, the links the viewer sees
  and the precedents whose provisions match it; the mediator's team links a precedent
  (or one provision) to an option and removes a link, choosing from lists. What a
  member sees of the links is the service's rule (:mod:`offramp.services.precedents`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.bootstrap import Services
from offramp.errors import Conflict, Forbidden, InputError, OfframpError, Problem
from offramp.model.access import Action, DeskRole
from offramp.model.issues import Issue
from offramp.model.precedent_search import CUES, IssueMatch, OptionMatch, issue_kinds
from offramp.model.precedents import Precedent, Provision, ProvisionKind
from offramp.services.access import Actor
from offramp.web import pages
from offramp.web.pages import ServicesDep, WebRoute
from offramp.web.precedent_words import KIND_WORDS, TEMPLATE_WORDS, LinkLine, kind_words, link_lines

router = APIRouter(route_class=WebRoute, include_in_schema=False)
FORM_ERRORS = (Conflict, InputError, Forbidden)
MAX_RESULTS = 100
MATCHES_PER_ISSUE = 5
FIRST_YEAR, LAST_YEAR = 1000, 8999
SHARED = {  # who else sees the links, by the viewer's role (the service's rule)
    DeskRole.DELEGATE: "the options of packages tabled to your delegation",
    DeskRole.FACILITATOR: "the options of packages the mediator shared with you",
    DeskRole.OBSERVER: "the options of packages the mediator shared with you",
}


# -- the library -----------------------------------------------------------------------
@dataclass(frozen=True)
class Filters:
    """A search as the form sent it (``values``, to fill the form again) and as parsed."""

    values: Mapping[str, str]
    kind: ProvisionKind | None = None
    party: str = ""
    since: int | None = None
    until: int | None = None
    keyword: str = ""

    @property
    def any(self) -> bool:
        return bool(self.kind or self.party or self.since or self.until or self.keyword)

    def provisions(self, p: Precedent) -> tuple[Provision, ...]:
        """The provisions of ``p`` that match: of the kind asked for, and those holding
        every keyword when some do (else all of the kind)."""
        found = tuple(x for x in p.provisions if self.kind is None or self.kind in x.kinds)
        words = self.keyword.casefold().split()
        if words:
            with_words = tuple(x for x in found if all(w in x.text.casefold() for w in words))
            found = with_words or found
        return found


def _year(values: Mapping[str, str], name: str, words: str, problems: list[Problem]) -> int | None:
    text = values.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        problems.append(Problem(name, f"the year {words} is a year such as 1955, not “{text}”"))
        return None
    return int(text)


def filters_of(query: Mapping[str, str]) -> Filters:
    """The search's filters; InputError naming each field that is wrong."""
    values = {k: query.get(k, "").strip() for k in ("kind", "party", "from", "to", "keyword")}
    problems: list[Problem] = []
    kind = None
    if values["kind"]:
        try:
            kind = ProvisionKind(values["kind"])
        except ValueError:
            known = ", ".join(KIND_WORDS.values())
            problems.append(Problem("kind", f"choose a kind of issue from the list: {known}"))
    since = _year(values, "from", "to search from", problems)
    until = _year(values, "to", "to search up to", problems)
    if since is not None and until is not None and until < since:
        problems.append(Problem("to", f"{until} is before the first year, {since}"))
    for name in ("party", "keyword"):
        if len(values[name]) > 200:
            problems.append(Problem(name, "at most 200 characters"))
    if problems:
        raise InputError.of(problems)
    return Filters(values, kind, values["party"], since, until, values["keyword"])


def find(services: Services, viewer: Actor, f: Filters) -> tuple[Precedent, ...]:
    return services.precedents.search(
        viewer,
        kind=f.kind,
        party=f.party or None,
        since=dt.date(f.since, 1, 1) if f.since else None,
        until=dt.date(f.until, 12, 31) if f.until else None,
        keyword=f.keyword or None,
    )


@router.get("/precedents", response_class=HTMLResponse)
async def library(request: Request, services: ServicesDep) -> Response:
    """The search form and what it finds (every precedent when nothing is asked)."""
    viewer = pages.signed_in(request, services)
    query = dict(request.query_params)
    error: OfframpError | None = None
    try:
        f = filters_of(query)
        found = find(services, viewer, f)
    except InputError as exc:
        error, found = exc, ()
        f = Filters({k: query.get(k, "") for k in ("kind", "party", "from", "to", "keyword")})
    ctx = {
        **TEMPLATE_WORDS,
        "f": f,
        "found": found[:MAX_RESULTS],
        "total": len(found),
        "kinds": KIND_WORDS,
        "error": error,
        "size": len(services.precedents.library),
    }
    return pages.render(request, "precedents.html", ctx, status=error.status if error else 200)


@router.get("/precedents/{precedent}", response_class=HTMLResponse)
async def precedent(request: Request, precedent: str, services: ServicesDep) -> Response:
    viewer = pages.signed_in(request, services)
    found = services.precedents.get(viewer, precedent)
    return pages.render(request, "precedent.html", {**TEMPLATE_WORDS, "p": found})


# -- a case's precedents ---------------------------------------------------------------
@dataclass(frozen=True)
class MatchLine:
    """One provision that matches an issue, with the option a link would go on first."""

    match: IssueMatch
    options: tuple[str, ...]  # labels of the options sharing words with it
    suggested: str  # the option id sharing the most words, or empty when none stands out


@dataclass(frozen=True)
class IssuePrecedents:
    """One issue's section: its kinds in words, the links the viewer sees, the matches."""

    issue: Issue
    kinds: str
    links: tuple[LinkLine, ...]
    matches: tuple[MatchLine, ...]


ALL_CUES: frozenset[str] = frozenset().union(*CUES.values())


def _weight(o: OptionMatch) -> int:
    """Words an option shares with a provision; a word naming a kind of issue counts 3
    (as :attr:`IssueMatch.score` counts them)."""
    return 3 * len(o.words & ALL_CUES) + len(o.words - ALL_CUES)


def match_line(issue: Issue, m: IssueMatch) -> MatchLine:
    shared = [o for o in m.options if o.words]
    labels = tuple(issue.option(o.option).label for o in shared)
    best = sorted(shared, key=lambda o: -_weight(o))
    stands_out = best and (len(best) == 1 or _weight(best[0]) > _weight(best[1]))
    return MatchLine(m, labels, best[0].option if stands_out else "")


def case_page(
    request: Request,
    services: Services,
    viewer: Actor,
    slug: str,
    *,
    error: OfframpError | None = None,
) -> Response:
    cv = pages.case_view(services, viewer, slug)
    links = services.precedents.list_links(viewer, slug)
    found = {
        m.issue.id: m.matches
        for m in services.precedents.matches(viewer, slug, limit=MATCHES_PER_ISSUE)
    }
    issues = [*cv.case.table_issues(), *cv.case.candidate_issues()]
    rows = [
        IssuePrecedents(
            issue,
            kind_words(issue_kinds(issue)),
            link_lines(cv.case, (v for v in links if v.link.issue == issue.id)),
            tuple(match_line(issue, m) for m in found.get(issue.id, ())),
        )
        for issue in issues
    ]
    ctx: dict[str, Any] = {
        **pages.case_context(cv, "precedents"),
        **TEMPLATE_WORDS,
        "rows": rows,
        "library": services.precedents.library,
        "may_link": cv.may(Action.PRECEDENT_LINK),
        "shared": SHARED.get(cv.role, ""),
        "error": error,
    }
    return pages.render(request, "precedents_case.html", ctx, status=error.status if error else 200)


@router.get("/cases/{slug}/precedents", response_class=HTMLResponse)
async def case_precedents(request: Request, slug: str, services: ServicesDep) -> Response:
    return case_page(request, services, pages.signed_in(request, services), slug)


async def _chosen(request: Request) -> dict[str, Any]:
    """The link form's fields, picked from lists: ``issue/option``, the precedent or
    ``precedent/provision``; and the team's note."""
    issue, _, option = (await pages.form_text(request, "option", required=False)).partition("/")
    if not issue or not option:
        raise InputError("option", "choose the option to link the precedent to")
    picked = await pages.form_text(request, "precedent", required=False)
    if not picked:
        raise InputError("precedent", "choose a precedent from the list")
    precedent, _, provision = picked.partition("/")
    note = await pages.form_text(request, "note", required=False)
    return {
        "issue": issue,
        "option": option,
        "precedent": precedent,
        "provision": provision or None,
        "note": note,
    }


@router.post("/cases/{slug}/precedent-links", response_class=HTMLResponse)
async def link(request: Request, slug: str, services: ServicesDep) -> Response:
    """Link an option to a precedent or one provision (the mediator's team; the
    service refuses anyone else, and a non-member gets the plain 404)."""
    viewer = pages.signed_in(request, services)
    pages.case_view(services, viewer, slug)
    try:
        chosen = await _chosen(request)
        services.precedents.link(viewer, slug, **chosen)
    except FORM_ERRORS as exc:
        return case_page(request, services, viewer, slug, error=exc)
    return pages.see_other(f"/cases/{slug}/precedents?done=linked#issue-{chosen['issue']}")


@router.post("/cases/{slug}/precedent-links/{link_id}/remove", response_class=HTMLResponse)
async def unlink(request: Request, slug: str, link_id: int, services: ServicesDep) -> Response:
    """Remove a link, at the version the page showed (a changed one is a conflict)."""
    viewer = pages.signed_in(request, services)
    try:
        raw = await pages.form_text(request, "version", required=False)
        if raw and not raw.isdigit():
            raise InputError("version", "reload the page and remove the link again")
        services.precedents.unlink(viewer, slug, link_id, int(raw) if raw else None)
    except FORM_ERRORS as exc:
        return case_page(request, services, viewer, slug, error=exc)
    return pages.see_other(f"/cases/{slug}/precedents?done=unlinked")
