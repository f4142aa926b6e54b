"""The crisis desk on call: named recipients and their acknowledgements, escalation
actions applied (once each), channel heartbeats and messages, incident roles, the
incident journal (notes, messages, decisions, jumps and repeats) and reviews

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.sql.schema import SchemaItem

from offramp.store.migrations.shapes import TIME, cascade, case_table

revision = "0005"
down_revision = "0004"


def _table(name: str, *items: SchemaItem) -> None:
    """A per-case table whose constraints among ``items`` precede its case's foreign key."""
    case_table(name, *items, cascade(name, "case_id", "cases"))


def upgrade() -> None:
    _table(
        "crisis_recipients",
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("recipient", sa.String(length=20), nullable=False),
        sa.Column("acknowledged_at", TIME, nullable=True),
        sa.Column("acknowledged_by", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=80), nullable=True),
        sa.UniqueConstraint("case_id", "subject", "recipient", name="uq_crisis_recipients_subject"),
    )
    _table(
        "crisis_escalation_actions",
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("policy", sa.String(length=80), nullable=False),
        sa.Column("action_key", sa.String(length=120), nullable=False),
        sa.Column("due_at", TIME, nullable=False),
        sa.Column("applied_at", TIME, nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.UniqueConstraint(
            "case_id",
            "subject",
            "policy",
            "action_key",
            name="uq_crisis_escalation_actions_once",
        ),
    )
    _table(
        "crisis_heartbeats",
        sa.Column("channel", sa.String(length=80), nullable=False),
        sa.Column("expected_from", sa.String(length=20), nullable=False),
        sa.Column("every_hours", sa.Float(), nullable=False),
        sa.Column("grace_hours", sa.Float(), nullable=False),
        sa.Column("since", TIME, nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.UniqueConstraint("case_id", "channel", name="uq_crisis_heartbeats_channel"),
    )
    _table(
        "crisis_messages",
        sa.Column("channel", sa.String(length=80), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("sender", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_index("ix_crisis_messages_channel", "crisis_messages", ["case_id", "channel", "at"])
    _table(
        "crisis_roles",
        sa.Column("incident", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("since", TIME, nullable=False),
        sa.Column("named_by", sa.String(length=80), nullable=False),
        sa.UniqueConstraint("case_id", "incident", "role", name="uq_crisis_roles_incident_role"),
    )
    _table(
        "crisis_journal",
        sa.Column("incident", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
    )
    op.create_index("ix_crisis_journal_incident", "crisis_journal", ["case_id", "incident", "at"])
    _table(
        "crisis_reviews",
        sa.Column("incident", sa.String(length=80), nullable=False),
        sa.Column("written_at", TIME, nullable=False),
        sa.Column("written_by", sa.String(length=80), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.UniqueConstraint("case_id", "incident", name="uq_crisis_reviews_incident"),
    )


def downgrade() -> None:
    op.drop_table("crisis_reviews")
    op.drop_index("ix_crisis_journal_incident", table_name="crisis_journal")
    op.drop_table("crisis_journal")
    op.drop_table("crisis_roles")
    op.drop_index("ix_crisis_messages_channel", table_name="crisis_messages")
    op.drop_table("crisis_messages")
    op.drop_table("crisis_heartbeats")
    op.drop_table("crisis_escalation_actions")
    op.drop_table("crisis_recipients")
