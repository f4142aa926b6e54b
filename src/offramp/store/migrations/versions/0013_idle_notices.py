"""Issue 18: when each session was last used, and notices to users about their account

``credentials.last_used_at`` lets a web session end after a spell without use (OWASP
ASVS 3.3.2); NULL means not used since it was opened. ``account_notices`` holds what a
user is told about changes to their own sign-in (ASVS 2.2.3, 2.5.5): a password changed
or reset, two-factor sign-in turned on or off, sessions ended elsewhere.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from offramp.store.migrations.shapes import TIME, cascade, id_table

revision = "0013"
down_revision = "0012"


def upgrade() -> None:
    with op.batch_alter_table("credentials") as batch:
        batch.add_column(sa.Column("last_used_at", TIME, nullable=True))
    id_table(
        "account_notices",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("client", sa.String(length=100), nullable=False),
        sa.Column("seen_at", TIME, nullable=True),
        cascade("account_notices", "user_id", "users"),
    )
    op.create_index("ix_account_notices_user_id", "account_notices", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_account_notices_user_id", table_name="account_notices")
    op.drop_table("account_notices")
    with op.batch_alter_table("credentials") as batch:
        batch.drop_column("last_used_at")
