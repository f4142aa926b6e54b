"""The evidence intake page: paste or upload an article, see proposed statements, add one.

``GET /cases/{slug}/intake`` is the form, with the statements recorded through intake
that wait for confirmation; ``POST`` there shows what the extractor proposes (nothing is
stored); ``POST /cases/{slug}/intake/statements`` records one proposal as an
**unconfirmed** statement. Positions change only when a statement is confirmed, a
separate step by whoever may confirm (``statement.confirm``, the mediator):
``POST /cases/{slug}/statements/{key}/confirm``. Everything goes through ``offramp.services.intake``
(``statement.create``) and the web desk's one error handler
(:class:`offramp.web.routes.WebRoute`: NotFound pages, CSRF on every POST).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi import APIRouter, FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.errors import (
    Conflict,
    Forbidden,
    InputError,
    NotFound,
    OfframpError,
)
from offramp.model.access import Action
from offramp.services.access import Actor
from offramp.services.intake import MAX_TEXT, NewSource

STATEMENT_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,79}$")


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


def build_intake_router(services: Any, web_desk: Any) -> APIRouter:
    """The intake pages over ``services.intake``, signed in through ``web_desk``."""
    from offramp.web.adapter import actor_of as viewer_actor
    from offramp.web.routes import WebRoute, render, see_other, signed_in

    router = APIRouter(route_class=WebRoute, include_in_schema=False)
    intake = services.intake

    def actor_of(request: Request) -> Actor:
        return viewer_actor(signed_in(request, web_desk))

    def writer(request: Request, slug: str) -> Actor:
        """The actor of a form, refused (403) before its fields are read unless allowed."""
        actor = actor_of(request)
        cv = web_desk.access_case(request.state.viewer, slug)
        if not cv.may(Action.STATEMENT_CREATE):
            action = Action.STATEMENT_CREATE.value
            raise Forbidden(action, f"You may not {action} in case {slug}.")
        return actor

    def page(
        request: Request,
        slug: str,
        *,
        values: dict[str, str] | None = None,
        proposals: list[Any] | None = None,
        error: OfframpError | None = None,
        done: str | None = None,
    ) -> HTMLResponse:
        cv = web_desk.access_case(request.state.viewer, slug)
        if not cv.may(Action.STATEMENT_CREATE):
            raise NotFound("No such page.")
        ctx = {
            "waiting": intake.waiting(viewer_actor(request.state.viewer), slug),
            "cv": cv,
            "active": "intake",
            "Action": Action,
            "values": values or {},
            "proposals": proposals,
            "error": error,
            "done": done,
            "highlight": highlight,
            "max_text": MAX_TEXT,
        }
        return render(request, "intake.html", ctx, status=error.status if error else 200)

    @router.get("/cases/{slug}/intake", response_class=HTMLResponse)
    async def form(request: Request, slug: str) -> Response:
        actor_of(request)
        added = request.query_params.get("added", "")
        done = None
        confirmed = request.query_params.get("confirmed", "")
        if STATEMENT_ID.match(added):
            done = (
                f"Statement {added} recorded, unconfirmed. No position has changed: "
                "a position changes only when someone confirms the statement."
            )
        elif STATEMENT_ID.match(confirmed):
            done = f"Statement {confirmed} confirmed; the position it states is now recorded."
        return page(request, slug, done=done)

    @router.post("/cases/{slug}/statements/{key}/confirm", response_class=HTMLResponse)
    async def confirm(request: Request, slug: str, key: str) -> Response:
        actor = actor_of(request)
        cv = web_desk.access_case(request.state.viewer, slug)
        if not cv.may(Action.STATEMENT_CONFIRM):
            action = Action.STATEMENT_CONFIRM.value
            raise Forbidden(action, f"You may not {action} in case {slug}.")
        try:
            await run_in_threadpool(services.cases.confirm_statement, actor, slug, key)
        except (InputError, Conflict) as exc:
            return page(request, slug, error=exc)
        return see_other(f"/cases/{slug}/intake?confirmed={key}")

    @router.post("/cases/{slug}/intake", response_class=HTMLResponse)
    async def propose(request: Request, slug: str) -> Response:
        actor = writer(request, slug)
        data = await request.form()
        values = {
            k: _field(data, k) for k in ("article_date", "source_id", "publication", "title", "url")
        }
        values["text"] = str(data.get("text") or "")[:MAX_TEXT]
        try:
            text = await _text(data)
            day = _day(values["article_date"], "article_date")
            assert day is not None
            proposals = await run_in_threadpool(intake.propose, actor, slug, text, day)
        except InputError as exc:
            return page(request, slug, values=values, error=exc)
        return page(request, slug, values=values, proposals=proposals)

    @router.post("/cases/{slug}/intake/statements", response_class=HTMLResponse)
    async def accept(request: Request, slug: str) -> Response:
        actor = writer(request, slug)
        data = await request.form()
        f = {
            k: _field(data, k)
            for k in (
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
        }
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
            key = intake.accept(
                actor,
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
            )
        except (InputError, Conflict) as exc:
            return page(request, slug, error=exc)
        return see_other(f"/cases/{slug}/intake?added={key}")

    return router


def mount_intake(app: FastAPI, services: Any) -> None:
    """Add the intake page to ``app`` (after :func:`offramp.web.routes.mount_web`)."""
    if getattr(services, "intake", None) is None:
        return
    app.include_router(build_intake_router(services, app.state.web_desk))
