"""The intake reader's page: retrain it from the desk, compare, and choose which reads.

``GET /cases/{slug}/intake/reader`` says which reader the intake uses, what retraining
would learn from and test on, and every reader trained on this desk with its precision
and recall on the held-out part, before and after. ``POST .../reader/train`` trains a
new one (stored as a candidate: nothing changes for the intake), ``POST
.../reader/{n}/adopt`` has the intake use it, ``POST .../reader/retire`` goes back to
the reader shipped for the case. All need ``reader.train`` (the mediator and the
analyst): the page is the plain 404 for everyone else, a form a 403 naming the action.
Through ``offramp.services.intake_reader``.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.bootstrap import Services
from offramp.errors import InputError, OfframpError
from offramp.model.access import Action
from offramp.services.access import Actor
from offramp.web.pages import ServicesDep, WebRoute, case_context, open_case, render, require
from offramp.web.pages import see_other as redirect

router = APIRouter(route_class=WebRoute, include_in_schema=False)
DONE = {
    "trained": "A new reader was trained and scored below. The intake still reads with the "
    "reader in use until you adopt the new one.",
    "adopted": "The intake now reads with the reader you adopted.",
    "retired": "The intake reads with the reader shipped for the case again.",
}


def measure(right: int, proposed: int, labelled: int) -> dict[str, str]:
    """Precision and recall in words, with the counts behind them."""
    precision = (
        f"{right / proposed:.2f} ({right} of {proposed} proposals right)"
        if proposed
        else "no proposals made"
    )
    recall = f"{right / labelled:.2f} ({right} of {labelled} confirmed found)"
    return {"precision": precision, "recall": recall}


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def reader_page(
    request: Request, services: Services, slug: str, *, error: OfframpError | None = None
) -> Response:
    viewer, cv = open_case(request, services, slug, Action.READER_TRAIN)
    state = services.intake.readers.state(viewer, slug)
    ctx = {
        **case_context(cv, "intake"),
        "state": state,
        "measure": measure,
        "plural": plural,
        "error": error,
        "done": DONE.get(request.query_params.get("done", "")),
    }
    return render(request, "intake_reader.html", ctx, status=error.status if error else 200)


def trainer(request: Request, services: Services, slug: str) -> Actor:
    """The viewer; 403 naming ``reader.train`` unless they may retrain."""
    viewer, cv = open_case(request, services, slug)
    require(cv, Action.READER_TRAIN)
    return viewer


@router.get("/cases/{slug}/intake/reader", response_class=HTMLResponse)
async def page(request: Request, slug: str, services: ServicesDep) -> Response:
    return reader_page(request, services, slug)


async def _act(
    request: Request, services: ServicesDep, slug: str, done: str, use: Callable[..., object]
) -> Response:
    """Run one of the reader's use cases as the trainer; its refusal re-renders the page."""
    viewer = trainer(request, services, slug)
    try:
        await run_in_threadpool(use, viewer, slug)
    except InputError as exc:
        return reader_page(request, services, slug, error=exc)
    return redirect(f"/cases/{slug}/intake/reader?done={done}")


@router.post("/cases/{slug}/intake/reader/train", response_class=HTMLResponse)
async def train(request: Request, slug: str, services: ServicesDep) -> Response:
    return await _act(request, services, slug, "trained", services.intake.readers.train)


@router.post("/cases/{slug}/intake/reader/{number}/adopt", response_class=HTMLResponse)
async def adopt(request: Request, slug: str, number: int, services: ServicesDep) -> Response:
    readers = services.intake.readers
    return await _act(request, services, slug, "adopted", lambda v, s: readers.adopt(v, s, number))


@router.post("/cases/{slug}/intake/reader/retire", response_class=HTMLResponse)
async def retire(request: Request, slug: str, services: ServicesDep) -> Response:
    return await _act(request, services, slug, "retired", services.intake.readers.retire)
