"""One incident on call: its roles (lead, scribe, liaison to the ally, liaison to the
impartial body), who answers for each step and which named recipients have not
acknowledged it, "jump to step N" and "repeat from step N" on its running playbook, and
its shared timeline with notes, exported as a report (HTML and PDF).

Forms pick roles and members, steps, parties and kinds of note from lists; a refused
one re-renders this page with the message and the values given.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.bootstrap import Services
from offramp.errors import OfframpError
from offramp.model.access import Action
from offramp.model.crisis.journal import NOTE_KINDS, ROLE_TITLES, EntryKind, IncidentRole
from offramp.model.parse import parse_choice
from offramp.services.access import Actor
from offramp.web.crisis import Act, Failed, page, parse_parties, picked, written
from offramp.web.oncall_forms import ROLE_CHOICES, chosen, oncall_page
from offramp.web.pages import ServicesDep, WebRoute, form_text, form_values

router = APIRouter(route_class=WebRoute, include_in_schema=False)
PATH = "/cases/{slug}/crisis/incidents/{incident}"


def incident_tab(
    request: Request, services: Services, slug: str, incident: str, failed: Failed = None
) -> Response:
    viewer, _, ctx = oncall_page(request, services, slug, "board")
    card = services.crisis.incident(viewer, slug, incident)
    oncall = services.crisis.oncall(viewer, slug, incident)
    titles = {v.id: v.title for v in card.steps}
    run = card.run
    return page(
        request,
        "crisis_incident.html",
        ctx,
        failed,
        card=card,
        inc=card.incident,
        oncall=oncall,
        duties={d.step: d for d in oncall.steps},
        titles=titles,
        timeline=services.crisis.incident_timeline(viewer, slug, incident),
        review=services.crisis.review(viewer, slug, incident),
        can_write=Action.CRISIS_WRITE in ctx["cv"].allowed,
        running=run is not None and not run.closed,
        jumpable_choices=[(s.id, s.spec.title) for s in run.steps if not s.finished] if run else [],
        step_choices=list(titles.items()),
        people_choices=[(p, p) for p in services.crisis.desk_people(viewer, slug)],
        role_choices=ROLE_CHOICES,
        role_titles=ROLE_TITLES,
        roles=list(IncidentRole),
        note_kinds=[(k.value, k.value) for k in NOTE_KINDS],
    )


@router.get(PATH, response_class=HTMLResponse)
async def incident_page(
    request: Request, slug: str, incident: str, services: ServicesDep
) -> Response:
    return incident_tab(request, services, slug, incident)


@router.get(PATH + "/timeline.html", response_class=HTMLResponse)
async def report_html(
    request: Request, slug: str, incident: str, services: ServicesDep
) -> Response:
    """The incident's timeline (and review) as a readable, self-contained page."""
    viewer, _, _ = oncall_page(request, services, slug, "board")
    return HTMLResponse(services.crisis.timeline_report(viewer, slug, incident))


@router.get(PATH + "/timeline.pdf")
async def report_pdf(request: Request, slug: str, incident: str, services: ServicesDep) -> Response:
    """The same report as a PDF document, to download."""
    viewer, _, _ = oncall_page(request, services, slug, "board")
    pdf = services.crisis.timeline_pdf(viewer, slug, incident)
    name = f"{incident}-timeline.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def _refused(
    request: Request, services: Services, slug: str, incident: str, exc: OfframpError
) -> Response:
    return incident_tab(request, services, slug, incident, (exc, await form_values(request)))


async def _step(request: Request, services: Services, slug: str, incident: str) -> str:
    """The form's ``step``: one of the incident's playbook steps."""
    viewer, _, _ = oncall_page(request, services, slug, "board")
    steps = [v.id for v in services.crisis.incident(viewer, slug, incident).steps]
    return chosen(await form_text(request, "step"), "step", steps)


async def _act(
    request: Request, services: Services, slug: str, incident: str, act: Act, done: str
) -> Response:
    """Run one form's ``act``; back to the incident saying ``done``, or its page again
    with the refusal."""

    async def refuse(exc: OfframpError) -> Response:
        return await _refused(request, services, slug, incident, exc)

    anchor = {"role-assigned": "roles-h", "note-added": "timeline-h"}.get(done, "steps-h")
    back = f"/cases/{slug}/crisis/incidents/{incident}?done={done}#{anchor}"
    return await written(request, services, slug, act, refuse, back)


@router.post(PATH + "/roles", response_class=HTMLResponse)
async def assign_role(
    request: Request, slug: str, incident: str, services: ServicesDep
) -> Response:
    """Name the member who holds a role on the incident."""

    async def act(viewer: Actor) -> object:
        role = parse_choice(IncidentRole, await form_text(request, "role"), "role")
        people = services.crisis.desk_people(viewer, slug)
        holder = chosen(await form_text(request, "holder"), "holder", people)
        return services.crisis.assign_role(viewer, slug, incident, role, holder)

    return await _act(request, services, slug, incident, act, "role-assigned")


@router.post(PATH + "/answerable", response_class=HTMLResponse)
async def answerable(request: Request, slug: str, incident: str, services: ServicesDep) -> Response:
    """Make a role answerable for a step."""

    async def act(viewer: Actor) -> object:
        step = await _step(request, services, slug, incident)
        role = parse_choice(IncidentRole, await form_text(request, "role"), "role")
        return services.crisis.make_answerable(viewer, slug, incident, step, role)

    return await _act(request, services, slug, incident, act, "answerable")


@router.post(PATH + "/step-recipients", response_class=HTMLResponse)
async def name_step_recipients(
    request: Request, slug: str, incident: str, services: ServicesDep
) -> Response:
    """Name the parties who must each acknowledge a step."""

    async def act(viewer: Actor) -> object:
        step = await _step(request, services, slug, incident)
        recipients = parse_parties(await picked(request, "recipients"), "recipients")
        return services.crisis.name_recipients(
            viewer, slug, recipients, incident=incident, step=step
        )

    return await _act(request, services, slug, incident, act, "recipients-named")


@router.post(PATH + "/step-acknowledge", response_class=HTMLResponse)
async def acknowledge_step(
    request: Request, slug: str, incident: str, services: ServicesDep
) -> Response:
    """One named recipient acknowledged a step (the last one completes it)."""

    async def act(viewer: Actor) -> object:
        step = await _step(request, services, slug, incident)
        recipient = await form_text(request, "recipient")
        return services.crisis.acknowledge_recipient(
            viewer, slug, recipient, incident=incident, step=step
        )

    return await _act(request, services, slug, incident, act, "recipient-acknowledged")


async def _moved(
    request: Request, services: Services, slug: str, incident: str, jump: bool
) -> Response:
    """Jump to the form's step, or repeat from it."""

    async def act(viewer: Actor) -> object:
        step = await _step(request, services, slug, incident)
        move = services.crisis.jump_to_step if jump else services.crisis.repeat_from_step
        return move(viewer, slug, incident, step)

    return await _act(request, services, slug, incident, act, "jumped" if jump else "repeated")


@router.post(PATH + "/jump", response_class=HTMLResponse)
async def jump(request: Request, slug: str, incident: str, services: ServicesDep) -> Response:
    """Jump to a step: the open steps listed before it are waived."""
    return await _moved(request, services, slug, incident, jump=True)


@router.post(PATH + "/repeat", response_class=HTMLResponse)
async def repeat(request: Request, slug: str, incident: str, services: ServicesDep) -> Response:
    """Repeat from a step: it and those after it open again, due from now."""
    return await _moved(request, services, slug, incident, jump=False)


@router.post(PATH + "/notes", response_class=HTMLResponse)
async def add_note(request: Request, slug: str, incident: str, services: ServicesDep) -> Response:
    """Write a note, a message or a decision onto the incident's timeline."""

    async def act(viewer: Actor) -> object:
        kind = parse_choice(EntryKind, await form_text(request, "kind"), "kind")
        text = await form_text(request, "text")
        return services.crisis.add_note(viewer, slug, incident, text, kind)

    return await _act(request, services, slug, incident, act, "note-added")
