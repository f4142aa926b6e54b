"""Issue 18: failed sign-ins per account and client (shared by every server process);
the audit chain's content digests and keyed signatures

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from offramp.store.migrations.shapes import TIME

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_login_failures"),
    )
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("content", sa.Text(), nullable=True))
        batch.add_column(sa.Column("mac", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("mac")
        batch.drop_column("content")
    op.drop_table("login_failures")
