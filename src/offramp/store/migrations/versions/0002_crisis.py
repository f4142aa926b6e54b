"""The crisis desk: channels, incidents and arrivals, playbook runs and step records,
commitments and violation links, notifications, assurances, escalation scores, and the
per-case settings (ladder, alert rule)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

from offramp.store.migrations.shapes import TIME, cascade, case_table, id_table

revision = "0002"
down_revision = "0001"


def _keyed(table: str, *columns: SchemaItem) -> None:
    """A per-case record with an id, a key unique in its case, and its data."""
    case_table(
        table,
        sa.Column("key", sa.String(length=80), nullable=False),
        *columns,
        sa.Column("data", sa.JSON(), nullable=False),
        cascade(table, "case_id", "cases"),
        sa.UniqueConstraint("case_id", "key", name=f"uq_{table}_case_key"),
    )


def upgrade() -> None:
    op.create_table(
        "crisis_settings",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("ladder", sa.String(length=40), nullable=False),
        sa.Column("jump", sa.Integer(), nullable=False),
        sa.Column("window_hours", sa.Float(), nullable=True),
        sa.Column("date_basis", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        cascade("crisis_settings", "case_id", "cases"),
        sa.PrimaryKeyConstraint("case_id", name="pk_crisis_settings"),
    )
    _keyed(
        "crisis_channels",
        sa.Column("party_a", sa.String(length=20), nullable=False),
        sa.Column("party_b", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=40), nullable=False),
    )
    _keyed(
        "crisis_incidents",
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("raised_by", sa.String(length=20), nullable=False),
        sa.Column("against", sa.String(length=20), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("merged_into", sa.String(length=80), nullable=True),
    )
    id_table(
        "crisis_arrivals",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=80), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        cascade("crisis_arrivals", "incident_id", "crisis_incidents"),
        sa.UniqueConstraint(
            "incident_id", "channel", "at", name="uq_crisis_arrivals_incident_channel"
        ),
    )
    id_table(
        "crisis_runs",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("playbook", sa.String(length=80), nullable=False),
        sa.Column("started_at", TIME, nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("closed_at", TIME, nullable=True),
        sa.Column("closed_by", sa.String(length=200), nullable=False),
        cascade("crisis_runs", "incident_id", "crisis_incidents"),
        sa.UniqueConstraint("incident_id", name="uq_crisis_runs_incident_id"),
    )
    id_table(
        "crisis_step_records",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=80), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        cascade("crisis_step_records", "run_id", "crisis_runs"),
        sa.UniqueConstraint("run_id", "step", name="uq_crisis_step_records_run_step"),
    )
    _keyed(
        "crisis_commitments",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("declared_by", sa.String(length=20), nullable=False),
    )
    id_table(
        "crisis_violations",
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("incident", sa.String(length=80), nullable=False),
        cascade("crisis_violations", "commitment_id", "crisis_commitments"),
        sa.UniqueConstraint(
            "commitment_id", "incident", name="uq_crisis_violations_commitment_incident"
        ),
    )
    _keyed(
        "crisis_notifications",
        sa.Column("sender", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(length=20), nullable=False),
        sa.Column("ack_due", TIME, nullable=False),
        sa.Column("acknowledged_at", TIME, nullable=True),
    )
    _keyed(
        "crisis_assurances",
        sa.Column("proposed_by", sa.String(length=20), nullable=False),
        sa.Column("promoted_at", TIME, nullable=True),
        sa.Column("promoted_by", sa.String(length=80), nullable=True),
    )
    _keyed(
        "crisis_scores",
        sa.Column("party_a", sa.String(length=20), nullable=False),
        sa.Column("party_b", sa.String(length=20), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_crisis_scores_dyad", "crisis_scores", ["case_id", "party_a", "party_b", "at"]
    )


def downgrade() -> None:
    op.drop_index("ix_crisis_scores_dyad", table_name="crisis_scores")
    for table in (
        "crisis_scores",
        "crisis_assurances",
        "crisis_notifications",
        "crisis_violations",
        "crisis_commitments",
        "crisis_step_records",
        "crisis_runs",
        "crisis_arrivals",
        "crisis_incidents",
        "crisis_channels",
        "crisis_settings",
    ):
        op.drop_table(table)
