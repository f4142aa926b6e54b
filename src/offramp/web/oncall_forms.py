"""What the crisis desk's on-call pages share (``crisis_oncall``, ``crisis_times``,
``crisis_incident``, ``crisis_review``): their messages after a form, words for
parties, channels and escalation subjects, and the handling of a refused form.

The pages build on :mod:`offramp.web.crisis` (its tab context, ``page`` and ``written``);
a refused form re-renders its own page with the message and the values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from starlette.requests import Request

from offramp.bootstrap import Services
from offramp.errors import InputError
from offramp.model.crisis.escalation import action_words as escalation_words
from offramp.model.crisis.escalation import level_words
from offramp.model.crisis.journal import ROLE_TITLES, IncidentRole
from offramp.services.access import Actor
from offramp.services.crisis import CrisisBoard
from offramp.services.crisis_oncall import PlannedAction
from offramp.web.crisis import crisis_page
from offramp.web.pages import CaseView

DONE = {
    "recipients-named": "Recipients named: each must acknowledge on its own.",
    "recipient-acknowledged": "Acknowledgement recorded for that recipient.",
    "heartbeat-expected": "Heartbeat expected on that channel.",
    "message-recorded": "Message recorded on the channel.",
    "role-assigned": "Role assigned.",
    "answerable": "Step assigned to that role.",
    "note-added": "Added to the timeline.",
    "jumped": "Jumped: the open steps before it are waived, and it is due now.",
    "repeated": "Repeated: that step and those after it are open again, due from now.",
    "reviewed": "Review saved; its follow-ups are on their owners' “What needs me”.",
}
ROLE_CHOICES = [(r.value, ROLE_TITLES[r]) for r in IncidentRole]


def oncall_page(
    request: Request, services: Services, slug: str, tab: str
) -> tuple[Actor, CaseView, dict[str, Any]]:
    """:func:`offramp.web.crisis.crisis_page`, with these pages' messages and words."""
    viewer, cv, ctx = crisis_page(request, services, slug, tab)
    names = dict(ctx["crisis_parties"])

    def party(p: str) -> str:
        return f"{names[p]} ({p})" if p in names else p

    done = DONE.get(request.query_params.get("done", ""))
    choices = [(p, party(p)) for p, _ in ctx["crisis_parties"]]
    more = {"done": done or ctx["done"], "party": party, "party_choices": choices}
    return viewer, cv, {**ctx, **more}


def channel_choices(b: CrisisBoard) -> list[tuple[str, str]]:
    """Every channel of the desk: (id, "id (level)"), by id."""
    return sorted(
        (c.channel.id, f"{c.channel.id} ({level_words(c.channel.level)})")
        for d in b.channels
        for c in d.channels
    )


def subject_words(b: CrisisBoard) -> Callable[[str], str]:
    """Words for an escalation subject (``notification:ID``, ``step:INCIDENT:STEP``)."""
    notes = {v.notification.id: v.notification for v in b.notifications}
    cards = {c.incident.id: c for c in b.incidents}

    def words(subject: str) -> str:
        kind, _, rest = subject.partition(":")
        if kind == "notification" and rest in notes:
            n = notes[rest]
            return f"notification “{n.what}” from {n.sender} to {n.to}"
        incident, _, step = rest.partition(":")
        card = cards.get(incident)
        if kind == "step" and card is not None:
            title = next((v.title for v in card.steps if v.id == step), step)
            return f"step “{title}” of “{card.incident.title}”"
        return subject

    return words


def action_words(p: PlannedAction) -> str:
    """A planned action in words (:func:`offramp.model.crisis.escalation.action_words`)."""
    return escalation_words(p.action.action.value, p.action.level, p.action.repetition)


def chosen(value: str, field: str, allowed: Sequence[str]) -> str:
    """A value picked from a list: it must be one of ``allowed``."""
    if value not in allowed:
        raise InputError(field, f"choose {field.replace('_', ' ')} from the list")
    return value
