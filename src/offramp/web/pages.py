"""The web desk's page kit: the route class, rendering, forms, sign-in and case access.

Every page module builds its ``APIRouter(route_class=WebRoute)`` from this one and
nothing else of the web: :class:`WebRoute` is the surface's one error handler (an
``OfframpError`` becomes a page with its message, ``NotFound`` the same plain 404 page
whatever was missing or hidden, ``Unauthenticated`` a redirect to sign-in) and refuses
every POST whose CSRF token does not match. Handlers take the desk's services from the
request (:data:`ServicesDep`), as the API does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from offramp.bootstrap import Services
from offramp.errors import (
    Forbidden,
    InputError,
    NotFound,
    OfframpError,
    Throttled,
    Unauthenticated,
)
from offramp.model import Case
from offramp.model.access import Action, DeskRole
from offramp.model.deadlines import FixedClock
from offramp.services.access import Actor
from offramp.services.session_rules import PasswordRenewal, SessionIdled
from offramp.services.write_limits import charge_write
from offramp.web import security
from offramp.web.refill import form_again

log = logging.getLogger("offramp.web")
HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
NO_PAGE = "No such page."
LIVE_HEADER = "x-offramp-live"  # live.js sends it when it fetches a page again itself

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
    "session-ended": "Your session ended after a spell without use; sign in again.",
    "two-factor-off": "Two-factor sign-in is off: your password alone signs you in.",
    "security-key-added": "Security key added: the desk asks for it when you sign in.",
    "codes-off": "Codes from your app are off: your security key still signs you in.",
    "security-key-removed": "Security key removed: it no longer signs you in.",
    "password-changed": "Password changed: you are signed out everywhere else.",
    "signed-out-elsewhere": "Signed out everywhere else: this browser is your only session.",
    "shared": "Shared: that member now sees it.",
    "linked": "Precedent linked: it is shown wherever that option is shown.",
    "unlinked": "Link removed.",
}
QUIET_PAGES = frozenset({"not_found.html", "error.html"})  # no desk clock on them
CSRF_MESSAGE = (
    "This form has expired or did not come from this desk. Reload the page and try again."
)


async def services_of(request: Request) -> Services:  # async: no I/O, so no threadpool hop
    """The desk's services, as ``mount_web`` (and the API) left them on the app."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(services_of)]


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
            except Unauthenticated as exc:
                if request.method == "GET":
                    target = quote(
                        request.url.path + (f"?{request.url.query}" if request.url.query else "")
                    )
                    ended = "&done=session-ended" if isinstance(exc, SessionIdled) else ""
                    response = RedirectResponse(f"/sign-in?next={target}{ended}", status_code=303)
                else:  # a form sent without a live session: sign in, then fill it again
                    ended = "?done=session-ended" if isinstance(exc, SessionIdled) else ""
                    response = RedirectResponse(f"/sign-in{ended}", status_code=303)
            except PasswordRenewal:  # only the password page until it is changed
                response = RedirectResponse("/account/password", status_code=303)
            except OfframpError as exc:
                response = error_page(request, exc)
                if isinstance(exc, Throttled):  # over the write limit: when to send it again
                    again = await form_again(request, exc.message, exc.status)  # as typed
                    response = again or response
                    response.headers["Retry-After"] = str(exc.retry_after)
            except Exception:
                log.exception("web page failed: %s %s", request.method, request.url.path)
                response = error_page(
                    request, OfframpError("Something went wrong on the desk; it has been logged.")
                )
            return guarded(request, response)

        return handler


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
"""Every page: scripts only from the desk's own files (no inline script, so a stored
link or text can never run), styles from the desk with inline attributes for charts."""


def guarded(request: Request, response: Response) -> Response:
    """``response`` with the CSRF cookie (if minted) and the desk's security headers."""
    security.remember_csrf(request, response)
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    return response


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
    """``template`` with ``context`` and what every page shows (viewer, CSRF, done)."""
    base = {
        "request": request,
        "csrf": security.csrf_token(request),
        "csrf_field": security.CSRF_FIELD,
        "viewer": getattr(request.state, "viewer", None),
        "done": DONE.get(request.query_params.get("done", "")),
        # the error pages stay byte for byte alike (a hidden page is a missing one)
        **({} if template in QUIET_PAGES else desk_clock(request)),
    }
    return templates.TemplateResponse(request, template, {**base, **context}, status_code=status)


def desk_clock(request: Request) -> dict[str, Any]:
    """The desk's "now" (``Services.clock``), from which ``live.js`` ticks the pages'
    countdowns, and whether that clock runs at all (a fixed clock stands still)."""
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None:
        return {}
    clock = services.clock
    return {"desk_now": clock.now().isoformat(), "desk_ticks": not isinstance(clock, FixedClock)}


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def client_address(request: Request) -> str:
    """The browser's address, for the sign-in throttle and the account notices (uvicorn
    applies ``X-Forwarded-For`` only from a trusted proxy)."""
    return request.client.host if request.client else ""


async def form_text(request: Request, name: str, *, required: bool = True) -> str:
    """A form field as stripped text; InputError naming the field when it is missing."""
    form = await request.form()
    value = form.get(name)
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise InputError(name, f"{name.replace('_', ' ')} is required")
    return text


async def form_values(request: Request) -> dict[str, str]:
    """The fields of a refused form (repeated ones joined), to fill it in again."""
    form = await request.form()
    return {k: ", ".join(str(v) for v in form.getlist(k)) for k in form if k != security.CSRF_FIELD}


# -- sign-in and case access ---------------------------------------------------------------
def viewer_of(services: Services, token: str | None) -> Actor | None:
    """The user of a live session token, or None."""
    if not token:
        return None
    try:
        return services.accounts.actor_for_secret(token)
    except Unauthenticated:
        return None


def signed_in(request: Request, services: Services) -> Actor:
    """The signed-in user of ``request``, kept on ``request.state.viewer``; a 303 to the
    sign-in page when there is none (saying so when the session idled out). A form POST
    spends one of the user's write limit, as an API write does (a 429 page over it)."""
    token = security.session_secret(request)
    if not token:
        raise Unauthenticated("Sign in to use the desk.")
    # live.js fetching a page again on an event is not a use (ASVS 3.3.2): the page
    # was left open, nobody asked for it
    viewer = services.accounts.actor_for_secret(token, touch=LIVE_HEADER not in request.headers)
    request.state.viewer = viewer
    if viewer.must_renew and request.url.path not in RENEWAL_PAGES:
        raise PasswordRenewal()
    charge_write(request, viewer.id)
    return viewer


#: the pages a session signed in to renew its password may open (ASVS 2.1.7)
RENEWAL_PAGES = frozenset({"/account/password", "/sign-out"})


@dataclass(frozen=True)
class CaseView:
    """A case as the viewer may see it, with the viewer's role as an enum (the templates
    compare and print it) and what the pages should offer."""

    slug: str
    case: Case
    role: DeskRole
    party: str | None
    allowed: frozenset[Action] = field(default_factory=frozenset)

    def may(self, action: Action) -> bool:
        """Whether the page should offer ``action`` (the services still enforce it)."""
        return action in self.allowed

    @property
    def party_name(self) -> str | None:
        """The name of the viewer's party (``Ukraine``), or None for a non-party role."""
        if self.party is None:
            return None
        return next((p.name for p in self.case.parties if p.id == self.party), self.party)


def case_view(services: Services, viewer: Actor, slug: str) -> CaseView:
    """Case ``slug`` as ``viewer`` may see it; NotFound when hidden or missing."""
    record = services.cases.public_record(viewer, slug)
    return CaseView(
        record.slug, record.case, DeskRole(record.role), record.party, record.permissions
    )


def open_case(
    request: Request, services: Services, slug: str, need: Action | None = None
) -> tuple[Actor, CaseView]:
    """The signed-in viewer and case ``slug``; the plain 404 unless they may ``need``."""
    viewer = signed_in(request, services)
    cv = case_view(services, viewer, slug)
    if need is not None and not cv.may(need):
        raise NotFound(NO_PAGE)
    return viewer, cv


def require(cv: CaseView, action: Action) -> None:
    """Forbidden (403, naming ``action``) unless the viewer may ``action`` in the case."""
    if not cv.may(action):
        raise Forbidden(action.value, f"You may not {action.value} in case {cv.slug}.")


def case_context(cv: CaseView, active: str) -> dict[str, Any]:
    """What the case's pages share: the case, the active tab, and words for ids."""

    def words(issue_id: str, option_id: str) -> tuple[str, str]:
        try:
            issue = cv.case.issue(issue_id)
        except KeyError:
            return issue_id, option_id
        try:
            return issue.title, issue.option(option_id).label
        except KeyError:
            return issue.title, option_id

    return {"cv": cv, "active": active, "Action": Action, "DeskRole": DeskRole, "words": words}
