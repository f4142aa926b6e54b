"""Links from a case's options to precedents of the library (by id, no text copied)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

Time = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "precedent_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.String(length=80), nullable=False),
        sa.Column("option_id", sa.String(length=80), nullable=False),
        sa.Column("precedent_id", sa.String(length=80), nullable=False),
        sa.Column("provision_id", sa.String(length=80), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", Time, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_precedent_links_case_id_cases", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_precedent_links"),
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
