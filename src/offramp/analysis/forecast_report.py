"""The forecast of one issue, round by round, as plain data.

The one shape the CLI (``offramp forecast --json``), the desk's forecast service and the
web page share, for an issue of a case (:func:`forecast_report`) and for a plain actor
table (:func:`table_report`). Each round lists every actor's position, the weighted
mean and median, and the moves made in it; ``settlement`` says whether the run
converged, and when it cycles the forecast is the range the cycle spans
(``offramp.analysis.forecast_cycles``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from offramp.analysis.actor_table import ActorTable
from offramp.analysis.case_inputs import forecast_inputs
from offramp.analysis.forecast import MOVE_NAMES, Forecast, forecast
from offramp.analysis.forecast_cycles import settle
from offramp.analysis.forecast_options import PRINTED, ModelOptions, variant_name
from offramp.errors import InputError
from offramp.model import Case


def default_date(case: Case, at: date | None) -> date:
    """``at``, or the case's last date on which a position changed."""
    if at is not None:
        return at
    dates = case.dates()
    if not dates:
        raise InputError("--at", "the case has no dated positions: give --at")
    return dates[-1]


def option_at(options: tuple[str, ...], x: float) -> str:
    """The option nearest to a point of the 0..100 scale."""
    if not options or x != x:  # NaN
        return ""
    k = round(x / 100.0 * (len(options) - 1))
    return options[min(max(k, 0), len(options) - 1)]


MODEL = "expected-utility group decision model (Scholz, Calbert & Smith 2011)"


def rounds_report(actors: tuple[str, ...], f: Forecast) -> list[dict[str, Any]]:
    """Each round: positions, mean, median and the moves made in it (none in round 0)."""
    rows = []
    for t in range(f.positions.shape[0]):
        moves = []
        if t:
            for k, a in enumerate(actors):
                kind = int(f.moves[t - 1, k])
                if kind:
                    partner = int(f.partner[t - 1, k])
                    moves.append(
                        {
                            "actor": a,
                            "kind": MOVE_NAMES[kind],
                            "with": actors[partner] if partner >= 0 else "",
                            "from": float(f.positions[t - 1, k]),
                            "to": float(f.positions[t, k]),
                        }
                    )
        rows.append(
            {
                "round": t,
                "positions": {a: float(f.positions[t, k]) for k, a in enumerate(actors)},
                "mean": float(f.mean[t]),
                "median": float(f.median[t]),
                "moves": moves,
            }
        )
    return rows


def _run_report(
    actors: tuple[str, ...],
    f: Forecast,
    options: ModelOptions,
    warnings: list[str],
) -> dict[str, Any]:
    """The parts every forecast report shares."""
    settlement = settle(f)
    if settlement.warning:
        warnings = [*warnings, settlement.warning]
    return {
        "model": MODEL,
        "variant": variant_name(options),
        "model_options": options.describe(),
        "rounds": rounds_report(actors, f),
        "settlement": settlement.to_json(),
        "outcome": float(f.outcome),
        "outcome_range": list(settlement.median_range),
        "mean_range": list(settlement.mean_range),
        "warnings": warnings,
    }


def table_report(table: ActorTable, rounds: int, options: ModelOptions = PRINTED) -> dict[str, Any]:
    """The forecast of an actor table, round by round, as plain data."""
    inp = table.issue
    f = forecast(inp.positions, inp.capability, inp.salience, rounds=rounds, options=options)
    return {
        "source": table.source,
        "salience_scale": table.salience_scale,
        "note": table.note,
        "actors": [
            {
                "id": a,
                "position": float(inp.positions[k]),
                "capability": float(inp.capability[k]),
                "salience": float(inp.salience[k]),
            }
            for k, a in enumerate(inp.actors)
        ],
        **_run_report(inp.actors, f, options, []),
    }


def forecast_report(
    case: Case,
    issue: str,
    at: date | None,
    rounds: int,
    options: ModelOptions = PRINTED,
) -> dict[str, Any]:
    """The forecast of one issue of a case, round by round, as plain data."""
    when = default_date(case, at)
    fi = forecast_inputs(case, issue, when)
    inp = fi.inputs
    f = forecast(inp.positions, inp.capability, inp.salience, rounds=rounds, options=options)
    report = _run_report(inp.actors, f, options, list(fi.warnings))
    for row in report["rounds"]:
        row["median_option"] = option_at(inp.options, row["median"])
        # a case's rounds keep their shape: moves maps every actor to its kind of move
        # (none in round 0); ``moved`` lists the moves with partner, from and to
        row["moved"] = row["moves"]
        kinds = {m["actor"]: m["kind"] for m in row["moved"]}
        row["moves"] = {a: kinds.get(a, "none") for a in inp.actors} if row["round"] else {}
    lo, hi = report["outcome_range"]
    return {
        "issue": inp.issue,
        "at": when.isoformat(),
        "scale": {"0": inp.options[0], "100": inp.options[-1]} if inp.options else {},
        "actors": [
            {
                "id": a,
                "position": float(inp.positions[k]),
                "capability": float(inp.capability[k]),
                "salience": float(inp.salience[k]),
            }
            for k, a in enumerate(inp.actors)
        ],
        **report,
        "outcome_option": option_at(inp.options, float(f.outcome)),
        "outcome_range_options": [option_at(inp.options, lo), option_at(inp.options, hi)],
    }
