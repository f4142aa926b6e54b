"""The crisis desk's rows in, :class:`~offramp.model.crisis.CrisisDesk` out. No access checks.

Records are written in the shape of the case file's ``crisis:`` section and read back
through the :class:`CrisisRecords` the services give (``offramp.files.crisis`` behind
it), so a stored desk and a desk read from a file are built by the same code: runs are
started again from their playbook and ``started_at`` and their step records replayed in
time order. The desk's note and each run's note and outcome are sealed
(:mod:`offramp.store.sealed`); the records' ``data`` is kept as the case file has it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Connection, Row, delete, insert, select, update

from offramp.model.crisis import (
    AlertRule,
    Arrival,
    Assurance,
    Commitment,
    CrisisChannel,
    CrisisDesk,
    EscalationScore,
    Incident,
    Notification,
    StepRun,
)
from offramp.model.crisis.directives import rebase
from offramp.store import crisis_tables as ct
from offramp.store.crisis_oncall import OncallRows
from offramp.store.sealed import keyring_of, seal, unseal


def _utc(value: datetime | None) -> datetime | None:
    """Times come back from SQLite without a zone and from PostgreSQL in the session's."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class CrisisRecords(Protocol):
    """How crisis records become the plain data kept in the tables, and back: the
    ``crisis:`` section's shape, supplied by the services (the store parses no format)."""

    def desk(self, section: dict[str, Any]) -> CrisisDesk: ...
    def channel(self, c: CrisisChannel) -> dict[str, Any]: ...
    def incident(self, i: Incident) -> dict[str, Any]: ...
    def arrival(self, a: Arrival) -> dict[str, Any]: ...
    def step(self, s: StepRun) -> dict[str, Any]: ...
    def commitment(self, c: Commitment) -> dict[str, Any]: ...
    def notification(self, n: Notification) -> dict[str, Any]: ...
    def assurance(self, a: Assurance) -> dict[str, Any]: ...
    def score(self, s: EscalationScore) -> dict[str, Any]: ...


class CrisisRepository(OncallRows):
    """Reads and writes one connection's crisis rows (inside the caller's transaction)."""

    def __init__(self, conn: Connection, records: CrisisRecords) -> None:
        self.conn = conn
        self.records = records

    # -- the whole desk ----------------------------------------------------------------
    def load(self, case_id: int) -> CrisisDesk:
        """The case's crisis desk as stored (an empty desk if nothing was recorded); a run
        repeated from a step has that step and those after it due from the repeat."""
        desk = self.records.desk(self.section(case_id))
        for entry in self.journal(case_id, kinds=("repeat",)):
            run = desk.run(entry.incident)
            if run is not None:
                desk = desk.with_run(rebase(run, entry.ref, entry.at))
        return desk

    def section(self, case_id: int) -> dict[str, Any]:
        """The stored desk as ``crisis:`` section data."""
        c = self.conn
        out: dict[str, Any] = {}
        settings = c.execute(
            select(ct.crisis_settings).where(ct.crisis_settings.c.case_id == case_id)
        ).first()
        if settings is not None:
            out["alert"] = {"jump": settings.jump}
            if settings.window_hours is not None:
                out["alert"]["window_hours"] = settings.window_hours
            out["date_basis"] = settings.date_basis
            out["note"] = unseal(c, settings.note, "crisis_settings.note")
        out["channels"] = [r.data for r in self._rows(ct.crisis_channels, case_id)]
        out["incidents"] = self._incidents(case_id)
        commitments = []
        for r in self._rows(ct.crisis_commitments, case_id):
            links = c.execute(
                select(ct.crisis_violations.c.incident)
                .where(ct.crisis_violations.c.commitment_id == r.id)
                .order_by(ct.crisis_violations.c.id)
            ).scalars()
            commitments.append({**r.data, "violations": list(links)})
        out["commitments"] = commitments
        out["notifications"] = [r.data for r in self._rows(ct.crisis_notifications, case_id)]
        out["assurances"] = [r.data for r in self._rows(ct.crisis_assurances, case_id)]
        out["escalation"] = [r.data for r in self._rows(ct.crisis_scores, case_id)]
        return out

    def _rows(self, table: Any, case_id: int) -> list[Row[Any]]:
        return list(
            self.conn.execute(select(table).where(table.c.case_id == case_id).order_by(table.c.id))
        )

    def _incidents(self, case_id: int) -> list[dict[str, Any]]:
        c = self.conn
        ring = keyring_of(c)
        rows = [r for r in self._rows(ct.crisis_incidents, case_id) if r.merged_into is None]
        out = []
        for r in rows:
            arrivals = c.execute(
                select(ct.crisis_arrivals.c.data)
                .where(ct.crisis_arrivals.c.incident_id == r.id)
                .order_by(ct.crisis_arrivals.c.at, ct.crisis_arrivals.c.id)
            ).scalars()
            item: dict[str, Any] = {**r.data, "arrivals": list(arrivals)}
            run = c.execute(
                select(ct.crisis_runs).where(ct.crisis_runs.c.incident_id == r.id)
            ).first()
            if run is not None:
                steps = c.execute(
                    select(ct.crisis_step_records)
                    .where(ct.crisis_step_records.c.run_id == run.id)
                    .order_by(ct.crisis_step_records.c.id)
                )
                item["run"] = {
                    "playbook": run.playbook,
                    "started_at": _iso(run.started_at),
                    "note": unseal(ring, run.note, "crisis_runs.note"),
                    "steps": {s.step: s.data for s in steps},
                    "outcome": unseal(ring, run.outcome, "crisis_runs.outcome"),
                    "closed_at": _iso(run.closed_at),
                    "closed_by": run.closed_by,
                }
            out.append(item)
        return out

    def clear(self, case_id: int) -> None:
        """Remove the case's whole desk, children first (before a replacement is imported)."""
        c = self.conn
        incidents = select(ct.crisis_incidents.c.id).where(ct.crisis_incidents.c.case_id == case_id)
        runs = select(ct.crisis_runs.c.id).where(ct.crisis_runs.c.incident_id.in_(incidents))
        commitments = select(ct.crisis_commitments.c.id).where(
            ct.crisis_commitments.c.case_id == case_id
        )
        c.execute(delete(ct.crisis_step_records).where(ct.crisis_step_records.c.run_id.in_(runs)))
        c.execute(delete(ct.crisis_runs).where(ct.crisis_runs.c.incident_id.in_(incidents)))
        c.execute(delete(ct.crisis_arrivals).where(ct.crisis_arrivals.c.incident_id.in_(incidents)))
        c.execute(
            delete(ct.crisis_violations).where(
                ct.crisis_violations.c.commitment_id.in_(commitments)
            )
        )
        for table in (
            ct.crisis_recipients, ct.crisis_escalation_actions, ct.crisis_heartbeats,
            ct.crisis_messages, ct.crisis_roles, ct.crisis_journal, ct.crisis_reviews,
            ct.crisis_incidents, ct.crisis_channels, ct.crisis_commitments,
            ct.crisis_notifications, ct.crisis_assurances, ct.crisis_scores, ct.crisis_settings,
        ):  # fmt: skip
            c.execute(delete(table).where(table.c.case_id == case_id))

    def import_desk(self, case_id: int, desk: CrisisDesk) -> None:
        """Store a whole desk (a case file's ``crisis:`` section) for a new case."""
        self.put_settings(case_id, desk.alert_rule, date_basis=desk.date_basis, note=desk.note)
        for ch in desk.channels:
            self.add_channel(case_id, ch)
        for inc in desk.incidents:
            self.add_incident(case_id, inc)
            run = desk.run(inc.id)
            if run is None:
                continue
            started = None if run.started_at == inc.first_arrival else run.started_at
            self.add_run(case_id, inc.id, run.playbook, started, run.note)
            for s in sorted(
                (s for s in run.steps if s.finished),
                key=lambda s: s.done_at or s.waived_at or run.started_at,
            ):
                self.add_step_record(case_id, inc.id, s)
            if run.closed_at is not None:
                self.close_run(case_id, inc.id, run.outcome, run.closed_at, run.closed_by)
        for cm in desk.commitments:
            self.add_commitment(case_id, cm)
            for v in cm.violations:
                self.add_violation(case_id, cm.id, v)
        for n in desk.notifications:
            self.add_notification(case_id, n)
        for a in desk.assurances:
            self.add_assurance(case_id, a)
        for score in desk.scores:
            self.add_score(case_id, score)

    # -- settings ------------------------------------------------------------------------
    def put_settings(
        self, case_id: int, rule: AlertRule, *, date_basis: str = "", note: str = ""
    ) -> None:
        """Set the case's alert rule (and, the first time, its date basis and note)."""
        hours = rule.window.total_seconds() / 3600 if rule.window is not None else None
        t = ct.crisis_settings
        exists = self.conn.execute(select(t.c.case_id).where(t.c.case_id == case_id)).first()
        if exists is None:
            self.conn.execute(
                insert(t).values(
                    case_id=case_id,
                    ladder="kahn-1965-condensed",
                    jump=rule.jump,
                    window_hours=hours,
                    date_basis=date_basis,
                    note=seal(self.conn, note, "crisis_settings.note"),
                )
            )
        else:
            self.conn.execute(
                update(t).where(t.c.case_id == case_id).values(jump=rule.jump, window_hours=hours)
            )

    # -- channels ------------------------------------------------------------------------
    def add_channel(self, case_id: int, ch: CrisisChannel) -> None:
        self.conn.execute(
            insert(ct.crisis_channels).values(
                case_id=case_id,
                key=ch.id,
                party_a=ch.dyad[0],
                party_b=ch.dyad[1],
                level=ch.level.value,
                data=self.records.channel(ch),
            )
        )

    # -- incidents -----------------------------------------------------------------------
    def _incident_pk(self, case_id: int, key: str) -> int:
        t = ct.crisis_incidents
        return int(
            self.conn.execute(
                select(t.c.id).where(t.c.case_id == case_id, t.c.key == key)
            ).scalar_one()
        )

    def add_incident(self, case_id: int, inc: Incident) -> None:
        res = self.conn.execute(
            insert(ct.crisis_incidents).values(
                case_id=case_id,
                key=inc.id,
                type=inc.type.value,
                raised_by=inc.raised_by,
                against=inc.against,
                level=inc.level,
                data=self.records.incident(inc),
            )
        )
        pk = int(res.inserted_primary_key[0])  # type: ignore[index]
        for a in inc.arrivals:
            self._insert_arrival(pk, a)

    def _insert_arrival(self, incident_pk: int, a: Arrival) -> None:
        self.conn.execute(
            insert(ct.crisis_arrivals).values(
                incident_id=incident_pk, channel=a.channel, at=a.at, data=self.records.arrival(a)
            )
        )

    def add_arrival(self, case_id: int, incident: str, a: Arrival) -> None:
        self._insert_arrival(self._incident_pk(case_id, incident), a)

    def merge_incident(self, case_id: int, merged: Incident, other: Incident) -> None:
        """Fold ``other`` into ``merged`` (the target after the merge): its new arrivals
        move over, its row stays with ``merged_into`` set, out of the desk."""
        target = self._incident_pk(case_id, merged.id)
        source = self._incident_pk(case_id, other.id)
        have = {
            (r.channel, _utc(r.at))
            for r in self.conn.execute(
                select(ct.crisis_arrivals.c.channel, ct.crisis_arrivals.c.at).where(
                    ct.crisis_arrivals.c.incident_id == target
                )
            )
        }
        for a in other.arrivals:
            if (a.channel, a.at) not in have:
                self._insert_arrival(target, a)
        self.conn.execute(
            update(ct.crisis_incidents)
            .where(ct.crisis_incidents.c.id == target)
            .values(level=merged.level, data=self.records.incident(merged))
        )
        self.conn.execute(
            update(ct.crisis_incidents)
            .where(ct.crisis_incidents.c.id == source)
            .values(merged_into=merged.id)
        )

    # -- runs ----------------------------------------------------------------------------
    def _run_pk(self, case_id: int, incident: str) -> int:
        return int(
            self.conn.execute(
                select(ct.crisis_runs.c.id).where(
                    ct.crisis_runs.c.incident_id == self._incident_pk(case_id, incident)
                )
            ).scalar_one()
        )

    def add_run(
        self, case_id: int, incident: str, playbook: str, started_at: datetime | None, note: str
    ) -> None:
        self.conn.execute(
            insert(ct.crisis_runs).values(
                incident_id=self._incident_pk(case_id, incident),
                playbook=playbook,
                started_at=started_at,
                note=seal(self.conn, note, "crisis_runs.note"),
                outcome=seal(self.conn, "", "crisis_runs.outcome"),
                closed_at=None,
                closed_by="",
            )
        )

    def add_step_record(self, case_id: int, incident: str, step: StepRun) -> None:
        """Record a step done or waived (``step`` as the run holds it afterwards)."""
        self.conn.execute(
            insert(ct.crisis_step_records).values(
                run_id=self._run_pk(case_id, incident),
                step=step.id,
                at=step.done_at or step.waived_at,
                data=self.records.step(step),
            )
        )

    def close_run(self, case_id: int, incident: str, outcome: str, at: datetime, by: str) -> None:
        self.conn.execute(
            update(ct.crisis_runs)
            .where(ct.crisis_runs.c.id == self._run_pk(case_id, incident))
            .values(
                outcome=seal(self.conn, outcome, "crisis_runs.outcome"), closed_at=at, closed_by=by
            )
        )

    # -- commitments, notifications, assurances, scores ---------------------------------
    def add_commitment(self, case_id: int, cm: Commitment) -> None:
        self.conn.execute(
            insert(ct.crisis_commitments).values(
                case_id=case_id,
                key=cm.id,
                kind=cm.kind.value,
                declared_by=cm.declared_by,
                data=self.records.commitment(cm),
            )
        )

    def add_violation(self, case_id: int, commitment: str, incident: str) -> None:
        t = ct.crisis_commitments
        pk = self.conn.execute(
            select(t.c.id).where(t.c.case_id == case_id, t.c.key == commitment)
        ).scalar_one()
        self.conn.execute(insert(ct.crisis_violations).values(commitment_id=pk, incident=incident))

    def add_notification(self, case_id: int, n: Notification) -> None:
        self.conn.execute(
            insert(ct.crisis_notifications).values(
                case_id=case_id,
                key=n.id,
                sender=n.sender,
                recipient=n.to,
                ack_due=n.ack_due,
                acknowledged_at=n.acknowledged_at,
                data=self.records.notification(n),
            )
        )

    def save_acknowledgement(self, case_id: int, n: Notification) -> None:
        t = ct.crisis_notifications
        self.conn.execute(
            update(t)
            .where(t.c.case_id == case_id, t.c.key == n.id)
            .values(acknowledged_at=n.acknowledged_at, data=self.records.notification(n))
        )

    def add_assurance(self, case_id: int, a: Assurance) -> None:
        self.conn.execute(
            insert(ct.crisis_assurances).values(
                case_id=case_id, key=a.id, proposed_by=a.proposed_by, data=self.records.assurance(a)
            )
        )

    def promotions(self, case_id: int) -> dict[str, tuple[datetime, str]]:
        """Assurances already promoted to candidate issues: id -> (when, by whom)."""
        t = ct.crisis_assurances
        rows = self.conn.execute(
            select(t.c.key, t.c.promoted_at, t.c.promoted_by).where(
                t.c.case_id == case_id, t.c.promoted_at.is_not(None)
            )
        )
        out: dict[str, tuple[datetime, str]] = {}
        for r in rows:
            when = _utc(r.promoted_at)
            assert when is not None
            out[r.key] = (when, r.promoted_by or "")
        return out

    def mark_promoted(self, case_id: int, assurance: str, at: datetime, by: str) -> None:
        t = ct.crisis_assurances
        self.conn.execute(
            update(t)
            .where(t.c.case_id == case_id, t.c.key == assurance)
            .values(promoted_at=at, promoted_by=by)
        )

    def add_score(self, case_id: int, s: EscalationScore) -> None:
        self.conn.execute(
            insert(ct.crisis_scores).values(
                case_id=case_id,
                key=s.id,
                party_a=s.dyad[0],
                party_b=s.dyad[1],
                at=s.at,
                level=s.level,
                data=self.records.score(s),
            )
        )

    def merged_into(self, case_id: int, incident: str) -> str | None:
        """The incident ``incident`` was merged into, if it was."""
        t = ct.crisis_incidents
        row = self.conn.execute(
            select(t.c.merged_into).where(t.c.case_id == case_id, t.c.key == incident)
        ).first()
        return None if row is None else row.merged_into


def _iso(value: datetime | None) -> str | None:
    at = _utc(value)
    return at.isoformat() if at is not None else None
