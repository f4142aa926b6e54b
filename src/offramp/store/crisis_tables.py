"""The crisis desk's tables, on the same ``MetaData`` as :mod:`offramp.store.tables`.

Each record keeps the columns the desk filters and orders by, and its full content in
``data``: the record in the shape of the case file's ``crisis:`` section
(:mod:`offramp.files.crisis`), so the desk is rebuilt by the same code that reads a file.
Arrivals, step records and violation links are rows of their own. Due times are not
stored: a run is rebuilt from its playbook and ``started_at``, and its step records
are replayed in time order (as :func:`offramp.files.crisis.to_crisis` does).
Migration ``0002_crisis`` creates these tables.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.schema import SchemaItem

from offramp.store.tables import Time, case_table, metadata


def _record_table(name: str, *items: SchemaItem) -> Table:
    """A case's table of keyed crisis records: ``key`` (unique in the case), ``items``,
    and the record's content in ``data``."""
    columns = [item for item in items if isinstance(item, Column)]
    others = [item for item in items if not isinstance(item, Column)]
    return case_table(
        name,
        Column("key", String(80), nullable=False),
        *columns,
        Column("data", JSON, nullable=False),
        UniqueConstraint("case_id", "key", name=f"uq_{name}_case_key"),
        *others,
    )


crisis_settings = Table(
    "crisis_settings",
    metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("ladder", String(40), nullable=False),
    Column("jump", Integer, nullable=False),
    Column("window_hours", Float, nullable=True),
    Column("date_basis", Text, nullable=False),
    Column("note", Text, nullable=False),
)

crisis_channels = _record_table(
    "crisis_channels",
    Column("party_a", String(20), nullable=False),
    Column("party_b", String(20), nullable=False),
    Column("level", String(40), nullable=False),
)

crisis_incidents = _record_table(
    "crisis_incidents",
    Column("type", String(40), nullable=False),
    Column("raised_by", String(20), nullable=False),
    Column("against", String(20), nullable=False),
    Column("level", Integer, nullable=False),
    Column("merged_into", String(80), nullable=True),
)

crisis_arrivals = Table(
    "crisis_arrivals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("incident_id", ForeignKey("crisis_incidents.id", ondelete="CASCADE"), nullable=False),
    Column("channel", String(80), nullable=False),
    Column("at", Time, nullable=False),
    Column("data", JSON, nullable=False),
    UniqueConstraint("incident_id", "channel", "at", name="uq_crisis_arrivals_incident_channel"),
)

crisis_runs = Table(
    "crisis_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "incident_id",
        ForeignKey("crisis_incidents.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    Column("playbook", String(80), nullable=False),
    Column("started_at", Time, nullable=True),
    Column("note", Text, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("closed_at", Time, nullable=True),
    Column("closed_by", String(200), nullable=False),
)

crisis_step_records = Table(
    "crisis_step_records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", ForeignKey("crisis_runs.id", ondelete="CASCADE"), nullable=False),
    Column("step", String(80), nullable=False),
    Column("at", Time, nullable=False),
    Column("data", JSON, nullable=False),
    UniqueConstraint("run_id", "step", name="uq_crisis_step_records_run_step"),
)

crisis_commitments = _record_table(
    "crisis_commitments",
    Column("kind", String(40), nullable=False),
    Column("declared_by", String(20), nullable=False),
)

crisis_violations = Table(
    "crisis_violations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "commitment_id", ForeignKey("crisis_commitments.id", ondelete="CASCADE"), nullable=False
    ),
    Column("incident", String(80), nullable=False),
    UniqueConstraint("commitment_id", "incident", name="uq_crisis_violations_commitment_incident"),
)

crisis_notifications = _record_table(
    "crisis_notifications",
    Column("sender", String(20), nullable=False),
    Column("recipient", String(20), nullable=False),
    Column("ack_due", Time, nullable=False),
    Column("acknowledged_at", Time, nullable=True),
)

crisis_assurances = _record_table(
    "crisis_assurances",
    Column("proposed_by", String(20), nullable=False),
    Column("promoted_at", Time, nullable=True),
    Column("promoted_by", String(80), nullable=True),
)

crisis_scores = _record_table(
    "crisis_scores",
    Column("party_a", String(20), nullable=False),
    Column("party_b", String(20), nullable=False),
    Column("at", Time, nullable=False),
    Column("level", Integer, nullable=False),
    Index("ix_crisis_scores_dyad", "case_id", "party_a", "party_b", "at"),
)

# -- on call (issue 19; migration 0005_crisis_oncall) --------------------------------------

crisis_recipients = case_table(
    "crisis_recipients",
    Column("subject", String(200), nullable=False),  # "notification:<id>", "step:<inc>:<step>"
    Column("recipient", String(20), nullable=False),
    Column("acknowledged_at", Time, nullable=True),
    Column("acknowledged_by", String(200), nullable=False),
    Column("channel", String(80), nullable=True),
    UniqueConstraint("case_id", "subject", "recipient", name="uq_crisis_recipients_subject"),
)

crisis_escalation_actions = case_table(
    "crisis_escalation_actions",
    Column("subject", String(200), nullable=False),
    Column("policy", String(80), nullable=False),
    Column("action_key", String(120), nullable=False),
    Column("due_at", Time, nullable=False),
    Column("applied_at", Time, nullable=False),
    Column("data", JSON, nullable=False),
    UniqueConstraint(
        "case_id", "subject", "policy", "action_key", name="uq_crisis_escalation_actions_once"
    ),
)

crisis_heartbeats = case_table(
    "crisis_heartbeats",
    Column("channel", String(80), nullable=False),
    Column("expected_from", String(20), nullable=False),
    Column("every_hours", Float, nullable=False),
    Column("grace_hours", Float, nullable=False),
    Column("since", Time, nullable=False),
    Column("what", Text, nullable=False),
    UniqueConstraint("case_id", "channel", name="uq_crisis_heartbeats_channel"),
)

crisis_messages = case_table(
    "crisis_messages",
    Column("channel", String(80), nullable=False),
    Column("at", Time, nullable=False),
    Column("sender", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Index("ix_crisis_messages_channel", "case_id", "channel", "at"),
)

crisis_roles = case_table(
    "crisis_roles",
    Column("incident", String(80), nullable=False),
    Column("role", String(40), nullable=False),
    Column("holder", String(200), nullable=False),
    Column("since", Time, nullable=False),
    Column("named_by", String(80), nullable=False),
    UniqueConstraint("case_id", "incident", "role", name="uq_crisis_roles_incident_role"),
)

crisis_journal = case_table(
    "crisis_journal",
    Column("incident", String(80), nullable=False),
    Column("kind", String(40), nullable=False),  # note, message, decision, jump, repeat, ...
    Column("at", Time, nullable=False),
    Column("author", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("ref", String(200), nullable=False),
    Column("data", JSON, nullable=False),
    Index("ix_crisis_journal_incident", "case_id", "incident", "at"),
)

crisis_reviews = case_table(
    "crisis_reviews",
    Column("incident", String(80), nullable=False),
    Column("written_at", Time, nullable=False),
    Column("written_by", String(80), nullable=False),
    Column("data", JSON, nullable=False),
    UniqueConstraint("case_id", "incident", name="uq_crisis_reviews_incident"),
)
