"""The review after an incident: what happened, what the playbook got right and what it
got wrong, and follow-ups, each with an owner (picked from the desk's members) and a
due date. Written once the incident is closed; written again, it replaces the last.
Open follow-ups appear on their owner's "What needs me" (:mod:`offramp.web.needs`).
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.bootstrap import Services
from offramp.errors import InputError, OfframpError
from offramp.model.access import Action
from offramp.model.parse import parse_day
from offramp.services.access import Actor
from offramp.web.crisis import Failed, page, written
from offramp.web.oncall_forms import chosen, oncall_page
from offramp.web.pages import ServicesDep, WebRoute, form_text, form_values

router = APIRouter(route_class=WebRoute, include_in_schema=False)
PATH = "/cases/{slug}/crisis/incidents/{incident}/review"
SPARE_ROWS = 3  # empty follow-up rows offered below the written ones
MAX_ROWS = 50


def review_tab(
    request: Request, services: Services, slug: str, incident: str, failed: Failed = None
) -> Response:
    viewer, cv, ctx = oncall_page(request, services, slug, "board")
    card = services.crisis.incident(viewer, slug, incident)
    review = services.crisis.review(viewer, slug, incident)
    written = list(review.follow_ups) if review else []
    values = failed[1] if failed else {}
    given = sum(1 for k in values if k.startswith("fu_what_"))
    return page(
        request,
        "crisis_review.html",
        ctx,
        failed,
        inc=card.incident,
        run=card.run,
        review=review,
        written=written,
        rows=max(len(written), given) + SPARE_ROWS,
        people_choices=[(p, p) for p in services.crisis.desk_people(viewer, slug)],
        can_write=Action.CRISIS_WRITE in cv.allowed,
    )


@router.get(PATH, response_class=HTMLResponse)
async def review_page(
    request: Request, slug: str, incident: str, services: ServicesDep
) -> Response:
    return review_tab(request, services, slug, incident)


def lines(text: str) -> list[str]:
    return [x.strip() for x in text.splitlines() if x.strip()]


async def follow_ups(
    request: Request, people: tuple[str, ...]
) -> list[tuple[str, str, date, bool]]:
    """The form's follow-up rows (``fu_what_K``, ``fu_owner_K``, ``fu_due_K``,
    ``fu_done_K``); an empty row is skipped, a half-filled one refused by field."""
    form = await request.form()
    out = []
    for k in range(MAX_ROWS):
        what = str(form.get(f"fu_what_{k}", "")).strip()
        owner = str(form.get(f"fu_owner_{k}", "")).strip()
        due = str(form.get(f"fu_due_{k}", "")).strip()
        if not (what or owner or due):
            continue
        n = k + 1
        if not what:
            raise InputError(f"fu_what_{k}", f"follow-up {n}: say what is to be done")
        if not owner:
            raise InputError(f"fu_owner_{k}", f"follow-up {n}: choose who owns it")
        chosen(owner, f"fu_owner_{k}", people)
        day = parse_day(due, f"fu_due_{k}")
        if day is None:
            raise InputError(f"fu_due_{k}", f"follow-up {n}: give its due date")
        out.append((what, owner, day, form.get(f"fu_done_{k}") == "yes"))
    return out


@router.post(PATH, response_class=HTMLResponse)
async def write_review(
    request: Request, slug: str, incident: str, services: ServicesDep
) -> Response:
    async def act(viewer: Actor) -> object:
        return services.crisis.write_review(
            viewer,
            slug,
            incident,
            what_happened=await form_text(request, "what_happened"),
            went_right=lines(await form_text(request, "went_right", required=False)),
            went_wrong=lines(await form_text(request, "went_wrong", required=False)),
            follow_ups=await follow_ups(request, services.crisis.desk_people(viewer, slug)),
        )

    async def refuse(exc: OfframpError) -> Response:
        return review_tab(request, services, slug, incident, (exc, await form_values(request)))

    back = f"/cases/{slug}/crisis/incidents/{incident}/review?done=reviewed"
    return await written(request, services, slug, act, refuse, back)
