"""The evidence intake page: paste or upload an article, see proposed statements, add one.

``GET /cases/{slug}/intake`` is the form, with the statements recorded through intake
that wait for confirmation; ``POST`` there shows what the extractor proposes (nothing is
stored); ``POST /cases/{slug}/intake/statements`` records one proposal as an
**unconfirmed** statement. Positions change only when a statement is confirmed, a
separate step by whoever may confirm (``statement.confirm``, the mediator):
``POST /cases/{slug}/statements/{key}/confirm``. ``POST /cases/{slug}/intake/discards``
records a proposal a person discarded (as the desk proposed it, with their reason), for
retraining (``web/intake_reader.py``: the reader's page) and for the list of discards.
Everything goes through ``offramp.services.intake`` (``statement.create``) and the web
desk's one error handler (:class:`offramp.web.pages.WebRoute`: NotFound pages, CSRF on
every POST).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.bootstrap import Services
from offramp.errors import Conflict, InputError, OfframpError
from offramp.extract import ProposedStatement
from offramp.model.access import Action
from offramp.model.statements import Stance
from offramp.services.access import Actor
from offramp.services.intake import MAX_REASON, MAX_TEXT, Discard, NewSource, corrects
from offramp.web.intake_reader import router as reader_router
from offramp.web.pages import (
    ServicesDep,
    WebRoute,
    case_context,
    open_case,
    render,
    require,
    see_other,
)
from offramp.web.words import issue_title, party_name

STATEMENT_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,79}$")
DISCARDS_SHOWN = 50


def highlight(sentence: str, quote: str) -> list[tuple[str, bool]]:
    """``sentence`` in pieces, each quoted piece of ``quote`` marked (True)."""
    out: list[tuple[str, bool]] = []
    rest = sentence
    for piece in [p for p in quote.split(" … ") if p]:
        at = rest.find(piece)
        if at < 0:
            continue
        if at:
            out.append((rest[:at], False))
        out.append((piece, True))
        rest = rest[at + len(piece) :]
    if rest:
        out.append((rest, False))
    return out


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _day(value: str, field: str, *, required: bool = True) -> date | None:
    if not value:
        if required:
            raise InputError(field, f"{field.replace('_', ' ')} is required (YYYY-MM-DD)")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(field, f"{value!r} is not a date like 2022-03-11") from None


MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATELINE = re.compile(
    rf"\b(?:\d{{4}}-\d{{2}}-\d{{2}}|(?:{MONTHS})\s+\d{{1,2}},\s+\d{{4}}"
    rf"|\d{{1,2}}\s+(?:{MONTHS})\s+\d{{4}})\b"
)


def dateline_date(text: str) -> date:
    """The first full date in the article's first lines (its dateline), as the CLI reads
    it when no date is given; InputError naming the field when there is none."""
    found = DATELINE.search(text[:600])
    if found:
        raw = found.group(0)
        for fmt in ("%Y-%m-%d", "%B %d, %Y", "%d %B %Y"):
            try:
                return datetime.strptime(raw, fmt).replace(tzinfo=UTC).date()
            except ValueError:
                continue
    raise InputError(
        "article_date",
        "article date is required when the text has no dateline in its first lines (YYYY-MM-DD)",
    )


async def _text(form: FormData) -> str:
    """The pasted text, else the uploaded .txt file's (UTF-8), capped at MAX_TEXT."""
    pasted = form.get("text")
    text = pasted if isinstance(pasted, str) else ""
    upload = form.get("file")
    if not text.strip() and isinstance(upload, UploadFile) and upload.filename:
        raw = await upload.read(MAX_TEXT * 4 + 1)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("file", "the file is not UTF-8 text; upload a .txt file") from None
    if len(text) > MAX_TEXT:
        raise InputError("text", f"the text is longer than {MAX_TEXT:,} characters; shorten it")
    if not text.strip():
        raise InputError("text", "paste the article or statement, or upload a .txt file")
    return text


router = APIRouter(route_class=WebRoute, include_in_schema=False)
SOURCE_FIELDS = ("article_date", "source_id", "publication", "title", "url")
STATEMENT_FIELDS = (
    "speaker",
    "party",
    "issue",
    "stance",
    "option",
    "quote",
    "date",
    "date_basis",
    "rule",
    "source_id",
    "publication",
    "title",
    "url",
    "source_date",
)


def writer(request: Request, services: Services, slug: str) -> Actor:
    """The actor of a form, refused (403) before its fields are read unless allowed."""
    viewer, cv = open_case(request, services, slug)
    require(cv, Action.STATEMENT_CREATE)
    return viewer


def intake_page(
    request: Request,
    services: Services,
    slug: str,
    *,
    values: dict[str, str] | None = None,
    proposals: list[ProposedStatement] | None = None,
    error: OfframpError | None = None,
    done: str | None = None,
    dateline: str = "",
) -> Response:
    viewer, cv = open_case(request, services, slug, Action.STATEMENT_CREATE)
    discarded = services.intake.discards(viewer, slug)
    ctx = {
        "waiting": services.intake.waiting(viewer, slug),
        "discarded": discarded[:DISCARDS_SHOWN],
        "discarded_total": len(discarded),
        "max_reason": MAX_REASON,
        "cv": cv,
        "active": "intake",
        "Action": Action,
        "values": values or {},
        "proposals": proposals,
        "error": error,
        "done": done,
        "highlight": highlight,
        "max_text": MAX_TEXT,
        "words": case_context(cv, "intake")["words"],
        "party_names": {p.id: p.name for p in cv.case.parties},
        "people_names": {p.id: p.name for p in cv.case.people},
        "source_names": {
            s.id: f"{s.publication}, {s.title}" if s.title else s.publication
            for s in cv.case.sources
        },
        "stances": [s.value for s in Stance],
        "dateline": dateline,
    }
    return render(request, "intake.html", ctx, status=error.status if error else 200)


def _named(services: Services, request: Request, slug: str, key: str) -> str:
    """A statement as the page names it: "Russia's statement on Crimea of 20 Mar 2022"
    (the case's names, not the statement's id), or "The statement" when it is gone."""
    viewer, cv = open_case(request, services, slug)
    rows = services.cases.list_statements(viewer, slug)
    found = next((r.statement for r in rows if r.statement.id == key), None)
    if found is None:
        return "The statement"
    case = cv.case
    whose = f"{party_name(case, found.party)}'s statement" if found.party else "The assessment"
    on = f" on {issue_title(case, found.issue)}" if found.issue else ""
    return f"{whose}{on} of {found.date:%d %b %Y}"


@router.get("/cases/{slug}/intake", response_class=HTMLResponse)
async def form(request: Request, slug: str, services: ServicesDep) -> Response:
    added = request.query_params.get("added", "")
    done = None
    confirmed = request.query_params.get("confirmed", "")
    if STATEMENT_ID.match(added):
        done = (
            f"{_named(services, request, slug, added)} recorded, unconfirmed. No position "
            "has changed: a position changes only when someone confirms the statement."
        )
        if request.query_params.get("corrected") == "1":
            done += (
                " You changed whose position it is or its issue, so the desk's proposal "
                "is recorded as discarded: retraining the reader learns from the correction."
            )
    elif STATEMENT_ID.match(confirmed):
        named = _named(services, request, slug, confirmed)
        done = f"{named} confirmed; the position it states is now recorded."
    elif request.query_params.get("discarded") == "1":
        done = (
            "Proposal discarded and recorded as discarded; retraining the reader learns "
            "from it. Nothing else was stored."
        )
    return intake_page(request, services, slug, done=done)


DISCARD_FIELDS = (
    *("p_party", "p_issue", "p_stance", "p_option", "p_speaker", "p_quote"),
    *("sentence", "source_date", "date", "rule", "reason"),
)


def _proposed(data: FormData) -> Discard:
    """The proposal as the desk made it (the form's ``p_`` fields) and the person's reason."""
    f = {k: _field(data, k) for k in DISCARD_FIELDS}
    return Discard(
        party=f["p_party"] or None,
        issue=f["p_issue"] or None,
        stance=f["p_stance"],
        speaker=f["p_speaker"],
        quote=f["p_quote"],
        sentence=f["sentence"],
        article_date=f["source_date"] or f["date"],
        option=f["p_option"] or None,
        rule=f["rule"],
        reason=f["reason"],
    )


@router.post("/cases/{slug}/intake/discards", response_class=HTMLResponse)
async def discard(request: Request, slug: str, services: ServicesDep) -> Response:
    """Record that a proposal was discarded, as the desk proposed it (the ``p_`` fields)."""
    viewer = writer(request, services, slug)
    proposal = _proposed(await request.form())
    try:
        await run_in_threadpool(services.intake.discard, viewer, slug, proposal)
    except InputError as exc:
        return intake_page(request, services, slug, error=exc)
    return see_other(f"/cases/{slug}/intake?discarded=1")


@router.post("/cases/{slug}/statements/{key}/confirm", response_class=HTMLResponse)
async def confirm(request: Request, slug: str, key: str, services: ServicesDep) -> Response:
    viewer, cv = open_case(request, services, slug)
    require(cv, Action.STATEMENT_CONFIRM)
    try:
        await run_in_threadpool(services.cases.confirm_statement, viewer, slug, key)
    except (InputError, Conflict) as exc:
        return intake_page(request, services, slug, error=exc)
    return see_other(f"/cases/{slug}/intake?confirmed={key}")


@router.post("/cases/{slug}/intake", response_class=HTMLResponse)
async def propose(request: Request, slug: str, services: ServicesDep) -> Response:
    viewer = writer(request, services, slug)
    data = await request.form()
    values = {k: _field(data, k) for k in SOURCE_FIELDS}
    values["text"] = str(data.get("text") or "")[:MAX_TEXT]
    try:
        text = await _text(data)
        day = _day(values["article_date"], "article_date", required=False)
        read = ""
        if day is None:
            day = dateline_date(text)
            read = day.isoformat()
        proposals = await run_in_threadpool(services.intake.propose, viewer, slug, text, day)
    except InputError as exc:
        return intake_page(request, services, slug, values=values, error=exc)
    return intake_page(request, services, slug, values=values, proposals=proposals, dateline=read)


@router.post("/cases/{slug}/intake/statements", response_class=HTMLResponse)
async def accept(request: Request, slug: str, services: ServicesDep) -> Response:
    """Record one proposal as an unconfirmed statement (with a new source if none given)."""
    viewer = writer(request, services, slug)
    data = await request.form()
    f = {k: _field(data, k) for k in STATEMENT_FIELDS}
    try:
        day = _day(f["date"], "date")
        assert day is not None
        source = None
        if not f["source_id"]:
            source = NewSource(
                f["publication"],
                f["title"],
                date=_day(f["source_date"], "source_date", required=False),
                url=f["url"],
            )
        proposed = _proposed(data) if _field(data, "p_stance") else None
        key = services.intake.accept(
            viewer,
            slug,
            speaker=f["speaker"],
            party=f["party"] or None,
            issue=f["issue"] or None,
            stance=f["stance"] or None,
            quote=f["quote"],
            date=day,
            option=f["option"] or None,
            date_basis=f["date_basis"],
            rule=f["rule"],
            source_id=f["source_id"] or None,
            source=source,
            proposed=proposed,
        )
    except (InputError, Conflict) as exc:  # the reviewed proposal again, as it was sent
        values = {
            "source_id": f["source_id"],
            "publication": f["publication"],
            "title": f["title"],
            "url": f["url"],
            "article_date": f["source_date"],
        }
        return intake_page(request, services, slug, values=values, proposals=again(f), error=exc)
    fixed = corrects(proposed, f["party"] or None, f["issue"] or None)
    return see_other(f"/cases/{slug}/intake?added={key}" + ("&corrected=1" if fixed else ""))


def again(f: dict[str, str]) -> list[ProposedStatement]:
    """The proposal a refused "Add as statement" sent, to review it once more."""
    try:
        day = date.fromisoformat(f["date"])
        stance = Stance(f["stance"])
    except ValueError:
        return []
    return [
        ProposedStatement(
            speaker=f["speaker"],
            party=f["party"],
            issue=f["issue"] or None,
            stance=stance,
            quote=f["quote"],
            sentence=f["quote"],
            date=day,
            rule=f["rule"],
            option=f["option"] or None,
            date_basis=f["date_basis"],
        )
    ]


router.include_router(reader_router)
