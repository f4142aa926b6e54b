"""The forecast of one issue of a case, round by round, as plain data.

The one shape the CLI (``offramp forecast --json``), the desk's forecast service and the
web page share.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from offramp.analysis.case_inputs import forecast_inputs
from offramp.analysis.forecast import MOVE_NAMES, forecast
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


def forecast_report(case: Case, issue: str, at: date | None, rounds: int) -> dict[str, Any]:
    """The forecast of one issue, round by round, as plain data."""
    when = default_date(case, at)
    fi = forecast_inputs(case, issue, when)
    inp = fi.inputs
    f = forecast(inp.positions, inp.capability, inp.salience, rounds=rounds)
    rows = []
    for t in range(rounds + 1):
        rows.append(
            {
                "round": t,
                "median": float(f.median[t]),
                "median_option": option_at(inp.options, float(f.median[t])),
                "mean": float(f.mean[t]),
                "positions": {a: float(f.positions[t, k]) for k, a in enumerate(inp.actors)},
                "moves": (
                    {a: MOVE_NAMES[int(f.moves[t - 1, k])] for k, a in enumerate(inp.actors)}
                    if t
                    else {}
                ),
            }
        )
    return {
        "issue": inp.issue,
        "at": when.isoformat(),
        "model": "expected-utility group decision model (Scholz, Calbert & Smith 2011)",
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
        "rounds": rows,
        "outcome": float(f.outcome),
        "outcome_option": option_at(inp.options, float(f.outcome)),
        "warnings": list(fi.warnings),
    }
