"""Issue 18: two-factor sign-in (a TOTP secret per user, hashed one-time recovery codes)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from offramp.store.migrations.shapes import TIME, cascade, id_table

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    op.create_table(
        "two_factor",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("confirmed_at", TIME, nullable=True),
        sa.Column("last_step", sa.Integer(), nullable=True),
        cascade("two_factor", "user_id", "users"),
        sa.PrimaryKeyConstraint("user_id", name="pk_two_factor"),
    )
    id_table(
        "recovery_codes",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", TIME, nullable=True),
        cascade("recovery_codes", "user_id", "users"),
    )


def downgrade() -> None:
    op.drop_table("recovery_codes")
    op.drop_table("two_factor")
