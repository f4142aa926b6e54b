"""What needs me: one page per user, across their cases, of what waits on them.

``GET /needs`` is where signing in lands. For each of the viewer's cases it lists what
their role there has to do, each item linking to the page where it is done:

- the mediator: assurances requested and not yet answered, assurances given and ready to
  relay, packages awaiting the parties' answers, statements recorded through intake and
  not yet confirmed;
- a delegation: the mediator's requests to confirm or deny a claim of its party, claims
  relayed to it to acknowledge, packages tabled to it that it has not answered;
- whoever works the crisis desk: playbook steps due and overdue (and those still
  waiting on an earlier step, whose deadline runs all the same), notifications whose
  acknowledgement is awaited or late.
- whoever reads the crisis desk: the follow-ups of incident reviews they own, with
  their due dates.

Every item comes from the services' own reads (the access policy decides what is there);
what the viewer may not read is simply not asked for. Deadlines carry a countdown in the
desk's clock ("due in 4 h 12 min", "overdue by 35 min"): rendered here, ticked by
``static/live.js`` from the desk's now on ``<body>``; the page refreshes itself when
an event of one of the cases arrives.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.bootstrap import Services
from offramp.model.access import Action, DeskRole
from offramp.model.crisis.notifications import AckStatus
from offramp.model.crisis.runs import StepStatus
from offramp.model.deadlines import format_duration
from offramp.model.shuttle import ClaimState, ProposalStatus
from offramp.model.shuttle import Response as Answer
from offramp.services.access import Actor
from offramp.web.pages import ServicesDep, WebRoute, render, signed_in

router = APIRouter(route_class=WebRoute, include_in_schema=False)
#: the events after which the page is fetched again (prefixes of the stream's types)
LIVE_EVENTS = (
    "claim. proposal. statement. incident. step. notification. alert. case. member. share."
)


@dataclass(frozen=True)
class Due:
    """A deadline and how the countdown words it before and after it passes."""

    at: datetime
    before: str = "due in"
    after: str = "overdue by"

    def words(self, now: datetime) -> str:
        """``due in 4 h 12 min`` or ``overdue by 35 min``, at ``now``."""
        if self.at > now:
            return f"{self.before} {format_duration(self.at - now)}"
        return f"{self.after} {format_duration(now - self.at)}"

    def passed(self, now: datetime) -> bool:
        return self.at <= now


@dataclass(frozen=True)
class Need:
    """One thing that waits on the viewer, and where it is done."""

    key: str  # stable across refreshes: case, kind and the object's id
    kind: str
    title: str
    detail: str
    href: str
    action: str  # the link's words
    due: Due | None = None


@dataclass(frozen=True)
class CaseNeeds:
    slug: str
    title: str
    role: DeskRole
    party: str | None
    items: tuple[Need, ...]


def shuttle_needs(
    services: Services, viewer: Actor, slug: str, may: frozenset[Action], party: str | None
) -> list[Need]:
    """Claims and packages that wait on the viewer in case ``slug``."""
    shuttle = f"/cases/{slug}/shuttle"
    out: list[Need] = []
    if Action.CLAIM_READ in may:
        for c in (v.claim for v in services.shuttle.list_claims(viewer, slug)):
            k = f"{slug}:claim:{c.id}"
            if c.state is ClaimState.ASSURANCE_REQUESTED:
                if Action.CLAIM_REQUEST in may:
                    out.append(
                        Need(
                            k,
                            "assurance-awaited",
                            f"Assurance awaited from {c.party}",
                            c.text,
                            f"{shuttle}#claims-h",
                            "Open the verification queue",
                        )
                    )
                elif party == c.party and Action.CLAIM_RESPOND in may:
                    out.append(
                        Need(
                            k,
                            "assurance-request",
                            "The mediator asks you to confirm",
                            c.text,
                            f"{shuttle}#claims-h",
                            "Confirm or deny",
                        )
                    )
            elif c.state is ClaimState.ASSURED and Action.CLAIM_RELAY in may:
                out.append(
                    Need(
                        k,
                        "assured",
                        f"Assured by {c.party}: ready to relay",
                        c.text,
                        f"{shuttle}#claims-h",
                        "Relay it",
                    )
                )
            elif (
                c.state is ClaimState.RELAYED
                and party
                and party == c.relayed_to
                and Action.CLAIM_ACKNOWLEDGE in may
            ):
                out.append(
                    Need(
                        k,
                        "claim-relayed",
                        "A claim was relayed to you",
                        c.text,
                        f"{shuttle}#claims-h",
                        "Acknowledge it",
                    )
                )
    if Action.PROPOSAL_READ in may:
        for p in (v.proposal for v in services.shuttle.list_proposals(viewer, slug)):
            if p.status is not ProposalStatus.OPEN:
                continue
            k = f"{slug}:proposal:{p.id}"
            if Action.PROPOSAL_RESPONSES in may:
                waiting = [r.party for r in p.responses if r.response is Answer.PENDING]
                if waiting:
                    out.append(
                        Need(
                            k,
                            "package-awaiting",
                            f"Package “{p.title}”",
                            f"awaiting the answer of {', '.join(waiting)}",
                            f"{shuttle}#prop-h",
                            "See the package",
                        )
                    )
            elif (
                party
                and party in p.parties
                and Action.PROPOSAL_RESPOND in may
                and p.response_of(party).response is Answer.PENDING
            ):
                out.append(
                    Need(
                        k,
                        "package-answer",
                        f"Package “{p.title}”",
                        "tabled to your delegation: accept or reject it",
                        f"{shuttle}#prop-h",
                        "Answer it",
                    )
                )
    return out


def statement_needs(
    services: Services, viewer: Actor, slug: str, may: frozenset[Action]
) -> list[Need]:
    """Statements recorded through intake that the viewer may confirm."""
    if Action.STATEMENT_CONFIRM not in may or Action.STATEMENT_CREATE not in may:
        return []
    return [
        Need(
            f"{slug}:statement:{r.statement.id}",
            "statement",
            f"Statement to confirm: {r.statement.speaker}, {r.statement.date.isoformat()}",
            r.statement.quote,
            f"/cases/{slug}/intake",
            "Confirm it",
        )
        for r in services.intake.waiting(viewer, slug)
    ]


def crisis_needs(
    services: Services, viewer: Actor, slug: str, may: frozenset[Action]
) -> list[Need]:
    """Playbook steps due or overdue and acknowledgements awaited or late, for whoever
    works the crisis desk."""
    if Action.CRISIS_WRITE not in may:
        return []
    board = services.crisis.crisis_board(viewer, slug)
    out: list[Need] = []
    for card in board.incidents:
        if card.run is None or card.run.closed_at is not None:
            continue
        titles = {v.id: v.title for v in card.steps}
        for v in card.steps:
            if v.status not in (StepStatus.PENDING, StepStatus.DUE, StepStatus.OVERDUE):
                continue
            first = ", ".join(titles.get(w, w) for w in v.waiting_on)
            after = f" (waits for: {first})" if first else ""
            out.append(
                Need(
                    f"{slug}:step:{card.incident.id}:{v.id}",
                    f"step-{v.status.value}",
                    v.title,
                    card.incident.title + after,
                    f"/cases/{slug}/crisis#inc-{card.incident.id}",
                    "Record it",
                    Due(v.due_at),
                )
            )
    for n in board.notifications:
        if n.status in (AckStatus.AWAITED, AckStatus.OVERDUE):
            note = n.notification
            out.append(
                Need(
                    f"{slug}:notification:{note.id}",
                    f"ack-{n.status.value}",
                    f"Acknowledgement from {note.to}",
                    f"{note.what}, {note.where}",
                    f"/cases/{slug}/crisis/notifications",
                    "Record it",
                    Due(note.ack_due, "due in", "late by"),
                )
            )
    return out


def follow_up_needs(
    services: Services, viewer: Actor, slug: str, may: frozenset[Action]
) -> list[Need]:
    """The follow-ups of incident reviews that the viewer owns and has not done, due by
    the end of their due day (UTC)."""
    if Action.CRISIS_READ not in may:
        return []
    return [
        Need(
            f"{slug}:follow-up:{o.incident}:{o.follow_up.what}",
            "follow-up",
            f"Follow-up: {o.follow_up.what}",
            f"from the review of “{o.title}”, due {o.follow_up.due:%-d %B %Y}",
            f"/cases/{slug}/crisis/incidents/{o.incident}/review",
            "See the review",
            Due(datetime.combine(o.follow_up.due + timedelta(days=1), time(), UTC)),
        )
        for o in services.crisis.open_follow_ups(viewer, slug, viewer.name)
    ]


def ordered(items: Iterable[Need]) -> tuple[Need, ...]:
    """Items with a deadline first, earliest deadline (longest overdue) first; then the rest."""
    every = list(items)
    timed = sorted((n for n in every if n.due), key=lambda n: n.due.at if n.due else 0)
    return (*timed, *(n for n in every if not n.due))


def case_needs(services: Services, viewer: Actor) -> list[CaseNeeds]:
    """What waits on ``viewer`` in each of their cases."""
    out = []
    for c in services.cases.list_my_cases(viewer):
        may = services.cases.permissions(viewer, c.slug)
        items = [
            *shuttle_needs(services, viewer, c.slug, may, c.party),
            *statement_needs(services, viewer, c.slug, may),
            *crisis_needs(services, viewer, c.slug, may),
            *follow_up_needs(services, viewer, c.slug, may),
        ]
        out.append(CaseNeeds(c.slug, c.title, DeskRole(c.role), c.party, ordered(items)))
    return out


@router.get("/needs", response_class=HTMLResponse)
async def needs(request: Request, services: ServicesDep) -> Response:
    viewer = signed_in(request, services)
    cases = case_needs(services, viewer)
    return render(
        request,
        "needs.html",
        {
            "cases": cases,
            "now": services.clock.now(),
            "total": sum(len(c.items) for c in cases),
            "live_events": LIVE_EVENTS,
            "active": "needs",
        },
    )
