"""Links from a case's options to precedents of the library (by id, no text copied)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from offramp.store.migrations.shapes import TIME, cascade, case_table

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    case_table(
        "precedent_links",
        sa.Column("issue_id", sa.String(length=80), nullable=False),
        sa.Column("option_id", sa.String(length=80), nullable=False),
        sa.Column("precedent_id", sa.String(length=80), nullable=False),
        sa.Column("provision_id", sa.String(length=80), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        cascade("precedent_links", "case_id", "cases"),
    )
    # NULL provisions are distinct in a plain unique constraint; coalesce makes one
    # link to the whole precedent per option (SQLite and PostgreSQL both index it)
    op.create_index(
        "uq_precedent_links_link",
        "precedent_links",
        [
            "case_id",
            "issue_id",
            "option_id",
            "precedent_id",
            sa.text("coalesce(provision_id, '')"),
        ],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_precedent_links_link", table_name="precedent_links")
    op.drop_table("precedent_links")
