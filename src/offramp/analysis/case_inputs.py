"""From a case at a date to the inputs of the forecast and of a sensitivity study.

An actor's forecast position on an issue is the index of its ideal option along the
issue's ordered options, scaled to 0..100 (first option 0, last 100). Its capability is
the party's ``capability`` (1.0, with a warning, when the case gives none); its
salience is that of its position. Every party with a position on the issue on the date
takes part, whatever its role: mediators and stakeholders weigh on the outcome too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from offramp.analysis.montecarlo import ForecastIssue, Ranges, Study
from offramp.analysis.problem import problem_from_case
from offramp.errors import InputError
from offramp.model import Case

DEFAULT_CAPABILITY = 1.0


@dataclass(frozen=True)
class CaseForecastInputs:
    """Forecast inputs of one issue, with what had to be assumed."""

    inputs: ForecastIssue
    warnings: tuple[str, ...]


def forecast_inputs(case: Case, issue_id: str, at: date) -> CaseForecastInputs:
    """Positions (0..100), capabilities and saliences of every actor on ``issue_id`` at ``at``."""
    try:
        issue = case.issue(issue_id)
    except KeyError:
        known = ", ".join(i.id for i in case.issues)
        raise InputError("--issue", f"unknown issue {issue_id!r} (known: {known})") from None
    options = issue.option_ids
    span = max(len(options) - 1, 1)
    actors, x, c, s, warnings = [], [], [], [], []
    for party in case.parties:
        pos = case.position_at(party.id, issue.id, at)
        if pos is None:
            continue
        actors.append(party.id)
        x.append(100.0 * issue.index(pos.ideal) / span)
        s.append(pos.salience)
        if party.capability is None:
            warnings.append(f"{party.id} has no capability: taken as {DEFAULT_CAPABILITY}")
            c.append(DEFAULT_CAPABILITY)
        else:
            c.append(party.capability)
    if not actors:
        raise InputError("--issue", f"no party has a position on {issue_id!r} on {at}")
    return CaseForecastInputs(
        ForecastIssue(
            issue=issue.id,
            actors=tuple(actors),
            positions=np.array(x),
            capability=np.array(c),
            salience=np.array(s),
            options=options,
        ),
        tuple(warnings),
    )


def case_ranges(case: Case) -> Ranges:
    """The case's ``sensitivity`` half-widths, or the defaults."""
    raw: Any = getattr(case, "sensitivity", None)
    if raw is not None and not isinstance(raw, dict):
        raw = {k: getattr(raw, k) for k in Ranges.__dataclass_fields__ if hasattr(raw, k)}
    try:
        return Ranges.from_mapping(raw)
    except ValueError as exc:
        raise InputError("sensitivity", str(exc)) from None


def study_from_case(
    case: Case,
    at: date,
    parties: tuple[str, ...] | None = None,
    *,
    rounds: int = 10,
    ranges: Ranges | None = None,
) -> tuple[Study, tuple[str, ...]]:
    """The sensitivity study of a case at a date: its bargaining problem and a forecast
    of every issue on the table that at least one party has a position on. Returns the
    study and the warnings of what had to be assumed."""
    cp = problem_from_case(case, at, parties)
    warnings = list(cp.warnings)
    forecasts = []
    for issue in case.table_issues():
        try:
            fi = forecast_inputs(case, issue.id, at)
        except InputError:
            continue
        forecasts.append(fi.inputs)
        warnings.extend(w for w in fi.warnings if w not in warnings)
    study = Study(cp.problem, tuple(forecasts), ranges or case_ranges(case), rounds)
    return study, tuple(warnings)
