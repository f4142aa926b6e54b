"""The web desk's routes: server-rendered pages over the same services as the API.

``mount_web(app, services)`` adds the pages and ``/static`` to the FastAPI app. Every
route runs through :class:`WebRoute`, the web surface's one error handler: an
``OfframpError`` becomes a page with its message (``NotFound`` the same plain 404
page whatever was missing or hidden), ``Unauthenticated`` a redirect to sign-in, and
every POST is refused unless its CSRF token matches.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from offramp.errors import Conflict, Forbidden, InputError, NotFound, OfframpError, Unauthenticated
from offramp.model.access import Action, DeskRole
from offramp.model.concessions import Direction, ledger_balance
from offramp.model.shuttle import (
    PLENARY,
    ClaimState,
    HandlingMark,
    ProposalStatus,
    RelayLabel,
    RelayMode,
)
from offramp.model.shuttle import (
    Response as Answer,
)
from offramp.web import security
from offramp.web.dealspace import deal_space_view
from offramp.web.desk import CaseView, Desk, Viewer
from offramp.web.overview import build_overview, default_dates, parse_day

log = logging.getLogger("offramp.web")
HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
MESSAGES_PER_COLUMN = 40

DONE = {
    "posted": "Message posted.",
    "relayed": "Message relayed.",
    "claim-stated": "Claim recorded; it waits in the verification queue.",
    "requested": "Assurance requested from the party.",
    "assured": "You confirmed the assurance; the mediator may now relay it as affirmed.",
    "denied": "You denied the claim; it will not be relayed.",
    "claim-relayed": "Claim relayed.",
    "acknowledged": "Acknowledged.",
    "tabled": "Package tabled.",
    "accepted": "You accepted the package.",
    "rejected": "You rejected the package.",
    "withdrawn": "Package withdrawn; the parties can no longer answer it.",
    "recorded": "Concession recorded in the ledger.",
    "signed-out": "You are signed out.",
}
CSRF_MESSAGE = (
    "This form has expired or did not come from this desk. Reload the page and try again."
)


class WebRoute(APIRoute):
    """A route whose errors become pages: one handler for the whole web surface."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        inner = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                if request.method == "POST":
                    form = await request.form()
                    token = form.get(security.CSRF_FIELD)
                    if not security.csrf_ok(request, token if isinstance(token, str) else None):
                        raise Forbidden("submit_form", CSRF_MESSAGE)
                response = await inner(request)
            except Unauthenticated:
                if request.method == "GET":
                    target = quote(
                        request.url.path + (f"?{request.url.query}" if request.url.query else "")
                    )
                    response = RedirectResponse(f"/sign-in?next={target}", status_code=303)
                else:  # a form sent without a live session: sign in, then fill it again
                    response = RedirectResponse("/sign-in", status_code=303)
            except OfframpError as exc:
                response = error_page(request, exc)
            except Exception:
                log.exception("web page failed: %s %s", request.method, request.url.path)
                response = error_page(
                    request, OfframpError("Something went wrong on the desk; it has been logged.")
                )
            security.remember_csrf(request, response)
            response.headers.setdefault("Cache-Control", "no-store")
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            response.headers.setdefault("Referrer-Policy", "same-origin")
            response.headers.setdefault("X-Frame-Options", "DENY")
            return response

        return handler


def error_page(request: Request, exc: OfframpError) -> HTMLResponse:
    """The page for an error; a NotFound never says what was missing or hidden."""
    if isinstance(exc, NotFound):
        return render(request, "not_found.html", {}, status=404)
    return render(
        request,
        "error.html",
        {"title": exc.title, "problems": exc.problems},
        status=exc.status,
    )


def render(
    request: Request, template: str, context: Mapping[str, Any], *, status: int = 200
) -> HTMLResponse:
    base = {
        "request": request,
        "csrf": security.csrf_token(request),
        "csrf_field": security.CSRF_FIELD,
        "viewer": getattr(request.state, "viewer", None),
        "done": DONE.get(request.query_params.get("done", "")),
    }
    return templates.TemplateResponse(request, template, {**base, **context}, status_code=status)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def day_end(d: date) -> datetime:
    return datetime.combine(d, time(23, 59, 59), tzinfo=UTC)


async def form_text(request: Request, name: str, *, required: bool = True) -> str:
    """A form field as stripped text; InputError naming the field when it is missing."""
    form = await request.form()
    value = form.get(name)
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise InputError(name, f"{name.replace('_', ' ')} is required")
    return text


def signed_in(request: Request, desk: Desk) -> Viewer:
    """The signed-in viewer of ``request``, kept on ``request.state``; a 303 to the
    sign-in page when there is none."""
    token = request.cookies.get(security.SESSION_COOKIE)
    viewer = desk.viewer(token) if token else None
    if viewer is None:
        raise Unauthenticated("Sign in to use the desk.")
    request.state.viewer = viewer
    return viewer


def build_router(desk: Desk) -> APIRouter:
    """All pages of the web desk, bound to ``desk``."""
    router = APIRouter(route_class=WebRoute, include_in_schema=False)

    def current(request: Request) -> Viewer:
        return signed_in(request, desk)

    def nav(cv: CaseView, active: str) -> dict[str, Any]:
        def words(issue_id: str, option_id: str) -> tuple[str, str]:
            try:
                issue = cv.case.issue(issue_id)
                return issue.title, issue.option(option_id).label
            except KeyError:
                return issue_id, option_id

        return {"cv": cv, "active": active, "Action": Action, "DeskRole": DeskRole, "words": words}

    # -- sign-in ---------------------------------------------------------------------
    @router.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> Response:
        return see_other("/cases")

    @router.get("/sign-in", response_class=HTMLResponse)
    async def sign_in_form(request: Request) -> Response:
        return render(
            request,
            "sign_in.html",
            {"next": security.safe_next(request.query_params.get("next")), "name": ""},
        )

    @router.post("/sign-in", response_class=HTMLResponse)
    async def sign_in(request: Request) -> Response:
        form = await request.form()
        name = str(form.get("name") or "").strip()
        password = str(form.get("password") or "")
        target = security.safe_next(str(form.get("next") or ""))
        try:
            if not name or not password:
                raise Unauthenticated("Enter your user name and your password.")
            token = desk.sign_in(name, password)
        except Unauthenticated as exc:
            ctx = {"next": target, "name": name, "signin_error": exc.message}
            return render(request, "sign_in.html", ctx, status=401)
        response = see_other(target)
        security.set_session(request, response, token)
        return response

    @router.post("/sign-out", response_class=HTMLResponse)
    async def sign_out(request: Request) -> Response:
        token = request.cookies.get(security.SESSION_COOKIE)
        if token:
            desk.sign_out(token)
        response = see_other("/sign-in?done=signed-out")
        security.clear_session(request, response)
        return response

    # -- cases -----------------------------------------------------------------------
    @router.get("/cases", response_class=HTMLResponse)
    async def cases(request: Request) -> Response:
        viewer = current(request)
        return render(request, "cases.html", {"cases": desk.my_cases(viewer)})

    @router.get("/cases/{slug}", response_class=HTMLResponse)
    async def overview(request: Request, slug: str) -> Response:
        viewer = current(request)
        cv = desk.access_case(viewer, slug)
        first, last = default_dates(cv.case)
        at = parse_day(request.query_params.get("at"), last, "at")
        dates = cv.case.dates()
        ix = request.query_params.get("i")
        if ix is not None and ix.isdigit() and dates:
            at = dates[min(int(ix), len(dates) - 1)]
        since = parse_day(request.query_params.get("since"), first, "since")
        show_positions = cv.may(Action.POSITION_READ)
        ov = build_overview(cv.case, at, since)
        return render(
            request,
            "overview.html",
            {
                **nav(cv, "overview"),
                "ov": ov,
                "show_positions": show_positions,
                "at_index": _index_of(dates, ov.at),
            },
        )

    @router.get("/cases/{slug}/deal-space", response_class=HTMLResponse)
    async def deal_space(request: Request, slug: str) -> Response:
        viewer = current(request)
        cv = desk.access_case(viewer, slug)
        _, last = default_dates(cv.case)
        at = parse_day(request.query_params.get("at"), last, "at")
        if not cv.may(Action.ANALYSIS_READ):
            raise NotFound("No such page.")
        report = desk.analysis(viewer, slug, day_end(at))
        view = deal_space_view(cv.case, report)
        return render(
            request,
            "deal_space.html",
            {**nav(cv, "deal-space"), "at": at, "dates": cv.case.dates(), "view": view},
        )

    # -- shuttle ---------------------------------------------------------------------
    async def shuttle_page(
        request: Request,
        viewer: Viewer,
        slug: str,
        only: str | None = None,
        *,
        error: OfframpError | None = None,
    ) -> HTMLResponse:
        cv = desk.access_case(viewer, slug)
        if not cv.may(Action.CHANNEL_READ):
            raise NotFound("No such page.")
        before = request.query_params.get("before")
        columns = desk.channel_pages(
            viewer,
            slug,
            only=only,
            limit=MESSAGES_PER_COLUMN,
            before=int(before) if before and before.isdigit() else None,
        )
        claims = list(desk.claims(viewer, slug)) if cv.may(Action.CLAIM_READ) else []
        proposals = list(desk.proposals(viewer, slug)) if cv.may(Action.PROPOSAL_READ) else []
        all_keys = [*cv.case.negotiating_parties(), PLENARY]
        ctx = {
            **nav(cv, "shuttle"),
            "columns": columns,
            "only": only,
            "claims": claims,
            "proposals": proposals,
            "marks": list(HandlingMark),
            "modes": list(RelayMode),
            "labels": list(RelayLabel),
            "ClaimState": ClaimState,
            "Answer": Answer,
            "ProposalStatus": ProposalStatus,
            "relay_targets": all_keys,
            "parties": cv.case.negotiating_parties(),
            "issues": cv.case.table_issues(),
            "error": error,
            "PLENARY": PLENARY,
        }
        status = error.status if error is not None else 200
        return render(request, "shuttle.html", ctx, status=status)

    @router.get("/cases/{slug}/shuttle", response_class=HTMLResponse)
    async def shuttle(request: Request, slug: str) -> Response:
        return await shuttle_page(request, current(request), slug)

    @router.get("/cases/{slug}/shuttle/{key}", response_class=HTMLResponse)
    async def channel(request: Request, slug: str, key: str) -> Response:
        return await shuttle_page(request, current(request), slug, key)

    async def act(
        request: Request,
        slug: str,
        do: Callable[[Viewer], Awaitable[object]],
        done: str,
    ) -> Response:
        """Run a shuttle action; on a refused one, re-render the shuttle with the message."""
        viewer = current(request)
        back = await form_text(request, "back", required=False)
        only = back if back and back in {c.key for c in desk.channels(viewer, slug)} else None
        try:
            await do(viewer)
        except (Conflict, InputError, Forbidden) as exc:
            return await shuttle_page(request, viewer, slug, only, error=exc)
        url = f"/cases/{slug}/shuttle" + (f"/{only}" if only else "")
        return see_other(f"{url}?done={done}")

    @router.post("/cases/{slug}/shuttle/{key}/messages", response_class=HTMLResponse)
    async def post_message(request: Request, slug: str, key: str) -> Response:
        async def do(viewer: Viewer) -> object:
            body = await form_text(request, "body")
            mark = _enum(HandlingMark, await form_text(request, "mark"), "mark")
            return desk.post_message(viewer, slug, key, body, mark)

        return await act(request, slug, do, "posted")

    @router.post("/cases/{slug}/messages/{message_id}/relay", response_class=HTMLResponse)
    async def relay(request: Request, slug: str, message_id: int) -> Response:
        async def do(viewer: Viewer) -> object:
            to = await form_text(request, "to")
            mode = _enum(RelayMode, await form_text(request, "mode"), "mode")
            para = await form_text(request, "paraphrase", required=False)
            return desk.relay(viewer, slug, message_id, to, mode, para or None)

        return await act(request, slug, do, "relayed")

    @router.post("/cases/{slug}/claims", response_class=HTMLResponse)
    async def state_claim(request: Request, slug: str) -> Response:
        async def do(viewer: Viewer) -> object:
            party = await form_text(request, "party")
            text = await form_text(request, "text")
            return desk.state_claim(viewer, slug, party, text)

        return await act(request, slug, do, "claim-stated")

    @router.post("/cases/{slug}/claims/{claim_id}/{step}", response_class=HTMLResponse)
    async def claim_step(request: Request, slug: str, claim_id: int, step: str) -> Response:
        async def do(viewer: Viewer) -> object:
            if step == "request":
                return desk.request_assurance(viewer, slug, claim_id)
            if step in ("assure", "deny"):
                return desk.answer_assurance(viewer, slug, claim_id, step == "assure")
            if step == "relay":
                to = await form_text(request, "to")
                label = _enum(RelayLabel, await form_text(request, "label"), "label")
                return desk.relay_claim(viewer, slug, claim_id, to, label)
            if step == "acknowledge":
                return desk.acknowledge_claim(viewer, slug, claim_id)
            raise NotFound("No such action.")

        done = {
            "request": "requested",
            "assure": "assured",
            "deny": "denied",
            "relay": "claim-relayed",
            "acknowledge": "acknowledged",
        }.get(step, "")
        return await act(request, slug, do, done)

    @router.post("/cases/{slug}/proposals", response_class=HTMLResponse)
    async def table_proposal(request: Request, slug: str) -> Response:
        async def do(viewer: Viewer) -> object:
            form = await request.form()
            title = await form_text(request, "title")
            package = {
                k.removeprefix("opt_"): str(v)
                for k, v in form.multi_items()
                if k.startswith("opt_") and str(v)
            }
            parties = [str(v) for v in form.getlist("parties")]
            return desk.table_proposal(viewer, slug, title, package, parties)

        return await act(request, slug, do, "tabled")

    @router.post("/cases/{slug}/proposals/{proposal_id}/respond", response_class=HTMLResponse)
    async def respond(request: Request, slug: str, proposal_id: int) -> Response:
        answer = ""

        async def do(viewer: Viewer) -> object:
            nonlocal answer
            answer = await form_text(request, "answer")
            if answer not in ("accept", "reject"):
                raise InputError("answer", "answer with accept or reject")
            note = await form_text(request, "note", required=False)
            return desk.respond_proposal(viewer, slug, proposal_id, answer == "accept", note)

        response = await act(request, slug, do, "")
        if isinstance(response, RedirectResponse):
            loc = response.headers["location"] + ("accepted" if answer == "accept" else "rejected")
            response = see_other(loc)
        return response

    @router.post("/cases/{slug}/proposals/{proposal_id}/withdraw", response_class=HTMLResponse)
    async def withdraw(request: Request, slug: str, proposal_id: int) -> Response:
        async def do(viewer: Viewer) -> object:
            return desk.withdraw_proposal(viewer, slug, proposal_id)

        return await act(request, slug, do, "withdrawn")

    # -- ledger and audit --------------------------------------------------------------
    def ledger_page(
        request: Request,
        viewer: Viewer,
        slug: str,
        *,
        error: OfframpError | None = None,
        values: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        cv = desk.access_case(viewer, slug)
        if not cv.may(Action.LEDGER_READ):
            raise NotFound("No such page.")
        entries = list(desk.ledger(viewer, slug))
        return render(
            request,
            "ledger.html",
            {
                **nav(cv, "ledger"),
                "entries": entries,
                "balance": ledger_balance(entries),
                "parties": cv.case.negotiating_parties(),
                "issues": cv.case.issues,
                "directions": list(Direction),
                "error": error,
                "values": values or {},
            },
            status=error.status if error is not None else 200,
        )

    @router.get("/cases/{slug}/ledger", response_class=HTMLResponse)
    async def ledger(request: Request, slug: str) -> Response:
        return ledger_page(request, current(request), slug)

    @router.post("/cases/{slug}/ledger", response_class=HTMLResponse)
    async def record_concession(request: Request, slug: str) -> Response:
        """Record a concession by hand; a refused one re-renders the ledger with the
        message and the values given. Who may not read the ledger gets its 404 first."""
        viewer = current(request)
        cv = desk.access_case(viewer, slug)
        if not cv.may(Action.LEDGER_READ):
            raise NotFound("No such page.")
        form = await request.form()
        values = {k: str(v) for k, v in form.items() if k != security.CSRF_FIELD}
        try:
            if not cv.may(Action.LEDGER_WRITE):
                action = Action.LEDGER_WRITE.value
                raise Forbidden(action, f"You may not {action} in case {slug}.")
            party = await form_text(request, "party")
            issue = await form_text(request, "issue")
            direction = _enum(Direction, await form_text(request, "direction"), "direction")
            from_option = await form_text(request, "from_option", required=False)
            to_option = await form_text(request, "to_option", required=False)
            note = await form_text(request, "note", required=False)
            desk.record_concession(
                viewer, slug, party, issue, direction, from_option or None, to_option or None, note
            )
        except (Conflict, InputError, Forbidden) as exc:
            return ledger_page(request, viewer, slug, error=exc, values=values)
        return see_other(f"/cases/{slug}/ledger?done=recorded")

    @router.get("/cases/{slug}/audit", response_class=HTMLResponse)
    async def audit(request: Request, slug: str) -> Response:
        viewer = current(request)
        cv = desk.access_case(viewer, slug)
        if not cv.may(Action.AUDIT_READ):
            raise NotFound("No such page.")
        return render(
            request,
            "audit.html",
            {
                **nav(cv, "audit"),
                "audit": desk.audit(
                    viewer, slug, limit=200, verify=request.query_params.get("verify") == "now"
                ),
            },
        )

    return router


def _index_of(dates: tuple[date, ...], at: date) -> int:
    best = 0
    for k, d in enumerate(dates):
        if d <= at:
            best = k
    return best


def _enum(kind: Any, value: str, field: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(v) for v in kind)
        raise InputError(field, f"{value!r} is not one of {allowed}") from None


def mount_web(app: FastAPI, services: Any) -> None:
    """Add the web desk's pages and static files to ``app``, over ``services``.

    ``services`` is the desk server's services object (adapted by
    :class:`offramp.web.adapter.ServicesDesk`) or anything implementing
    :class:`offramp.web.desk.Desk`.
    """
    from offramp.web.adapter import as_desk
    from offramp.web.fallback import install_not_found

    desk = as_desk(services)
    app.state.web_desk = desk
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="web-static")
    app.include_router(build_router(desk))
    install_not_found(app, desk)
    from offramp.web.crisis import mount_crisis
    from offramp.web.forecast import mount_forecast
    from offramp.web.intake import mount_intake

    mount_crisis(app, services)
    mount_intake(app, services)
    mount_forecast(app, services)
