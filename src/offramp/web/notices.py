"""The banner of changes to one's sign-in (OWASP ASVS 2.2.3, 2.5.5), on every page.

    POST /account/notices/dismiss    the notices shown (``id``, repeated; none: all of
                                     them) are dismissed; back to the page it came from

The base template asks :func:`banner` for the signed-in viewer's unseen notices
(:mod:`offramp.services.account_notices`) and shows each in words until dismissed. An
id that is not the viewer's answers the plain 404 page, as a missing one does.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.bootstrap import Services
from offramp.errors import NotFound
from offramp.services.account_notices import NO_NOTICE, Notice
from offramp.web import security
from offramp.web.pages import ServicesDep, WebRoute, see_other, signed_in, templates

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def banner(request: Request) -> list[Notice]:
    """The unseen notices of the page's viewer (none for a page without one)."""
    viewer = getattr(request.state, "viewer", None)
    services: Services | None = getattr(request.app.state, "services", None)
    if viewer is None or services is None:
        return []
    return services.accounts.notices.unseen(viewer)


templates.env.globals["account_notices"] = banner


def _ids(values: list[str]) -> list[int] | None:
    """The form's notice ids, or None for all; a malformed one is as missing."""
    if not values:
        return None
    if not all(v.isdigit() and len(v) <= 18 for v in values):
        raise NotFound(NO_NOTICE)
    return [int(v) for v in values]


@router.post("/account/notices/dismiss", response_class=HTMLResponse)
async def dismiss(request: Request, services: ServicesDep) -> Response:
    """Dismiss the notices the banner showed, then back to the page it was on."""
    viewer = signed_in(request, services)
    form = await request.form()
    ids = _ids([str(v) for v in form.getlist("id")])
    services.accounts.notices.dismiss(viewer, ids)
    return see_other(_back(request))


def _back(request: Request) -> str:
    """The desk page the banner was on (the browser's same-origin ``Referer``), else
    ``/needs``. Not a form field: the banner would then spell each page's own address,
    and a hidden page's 404 must be byte for byte a missing one's."""
    here = f"{request.url.scheme}://{request.headers.get('host', '')}"
    came = request.headers.get("referer", "")
    return security.safe_next(came[len(here) :]) if came.startswith(here + "/") else "/needs"
