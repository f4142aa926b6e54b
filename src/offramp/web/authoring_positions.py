"""The authoring desk's positions page: code a party's position on each issue at a date
(ideal option, acceptable options, option values on sliders, salience) and its
reservation value, citing the statements behind them.

Pick a party and a date; each issue then has its own form, filled with the position
coded that day, or else starting from the party's last earlier one (the page says so).
The forms are saved by :mod:`offramp.web.authoring` like every other record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from offramp.bootstrap import Services
from offramp.model.access import Action
from offramp.model.parse import parse_day
from offramp.model.positions import distance_values
from offramp.web.authoring_forms import Data, Refused
from offramp.web.pages import ServicesDep, WebRoute, case_context, open_case, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)
DONE = {"added": "Saved.", "saved": "Saved.", "removed": "Removed."}


@dataclass(frozen=True)
class Coding:
    """One form of the page: the record it shows, the stored row it edits (None: it
    adds one) and, for a form that starts from an earlier coding, that coding's date."""

    record: Data
    key: str | None
    since: str | None = None


@router.get("/cases/{slug}/author/positions", response_class=HTMLResponse)
async def positions(request: Request, slug: str, services: ServicesDep) -> Response:
    return positions_page(request, services, slug)


def positions_page(
    request: Request, services: Services, slug: str, *, refused: Refused | None = None
) -> Response:
    """The positions page, at ``?party=&date=`` (or the refused form's)."""
    viewer, cv = open_case(request, services, slug, Action.CASE_AUTHOR)
    draft = services.authoring.draft(viewer, slug)
    data = draft.data
    q = request.query_params
    party = refused.record.get("party", "") if refused else q.get("party", "")
    day = refused.record.get("date", "") if refused else q.get("date", "")
    parse_day(day or None, "date")  # a date the viewer typed: refused by field if not one
    rows = list(zip(draft.position_ids, data.get("positions", []), strict=True))
    parties = {p["id"]: p["name"] for p in data.get("parties", [])}
    if refused is not None:  # the options and parties by their names, as the page shows them
        issue: Data = next(
            (i for i in data.get("issues", []) if i["id"] == refused.record.get("issue")), {}
        )
        refused = refused.worded(
            {**parties, **{o["id"]: o["label"] for o in issue.get("options", [])}}
        )
    chosen = party in parties and bool(day)
    ctx: dict[str, Any] = {
        **case_context(cv, "author"),
        "draft": draft,
        "data": data,
        "refused": refused,
        "done": DONE.get(q.get("done", "")),
        "party": party,
        "day": day,
        "chosen": chosen,
        "parties": parties,
        "issues": data.get("issues", []),
        "dates": [d.isoformat() for d in cv.case.dates()],
        "listed": sorted(rows, key=lambda r: (r[1]["date"], r[1]["party"], r[1]["issue"])),
        "statement_choices": [
            (s["id"], f"{s['date']} {s['speaker']}: {s['quote'][:60]}")
            for s in data.get("statements", [])
        ],
    }
    if chosen:
        ctx["codings"] = {
            i["id"]: _coding(rows, party, i, day, refused) for i in data.get("issues", [])
        }
        ctx["reservation"] = _reservation(data.get("reservations", []), party, day, refused)
    return render(
        request, "authoring_positions.html", ctx, status=refused.status if refused else 200
    )


def _coding(
    rows: list[tuple[int, Data]], party: str, issue: Data, day: str, refused: Refused | None
) -> Coding:
    """The form of ``party``'s position on ``issue`` at ``day``."""
    mine = [(k, r) for k, r in rows if r["party"] == party and r["issue"] == issue["id"]]
    same = next(((k, r) for k, r in mine if r["date"] == day), None)
    key = str(same[0]) if same else None
    if refused is not None and refused.holds(f"position-{issue['id']}") and not refused.stale:
        return Coding(refused.record, key)
    if same is not None:
        return Coding(_complete(same[1], issue), key)
    earlier = [r for _, r in mine if r["date"] < day]
    if earlier:
        last = max(earlier, key=lambda r: r["date"])
        start = {k: v for k, v in last.items() if k not in ("date", "statements", "note")}
        return Coding(_complete({**start, "date": day}, issue), None, last["date"])
    ideal = issue["options"][0]["id"]
    blank = {"party": party, "issue": issue["id"], "date": day, "ideal": ideal, "salience": 0.5}
    return Coding(_complete(blank, issue), None)


def _complete(record: Data, issue: Data) -> Data:
    """``record`` with a value for every option (by distance from the ideal when it
    gives none, as the case file does) and its acceptable options (the ideal alone)."""
    options = tuple(o["id"] for o in issue["options"])
    out = dict(record)
    if not out.get("values") and out.get("ideal") in options:
        out["values"] = distance_values(options, out["ideal"])
    out.setdefault("acceptable", [out.get("ideal")])
    return out


def _reservation(reservations: list[Data], party: str, day: str, refused: Refused | None) -> Coding:
    """The form of ``party``'s reservation value at ``day``."""
    mine = [r for r in reservations if r["party"] == party]
    same = next((r for r in mine if r["date"] == day), None)
    key = f"{party}@{day}" if same else None
    if refused is not None and refused.holds("reservation") and not refused.stale:
        return Coding(refused.record, key)
    if same is not None:
        return Coding(same, key)
    earlier = [r for r in mine if r["date"] < day]
    if earlier:
        last = max(earlier, key=lambda r: r["date"])
        return Coding({"party": party, "date": day, "value": last["value"]}, None, last["date"])
    return Coding({"party": party, "date": day, "value": 0.5}, None)
