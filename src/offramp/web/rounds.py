"""Rounds of secret acceptances on the web desk: open a round, mark in private, read
the overlap.

What a page says follows :mod:`offramp.services.rounds`: a party sees its own marks
only; the mediator sees each party's marks only in a round opened "open to the
mediator"; everyone else who reads a round sees who has answered (the service tells
every reader that) and, once every addressed party has answered, the packages every
party marked, or that there is none. An expired round shows nothing. Packages are
named by number and described option by option, in the case's words.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.bootstrap import Services
from offramp.errors import Conflict, Forbidden, InputError, OfframpError, Problem
from offramp.model import Case
from offramp.model.access import Action
from offramp.model.parse import parse_day, parse_instant
from offramp.model.rounds import MAX_PACKAGES, VISIBILITY_NOTE, RoundState, Visibility
from offramp.services.access import Actor
from offramp.services.rounds import PackageSource, RoundView
from offramp.web import pages
from offramp.web.dealspace import SOLUTIONS
from offramp.web.overview import default_dates

router = APIRouter(route_class=pages.WebRoute, include_in_schema=False)
FORM_ERRORS = (Conflict, InputError, Forbidden)
TYPED_ROWS = 4  # package rows on the form to start with (``?rows=`` shows more)
SOURCE_WORDS = {
    PackageSource.FRONTIER: "Every package on the Pareto frontier on the date below",
    PackageSource.SOLUTIONS: (
        "The bargaining solutions on the date below (Nash, Kalai-Smorodinsky, egalitarian "
        "and utilitarian; a package that is more than one of them comes once)"
    ),
    PackageSource.TYPED: "The packages I choose below, option by option",
}
KIND_WORDS = {
    Visibility.SEALED: "Sealed: the mediator sees only the overlap",
    Visibility.OPEN_TO_MEDIATOR: "Open to the mediator: the mediator sees each party's marks",
}
#: The kind of round as the mediator reads it (the parties read ``VISIBILITY_NOTE``).
MEDIATOR_NOTE = {
    Visibility.SEALED: (
        "Sealed: you see only the packages every party marked, or that there is none; "
        "each delegation sees its own marks only."
    ),
    Visibility.OPEN_TO_MEDIATOR: (
        "Open to the mediator: you see each party's marks; the parties see only the "
        "packages every party marked, or that there is none."
    ),
}
FROM_WORDS = {
    "typed": "chosen by the mediator",
    "frontier": "from the Pareto frontier",
    **{key: f"the {name}" for key, name in SOLUTIONS},
}
SOURCES = {s.value: s for s in PackageSource}
KINDS = {k.value: k for k in Visibility}
DONE = {
    "opened": "Round opened: each delegation it is addressed to can now mark it.",
    "marked": "Your delegation's marks are recorded. You may change them while the round is open.",
}


@dataclass(frozen=True)
class PackageLine:
    """One package of a round: its number, where it came from, issue by issue."""

    key: str
    name: str
    source: str
    options: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RoundPage:
    """A round as the page states it to one viewer."""

    id: int
    title: str
    kind: str
    kind_note: str
    state: str
    status: str
    deadline: str
    packages: tuple[PackageLine, ...]
    overlap: tuple[PackageLine, ...] | None
    result: str
    addressed: bool
    may_mark: bool
    mine: frozenset[str] | None
    mine_words: str
    marks: tuple[tuple[str, str], ...]


def party_name(case: Case, party: str) -> str:
    try:
        return case.party(party).name
    except KeyError:
        return party


def names(case: Case, parties: Sequence[str]) -> str:
    """ "Ukraine and Russia", "A, B and C"."""
    words = [party_name(case, p) for p in parties]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def when(at: datetime) -> str:
    return at.strftime("%d %B %Y, %H:%M UTC")


def package_lines(case: Case, view: RoundView) -> tuple[PackageLine, ...]:
    out = []
    for k, p in enumerate(view.packages, start=1):
        options = []
        for issue_id, option_id in p.options.items():
            try:
                issue = case.issue(issue_id)
                options.append((issue.title, issue.option(option_id).label))
            except KeyError:  # the case changed since the round was opened
                options.append((issue_id, option_id))
        order = _issue_order(case)
        options.sort(key=lambda pair: order.get(pair[0], len(order)))
        source = FROM_WORDS.get(p.source, p.source)
        out.append(PackageLine(p.key, f"Package {k}", source, tuple(options)))
    return tuple(out)


def _issue_order(case: Case) -> dict[str, int]:
    return {issue.title: k for k, issue in enumerate(case.issues)}


def status_words(case: Case, v: RoundView, now: datetime) -> tuple[str, str]:
    """(state in one word, the state in a sentence)."""
    state = v.state
    if state is RoundState.REVEALED:
        at = f" on {when(v.revealed_at)}" if v.revealed_at else ""
        return "closed", f"Closed: every delegation it was addressed to answered{at}."
    if state is RoundState.EXPIRED:
        assert v.deadline is not None
        return "deadline passed", (
            f"Deadline passed on {when(v.deadline)} before every delegation answered "
            f"({len(v.answered)} of {len(v.parties)} had): nothing is revealed."
        )
    waiting = [p for p in v.parties if p not in v.answered]
    text = (
        f"Open: waiting for {len(waiting)} of {len(v.parties)} delegations"
        f" ({names(case, waiting)})."
    )
    if v.answered:
        text += f" {names(case, v.answered)} {'has' if len(v.answered) == 1 else 'have'} answered."
    return "open", text


def round_page(cv: pages.CaseView, v: RoundView, now: datetime) -> RoundPage:
    case = cv.case
    lines = package_lines(case, v)
    by_key = {p.key: p for p in lines}
    state, status = status_words(case, v, now)
    overlap = tuple(by_key[k] for k in v.overlap) if v.overlap is not None else None
    if v.state is RoundState.REVEALED:
        result = (
            "Marked acceptable by every party: " + ", ".join(p.name for p in overlap or ()) + "."
            if overlap
            else "No package was marked acceptable by every party."
        )
    elif v.state is RoundState.EXPIRED:
        result = "Nothing is revealed: the deadline passed before every party answered."
    else:
        result = "The result is shown here once every delegation has answered."
    addressed = cv.party in v.parties
    answered = cv.party in v.answered
    if not addressed:
        mine_words = ""
    elif v.mine is not None:
        picked = [by_key[k].name for k in v.mine if k in by_key]
        mine_words = (
            "Your delegation marked as acceptable: " + ", ".join(picked) + "."
            if picked
            else "Your delegation marked none of the packages as acceptable."
        )
    elif answered:
        mine_words = "Your delegation answered. A sealed round forgets the marks once it is closed."
    else:
        mine_words = "Your delegation has not answered yet."
    marks: tuple[tuple[str, str], ...] = ()
    if v.marks is not None:
        marks = tuple(
            (
                party_name(case, party),
                "not answered yet"
                if keys is None
                else (", ".join(by_key[k].name for k in keys if k in by_key) or "none"),
            )
            for party, keys in v.marks.items()
        )
    deadline = (
        f"Deadline: {when(v.deadline)}."
        if v.deadline
        else "No deadline: the round closes when every delegation has answered."
    )
    return RoundPage(
        id=v.id,
        title=v.title,
        kind=KIND_WORDS[v.visibility],
        kind_note=(VISIBILITY_NOTE if addressed else MEDIATOR_NOTE)[v.visibility],
        state=state,
        status=status,
        deadline=deadline,
        packages=lines,
        overlap=overlap,
        result=result,
        addressed=addressed,
        may_mark=addressed and v.state is RoundState.OPEN and cv.may(Action.ROUND_MARK),
        mine=frozenset(v.mine) if v.mine is not None else None,
        mine_words=mine_words,
        marks=marks,
    )


def _rows(request: Request) -> int:
    asked = request.query_params.get("rows", "")
    return min(max(int(asked), TYPED_ROWS), MAX_PACKAGES) if asked.isdigit() else TYPED_ROWS


def list_page(
    request: Request,
    services: Services,
    viewer: Actor,
    cv: pages.CaseView,
    *,
    error: OfframpError | None = None,
    values: Mapping[str, str] | None = None,
) -> Response:
    now = services.clock.now()
    rounds = [round_page(cv, v, now) for v in services.rounds.list_rounds(viewer, cv.slug)]
    filled = [int(k.split("_", 1)[0][1:]) for k in values or {} if _typed_field(k)]
    rows = max([_rows(request), *filled])
    _, last = default_dates(cv.case)
    ctx = {
        **pages.case_context(cv, "rounds"),
        "rounds": rounds,
        "issues": cv.case.table_issues(),
        "parties": [(p, party_name(cv.case, p)) for p in cv.case.negotiating_parties()],
        "dates": cv.case.dates(),
        "last": last,
        "sources": SOURCE_WORDS,
        "kinds": MEDIATOR_NOTE,
        "kind_words": KIND_WORDS,
        "rows": rows,
        "more_rows": min(rows + TYPED_ROWS, MAX_PACKAGES) if rows < MAX_PACKAGES else None,
        "values": values or {},
        "chosen": set((values or {}).get("parties", "").replace(" ", "").split(",")) - {""},
        "error": error,
        "done": DONE.get(request.query_params.get("done", "")),
    }
    return pages.render(request, "rounds.html", ctx, status=error.status if error else 200)


def _typed_field(name: str) -> bool:
    head = name.split("_", 1)[0]
    return "_" in name and head.startswith("p") and head[1:].isdigit()


@router.get("/cases/{slug}/rounds", response_class=HTMLResponse)
async def rounds(request: Request, slug: str, services: pages.ServicesDep) -> Response:
    """The rounds the viewer may read and, for the mediator, the form to open one."""
    viewer, cv = pages.open_case(request, services, slug, Action.ROUND_READ)
    return list_page(request, services, viewer, cv)


def typed_packages(form: Mapping[str, str]) -> tuple[list[dict[str, str]], list[int]]:
    """The package rows the mediator filled in (``p<row>_<issue>``), and their row numbers."""
    rows: dict[int, dict[str, str]] = {}
    for name, value in form.items():
        if _typed_field(name) and value:
            head, issue = name.split("_", 1)
            rows.setdefault(int(head[1:]), {})[issue] = value
    numbers = sorted(rows)
    return [rows[n] for n in numbers], numbers


def in_words(case: Case, exc: InputError, numbers: Sequence[int]) -> InputError:
    """The service's ``packages[k].issue`` places as "package row N, Issue"."""
    out = []
    for p in exc.problems:
        where = p.where
        if where.startswith("packages[") and "]" in where:
            k, _, rest = where.removeprefix("packages[").partition("]")
            row = numbers[int(k)] if k.isdigit() and int(k) < len(numbers) else None
            issue = rest.removeprefix(".")
            with contextlib.suppress(KeyError):
                issue = case.issue(issue).title
            if row is not None:
                where = f"package row {row}" + (f", {issue}" if issue else "")
        out.append(Problem(where, p.message))
    return InputError.of(out)


@router.post("/cases/{slug}/rounds", response_class=HTMLResponse)
async def open_round(request: Request, slug: str, services: pages.ServicesDep) -> Response:
    """Open a round: a title, where its packages come from, to whom, and its kind."""
    viewer, cv = pages.open_case(request, services, slug, Action.ROUND_READ)
    pages.require(cv, Action.ROUND_OPEN)
    values = await pages.form_values(request)
    numbers: list[int] = []
    try:
        form = await request.form()
        title = await pages.form_text(request, "title")
        source = SOURCES.get(await pages.form_text(request, "source"))
        if source is None:
            raise InputError("source", "choose where the round's packages come from")
        kind = KINDS.get(await pages.form_text(request, "kind"))
        if kind is None:
            raise InputError("kind", "choose a sealed round or one open to the mediator")
        deadline = parse_instant(
            await pages.form_text(request, "deadline", required=False), "deadline"
        )
        parties = tuple(str(p) for p in form.getlist("parties"))
        if not parties:
            raise InputError("parties", "tick the delegations the round goes to")
        packages: list[dict[str, str]] = []
        at = None
        if source is PackageSource.TYPED:
            packages, numbers = typed_packages({k: str(v) for k, v in form.items()})
            if not packages:
                raise InputError("packages", "choose the options of at least one package")
        else:
            at = parse_day(await pages.form_text(request, "at", required=False), "at")
        services.rounds.open_round(
            viewer,
            slug,
            title,
            packages=packages,
            source=source,
            at=at,
            parties=parties,
            deadline=deadline,
            open_to_mediator=kind is Visibility.OPEN_TO_MEDIATOR,
        )
    except InputError as exc:
        return list_page(
            request, services, viewer, cv, error=in_words(cv.case, exc, numbers), values=values
        )
    except FORM_ERRORS as exc:
        return list_page(request, services, viewer, cv, error=exc, values=values)
    return pages.see_other(f"/cases/{slug}/rounds?done=opened")


def show_round(
    request: Request,
    services: Services,
    viewer: Actor,
    cv: pages.CaseView,
    round_id: int,
    *,
    error: OfframpError | None = None,
) -> Response:
    v = services.rounds.get_round(viewer, cv.slug, round_id)
    page = round_page(cv, v, services.clock.now())
    ctx = {
        **pages.case_context(cv, "rounds"),
        "r": page,
        "error": error,
        "done": DONE.get(request.query_params.get("done", "")),
    }
    return pages.render(request, "rounds_round.html", ctx, status=error.status if error else 200)


@router.get("/cases/{slug}/rounds/{round_id}", response_class=HTMLResponse)
async def one_round(
    request: Request, slug: str, round_id: int, services: pages.ServicesDep
) -> Response:
    """A round: its kind, its state, its packages, the viewer's marks and the result."""
    viewer, cv = pages.open_case(request, services, slug, Action.ROUND_READ)
    return show_round(request, services, viewer, cv, round_id)


@router.post("/cases/{slug}/rounds/{round_id}/marks", response_class=HTMLResponse)
async def mark(request: Request, slug: str, round_id: int, services: pages.ServicesDep) -> Response:
    """Record the packages the viewer's party could accept (the ticked ones)."""
    viewer, cv = pages.open_case(request, services, slug, Action.ROUND_READ)
    form = await request.form()
    accepted = [str(k) for k in form.getlist("accepted")]
    try:
        services.rounds.mark(viewer, slug, round_id, accepted)
    except FORM_ERRORS as exc:
        return show_round(request, services, viewer, cv, round_id, error=exc)
    return pages.see_other(f"/cases/{slug}/rounds/{round_id}?done=marked")
