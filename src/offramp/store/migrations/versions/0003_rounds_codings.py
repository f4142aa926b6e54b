"""Rounds of secret acceptances (a round, one answer row per addressed party) and the
parties' private codings of their own preferences

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Time = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("opened_by", sa.String(length=80), nullable=False),
        sa.Column("opened_at", Time, nullable=False),
        sa.Column("deadline", Time, nullable=True),
        sa.Column("revealed_at", Time, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_rounds_case_id_cases", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_rounds"),
    )
    op.create_index("ix_rounds_case_id", "rounds", ["case_id"])
    op.create_table(
        "round_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=20), nullable=False),
        sa.Column("answered_at", Time, nullable=True),
        sa.Column("accepted", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name="fk_round_answers_round_id_rounds",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_round_answers"),
        sa.UniqueConstraint("round_id", "party", name="uq_round_answers_round_party"),
    )
    op.create_table(
        "codings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", Time, nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.Column("shared_at", Time, nullable=True),
        sa.Column("shared_by", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_codings_case_id_cases", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_codings"),
        sa.UniqueConstraint("case_id", "party", name="uq_codings_case_party"),
    )


def downgrade() -> None:
    op.drop_table("codings")
    op.drop_table("round_answers")
    op.drop_index("ix_rounds_case_id", table_name="rounds")
    op.drop_table("rounds")
