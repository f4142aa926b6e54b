"""Column and table shapes the migrations share.

A migration is history: once a revision has shipped, what it creates must never change,
so these helpers must not change either (a new shape is a new helper). They build
exactly what the migrations first spelled out by hand: the same columns in the same
order and the same constraint names, with each constraint made where it was made then
(SQLite keeps a table's ``CREATE TABLE`` text, constraints in the order they were made).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

TIME = sa.DateTime(timezone=True)


def cascade(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    """``table.column`` refers to ``target.id``; the row goes when that row goes."""
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete="CASCADE"
    )


def id_table(name: str, *items: SchemaItem) -> None:
    """Create table ``name`` keyed by an integer ``id``, its first column."""
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        *items,
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
    )


def case_table(name: str, *items: SchemaItem) -> None:
    """Create table ``name`` of rows that belong to a case: ``id``, then ``case_id``,
    then ``items``; include :func:`cascade` ``(name, "case_id", "cases")`` among them."""
    id_table(name, sa.Column("case_id", sa.Integer(), nullable=False), *items)
