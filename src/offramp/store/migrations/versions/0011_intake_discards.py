"""Issue 16: discarded intake proposals, and readers trained on a case's desk

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from offramp.store.migrations.shapes import TIME, cascade, case_table

revision = "0011"
down_revision = "0010"


def upgrade() -> None:
    case_table(
        "intake_discards",
        sa.Column("discarded_at", TIME, nullable=False),
        sa.Column("discarded_by", sa.String(length=80), nullable=False),
        sa.Column("party", sa.String(length=20), nullable=True),
        sa.Column("issue", sa.String(length=80), nullable=True),
        sa.Column("stance", sa.String(length=20), nullable=False),
        sa.Column("option", sa.String(length=80), nullable=True),
        sa.Column("speaker", sa.Text(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("article_date", sa.String(length=10), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        cascade("intake_discards", "case_id", "cases"),
    )
    op.create_index("ix_intake_discards_case_id", "intake_discards", ["case_id"])
    case_table(
        "intake_readers",
        sa.Column("trained_at", TIME, nullable=False),
        sa.Column("trained_by", sa.String(length=80), nullable=False),
        sa.Column("reader", sa.LargeBinary(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("adopted_at", TIME, nullable=True),
        sa.Column("adopted_by", sa.String(length=80), nullable=True),
        cascade("intake_readers", "case_id", "cases"),
    )
    op.create_index("ix_intake_readers_case_id", "intake_readers", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_intake_readers_case_id", table_name="intake_readers")
    op.drop_table("intake_readers")
    op.drop_index("ix_intake_discards_case_id", table_name="intake_discards")
    op.drop_table("intake_discards")
