"""Crisis records as the plain data the store keeps: the case file's ``crisis:`` shape.

:class:`SectionRecords` is the :class:`~offramp.store.crisis_repository.CrisisRecords`
the composition root gives the unit of work. It writes each record as
:func:`offramp.files.crisis.crisis_to_data` would write it in a file, and reads a stored
desk back through :func:`offramp.files.crisis.to_crisis`, so a stored desk and a desk
read from a file are built by the same code.
"""

from __future__ import annotations

from typing import Any

from offramp.files.crisis import CrisisIn, StepDoneIn, crisis_to_data, to_crisis
from offramp.model.crisis import (
    Arrival,
    Assurance,
    Commitment,
    CrisisChannel,
    CrisisDesk,
    EscalationScore,
    Incident,
    IncidentType,
    Notification,
    StepRun,
)


def _one(section: str, desk: CrisisDesk) -> dict[str, Any]:
    """The only record of ``section`` in ``desk``, as section data."""
    records: list[dict[str, Any]] = crisis_to_data(desk)[section]
    return records[0]


class SectionRecords:
    """Crisis records to and from ``crisis:`` section data."""

    def desk(self, section: dict[str, Any]) -> CrisisDesk:
        return to_crisis(CrisisIn.model_validate(section))

    def channel(self, c: CrisisChannel) -> dict[str, Any]:
        return _one("channels", CrisisDesk(channels=(c,)))

    def incident(self, i: Incident) -> dict[str, Any]:
        """The incident without its arrivals (rows of their own) and without a run."""
        data = _one("incidents", CrisisDesk(incidents=(i,)))
        data.pop("arrivals", None)
        data.pop("run", None)
        return data

    def arrival(self, a: Arrival) -> dict[str, Any]:
        probe = Incident("probe", IncidentType.ALLEGATION, "", "A", "B", "", (a,), 0)
        arrivals: list[dict[str, Any]] = _one("incidents", CrisisDesk(incidents=(probe,)))[
            "arrivals"
        ]
        return arrivals[0]

    def step(self, s: StepRun) -> dict[str, Any]:
        """A step done or waived, as the run's ``steps:`` entry."""
        if s.waived_at is not None:
            record = StepDoneIn(done_by=s.done_by, waived=s.waived, waived_at=s.waived_at)
        else:
            record = StepDoneIn(
                done_by=s.done_by,
                done_at=s.done_at,
                channel=s.channel,
                quote=s.provenance.quote,
                source=s.provenance.source,
                date_basis=s.provenance.date_basis,
                note=s.note,
            )
        return record.model_dump(mode="json", exclude_defaults=True)

    def commitment(self, c: Commitment) -> dict[str, Any]:
        data = _one("commitments", CrisisDesk(commitments=(c,)))
        data.pop("violations", None)
        return data

    def notification(self, n: Notification) -> dict[str, Any]:
        return _one("notifications", CrisisDesk(notifications=(n,)))

    def assurance(self, a: Assurance) -> dict[str, Any]:
        return _one("assurances", CrisisDesk(assurances=(a,)))

    def score(self, s: EscalationScore) -> dict[str, Any]:
        return _one("escalation", CrisisDesk(scores=(s,)))
