"""A delegation's private coding of its own party on the web desk, its sharing with the
mediator, and the words for which coding a deal space was computed on.

What a page says follows :mod:`offramp.services.codings`: a party's delegates read and
write its coding; the mediator reads it only while the party shares it; a coding
nobody shared with the viewer answers exactly as a coding that does not exist (the
plain 404 page), and no page counts or mentions it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.analysis.report import AnalysisReport
from offramp.bootstrap import Services
from offramp.errors import Forbidden, InputError, NotFound, OfframpError, Problem
from offramp.model import Case
from offramp.model.access import Action, Grant, grant
from offramp.model.codings import Coder, Coding, IssueCoding
from offramp.services.access import Actor
from offramp.services.codings import CodingView
from offramp.web import pages
from offramp.web.rounds import FORM_ERRORS, party_name, when

router = APIRouter(route_class=pages.WebRoute, include_in_schema=False)
DONE = {
    "saved": "Your delegation's coding is saved. It is visible to your delegation only"
    " unless you share it.",
    "shared": "Shared: the mediator's team now reads your delegation's coding.",
    "unshared": "Sharing stopped: the mediator's team no longer reads your delegation's coding.",
}
CHOICES = {
    Coder.MEDIATOR.value: "the mediator's coding",
    Coder.PARTY.value: "each party's own coding where it is shared",
}


@dataclass(frozen=True)
class IssueRow:
    """One issue of the form: its words, and the values to put on the sliders."""

    id: str
    title: str
    salience: float
    options: tuple[tuple[str, str, float], ...]  # id, label, value


def readers(cv: pages.CaseView) -> bool:
    """Whether the viewer's role may ever read a coding (its own, or one shared)."""
    return grant(cv.role, Action.CODING_READ) is not Grant.NEVER


def owns(cv: pages.CaseView, party: str) -> bool:
    return cv.party == party and cv.may(Action.CODING_WRITE)


def issue_rows(case: Case, coding: Coding | None, values: Mapping[str, str]) -> list[IssueRow]:
    """The table's issues with the coding's numbers, a refused form's, or the middle."""
    rows = []
    for issue in case.table_issues():
        ic = coding.issue(issue.id) if coding else None
        rows.append(
            IssueRow(
                issue.id,
                issue.title,
                _slider(values, f"salience_{issue.id}", ic.salience if ic else None),
                tuple(
                    (
                        o.id,
                        o.label,
                        _slider(
                            values, f"value_{issue.id}_{o.id}", ic.values.get(o.id) if ic else None
                        ),
                    )
                    for o in issue.options
                ),
            )
        )
    return rows


def _slider(values: Mapping[str, str], field: str, stored: float | None) -> float:
    """A slider's position: a refused form's value, else the stored one, else the middle."""
    try:
        return min(max(float(values[field]), 0.0), 1.0)
    except (KeyError, ValueError):
        return 0.5 if stored is None else stored


def where_in_words(case: Case, where: str) -> str:
    """``issues.donbas.values.autonomy`` -> "Donetsk and Luhansk, Autonomy"."""
    parts = where.split(".")
    if where == "reservation":
        return "no-deal value"
    if len(parts) >= 2 and parts[0] == "issues":
        try:
            issue = case.issue(parts[1])
        except KeyError:
            return where
        if len(parts) == 3 and parts[2] == "salience":
            return f"{issue.title}, how much it matters"
        if len(parts) == 4:
            try:
                return f"{issue.title}, {issue.option(parts[3]).label}"
            except KeyError:
                return f"{issue.title}, {parts[3]}"
        return issue.title
    return where


def _unit(form: Mapping[str, str], field: str, what: str) -> float:
    text = form.get(field, "").strip()
    try:
        value = float(text)
    except ValueError:
        raise InputError(what, f"{text or 'nothing'!r} is not a number from 0 to 1") from None
    if not 0.0 <= value <= 1.0:
        raise InputError(what, f"{value:g} is not a number from 0 to 1")
    return value


def coding_of_form(case: Case, party: str, form: Mapping[str, str]) -> Coding:
    """The coding the form's sliders give (every issue on the table)."""
    issues = []
    for issue in case.table_issues():
        salience = _unit(form, f"salience_{issue.id}", f"{issue.title}, how much it matters")
        values = {
            o.id: _unit(form, f"value_{issue.id}_{o.id}", f"{issue.title}, {o.label}")
            for o in issue.options
        }
        issues.append(IssueCoding(issue.id, salience, values))
    reservation = _unit(form, "reservation", "no-deal value")
    return Coding(party, tuple(issues), reservation, form.get("note", "").strip())


def in_words(case: Case, exc: InputError) -> InputError:
    return InputError.of([Problem(where_in_words(case, p.where), p.message) for p in exc.problems])


def coding_page(
    request: Request,
    services: Services,
    viewer: Actor,
    cv: pages.CaseView,
    party: str,
    *,
    error: OfframpError | None = None,
    values: Mapping[str, str] | None = None,
) -> Response:
    """The party's coding: the form for its own delegates, read-only for the mediator."""
    own = owns(cv, party)
    view: CodingView | None
    try:
        view = services.codings.get_coding(viewer, cv.slug, party)
    except NotFound:
        if not own:
            raise
        view = None
    coding = view.coding if view else None
    ctx = {
        **pages.case_context(cv, "codings"),
        "party": party,
        "name": party_name(cv.case, party),
        "own": own,
        "view": view,
        "rows": issue_rows(cv.case, coding, values or {}),
        "reservation": _slider(values or {}, "reservation", coding.reservation if coding else None),
        "note": (values or {}).get("note", coding.note if coding else ""),
        "version": view.version if view else None,
        "when": when,
        "error": error,
        "done": DONE.get(request.query_params.get("done", "")),
    }
    return pages.render(request, "codings_party.html", ctx, status=error.status if error else 200)


@router.get("/cases/{slug}/codings", response_class=HTMLResponse)
async def codings(request: Request, slug: str, services: pages.ServicesDep) -> Response:
    """The codings the viewer may read: its own party's, or those shared with it."""
    viewer, cv = pages.open_case(request, services, slug)
    if not readers(cv):
        raise NotFound(pages.NO_PAGE)
    views = services.codings.list_codings(viewer, slug)
    lines = [(v, party_name(cv.case, v.coding.party)) for v in views]
    ctx = {
        **pages.case_context(cv, "codings"),
        "lines": lines,
        "own_party": cv.party if cv.party and cv.may(Action.CODING_WRITE) else None,
        "own_name": party_name(cv.case, cv.party) if cv.party else None,
        "when": when,
    }
    return pages.render(request, "codings.html", ctx)


@router.get("/cases/{slug}/codings/{party}", response_class=HTMLResponse)
async def coding(request: Request, slug: str, party: str, services: pages.ServicesDep) -> Response:
    viewer, cv = pages.open_case(request, services, slug)
    if not readers(cv):
        raise NotFound(pages.NO_PAGE)
    return coding_page(request, services, viewer, cv, party)


def refuse_unless_own(cv: pages.CaseView, party: str, action: Action) -> None:
    """The service's own refusal, before any field is read (so no answer depends on
    what the form or the store holds)."""
    if not owns(cv, party):
        raise Forbidden(action.value, f"You may not {action.value} in case {cv.slug}.")


@router.post("/cases/{slug}/codings/{party}", response_class=HTMLResponse)
async def save(request: Request, slug: str, party: str, services: pages.ServicesDep) -> Response:
    """Write the delegation's coding from the sliders (``version``: the one read)."""
    viewer, cv = pages.open_case(request, services, slug)
    refuse_unless_own(cv, party, Action.CODING_WRITE)
    values = await pages.form_values(request)
    try:
        version_text = await pages.form_text(request, "version", required=False)
        version = int(version_text) if version_text.isdigit() else None
        services.codings.put(viewer, slug, party, coding_of_form(cv.case, party, values), version)
    except InputError as exc:
        fixed = in_words(cv.case, exc)
        return coding_page(request, services, viewer, cv, party, error=fixed, values=values)
    except FORM_ERRORS as exc:
        return coding_page(request, services, viewer, cv, party, error=exc, values=values)
    return pages.see_other(f"/cases/{slug}/codings/{party}?done=saved")


@router.post("/cases/{slug}/codings/{party}/share", response_class=HTMLResponse)
async def share(request: Request, slug: str, party: str, services: pages.ServicesDep) -> Response:
    """Share the coding with the mediator's team (audited by the service)."""
    return await _sharing(request, slug, party, services, share=True)


@router.post("/cases/{slug}/codings/{party}/stop-sharing", response_class=HTMLResponse)
async def stop_sharing(
    request: Request, slug: str, party: str, services: pages.ServicesDep
) -> Response:
    """Stop sharing the coding with the mediator's team (audited by the service)."""
    return await _sharing(request, slug, party, services, share=False)


async def _sharing(
    request: Request, slug: str, party: str, services: Services, *, share: bool
) -> Response:
    viewer, cv = pages.open_case(request, services, slug)
    refuse_unless_own(cv, party, Action.CODING_SHARE)
    try:
        if share:
            services.codings.share(viewer, slug, party)
        else:
            services.codings.revoke(viewer, slug, party)
    except FORM_ERRORS as exc:
        return coding_page(request, services, viewer, cv, party, error=exc)
    return pages.see_other(
        f"/cases/{slug}/codings/{party}?done={'shared' if share else 'unshared'}"
    )


# -- the deal space: which coding it is computed on ---------------------------------------
def coded_report(
    services: Services, viewer: Actor, cv: pages.CaseView, at: date, choice: str | None
) -> tuple[AnalysisReport, str, tuple[str, ...]]:
    """The deal space on ``choice`` (``mediator``, the default, or ``party``), the
    choice, and sentences saying which coding each party's preferences came from."""
    picked = choice or Coder.MEDIATOR.value
    if picked not in CHOICES:
        raise InputError("coding", "choose the mediator's coding or each party's own")
    if picked == Coder.MEDIATOR.value:
        report = services.analysis.report(viewer, cv.slug, at)
        return report, picked, ("Computed on the mediator's coding of every party.",)
    got = services.codings.analysis(viewer, cv.slug, at, coding=Coder.PARTY)
    lines = [
        f"{party_name(cv.case, p)}: "
        + (
            "its own coding."
            if c is Coder.PARTY
            else "the mediator's coding (no coding of its own is shared with you)."
        )
        for p, c in got.coding.items()
    ]
    return (
        got.report,
        picked,
        (
            "Computed on each party's own coding where you may read it:",
            *lines,
            *got.notes,
        ),
    )
