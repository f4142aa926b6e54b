"""The crisis desk's "On call" tab: for every notification, each named recipient and
who has not acknowledged yet (a button each, for whoever may write the desk); the
escalation actions due for what is late, and whether the desk's sweep has applied them;
and each channel's heartbeat (expected interval, last seen, missed).

Forms: name the recipients of a notification, record one recipient's acknowledgement,
expect a heartbeat on a channel, record a message on a channel. Every party, channel and
notification is picked from a list. ``?at=`` shows the tab at an instant.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.bootstrap import Services
from offramp.errors import InputError
from offramp.model.parse import parse_instant
from offramp.services.access import Actor
from offramp.services.crisis_sweep import notification_subject
from offramp.web.crisis import (
    Act,
    Failed,
    channel_ids,
    page,
    parse_float,
    parse_parties,
    picked,
    tab_form,
)
from offramp.web.oncall_forms import (
    action_words,
    channel_choices,
    chosen,
    oncall_page,
    subject_words,
)
from offramp.web.pages import ServicesDep, WebRoute, form_text

router = APIRouter(route_class=WebRoute, include_in_schema=False)
TAB = "/oncall"


def oncall_tab(request: Request, services: Services, slug: str, failed: Failed = None) -> Response:
    viewer, _, ctx = oncall_page(request, services, slug, "oncall")
    asked = request.query_params.get("at")
    try:
        at = parse_instant(asked, "at")
    except InputError as exc:
        at, failed = None, (failed or (exc, {"at": asked or "", "form": "at"}))
    b = services.crisis.crisis_board(viewer, slug, at)
    named = {v.subject: v for v in services.crisis.recipients(viewer, slug, b.at)}
    policies = {p.id: p.title for p in services.crisis.escalation_policies}
    rows = [(v, named.get(notification_subject(v.notification.id))) for v in b.notifications]
    unnamed = [v.notification for v, r in rows if r is None and not v.notification.acknowledged_at]
    return page(
        request,
        "crisis_oncall.html",
        ctx,
        failed,
        b=b,
        replay=at is not None,
        rows=rows,
        unnamed=unnamed,
        actions=services.crisis.escalations(viewer, slug, b.at),
        policies=policies,
        subject_words=subject_words(b),
        action_words=action_words,
        heartbeats=services.crisis.heartbeats(viewer, slug, b.at),
        channels=channel_choices(b),
        dyads={c.channel.id: c.channel.dyad for d in b.channels for c in d.channels},
    )


async def known_channel(request: Request, services: Services, viewer: Actor, slug: str) -> str:
    """The form's ``channel``, one of the desk's (a refusal names the field)."""
    known = channel_ids(services.crisis.crisis_board(viewer, slug))
    return chosen(await form_text(request, "channel"), "channel", known)


@router.get("/cases/{slug}/crisis/oncall", response_class=HTMLResponse)
async def oncall(request: Request, slug: str, services: ServicesDep) -> Response:
    return oncall_tab(request, services, slug)


async def _form(request: Request, services: Services, slug: str, act: Act, done: str) -> Response:
    return await tab_form(request, services, slug, act, oncall_tab, TAB, done)


@router.post("/cases/{slug}/crisis/oncall/recipients", response_class=HTMLResponse)
async def name_recipients(request: Request, slug: str, services: ServicesDep) -> Response:
    """Name every party who must acknowledge a notification, each on its own."""

    async def act(viewer: Actor) -> object:
        notification = await form_text(request, "notification")
        recipients = parse_parties(await picked(request, "recipients"), "recipients")
        return services.crisis.name_recipients(viewer, slug, recipients, notification=notification)

    return await _form(request, services, slug, act, "recipients-named")


@router.post("/cases/{slug}/crisis/oncall/acknowledge", response_class=HTMLResponse)
async def acknowledge(request: Request, slug: str, services: ServicesDep) -> Response:
    """One named recipient of a notification acknowledged it (the last one acknowledges
    the notification)."""

    async def act(viewer: Actor) -> object:
        notification = await form_text(request, "notification")
        recipient = await form_text(request, "recipient")
        by = await form_text(request, "by", required=False)
        return services.crisis.acknowledge_recipient(
            viewer, slug, recipient, notification=notification, by=by
        )

    return await _form(request, services, slug, act, "recipient-acknowledged")


@router.post("/cases/{slug}/crisis/oncall/heartbeats", response_class=HTMLResponse)
async def expect_heartbeat(request: Request, slug: str, services: ServicesDep) -> Response:
    """A channel expects a message from one of its ends at an interval."""

    async def act(viewer: Actor) -> object:
        channel = await known_channel(request, services, viewer, slug)
        expected_from = await form_text(request, "expected_from")
        every = parse_float(await form_text(request, "every_hours"), "every_hours")
        grace_text = await form_text(request, "grace_hours", required=False)
        grace = parse_float(grace_text, "grace_hours") if grace_text else 0.0
        if grace < 0:
            raise InputError("grace_hours", "the grace cannot be negative")
        what = await form_text(request, "what", required=False) or "routine message"
        return services.crisis.expect_heartbeat(
            viewer, slug, channel, expected_from=expected_from, every_hours=every,
            grace_hours=grace, what=what,
        )  # fmt: skip

    return await _form(request, services, slug, act, "heartbeat-expected")


@router.post("/cases/{slug}/crisis/oncall/messages", response_class=HTMLResponse)
async def record_message(request: Request, slug: str, services: ServicesDep) -> Response:
    """A message passed on a channel (a heartbeat answered, a routine exchange)."""

    async def act(viewer: Actor) -> object:
        channel = await known_channel(request, services, viewer, slug)
        sender = await form_text(request, "sender")
        text = await form_text(request, "text")
        at = parse_instant(await form_text(request, "at", required=False), "at")
        return services.crisis.record_message(
            viewer, slug, channel, sender=sender, text=text, at=at
        )

    return await _form(request, services, slug, act, "message-recorded")
