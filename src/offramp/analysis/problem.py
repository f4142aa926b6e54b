"""From a case at a date to the arrays the analysis works on.

Weights are each party's salience over the issues on the table, normalised to sum to
one; values come from the positions; the reservation value is the party's latest on or
before the date. Candidate (linked) issues become :class:`LinkedIssue` records in the
same units, so adding one adds its contribution without renormalising the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from offramp.analysis.enlarge import LinkedIssue
from offramp.analysis.space import BargainingProblem, FloatArray
from offramp.errors import InputError
from offramp.model import Case, Issue


@dataclass(frozen=True)
class CaseProblem:
    """The bargaining problem of a case at a date, with what had to be assumed."""

    at: date
    problem: BargainingProblem
    linked: tuple[LinkedIssue, ...]
    warnings: tuple[str, ...] = field(default=())


def problem_from_case(case: Case, at: date, parties: tuple[str, ...] | None = None) -> CaseProblem:
    """Build the bargaining problem of ``case`` on ``at`` for ``parties``.

    Defaults to the actors whose role is ``party``. A party with no position on an
    issue is indifferent to it (weight 0); a party with no reservation value has 0.
    Both are reported in ``warnings``.
    """
    chosen = parties or case.negotiating_parties()
    known = {p.id for p in case.parties}
    for p in chosen:
        if p not in known:
            raise InputError("parties", f"unknown party {p!r}")
    if len(chosen) < 1:
        raise InputError("parties", "the case has no negotiating parties: name them")
    table = case.table_issues()
    if not table:
        raise InputError("issues", "the case has no issue on the table")
    warnings: list[str] = []
    salience = np.zeros((len(chosen), len(table)))
    values: list[FloatArray] = []
    for i, issue in enumerate(table):
        block, notes = _issue_values(case, issue, chosen, at)
        salience[:, i] = block[0]
        values.append(block[1])
        warnings.extend(notes)
    totals = salience.sum(axis=1)
    safe = np.where(totals > 0, totals, 1.0)
    weights = salience / safe[:, None]
    reservation = np.zeros(len(chosen))
    for k, p in enumerate(chosen):
        r = case.reservation_at(p, at)
        if r is None:
            warnings.append(f"{p} has no reservation value on {at}: taken as 0")
        else:
            reservation[k] = r.value
        if totals[k] == 0:
            warnings.append(f"{p} values no issue on the table on {at}")
    problem = BargainingProblem(
        parties=tuple(chosen),
        issues=tuple(i.id for i in table),
        options=tuple(i.option_ids for i in table),
        weights=weights,
        values=tuple(values),
        reservation=reservation,
    )
    linked = []
    for issue in case.candidate_issues():
        (sal, vals), notes = _issue_values(case, issue, chosen, at)
        linked.append(LinkedIssue(issue.id, issue.option_ids, sal / safe, vals))
        warnings.extend(notes)
    return CaseProblem(at, problem, tuple(linked), tuple(warnings))


def _issue_values(
    case: Case, issue: Issue, parties: tuple[str, ...], at: date
) -> tuple[tuple[FloatArray, FloatArray], list[str]]:
    """Salience (P,) and values (P, n) of one issue; parties without a position get zeros."""
    sal = np.zeros(len(parties))
    vals = np.zeros((len(parties), len(issue.options)))
    notes = []
    for k, p in enumerate(parties):
        pos = case.position_at(p, issue.id, at)
        if pos is None:
            notes.append(f"{p} has no position on {issue.id} on {at}: treated as indifferent")
            continue
        sal[k] = pos.salience
        vals[k] = [pos.values[o] for o in issue.option_ids]
    return (sal, vals), notes
