"""Issue 18: failed sign-ins since the last one, told at the next sign-in

``failed_signins`` keeps, per account, how many sign-ins failed (a wrong password or
two-factor code) since its last successful one, and when and from where the latest
came; unlike ``login_failures`` (the throttle's 15-minute window) it lasts until the
next sign-in, which deletes it and tells the user (OWASP ASVS 2.2.3).
``account_notices.failures`` is how many failed sign-ins a notice tells of (0 for the
other kinds of notice). The downgrade drops both, and the notices of failed sign-ins,
which the code of ``0014`` cannot read.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from offramp.store.migrations.shapes import TIME, cascade

revision = "0015"
down_revision = "0014"


def upgrade() -> None:
    op.create_table(
        "failed_signins",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_at", TIME, nullable=False),
        sa.Column("last_client", sa.String(length=100), nullable=False),
        cascade("failed_signins", "user_id", "users"),
        sa.PrimaryKeyConstraint("user_id", name="pk_failed_signins"),
    )
    with op.batch_alter_table("account_notices") as batch:
        batch.add_column(
            sa.Column("failures", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )


def downgrade() -> None:
    # the code of 0014 knows no such kind of notice: it would fail to read them
    op.execute(sa.text("DELETE FROM account_notices WHERE kind = 'signin.failed'"))
    with op.batch_alter_table("account_notices") as batch:
        batch.drop_column("failures")
    op.drop_table("failed_signins")
