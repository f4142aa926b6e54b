"""The crisis desk's pages: the board (incidents, their steps due, overdue by how long or
done by whom, and outcomes; an alert banner), channels per dyad with their last use,
commitments, notifications with their acknowledgement status, and each dyad's
escalation timeline as a server-rendered SVG chart.

Every page and form goes through ``offramp.services.crisis.CrisisService`` (the access
policy, the audit log and the injected clock live there) and through the web desk's
one error handler, :class:`offramp.web.routes.WebRoute` (NotFound pages, CSRF on every
POST). ``?at=`` replays the board at an instant.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from html import escape
from typing import Any

from fastapi import APIRouter, FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.errors import Conflict, Forbidden, InputError, NotFound, OfframpError
from offramp.model.access import Action
from offramp.model.crisis import (
    KAHN_1965_CONDENSED,
    CommitmentKind,
    EscalationAlert,
    EscalationScore,
    IncidentType,
    NotificationKind,
    ScoreKind,
    dyad,
)
from offramp.model.deadlines import format_duration
from offramp.services.access import Actor
from offramp.services.crisis import ArrivalIn
from offramp.web import security

DONE = {
    "step-done": "Step recorded as done.",
    "step-waived": "Step waived.",
    "closed": "Incident closed with its outcome.",
    "started": "Playbook started: its steps are on the board with their deadlines.",
    "swept": "Overdue acknowledgements checked.",
    "acknowledged": "Acknowledgement recorded.",
    "logged": "Incident logged.",
    "arrived": "Arrival recorded.",
    "declared": "Commitment declared.",
    "sent": "Notification sent; its acknowledgement deadline is running.",
    "scored": "Score recorded.",
    "promoted": "The assurance is now a candidate issue of the case.",
}
KEY = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,79}$")
# what a refused form re-renders: the page its form is on
FORM_ERRORS = (InputError, Conflict, Forbidden)
RECENT = timedelta(days=7)

# the timeline chart
WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 150, 20, 16, 44


def parse_instant(value: str | None, field: str = "at") -> datetime | None:
    """An ISO instant with its offset from a query or form, or None when blank."""
    if value is None or not value.strip():
        return None
    text = value.strip().replace(" ", "T")
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            field, f"{value!r} is not a date and time like 2022-10-23T16:00Z"
        ) from None
    if at.tzinfo is None:
        raise InputError(field, f"{value!r} has no time zone; end it with Z or an offset")
    return at


def parse_key(value: str, field: str) -> str:
    """A record id: a lowercase slug."""
    if not KEY.match(value):
        raise InputError(field, f"{value!r} is not an id: use lowercase letters, digits, - and _")
    return value


def parse_choice(kind: Any, value: str, field: str) -> Any:
    """An enum member from a form value, or an InputError listing the choices."""
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(v.value) for v in kind)
        raise InputError(field, f"{value!r} is not one of {allowed}") from None


def parse_number(value: str, field: str, kind: type[int] | type[float] = int) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise InputError(field, f"{value!r} is not a number") from None


def parse_day(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(field, f"{value!r} is not a date like 2022-10-26") from None


def parse_parties(value: str, field: str) -> list[str]:
    parties = [p.strip().upper() for p in re.split(r"[,\s]+", value) if p.strip()]
    if not parties:
        raise InputError(field, f"{field.replace('_', ' ')} is required")
    return parties


def incident_key(kind: str, title: str) -> str:
    """The id the log form gives an incident: its type and the first words of its title."""
    slug = re.sub(r"[^a-z0-9]+", "-", f"{kind}-{title}".lower()).strip("-")
    return slug[:60].strip("-")


def short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def utc(at: datetime | None) -> str:
    """``2022-10-23 15:00 UTC`` (the desk shows UTC)."""
    return "" if at is None else at.strftime("%Y-%m-%d %H:%M UTC")


def duration(delta: timedelta | None) -> str:
    return "" if delta is None else format_duration(delta)


def timeline_svg(
    scores: Sequence[EscalationScore], alerts: Sequence[EscalationAlert], title: str
) -> str:
    """One dyad's levels over time as a step chart; alerts marked. No JavaScript."""
    top = KAHN_1965_CONDENSED.top
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    desc = "; ".join(f"{utc(s.at)}: level {s.level} ({s.kind.value})" for s in scores)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="tl-title tl-desc" '
        f'data-chart="escalation" data-points="{len(scores)}">',
        f'<title id="tl-title">{escape(title)}</title>',
        f'<desc id="tl-desc">{escape(desc or "No scores yet.")}</desc>',
    ]
    for level in range(top + 1):
        y = TOP + plot_h * (1 - level / top)
        name = KAHN_1965_CONDENSED.rung(level).name
        parts.append(
            f'<line class="guide-level" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" '
            f'y2="{y:.1f}" stroke="#e2e2e2"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{level} {escape(name)}</text>'
        )
    parts.append(
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" '
        f'y2="{TOP + plot_h}" stroke="#333"/>'
    )
    if scores:
        start, end = scores[0].at, scores[-1].at
        span = (end - start).total_seconds() or 1.0

        def x_of(at: datetime) -> float:
            return LEFT + plot_w * ((at - start).total_seconds() / span if end > start else 0.5)

        def y_of(level: int) -> float:
            return TOP + plot_h * (1 - min(level, top) / top)

        path = []
        for k, s in enumerate(scores):
            if k:
                path.append(f"{x_of(s.at):.1f},{y_of(scores[k - 1].level):.1f}")
            path.append(f"{x_of(s.at):.1f},{y_of(s.level):.1f}")
        parts.append(
            f'<polyline class="level-line" fill="none" stroke="#1f5fa8" stroke-width="2" '
            f'points="{" ".join(path)}"/>'
        )
        alerted = {a.score for a in alerts}
        for s in scores:
            colour = "#b00020" if s.id in alerted else "#1f5fa8"
            parts.append(
                f'<circle cx="{x_of(s.at):.1f}" cy="{y_of(s.level):.1f}" r="5" fill="{colour}" '
                f'data-score="{escape(s.id)}" data-level="{s.level}"'
                f"{' data-alert' if s.id in alerted else ''}>"
                f"<title>{escape(utc(s.at))}: level {s.level}, {escape(s.kind.value)}"
                f"{escape(' - ' + s.rationale) if s.rationale else ''}</title></circle>"
            )
        for at, anchor in ((start, "start"), (end, "end")):
            parts.append(
                f'<text x="{x_of(at):.1f}" y="{HEIGHT - 16}" text-anchor="{anchor}">'
                f"{at:%Y-%m-%d %H:%M}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def build_crisis_router(services: Any, web_desk: Any) -> APIRouter:
    """The crisis pages over ``services.crisis``, signed in through ``web_desk``."""
    from offramp.web.adapter import actor_of as viewer_actor
    from offramp.web.routes import WebRoute, form_text, render, see_other, signed_in

    router = APIRouter(route_class=WebRoute, include_in_schema=False)
    crisis = services.crisis

    def actor_of(request: Request) -> Actor:
        return viewer_actor(signed_in(request, web_desk))

    def page(request: Request, slug: str, active: str) -> tuple[Actor, dict[str, Any]]:
        actor = actor_of(request)
        cv = web_desk.access_case(request.state.viewer, slug)
        if not cv.may(Action.CRISIS_READ):
            raise NotFound("No such page.")
        ctx = {
            "cv": cv,
            "active": "crisis",
            "tab": active,
            "Action": Action,
            "utc": utc,
            "duration": duration,
            "ladder": KAHN_1965_CONDENSED,
            "done": DONE.get(request.query_params.get("done", "")),
        }
        return actor, ctx

    def banner(alerts: Sequence[EscalationAlert], at: datetime) -> list[EscalationAlert]:
        return [a for a in alerts if at - RECENT <= a.at <= at]

    Failed = tuple[OfframpError, dict[str, Any]] | None

    def failure(failed: Failed) -> dict[str, Any]:
        """The refused form's message and its values, to fill the form in again."""
        error, values = failed if failed is not None else (None, {})
        return {"error": error, "values": values}

    def status(failed: Failed) -> int:
        return failed[0].status if failed is not None else 200

    async def board_page(request: Request, slug: str, failed: Failed = None) -> Response:
        actor, ctx = page(request, slug, "board")
        at = parse_instant(request.query_params.get("at"))
        b = crisis.crisis_board(actor, slug, at)
        return render(
            request,
            "crisis_board.html",
            {
                **ctx,
                **failure(failed),
                "b": b,
                "recent": banner(b.alerts, b.at),
                "replay": at is not None,
                "playbooks": crisis.playbooks(),
                "incident_types": list(IncidentType),
                "channel_ids": sorted(c.channel.id for d in b.channels for c in d.channels),
            },
            status=status(failed),
        )

    @router.get("/cases/{slug}/crisis", response_class=HTMLResponse)
    async def board(request: Request, slug: str) -> Response:
        return await board_page(request, slug)

    @router.get("/cases/{slug}/crisis/channels", response_class=HTMLResponse)
    async def channels(request: Request, slug: str) -> Response:
        actor, ctx = page(request, slug, "channels")
        return render(
            request, "crisis_channels.html", {**ctx, "dyads": crisis.channels(actor, slug)}
        )

    async def commitments_page(request: Request, slug: str, failed: Failed = None) -> Response:
        actor, ctx = page(request, slug, "commitments")
        b = crisis.crisis_board(actor, slug)
        return render(
            request,
            "crisis_commitments.html",
            {
                **ctx,
                **failure(failed),
                "b": b,
                "commitment_kinds": list(CommitmentKind),
                "channel_ids": sorted(c.channel.id for d in b.channels for c in d.channels),
            },
            status=status(failed),
        )

    @router.get("/cases/{slug}/crisis/commitments", response_class=HTMLResponse)
    async def commitments(request: Request, slug: str) -> Response:
        return await commitments_page(request, slug)

    async def notifications_page(request: Request, slug: str, failed: Failed = None) -> Response:
        actor, ctx = page(request, slug, "notifications")
        at = parse_instant(request.query_params.get("at"))
        b = crisis.crisis_board(actor, slug, at)
        return render(
            request,
            "crisis_notifications.html",
            {
                **ctx,
                **failure(failed),
                "b": b,
                "notification_kinds": list(NotificationKind),
                "channel_ids": sorted(c.channel.id for d in b.channels for c in d.channels),
            },
            status=status(failed),
        )

    @router.get("/cases/{slug}/crisis/notifications", response_class=HTMLResponse)
    async def notifications(request: Request, slug: str) -> Response:
        return await notifications_page(request, slug)

    async def escalation_page(request: Request, slug: str, failed: Failed = None) -> Response:
        actor, ctx = page(request, slug, "escalation")
        b = crisis.crisis_board(actor, slug)
        pairs = sorted({s.dyad for s in b.scores})
        chosen = request.query_params.get("between", "")
        if chosen:
            a, _, c = chosen.partition("-")
            try:
                pair = dyad(a, c)
            except ValueError:
                raise InputError("between", "choose two different parties, like RU-US") from None
        else:
            pair = pairs[0] if pairs else ("", "")
        series = crisis.timeline(actor, slug, pair) if pair[0] else ()
        alerts = [a for a in b.alerts if a.dyad == pair]
        svg = timeline_svg(series, alerts, f"Escalation of {pair[0]}-{pair[1]} on the ladder")
        return render(
            request,
            "crisis_escalation.html",
            {
                **ctx,
                **failure(failed),
                "b": b,
                "pairs": pairs,
                "pair": pair,
                "series": series,
                "alerts": alerts,
                "svg": svg,
                "recent": banner(b.alerts, b.at),
                "score_kinds": list(ScoreKind),
            },
            status=status(failed),
        )

    @router.get("/cases/{slug}/crisis/escalation", response_class=HTMLResponse)
    async def escalation(request: Request, slug: str) -> Response:
        return await escalation_page(request, slug)

    # -- forms -----------------------------------------------------------------------
    def back(slug: str, done: str) -> Response:
        return see_other(f"/cases/{slug}/crisis?done={done}")

    Page = Callable[[Request, str, Failed], Awaitable[Response]]

    async def write(
        request: Request,
        slug: str,
        again: Page,
        do: Callable[[Actor], Awaitable[object]],
        done: str,
    ) -> Response:
        """Run a form's write; a refused one re-renders its page with the message and the
        values given. Who may not read the desk gets its 404 before any field is read."""
        actor, ctx = page(request, slug, "form")
        try:
            if not ctx["cv"].may(Action.CRISIS_WRITE):
                write = Action.CRISIS_WRITE.value
                raise Forbidden(write, f"You may not {write} in case {slug}.")
            await do(actor)
        except FORM_ERRORS as exc:
            form = await request.form()
            values = {
                k: ", ".join(str(v) for v in form.getlist(k))
                for k in form
                if k != security.CSRF_FIELD
            }
            return await again(request, slug, (exc, values))
        tab = "" if again is board_page else "/" + again.__name__.removesuffix("_page")
        return see_other(f"/cases/{slug}/crisis{tab}?done={done}")

    @router.post("/cases/{slug}/crisis/incidents", response_class=HTMLResponse)
    async def log_incident(request: Request, slug: str) -> Response:
        async def do(actor: Actor) -> object:
            kind = parse_choice(IncidentType, await form_text(request, "type"), "type")
            raised_by = await form_text(request, "raised_by")
            against = await form_text(request, "against")
            claim = await form_text(request, "claim")
            title = await form_text(request, "title", required=False) or short(claim)
            form = await request.form()
            chosen = [str(c).strip() for c in form.getlist("channel") if str(c).strip()]
            if not chosen:
                raise InputError("channel", "choose the channel it arrived through")
            at = parse_instant(await form_text(request, "arrived_at", required=False), "arrived_at")
            level = parse_number(await form_text(request, "level"), "level")
            evidence = (await form_text(request, "evidence", required=False)).splitlines()
            given = await form_text(request, "id", required=False)
            key = parse_key(given, "id") if given else incident_key(kind.value, title)
            return crisis.log_incident(
                actor,
                slug,
                key=key,
                type=kind,
                title=title,
                raised_by=raised_by.upper(),
                against=against.upper(),
                claim=claim,
                level=level,
                arrivals=[ArrivalIn(c, at) for c in chosen],
                evidence=[e.strip() for e in evidence if e.strip()],
            )

        return await write(request, slug, board_page, do, "logged")

    @router.post("/cases/{slug}/crisis/incidents/{incident}/arrivals", response_class=HTMLResponse)
    async def add_arrival(request: Request, slug: str, incident: str) -> Response:
        async def do(actor: Actor) -> object:
            channel = await form_text(request, "channel")
            at = parse_instant(await form_text(request, "at", required=False))
            return crisis.add_arrival(actor, slug, incident, ArrivalIn(channel, at))

        return await write(request, slug, board_page, do, "arrived")

    @router.post(
        "/cases/{slug}/crisis/incidents/{incident}/steps/{step}", response_class=HTMLResponse
    )
    async def step(request: Request, slug: str, incident: str, step: str) -> Response:
        """Record a step done (``action=complete``) or waive it (``action=waive``, with its
        reason); a refused one re-renders the board with the message."""
        action = ""

        async def do(actor: Actor) -> object:
            nonlocal action
            action = await form_text(request, "action")
            at = parse_instant(await form_text(request, "at", required=False))
            if action == "waive":
                reason = await form_text(request, "reason")
                return crisis.waive_step(actor, slug, incident, step, reason, at)
            by = await form_text(request, "by", required=False)
            return crisis.complete_step(actor, slug, incident, step, by=by, at=at)

        response = await write(request, slug, board_page, do, "step-done")
        if action == "waive" and response.status_code == 303:
            response = back(slug, "step-waived")
        return response

    @router.post("/cases/{slug}/crisis/incidents/{incident}/close", response_class=HTMLResponse)
    async def close(request: Request, slug: str, incident: str) -> Response:
        async def do(actor: Actor) -> object:
            outcome = await form_text(request, "outcome")
            at = parse_instant(await form_text(request, "at", required=False))
            return crisis.close_incident(actor, slug, incident, outcome, at)

        return await write(request, slug, board_page, do, "closed")

    @router.post("/cases/{slug}/crisis/incidents/{incident}/playbook", response_class=HTMLResponse)
    async def start(request: Request, slug: str, incident: str) -> Response:
        actor = actor_of(request)
        playbook = await form_text(request, "playbook")
        crisis.start_playbook(actor, slug, incident, playbook)
        return back(slug, "started")

    @router.post("/cases/{slug}/crisis/commitments", response_class=HTMLResponse)
    async def declare(request: Request, slug: str) -> Response:
        async def do(actor: Actor) -> object:
            key = parse_key(await form_text(request, "id"), "id")
            kind = parse_choice(CommitmentKind, await form_text(request, "kind"), "kind")
            text = await form_text(request, "text")
            declared_by = (await form_text(request, "declared_by")).upper()
            to = parse_parties(await form_text(request, "to"), "to")
            on = parse_day(await form_text(request, "date"), "date")
            channel = await form_text(request, "channel", required=False)
            return crisis.declare_commitment(
                actor,
                slug,
                key=key,
                kind=kind,
                text=text,
                declared_by=declared_by,
                to=to,
                on=on,
                channel=channel or None,
            )

        return await write(request, slug, commitments_page, do, "declared")

    @router.post("/cases/{slug}/crisis/assurances/{assurance}/promote", response_class=HTMLResponse)
    async def promote(request: Request, slug: str, assurance: str) -> Response:
        async def do(actor: Actor) -> object:
            on = parse_day(await form_text(request, "on", required=False), "on")
            return crisis.promote_assurance(actor, slug, assurance, on)

        return await write(request, slug, commitments_page, do, "promoted")

    @router.post("/cases/{slug}/crisis/notifications", response_class=HTMLResponse)
    async def send(request: Request, slug: str) -> Response:
        async def do(actor: Actor) -> object:
            key = parse_key(await form_text(request, "id"), "id")
            kind = parse_choice(NotificationKind, await form_text(request, "kind"), "kind")
            sender = (await form_text(request, "sender")).upper()
            to = (await form_text(request, "to")).upper()
            what = await form_text(request, "what")
            where = await form_text(request, "where")
            starts = parse_instant(await form_text(request, "starts"), "starts")
            size = await form_text(request, "size")
            channel = await form_text(request, "channel")
            hours = parse_number(await form_text(request, "ack_hours"), "ack_hours", float)
            if hours < 0:
                raise InputError("ack_hours", "the hours to acknowledge cannot be negative")
            sent_at = parse_instant(await form_text(request, "sent_at", required=False), "sent_at")
            return crisis.send_notification(
                actor,
                slug,
                key=key,
                kind=kind,
                sender=sender,
                to=to,
                what=what,
                where=where,
                starts=starts,
                size=size,
                channel=channel,
                ack_hours=hours,
                sent_at=sent_at,
            )

        return await write(request, slug, notifications_page, do, "sent")

    @router.post("/cases/{slug}/crisis/notifications/sweep", response_class=HTMLResponse)
    async def sweep(request: Request, slug: str) -> Response:
        crisis.sweep_acknowledgements(actor_of(request), slug)
        return back(slug, "swept")

    @router.post(
        "/cases/{slug}/crisis/notifications/{notification}/acknowledge",
        response_class=HTMLResponse,
    )
    async def acknowledge(request: Request, slug: str, notification: str) -> Response:
        actor = actor_of(request)
        by = await form_text(request, "by")
        crisis.acknowledge_notification(actor, slug, notification, by)
        return see_other(f"/cases/{slug}/crisis/notifications?done=acknowledged")

    @router.post("/cases/{slug}/crisis/escalation", response_class=HTMLResponse)
    async def score(request: Request, slug: str) -> Response:
        async def do(actor: Actor) -> object:
            key = parse_key(await form_text(request, "id"), "id")
            between = parse_parties(await form_text(request, "between"), "between")
            level = parse_number(await form_text(request, "level"), "level")
            kind = parse_choice(ScoreKind, await form_text(request, "kind"), "kind")
            at = parse_instant(await form_text(request, "at", required=False))
            return crisis.score_escalation(
                actor,
                slug,
                key=key,
                between=between,
                level=level,
                kind=kind,
                at=at,
                subject=await form_text(request, "subject", required=False),
                rationale=await form_text(request, "rationale", required=False),
            )

        return await write(request, slug, escalation_page, do, "scored")

    return router


def mount_crisis(app: FastAPI, services: Any) -> None:
    """Add the crisis pages to ``app`` (after :func:`offramp.web.routes.mount_web`)."""
    if getattr(services, "crisis", None) is None:
        return
    app.include_router(build_crisis_router(services, app.state.web_desk))
