"""The forecast page: how one issue settles under the expected-utility model.

``GET /cases/{slug}/forecast?issue=donbas&at=2022-03-11&rounds=10`` shows a form (the
issue, the date, the number of rounds), a server-rendered SVG line chart of each
actor's position per round on the issue's 0..100 scale (its options labelled at their
places) with the weighted median, a table of the positions per round, and the
predicted outcome: the option nearest the median after the last round.

The data come from ``offramp.services.forecasting.ForecastService`` (``analysis.read``,
as the deal space); a member who may not read the analysis gets the plain 404 page. A
bad issue, date or number of rounds re-renders the form with the message.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.errors import InputError
from offramp.model import Case
from offramp.model.access import Action
from offramp.web.forecast_chart import NARROW, forecast_svg
from offramp.web.pages import (
    CaseView,
    ServicesDep,
    WebRoute,
    case_context,
    form_values,
    open_case,
    render,
)

DEFAULT_ROUNDS = 10
MAX_TABLE_BYTES = 1_000_000  # an actor table is a few lines; refuse anything near a megabyte
VARIANT_CHOICES = (
    ("printed", "printed: the paper's equations"),
    ("scholz-code", "scholz-code: the code that reproduces the paper's example"),
)


def issue_choices(case: Case) -> list[tuple[str, str]]:
    """The issues to choose from: those on the table first, then the rest."""
    table = list(case.table_issues())
    ids = {i.id for i in table}
    return [(i.id, i.title) for i in [*table, *(i for i in case.issues if i.id not in ids)]]


def default_issue(case: Case) -> str:
    """The first issue on the table a party has a position on at the case's last date."""
    dates = case.dates()
    for issue_id, _ in issue_choices(case):
        if dates and any(case.position_at(p.id, issue_id, dates[-1]) for p in case.parties):
            return issue_id
    choices = issue_choices(case)
    return choices[0][0] if choices else ""


def parse_rounds(value: str | None) -> int:
    if value is None or not value.strip():
        return DEFAULT_ROUNDS
    try:
        return int(value.strip())
    except ValueError:
        raise InputError("rounds", f"{value!r} is not a whole number of rounds") from None


def table_view(report: dict[str, Any]) -> dict[str, Any]:
    """A table's report in the shape the page and the chart read for a case's: the
    table's own scale (its lowest to its highest starting position, each starting
    position a tick), each round's moves by actor, and numbers for option labels."""
    starts = sorted({float(a["position"]) for a in report["actors"]})
    lo, hi = (starts[0], starts[-1]) if starts else (0.0, 1.0)
    for row in report["rounds"]:
        moved = row["moves"]
        row["moved"] = moved
        row["moves"] = {m["actor"]: m["kind"] for m in moved}
        row["median_label"] = f"{row['median']:.2f}"
    lo_out, hi_out = report["outcome_range"]
    return {
        **report,
        "title": Path(str(report["source"])).name,
        "at": "",
        "scale_range": (lo, hi),
        "options": [{"id": f"{v:g}", "label": f"{v:g}", "position": v} for v in starts],
        "outcome_label": f"{float(report['outcome']):.2f}",
        "outcome_option": f"{float(report['outcome']):.2f}",
        "outcome_range_options": [f"{lo_out:.2f}", f"{hi_out:.2f}"],
    }


async def uploaded_table(request: Request) -> tuple[str, str]:
    """The actor table sent with the form, as text and a file name: the file chosen
    (``actors``) or, without one, the text pasted (``table``)."""
    form = await request.form()
    upload = form.get("actors")
    if isinstance(upload, StarletteUpload) and upload.filename:
        name = Path(upload.filename).name or "actors.csv"
        raw = await upload.read(MAX_TABLE_BYTES + 1)
        if len(raw) > MAX_TABLE_BYTES:
            raise InputError(name, f"the actor table is larger than {MAX_TABLE_BYTES} bytes")
        try:
            return raw.decode("utf-8-sig"), name
        except UnicodeDecodeError:
            raise InputError(name, "the actor table is not UTF-8 text") from None
    pasted = form.get("table")
    text = pasted if isinstance(pasted, str) else ""
    if not text.strip():
        raise InputError("actors", "choose an actor table (CSV) or paste one")
    if len(text.encode()) > MAX_TABLE_BYTES:
        raise InputError("table", f"the actor table is larger than {MAX_TABLE_BYTES} bytes")
    return text, "pasted table"


router = APIRouter(route_class=WebRoute, include_in_schema=False)


def page_context(cv: CaseView, query: Mapping[str, str]) -> dict[str, Any]:
    """What the forecast page shows before any forecast: both forms, filled from ``query``."""
    dates = cv.case.dates()
    return {
        **case_context(cv, "forecast"),
        "issues": issue_choices(cv.case),
        "dates": [d.isoformat() for d in dates],
        "issue": (query.get("issue") or "").strip() or default_issue(cv.case),
        "at": (query.get("at") or "").strip() or (dates[-1].isoformat() if dates else ""),
        "rounds": (query.get("rounds") or "").strip() or str(DEFAULT_ROUNDS),
        "variant": (query.get("variant") or "").strip() or "printed",
        "variants": VARIANT_CHOICES,
        "report": None,
        "table": None,
        "svg": "",
        "svg_narrow": "",
        "fmt": "%.1f",
    }


@router.get("/cases/{slug}/forecast", response_class=HTMLResponse)
async def forecast(request: Request, slug: str, services: ServicesDep) -> Response:
    viewer, cv = open_case(request, services, slug, Action.ANALYSIS_READ)
    ctx = page_context(cv, request.query_params)
    try:
        rounds = parse_rounds(ctx["rounds"])
        report = services.forecasting.forecast(
            viewer, slug, ctx["issue"], ctx["at"] or None, rounds, ctx["variant"]
        )
    except InputError as exc:
        return render(request, "forecast.html", {**ctx, "error": exc}, status=exc.status)
    ctx.update(report=report, svg=forecast_svg(report), svg_narrow=forecast_svg(report, NARROW))
    return render(request, "forecast.html", ctx)


@router.post("/cases/{slug}/forecast", response_class=HTMLResponse)
async def forecast_table(request: Request, slug: str, services: ServicesDep) -> Response:
    """The forecast of an uploaded actor table (CSV: actor, capability, position,
    salience); a bad table re-renders the form with each problem's line and field."""
    viewer, cv = open_case(request, services, slug, Action.ANALYSIS_READ)
    values = await form_values(request)
    ctx = {**page_context(cv, values), "table_mode": True}
    try:
        rounds = parse_rounds(ctx["rounds"])
        text, name = await uploaded_table(request)
        report = services.forecasting.forecast_table(
            viewer, slug, text, name, rounds, ctx["variant"]
        )
    except InputError as exc:
        ctx["pasted"] = values.get("table", "")
        return render(request, "forecast.html", {**ctx, "error": exc}, status=exc.status)
    view = table_view(report)
    ctx.update(
        report=view,
        table=view,
        svg=forecast_svg(view),
        svg_narrow=forecast_svg(view, NARROW),
        fmt="%.2f",
    )
    return render(request, "forecast.html", ctx)
