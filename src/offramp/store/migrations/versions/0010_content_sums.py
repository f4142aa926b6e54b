"""Issue 18/21: the audit's content digests kept as sums that each write moves

``content_sums`` holds, per case and covered table, the LtHash sum of its rows
(:mod:`offramp.store.audit_cover`), so that an audited write costs what it changed and
not the size of the case. The sums are computed whole at a case's first event after
this migration; events before it keep their older digests, verified as they were.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    op.create_table(
        "content_sums",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("tbl", sa.String(length=40), nullable=False),
        sa.Column("lanes", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_content_sums_case_id_cases", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", "tbl", name="pk_content_sums"),
    )


def downgrade() -> None:
    op.drop_table("content_sums")
