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

from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape
from typing import Any

from fastapi import APIRouter, FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.errors import InputError, NotFound, Unauthenticated
from offramp.model.access import Action
from offramp.model.crisis import KAHN_1965_CONDENSED, EscalationAlert, EscalationScore, dyad
from offramp.model.deadlines import format_duration
from offramp.services.access import Actor
from offramp.web import security

DONE = {
    "step-done": "Step recorded as done.",
    "step-waived": "Step waived.",
    "started": "Playbook started: its steps are on the board with their deadlines.",
    "swept": "Overdue acknowledgements checked.",
    "acknowledged": "Acknowledgement recorded.",
}
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
    from offramp.web.routes import WebRoute, form_text, render, see_other

    router = APIRouter(route_class=WebRoute, include_in_schema=False)
    crisis = services.crisis

    def actor_of(request: Request) -> Actor:
        token = request.cookies.get(security.SESSION_COOKIE)
        viewer = web_desk.viewer(token) if token else None
        if viewer is None:
            raise Unauthenticated("Sign in to use the desk.")
        request.state.viewer = viewer
        return Actor(viewer.id, viewer.name, viewer.is_admin)

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

    @router.get("/cases/{slug}/crisis", response_class=HTMLResponse)
    async def board(request: Request, slug: str) -> Response:
        actor, ctx = page(request, slug, "board")
        at = parse_instant(request.query_params.get("at"))
        b = crisis.crisis_board(actor, slug, at)
        return render(
            request,
            "crisis_board.html",
            {
                **ctx,
                "b": b,
                "recent": banner(b.alerts, b.at),
                "replay": at is not None,
                "playbooks": crisis.playbooks(),
            },
        )

    @router.get("/cases/{slug}/crisis/channels", response_class=HTMLResponse)
    async def channels(request: Request, slug: str) -> Response:
        actor, ctx = page(request, slug, "channels")
        return render(
            request, "crisis_channels.html", {**ctx, "dyads": crisis.channels(actor, slug)}
        )

    @router.get("/cases/{slug}/crisis/commitments", response_class=HTMLResponse)
    async def commitments(request: Request, slug: str) -> Response:
        actor, ctx = page(request, slug, "commitments")
        b = crisis.crisis_board(actor, slug)
        return render(request, "crisis_commitments.html", {**ctx, "b": b})

    @router.get("/cases/{slug}/crisis/notifications", response_class=HTMLResponse)
    async def notifications(request: Request, slug: str) -> Response:
        actor, ctx = page(request, slug, "notifications")
        at = parse_instant(request.query_params.get("at"))
        b = crisis.crisis_board(actor, slug, at)
        return render(request, "crisis_notifications.html", {**ctx, "b": b})

    @router.get("/cases/{slug}/crisis/escalation", response_class=HTMLResponse)
    async def escalation(request: Request, slug: str) -> Response:
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
                "b": b,
                "pairs": pairs,
                "pair": pair,
                "series": series,
                "alerts": alerts,
                "svg": svg,
                "recent": banner(b.alerts, b.at),
            },
        )

    # -- forms -----------------------------------------------------------------------
    def back(slug: str, done: str) -> Response:
        return see_other(f"/cases/{slug}/crisis?done={done}")

    @router.post(
        "/cases/{slug}/crisis/incidents/{incident}/steps/{step}", response_class=HTMLResponse
    )
    async def step(request: Request, slug: str, incident: str, step: str) -> Response:
        actor = actor_of(request)
        action = await form_text(request, "action")
        at = parse_instant(await form_text(request, "at", required=False))
        if action == "waive":
            reason = await form_text(request, "reason")
            crisis.waive_step(actor, slug, incident, step, reason, at)
            return back(slug, "step-waived")
        by = await form_text(request, "by", required=False)
        crisis.complete_step(actor, slug, incident, step, by=by, at=at)
        return back(slug, "step-done")

    @router.post("/cases/{slug}/crisis/incidents/{incident}/playbook", response_class=HTMLResponse)
    async def start(request: Request, slug: str, incident: str) -> Response:
        actor = actor_of(request)
        playbook = await form_text(request, "playbook")
        crisis.start_playbook(actor, slug, incident, playbook)
        return back(slug, "started")

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

    return router


def mount_crisis(app: FastAPI, services: Any) -> None:
    """Add the crisis pages to ``app`` (after :func:`offramp.web.routes.mount_web`)."""
    if getattr(services, "crisis", None) is None:
        return
    app.include_router(build_crisis_router(services, app.state.web_desk))
