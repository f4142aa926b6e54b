"""The crisis desk's pages: the board (incidents, their steps due, overdue by how long or
done by whom, and outcomes; an alert banner), channels per dyad with their last use,
commitments, notifications with their acknowledgement status, and each dyad's
escalation timeline as a server-rendered SVG chart.

Every page and form goes through ``offramp.services.crisis.CrisisService`` (the access
policy, the audit log and the injected clock live there) and through the web desk's
one error handler, :class:`offramp.web.pages.WebRoute` (NotFound pages, CSRF on every
POST). ``?at=`` replays the board at an instant.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.bootstrap import Services
from offramp.errors import Conflict, Forbidden, InputError, OfframpError
from offramp.files.playbooks import builtin_playbooks
from offramp.model.access import Action
from offramp.model.crisis import (
    KAHN_1965_CONDENSED,
    CommitmentKind,
    EscalationAlert,
    IncidentType,
    NotificationKind,
    ScoreKind,
    dyad,
)
from offramp.model.crisis.channels import ChannelLevel
from offramp.model.crisis.desk import IncidentBoard
from offramp.model.crisis.runs import StepStatus, StepView
from offramp.model.deadlines import format_duration
from offramp.model.parse import parse_choice, parse_day, parse_instant
from offramp.services.access import Actor
from offramp.services.crisis import ArrivalIn, CrisisBoard
from offramp.web.escalation_chart import timeline_svg
from offramp.web.pages import (
    CaseView,
    ServicesDep,
    WebRoute,
    form_text,
    form_values,
    open_case,
    render,
    require,
    see_other,
    signed_in,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)

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
    "escalated": "Incident escalated: its new level is scored on the ladder.",
}
KEY = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,79}$")
# what a refused form re-renders: the page its form is on
FORM_ERRORS = (InputError, Conflict, Forbidden)
RECENT = timedelta(days=7)
# a refused form's message and values; a tab page that can show them
Failed = tuple[OfframpError, dict[str, str]] | None
TabPage = Callable[[Request, Services, str, Failed], Response]


def parse_key(value: str, field: str) -> str:
    """A record id: a lowercase slug."""
    if not KEY.match(value):
        raise InputError(field, f"{value!r} is not an id: use lowercase letters, digits, - and _")
    return value


def parse_int(value: str, field: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise InputError(field, f"{value!r} is not a number") from None


def parse_float(value: str, field: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise InputError(field, f"{value!r} is not a number") from None


def required_day(text: str, field: str) -> date:
    """A date the form must give (``form_text`` has refused a blank one already)."""
    day = parse_day(text, field)
    if day is None:
        raise InputError(field, f"{field.replace('_', ' ')} is required")
    return day


def required_instant(text: str, field: str) -> datetime:
    """An instant the form must give (``form_text`` has refused a blank one already)."""
    at = parse_instant(text, field)
    if at is None:
        raise InputError(field, f"{field.replace('_', ' ')} is required")
    return at


def parse_parties(value: str, field: str) -> list[str]:
    parties = [p.strip().upper() for p in re.split(r"[,\s]+", value) if p.strip()]
    if not parties:
        raise InputError(field, f"{field.replace('_', ' ')} is required")
    return parties


async def picked(request: Request, name: str) -> str:
    """A field chosen from a list (one value or several), joined with commas."""
    form = await request.form()
    return ", ".join(str(v).strip() for v in form.getlist(name) if str(v).strip())


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


# -- pages -----------------------------------------------------------------------------
def crisis_page(
    request: Request, services: Services, slug: str, tab: str
) -> tuple[Actor, CaseView, dict[str, Any]]:
    """The viewer, the case and what every crisis tab shows; the plain 404 unless the
    viewer may read the crisis desk."""
    viewer, cv = open_case(request, services, slug, Action.CRISIS_READ)
    ctx = {
        "cv": cv,
        "active": "crisis",
        "tab": tab,
        "Action": Action,
        "utc": utc,
        "duration": duration,
        "ladder": KAHN_1965_CONDENSED,
        "done": DONE.get(request.query_params.get("done", "")),
        "crisis_parties": [(p.id, p.name) for p in cv.case.parties],
        "step_words": step_words,
    }
    return viewer, cv, ctx


def banner(alerts: Sequence[EscalationAlert], at: datetime) -> list[EscalationAlert]:
    """The alerts of the last week before ``at``."""
    return [a for a in alerts if at - RECENT <= a.at <= at]


def playbook_for(kind: IncidentType) -> str:
    """The shipped playbook for an incident's type (as ``offramp crisis start`` picks)."""
    for key, book in sorted(builtin_playbooks().items()):
        if book.incident_type is kind:
            return key
    return ""


def step_words(v: StepView, titles: dict[str, str]) -> str:
    """A step's status in words: a pending step names the steps it waits for."""
    if v.status is StepStatus.PENDING and v.waiting_on:
        return "waits for: " + "; ".join(titles.get(k, k) for k in v.waiting_on)
    if v.status is StepStatus.PENDING:
        return "not started"
    return v.describe()


@dataclass(frozen=True)
class Escalation:
    """What the board offers to escalate an incident: its level now (its latest score,
    else the level it was logged at), the rungs above, the dyad's higher channels."""

    level: int
    scored_at: datetime | None
    above: tuple[int, ...]
    channels: tuple[tuple[str, str], ...]


def escalation_of(b: CrisisBoard, card: IncidentBoard, top: int) -> Escalation:
    inc = card.incident
    scores = sorted((s for s in b.scores if s.subject == inc.id), key=lambda s: s.at)
    level = scores[-1].level if scores else inc.level
    order = list(ChannelLevel)
    pair = dyad(inc.raised_by, inc.against)
    mine = [c.channel for d in b.channels if d.dyad == pair for c in d.channels]
    used = [order.index(c.level) for c in mine if c.id in inc.channels]
    highest = min(used, default=len(order))
    higher = tuple(
        (c.id, f"{c.id} ({c.level.value.replace('_', ' ')})")
        for c in sorted(mine, key=lambda c: order.index(c.level))
        if order.index(c.level) < highest
    )
    return Escalation(
        level, scores[-1].at if scores else None, tuple(range(level + 1, top + 1)), higher
    )


def channel_ids(b: CrisisBoard) -> list[str]:
    return sorted(c.channel.id for d in b.channels for c in d.channels)


def failure(failed: Failed) -> dict[str, Any]:
    """The refused form's message and its values, to fill the form in again."""
    error, values = failed if failed is not None else (None, {})
    return {"error": error, "values": values}


def status(failed: Failed) -> int:
    return failed[0].status if failed is not None else 200


def page(
    request: Request,
    template: str,
    ctx: dict[str, Any],
    failed: tuple[Any, dict[str, str]] | None,
    **more: Any,
) -> Response:
    """``template`` with the tab's context, the refused form (if any) and ``more``."""
    return render(request, template, {**ctx, **failure(failed), **more}, status=status(failed))


def board_page(request: Request, services: Services, slug: str, failed: Failed = None) -> Response:
    viewer, _, ctx = crisis_page(request, services, slug, "board")
    asked = request.query_params.get("at")
    try:
        at = parse_instant(asked, "at")
    except InputError as exc:  # the board now, with the field named and kept
        at, failed = None, (failed or (exc, {"at": asked or "", "form": "at"}))
    b = services.crisis.crisis_board(viewer, slug, at)
    return page(
        request,
        "crisis_board.html",
        ctx,
        failed,
        b=b,
        recent=banner(b.alerts, b.at),
        replay=at is not None,
        playbooks=services.crisis.playbooks(),
        playbook_for=playbook_for,
        escalation={
            c.incident.id: escalation_of(b, c, KAHN_1965_CONDENSED.rungs[-1].level)
            for c in b.incidents
        },
        incident_types=list(IncidentType),
        channel_ids=channel_ids(b),
    )


def board_tab(
    request: Request,
    services: Services,
    slug: str,
    tab: str,
    failed: Failed,
    replay: bool = False,
    **more: Any,
) -> Response:
    """The tab ``crisis_<tab>.html`` over the board (replayed at ``?at=`` if ``replay``),
    with its channels and ``more``."""
    viewer, _, ctx = crisis_page(request, services, slug, tab)
    at = parse_instant(request.query_params.get("at"), "at") if replay else None
    b = services.crisis.crisis_board(viewer, slug, at)
    return page(request, f"crisis_{tab}.html", ctx, failed, b=b, channel_ids=channel_ids(b), **more)


def commitments_page(
    request: Request, services: Services, slug: str, failed: Failed = None
) -> Response:
    kinds = list(CommitmentKind)
    return board_tab(request, services, slug, "commitments", failed, commitment_kinds=kinds)


def notifications_page(
    request: Request, services: Services, slug: str, failed: Failed = None
) -> Response:
    kinds = list(NotificationKind)
    return board_tab(
        request, services, slug, "notifications", failed, True, notification_kinds=kinds
    )


def escalation_page(
    request: Request, services: Services, slug: str, failed: Failed = None
) -> Response:
    """One dyad's timeline (``?between=RU-US``, else the first scored pair)."""
    viewer, cv, ctx = crisis_page(request, services, slug, "escalation")
    b = services.crisis.crisis_board(viewer, slug)
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
    series = services.crisis.timeline(viewer, slug, pair) if pair[0] else ()
    alerts = [a for a in b.alerts if a.dyad == pair]
    svg = timeline_svg(series, alerts, f"Escalation of {pair[0]}-{pair[1]} on the ladder")
    return page(
        request,
        "crisis_escalation.html",
        ctx,
        failed,
        b=b,
        pairs=pairs,
        pair=pair,
        series=series,
        alerts=alerts,
        svg=svg,
        recent=banner(b.alerts, b.at),
        score_kinds=list(ScoreKind),
        subject_words={
            **{st.id: f"“{short(st.quote, 60)}”" for st in cv.case.statements},
            **{i.incident.id: short(i.incident.title, 60) for i in b.incidents},
        },
        subjects=[(i.incident.id, f"incident: {short(i.incident.title, 60)}") for i in b.incidents]
        + [
            (st.id, f"statement, {st.date.isoformat()}: {short(st.quote, 60)}")
            for st in reversed(cv.case.statements)
        ],
    )


@router.get("/cases/{slug}/crisis", response_class=HTMLResponse)
async def board(request: Request, slug: str, services: ServicesDep) -> Response:
    return board_page(request, services, slug)


@router.get("/cases/{slug}/crisis/channels", response_class=HTMLResponse)
async def channels(request: Request, slug: str, services: ServicesDep) -> Response:
    viewer, _, ctx = crisis_page(request, services, slug, "channels")
    dyads = services.crisis.channels(viewer, slug)
    return render(request, "crisis_channels.html", {**ctx, "dyads": dyads})


@router.get("/cases/{slug}/crisis/commitments", response_class=HTMLResponse)
async def commitments(request: Request, slug: str, services: ServicesDep) -> Response:
    return commitments_page(request, services, slug)


@router.get("/cases/{slug}/crisis/notifications", response_class=HTMLResponse)
async def notifications(request: Request, slug: str, services: ServicesDep) -> Response:
    return notifications_page(request, services, slug)


@router.get("/cases/{slug}/crisis/escalation", response_class=HTMLResponse)
async def escalation(request: Request, slug: str, services: ServicesDep) -> Response:
    return escalation_page(request, services, slug)


# -- forms -------------------------------------------------------------------------------
# A write form: who may not read the desk gets its 404 before any field is read; a
# refused write re-renders the form's tab with the message and the values given.
def writer(request: Request, services: Services, slug: str) -> tuple[Actor, CaseView]:
    return open_case(request, services, slug, Action.CRISIS_READ)


async def refused(
    again: TabPage, request: Request, services: Services, slug: str, exc: OfframpError
) -> Response:
    return again(request, services, slug, (exc, await form_values(request)))


def done_on(slug: str, tab: str, done: str) -> Response:
    """Back to the crisis tab (``""`` for the board), saying what was done."""
    return see_other(f"/cases/{slug}/crisis{tab}?done={done}")


Act = Callable[[Actor], Awaitable[object]]


async def written(
    request: Request,
    services: Services,
    slug: str,
    act: Act,
    refuse: Callable[[OfframpError], Awaitable[Response]],
    done: str,
) -> Response:
    """One form's ``act`` as a writer of the crisis desk: a redirect to ``done`` (a URL),
    or ``refuse`` with the refusal. Who may not read the desk gets the 404 page first."""
    viewer, cv = writer(request, services, slug)
    try:
        require(cv, Action.CRISIS_WRITE)
        await act(viewer)
    except FORM_ERRORS as exc:
        return await refuse(exc)
    return see_other(done)


async def tab_form(
    request: Request, services: Services, slug: str, act: Act, again: TabPage, tab: str, done: str
) -> Response:
    """A crisis tab's form: ``act``, then back to the tab (``""`` for the board) saying
    ``done``; a refusal re-renders the tab (``again``) with the message and values."""

    async def refuse(exc: OfframpError) -> Response:
        return await refused(again, request, services, slug, exc)

    return await written(
        request, services, slug, act, refuse, f"/cases/{slug}/crisis{tab}?done={done}"
    )


@router.post("/cases/{slug}/crisis/incidents", response_class=HTMLResponse)
async def log_incident(request: Request, slug: str, services: ServicesDep) -> Response:
    async def act(viewer: Actor) -> None:
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
        level = parse_int(await form_text(request, "level"), "level")
        evidence = (await form_text(request, "evidence", required=False)).splitlines()
        given = await form_text(request, "id", required=False)
        key = parse_key(given, "id") if given else incident_key(kind.value, title)
        services.crisis.log_incident(
            viewer,
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

    return await tab_form(request, services, slug, act, board_page, "", "logged")


@router.post("/cases/{slug}/crisis/incidents/{incident}/arrivals", response_class=HTMLResponse)
async def add_arrival(
    request: Request, slug: str, incident: str, services: ServicesDep
) -> Response:
    async def act(viewer: Actor) -> None:
        channel = await form_text(request, "channel")
        at = parse_instant(await form_text(request, "at", required=False), "at")
        services.crisis.add_arrival(viewer, slug, incident, ArrivalIn(channel, at))

    return await tab_form(request, services, slug, act, board_page, "", "arrived")


@router.post("/cases/{slug}/crisis/incidents/{incident}/steps/{step}", response_class=HTMLResponse)
async def step(
    request: Request, slug: str, incident: str, step: str, services: ServicesDep
) -> Response:
    """Record a step done (``action=complete``) or waive it (``action=waive``, with its
    reason); a refused one re-renders the board with the message."""

    async def act(viewer: Actor) -> None:
        action = await form_text(request, "action")
        at = parse_instant(await form_text(request, "at", required=False), "at")
        if action == "waive":
            reason = await form_text(request, "reason")
            services.crisis.waive_step(viewer, slug, incident, step, reason, at)
        else:
            by = await form_text(request, "by", required=False)
            services.crisis.complete_step(viewer, slug, incident, step, by=by, at=at)

    waived = (await request.form()).get("action") == "waive"
    done = "step-waived" if waived else "step-done"
    return await tab_form(request, services, slug, act, board_page, "", done)


@router.post("/cases/{slug}/crisis/incidents/{incident}/close", response_class=HTMLResponse)
async def close(request: Request, slug: str, incident: str, services: ServicesDep) -> Response:
    async def act(viewer: Actor) -> None:
        outcome = await form_text(request, "outcome")
        at = parse_instant(await form_text(request, "at", required=False), "at")
        services.crisis.close_incident(viewer, slug, incident, outcome, at)

    return await tab_form(request, services, slug, act, board_page, "", "closed")


@router.post("/cases/{slug}/crisis/incidents/{incident}/escalate", response_class=HTMLResponse)
async def escalate(request: Request, slug: str, incident: str, services: ServicesDep) -> Response:
    """Raise an incident's level (a score on the ladder with the incident as its subject)
    and, if one is chosen, record it moving to a higher channel."""

    async def act(viewer: Actor) -> None:
        card = services.crisis.incident(viewer, slug, incident)
        inc, b = card.incident, services.crisis.crisis_board(viewer, slug)
        now = escalation_of(b, card, KAHN_1965_CONDENSED.rungs[-1].level).level
        level = parse_int(await form_text(request, "level"), "level")
        if level <= now:
            raise InputError("level", f"choose a level above {now} to escalate")
        why = await form_text(request, "rationale")
        channel = await form_text(request, "channel", required=False)
        n = sum(1 for x in b.scores if x.subject == incident) + 1
        services.crisis.score_escalation(
            viewer,
            slug,
            key=f"{incident[:56]}-up-{n}",
            between=[inc.raised_by, inc.against],
            level=level,
            kind=ScoreKind.INCIDENT,
            subject=incident,
            rationale=why,
        )
        if channel:
            services.crisis.add_arrival(viewer, slug, incident, ArrivalIn(channel, None))

    return await tab_form(request, services, slug, act, board_page, "", "escalated")


@router.post("/cases/{slug}/crisis/incidents/{incident}/playbook", response_class=HTMLResponse)
async def start(request: Request, slug: str, incident: str, services: ServicesDep) -> Response:
    viewer = signed_in(request, services)
    playbook = await form_text(request, "playbook")
    services.crisis.start_playbook(viewer, slug, incident, playbook)
    return done_on(slug, "", "started")


@router.post("/cases/{slug}/crisis/commitments", response_class=HTMLResponse)
async def declare(request: Request, slug: str, services: ServicesDep) -> Response:
    async def act(viewer: Actor) -> None:
        key = parse_key(await form_text(request, "id"), "id")
        kind = parse_choice(CommitmentKind, await form_text(request, "kind"), "kind")
        text = await form_text(request, "text")
        declared_by = (await form_text(request, "declared_by")).upper()
        to = parse_parties(await picked(request, "to"), "to")
        on = required_day(await form_text(request, "date"), "date")
        channel = await form_text(request, "channel", required=False)
        services.crisis.declare_commitment(
            viewer,
            slug,
            key=key,
            kind=kind,
            text=text,
            declared_by=declared_by,
            to=to,
            on=on,
            channel=channel or None,
        )

    return await tab_form(
        request, services, slug, act, commitments_page, "/commitments", "declared"
    )


@router.post("/cases/{slug}/crisis/assurances/{assurance}/promote", response_class=HTMLResponse)
async def promote(request: Request, slug: str, assurance: str, services: ServicesDep) -> Response:
    async def act(viewer: Actor) -> None:
        on = parse_day(await form_text(request, "on", required=False), "on")
        services.crisis.promote_assurance(viewer, slug, assurance, on)

    return await tab_form(
        request, services, slug, act, commitments_page, "/commitments", "promoted"
    )


@router.post("/cases/{slug}/crisis/notifications", response_class=HTMLResponse)
async def send(request: Request, slug: str, services: ServicesDep) -> Response:
    async def act(viewer: Actor) -> None:
        key = parse_key(await form_text(request, "id"), "id")
        kind = parse_choice(NotificationKind, await form_text(request, "kind"), "kind")
        sender = (await form_text(request, "sender")).upper()
        to = (await form_text(request, "to")).upper()
        what = await form_text(request, "what")
        where = await form_text(request, "where")
        starts = required_instant(await form_text(request, "starts"), "starts")
        size = await form_text(request, "size")
        channel = await form_text(request, "channel")
        hours = parse_float(await form_text(request, "ack_hours"), "ack_hours")
        if hours < 0:
            raise InputError("ack_hours", "the hours to acknowledge cannot be negative")
        sent_at = parse_instant(await form_text(request, "sent_at", required=False), "sent_at")
        services.crisis.send_notification(
            viewer,
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

    return await tab_form(
        request, services, slug, act, notifications_page, "/notifications", "sent"
    )


@router.post("/cases/{slug}/crisis/notifications/sweep", response_class=HTMLResponse)
async def sweep(request: Request, slug: str, services: ServicesDep) -> Response:
    services.crisis.sweep_acknowledgements(signed_in(request, services), slug)
    return done_on(slug, "", "swept")


@router.post(
    "/cases/{slug}/crisis/notifications/{notification}/acknowledge",
    response_class=HTMLResponse,
)
async def acknowledge(
    request: Request, slug: str, notification: str, services: ServicesDep
) -> Response:
    viewer = signed_in(request, services)
    by = await form_text(request, "by")
    services.crisis.acknowledge_notification(viewer, slug, notification, by)
    return done_on(slug, "/notifications", "acknowledged")


@router.post("/cases/{slug}/crisis/escalation", response_class=HTMLResponse)
async def score(request: Request, slug: str, services: ServicesDep) -> Response:
    async def act(viewer: Actor) -> None:
        key = parse_key(await form_text(request, "id"), "id")
        between = parse_parties(await picked(request, "between"), "between")
        level = parse_int(await form_text(request, "level"), "level")
        kind = parse_choice(ScoreKind, await form_text(request, "kind"), "kind")
        at = parse_instant(await form_text(request, "at", required=False), "at")
        services.crisis.score_escalation(
            viewer,
            slug,
            key=key,
            between=between,
            level=level,
            kind=kind,
            at=at,
            subject=await form_text(request, "subject", required=False),
            rationale=await form_text(request, "rationale", required=False),
        )

    return await tab_form(request, services, slug, act, escalation_page, "/escalation", "scored")
