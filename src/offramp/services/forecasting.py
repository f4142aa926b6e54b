"""The expected-utility forecast of one issue of a stored case, for those who may read
the analysis. A thin layer, checked as :meth:`AnalysisService.report` is.

:meth:`ForecastService.forecast` checks ``analysis.read`` (the mediator, the analyst,
or a member the analysis was shared with) and returns the data the CLI's
``offramp forecast --json`` prints (``offramp.analysis.forecast_report.forecast_report``: the
rounds with each actor's position on the 0..100 scale, the weighted median and mean),
plus the issue's options in the case's own words: ``options`` (id, label and place on
the scale), ``title``, ``median_label`` per round and ``outcome_label``.

Errors name the web form's fields: ``issue`` (unknown, or no party has a position on
it on that date), ``at`` (not a date) and ``rounds`` (outside 0..MAX_ROUNDS).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from offramp.analysis.actor_table import parse_actor_table
from offramp.analysis.forecast_options import variant as model_variant
from offramp.analysis.forecast_report import forecast_report, table_report
from offramp.errors import InputError
from offramp.model.access import Action
from offramp.services.access import AccessPolicy, Actor
from offramp.services.stored_case import read_case
from offramp.store.uow import UowFactory

MAX_ROUNDS = 100


def parse_at(at: date | str | None) -> date | None:
    """A date, an ISO date string or None (the case's last date)."""
    if at is None or isinstance(at, date):
        return at
    if not at.strip():
        return None
    try:
        return date.fromisoformat(at.strip())
    except ValueError:
        raise InputError("at", f"{at!r} is not a date like 2022-03-11") from None


class ForecastService:
    def __init__(self, uow: UowFactory, policy: AccessPolicy) -> None:
        self.uow = uow
        self.policy = policy

    def forecast(
        self,
        actor: Actor | None,
        slug: str,
        issue: str,
        at: date | str | None = None,
        rounds: int = 10,
        variant: str = "printed",
    ) -> dict[str, Any]:
        """The forecast of ``issue`` of case ``slug`` from ``at`` (default: its last date),
        under the named reading of the model (``printed`` or ``scholz-code``)."""
        with self.uow() as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            self.policy.require(scope, Action.ANALYSIS_READ, shared=scope.shared("analysis"))
            case = read_case(uow, scope.case)
        day = parse_at(at)
        if not 0 <= rounds <= MAX_ROUNDS:
            raise InputError("rounds", f"rounds must be between 0 and {MAX_ROUNDS}")
        try:
            the_issue = case.issue(issue)
        except KeyError:
            known = ", ".join(i.id for i in case.issues)
            raise InputError("issue", f"unknown issue {issue!r} (known: {known})") from None
        if day is None and not case.dates():
            raise InputError("at", "the case has no dated positions: choose a date")
        try:
            options = model_variant(variant)
        except ValueError as exc:
            raise InputError("variant", str(exc)) from None
        try:
            report = forecast_report(case, the_issue.id, day, rounds, options)
        except InputError as exc:  # the CLI names its option --issue / --at
            raise InputError(exc.where.lstrip("-"), exc.problems[0].message) from None
        labels = {o.id: o.label for o in the_issue.options}
        span = max(len(the_issue.options) - 1, 1)
        report["title"] = the_issue.title
        report["options"] = [
            {"id": o.id, "label": o.label, "position": 100.0 * k / span}
            for k, o in enumerate(the_issue.options)
        ]
        for row in report["rounds"]:
            row["median_label"] = labels.get(row["median_option"], row["median_option"])
        report["outcome_label"] = labels.get(report["outcome_option"], report["outcome_option"])
        return report

    def forecast_table(
        self,
        actor: Actor | None,
        slug: str,
        text: str,
        source: str,
        rounds: int = 10,
        variant: str = "printed",
    ) -> dict[str, Any]:
        """The forecast of an actor table (CSV text, ``analysis.actor_table``) brought to
        case ``slug``'s forecast page, for whoever may read the case's analysis. Errors
        name the table's line and field (``source:line: field``), or ``rounds``/``variant``.
        """
        with self.uow() as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            self.policy.require(scope, Action.ANALYSIS_READ, shared=scope.shared("analysis"))
        if not 0 <= rounds <= MAX_ROUNDS:
            raise InputError("rounds", f"rounds must be between 0 and {MAX_ROUNDS}")
        try:
            options = model_variant(variant)
        except ValueError as exc:
            raise InputError("variant", str(exc)) from None
        return table_report(parse_actor_table(text, source), rounds, options)
