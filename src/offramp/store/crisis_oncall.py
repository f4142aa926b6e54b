"""The crisis desk's on-call rows (migration ``0005_crisis_oncall``): named recipients
and their acknowledgements, escalation actions applied, channel heartbeats and messages,
incident roles, each incident's journal, and reviews. Mixed into
:class:`offramp.store.crisis_repository.CrisisRepository`; no access checks. What an
officer writes is sealed (:mod:`offramp.store.sealed`): what a heartbeat expects, channel
messages, journal text and reviews.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from offramp.model.crisis.heartbeats import Heartbeat
from offramp.model.crisis.journal import IncidentRole, RoleHolder
from offramp.model.crisis.recipients import Acknowledgements, RecipientAck
from offramp.store import crisis_tables as ct
from offramp.store.sealed import keyring_of, seal, seal_json, unseal, unseal_json

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _utc(value: datetime | None) -> datetime:
    """A stored time in UTC (SQLite returns it without a zone)."""
    if value is None:
        return _EPOCH
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _maybe_utc(value: datetime | None) -> datetime | None:
    return None if value is None else _utc(value)


@dataclass(frozen=True)
class JournalRow:
    """A row of an incident's journal: a note, a message, a decision, a jump or repeat,
    a step record set aside by a repeat, or an escalation action."""

    incident: str
    kind: str
    at: datetime
    author: str
    text: str
    ref: str
    data: dict[str, Any]


@dataclass(frozen=True)
class AppliedAction:
    subject: str
    policy: str
    key: str
    due_at: datetime
    applied_at: datetime
    data: dict[str, Any]


class OncallRows:
    """The on-call rows of one case (named recipients, escalation actions, heartbeats,
    channel messages, roles, the journal, reviews): mixed into :class:`CrisisRepository`."""

    conn: Connection

    # -- recipients ----------------------------------------------------------------------
    def name_recipients(self, case_id: int, subject: str, recipients: tuple[str, ...]) -> None:
        for r in recipients:
            self.conn.execute(
                insert(ct.crisis_recipients).values(
                    case_id=case_id, subject=subject, recipient=r, acknowledged_by=""
                )
            )

    def recipients(self, case_id: int) -> dict[str, Acknowledgements]:
        """Every subject with named recipients: subject -> its acknowledgements."""
        t = ct.crisis_recipients
        rows = self.conn.execute(select(t).where(t.c.case_id == case_id).order_by(t.c.id))
        grouped: dict[str, list[RecipientAck]] = {}
        for r in rows:
            grouped.setdefault(r.subject, []).append(
                RecipientAck(
                    r.recipient, _maybe_utc(r.acknowledged_at), r.acknowledged_by, r.channel
                )
            )
        return {k: Acknowledgements(k, tuple(v)) for k, v in grouped.items()}

    def save_recipient_ack(self, case_id: int, subject: str, ack: RecipientAck) -> None:
        t = ct.crisis_recipients
        self.conn.execute(
            update(t)
            .where(t.c.case_id == case_id, t.c.subject == subject, t.c.recipient == ack.recipient)
            .values(acknowledged_at=ack.at, acknowledged_by=ack.by, channel=ack.channel)
        )

    # -- escalation actions --------------------------------------------------------------
    def add_action(self, case_id: int, a: AppliedAction) -> None:
        self.conn.execute(
            insert(ct.crisis_escalation_actions).values(
                case_id=case_id,
                subject=a.subject,
                policy=a.policy,
                action_key=a.key,
                due_at=a.due_at,
                applied_at=a.applied_at,
                data=a.data,
            )
        )

    def actions(self, case_id: int) -> list[AppliedAction]:
        t = ct.crisis_escalation_actions
        rows = self.conn.execute(select(t).where(t.c.case_id == case_id).order_by(t.c.id))
        return [
            AppliedAction(
                r.subject,
                r.policy,
                r.action_key,
                _utc(r.due_at),
                _utc(r.applied_at),
                dict(r.data),
            )
            for r in rows
        ]

    # -- heartbeats and messages ---------------------------------------------------------
    def put_heartbeat(self, case_id: int, hb: Heartbeat) -> None:
        t = ct.crisis_heartbeats
        self.conn.execute(delete(t).where(t.c.case_id == case_id, t.c.channel == hb.channel))
        self.conn.execute(
            insert(t).values(
                case_id=case_id,
                channel=hb.channel,
                expected_from=hb.expected_from,
                every_hours=hb.every_hours,
                grace_hours=hb.grace_hours,
                since=hb.since,
                what=seal(self.conn, hb.what, "crisis_heartbeats.what"),
            )
        )

    def heartbeats(self, case_id: int) -> list[Heartbeat]:
        t = ct.crisis_heartbeats
        rows = self.conn.execute(select(t).where(t.c.case_id == case_id).order_by(t.c.id))
        ring = keyring_of(self.conn)
        return [
            Heartbeat(
                r.channel,
                r.expected_from,
                r.every_hours,
                _utc(r.since),
                r.grace_hours,
                unseal(ring, r.what, "crisis_heartbeats.what"),
            )
            for r in rows
        ]

    def add_message(self, case_id: int, channel: str, at: datetime, sender: str, text: str) -> None:
        self.conn.execute(
            insert(ct.crisis_messages).values(
                case_id=case_id,
                channel=channel,
                at=at,
                sender=sender,
                text=seal(self.conn, text, "crisis_messages.text"),
            )
        )

    def messages(self, case_id: int) -> list[tuple[str, datetime, str, str]]:
        """Channel messages: (channel, at, sender, text), in time order."""
        t = ct.crisis_messages
        rows = self.conn.execute(select(t).where(t.c.case_id == case_id).order_by(t.c.at, t.c.id))
        ring = keyring_of(self.conn)
        return [
            (r.channel, _utc(r.at), r.sender, unseal(ring, r.text, "crisis_messages.text"))
            for r in rows
        ]

    # -- roles ---------------------------------------------------------------------------
    def put_role(self, case_id: int, incident: str, holder: RoleHolder) -> None:
        t = ct.crisis_roles
        self.conn.execute(
            delete(t).where(
                t.c.case_id == case_id, t.c.incident == incident, t.c.role == holder.role.value
            )
        )
        self.conn.execute(
            insert(t).values(
                case_id=case_id,
                incident=incident,
                role=holder.role.value,
                holder=holder.holder,
                since=holder.since,
                named_by=holder.named_by,
            )
        )

    def roles(self, case_id: int) -> dict[str, dict[IncidentRole, RoleHolder]]:
        """incident -> role -> who holds it."""
        t = ct.crisis_roles
        out: dict[str, dict[IncidentRole, RoleHolder]] = {}
        for r in self.conn.execute(select(t).where(t.c.case_id == case_id).order_by(t.c.id)):
            role = IncidentRole(r.role)
            out.setdefault(r.incident, {})[role] = RoleHolder(
                role, r.holder, _utc(r.since), r.named_by
            )
        return out

    # -- the journal ---------------------------------------------------------------------
    def add_journal(self, case_id: int, row: JournalRow) -> None:
        self.conn.execute(
            insert(ct.crisis_journal).values(
                case_id=case_id,
                incident=row.incident,
                kind=row.kind,
                at=row.at,
                author=row.author,
                text=seal(self.conn, row.text, "crisis_journal.text"),
                ref=row.ref,
                data=row.data,
            )
        )

    def journal(
        self, case_id: int, incident: str | None = None, kinds: tuple[str, ...] = ()
    ) -> list[JournalRow]:
        """Journal rows in the order recorded (optionally one incident's, some kinds)."""
        t = ct.crisis_journal
        q = select(t).where(t.c.case_id == case_id)
        if incident is not None:
            q = q.where(t.c.incident == incident)
        if kinds:
            q = q.where(t.c.kind.in_(kinds))
        ring = keyring_of(self.conn)
        return [
            JournalRow(
                r.incident,
                r.kind,
                _utc(r.at),
                r.author,
                unseal(ring, r.text, "crisis_journal.text"),
                r.ref,
                dict(r.data),
            )
            for r in self.conn.execute(q.order_by(t.c.id))
        ]

    def set_aside_steps(self, case_id: int, incident: str, steps: tuple[str, ...]) -> None:
        """Move the step records of ``steps`` out of the run, into the journal as history
        (a repeat opens the steps again)."""
        run = self._run_pk(case_id, incident)
        t = ct.crisis_step_records
        rows = list(
            self.conn.execute(
                select(t).where(t.c.run_id == run, t.c.step.in_(steps)).order_by(t.c.id)
            )
        )
        for r in rows:
            self.add_journal(
                case_id,
                JournalRow(
                    incident,
                    "step_history",
                    _utc(r.at),
                    str(r.data.get("done_by", "")),
                    "",
                    r.step,
                    dict(r.data),
                ),
            )
        self.conn.execute(delete(t).where(t.c.run_id == run, t.c.step.in_(steps)))

    def _run_pk(self, case_id: int, incident: str) -> int:
        raise NotImplementedError

    # -- reviews -------------------------------------------------------------------------
    def put_review(
        self, case_id: int, incident: str, at: datetime, by: str, data: dict[str, Any]
    ) -> None:
        t = ct.crisis_reviews
        self.conn.execute(delete(t).where(t.c.case_id == case_id, t.c.incident == incident))
        self.conn.execute(
            insert(t).values(
                case_id=case_id,
                incident=incident,
                written_at=at,
                written_by=by,
                data=seal_json(self.conn, data, "crisis_reviews.data"),
            )
        )

    def review(self, case_id: int, incident: str) -> dict[str, Any] | None:
        t = ct.crisis_reviews
        row = self.conn.execute(
            select(t.c.data).where(t.c.case_id == case_id, t.c.incident == incident)
        ).first()
        if row is None:
            return None
        return dict(unseal_json(self.conn, row.data, "crisis_reviews.data"))
