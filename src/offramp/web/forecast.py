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

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.errors import InputError
from offramp.model import Case
from offramp.model.access import Action
from offramp.web.pages import (
    CaseView,
    ServicesDep,
    WebRoute,
    case_context,
    form_values,
    open_case,
    render,
)
from offramp.web.svg import _fmt, _label

WIDTH, HEIGHT = 720, 440
LEFT, RIGHT, TOP, BOTTOM = 210, 24, 24, 96
DEFAULT_ROUNDS = 10
MAX_TABLE_BYTES = 1_000_000  # an actor table is a few lines; refuse anything near a megabyte
# distinguishable on white, and for the common colour-vision deficiencies (Okabe-Ito)
COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")
MEDIAN_COLOUR = "#b00020"
# past the seventh actor the colours come round again, each round with its own dashes
DASHES = ("", ' stroke-dasharray="2 3"', ' stroke-dasharray="7 3 2 3"')
LEGEND_LEFT = 12
VARIANT_CHOICES = (
    ("printed", "printed: the paper's equations"),
    ("scholz-code", "scholz-code: the code that reproduces the paper's example"),
)


def _wrapped(text: str, x: float, width: int = 30) -> str:
    """The whole label, in lines of at most ``width`` characters (SVG tspans)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) <= 1:
        return escape(text)
    first = -0.6 * (len(lines) - 1)
    return "".join(
        f'<tspan x="{_fmt(x)}" dy="{first if k == 0 else 1.2:.1f}em">{escape(line)}</tspan>'
        for k, line in enumerate(lines)
    )


def _dash(k: int) -> str:
    """The dash pattern of the ``k``-th actor's line (none for the first seven)."""
    return DASHES[(k // len(COLOURS)) % len(DASHES)]


def forecast_svg(report: Mapping[str, Any]) -> str:
    """Each actor's position per round as a line, the weighted median dashed. No JS."""
    rounds: Sequence[Mapping[str, Any]] = report.get("rounds") or ()
    actors = [str(a["id"]) for a in report.get("actors") or ()]
    options: Sequence[Mapping[str, Any]] = report.get("options") or ()
    lo, hi = (float(v) for v in report.get("scale_range") or (0.0, 100.0))
    span = (hi - lo) or 1.0
    last = max(len(rounds) - 1, 1)
    pw, ph = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def sx(t: int) -> float:
        return LEFT + t / last * pw

    def sy(v: float) -> float:
        return TOP + ph - (min(max(v, lo), hi) - lo) / span * ph

    when = f" from {report['at']}" if report.get("at") else ""
    title = f"Forecast of {report.get('title') or report.get('issue', '')}{when}"
    desc = (
        f"{len(actors)} actors over {len(rounds) - 1} rounds on a scale from {lo:g} "
        f"({options[0]['label'] if options else lo}) to {hi:g} "
        f"({options[-1]['label'] if options else hi}). "
        f"The weighted median ends at {float(report.get('outcome', 0.0)):.2f}, "
        f"nearest to {report.get('outcome_label', '')}."
    )
    # the legend, under the chart, in as many rows as its names need
    entries = [(a, COLOURS[k % len(COLOURS)], _dash(k)) for k, a in enumerate(actors)]
    entries.append(("weighted median", MEDIAN_COLOUR, ' stroke-dasharray="8 4"'))
    placed: list[tuple[float, float, str, str, str]] = []
    x, y = float(LEGEND_LEFT), float(TOP + ph + 62)
    for name, colour, dash in entries:
        width = 40 + 8.5 * len(name)
        if x + width > WIDTH - RIGHT and x > LEGEND_LEFT:
            x, y = float(LEGEND_LEFT), y + 20
        placed.append((x, y, name, colour, dash))
        x += width
    height = max(HEIGHT, int(y) + 22)
    out: list[str] = [
        f'<svg class="forecast" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" aria-labelledby="fc-title fc-desc" '
        f'xmlns="http://www.w3.org/2000/svg" data-chart="forecast" '
        f'data-actors="{len(actors)}" data-rounds="{len(rounds)}">',
        f'<title id="fc-title">{escape(title)}</title>',
        f'<desc id="fc-desc">{escape(desc)}</desc>',
    ]
    # the issue's options at their places on the scale
    for o in options:
        y = sy(float(o["position"]))
        out.append(
            f'<line class="guide" x1="{LEFT}" y1="{_fmt(y)}" x2="{LEFT + pw}" y2="{_fmt(y)}" '
            'stroke="#e2e2e2" />'
        )
        out.append(
            f'<text class="tick" data-option="{escape(str(o["id"]))}" x="{LEFT - 8}" '
            f'y="{_fmt(y + 4)}" text-anchor="end">{_wrapped(str(o["label"]), LEFT - 8)}'
            f"<title>{escape(str(o['label']))} ({float(o['position']):g})</title></text>"
        )
    out.append(
        f'<line class="axis" x1="{LEFT}" y1="{TOP + ph}" x2="{LEFT + pw}" y2="{TOP + ph}" '
        'stroke="#333" />'
    )
    out.append(
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + ph}" stroke="#333" />'
    )
    for t in range(len(rounds)):
        out.append(
            f'<text class="tick" x="{_fmt(sx(t))}" y="{TOP + ph + 16}" '
            f'text-anchor="middle">{t}</text>'
        )
    out.append(
        f'<text class="axis-label" x="{LEFT + pw / 2}" y="{TOP + ph + 36}" '
        'text-anchor="middle">round</text>'
    )
    for k, a in enumerate(actors):
        colour = COLOURS[k % len(COLOURS)]
        # a small offset per actor, so lines of actors at the same position stay visible
        dy = (k - (len(actors) - 1) / 2) * min(2.0, 12.0 / max(len(actors), 1))
        points = " ".join(
            f"{_fmt(sx(t))},{_fmt(sy(float(r['positions'][a])) + dy)}" for t, r in enumerate(rounds)
        )
        trail = ", ".join(f"{float(r['positions'][a]):.1f}" for r in rounds)
        out.append(
            f'<polyline class="actor-line" data-actor="{escape(a)}" fill="none" '
            f'stroke="{colour}" stroke-width="2"{_dash(k)} points="{points}">'
            f"<title>{escape(a)}: {trail}</title></polyline>"
        )
    medians = [float(r["median"]) for r in rounds]
    median = " ".join(f"{_fmt(sx(t))},{_fmt(sy(m))}" for t, m in enumerate(medians))
    out.append(
        f'<polyline class="median-line" data-line="median" fill="none" '
        f'stroke="{MEDIAN_COLOUR}" stroke-width="3" stroke-dasharray="8 4" points="{median}">'
        f"<title>weighted median: {', '.join(f'{m:.1f}' for m in medians)}</title></polyline>"
    )
    for x, y, name, colour, dash in placed:
        out.append(
            f'<line x1="{_fmt(x)}" y1="{_fmt(y - 4)}" x2="{_fmt(x + 22)}" y2="{_fmt(y - 4)}" '
            f'stroke="{colour}" stroke-width="3"{dash} />'
        )
        out.append(_label(x + 28, y, name))
    out.append("</svg>")
    return "".join(out)


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
    ctx.update(report=report, svg=forecast_svg(report))
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
    ctx.update(report=view, table=view, svg=forecast_svg(view), fmt="%.2f")
    return render(request, "forecast.html", ctx)
