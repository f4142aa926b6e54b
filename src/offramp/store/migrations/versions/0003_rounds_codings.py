"""Rounds of secret acceptances (a round, one answer row per addressed party) and the
parties' private codings of their own preferences

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from offramp.store.migrations.shapes import TIME, cascade, case_table, id_table

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    case_table(
        "rounds",
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("opened_by", sa.String(length=80), nullable=False),
        sa.Column("opened_at", TIME, nullable=False),
        sa.Column("deadline", TIME, nullable=True),
        sa.Column("revealed_at", TIME, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        cascade("rounds", "case_id", "cases"),
    )
    op.create_index("ix_rounds_case_id", "rounds", ["case_id"])
    id_table(
        "round_answers",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=20), nullable=False),
        sa.Column("answered_at", TIME, nullable=True),
        sa.Column("accepted", sa.JSON(), nullable=True),
        cascade("round_answers", "round_id", "rounds"),
        sa.UniqueConstraint("round_id", "party", name="uq_round_answers_round_party"),
    )
    case_table(
        "codings",
        sa.Column("party", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.Column("shared_at", TIME, nullable=True),
        sa.Column("shared_by", sa.String(length=80), nullable=True),
        cascade("codings", "case_id", "cases"),
        sa.UniqueConstraint("case_id", "party", name="uq_codings_case_party"),
    )


def downgrade() -> None:
    op.drop_table("codings")
    op.drop_table("round_answers")
    op.drop_index("ix_rounds_case_id", table_name="rounds")
    op.drop_table("rounds")
