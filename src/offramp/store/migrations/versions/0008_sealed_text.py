"""Issue 18: confidential text encrypted at rest under a data key held outside the database

Seals message bodies, notes, claims, private codings and audit payloads with the
engine's keyring (:func:`offramp.bootstrap.migrate` loads it: see
:mod:`offramp.store.data_key`); ``data_keys`` lists the keys in use. The downgrade
opens every value again and drops the list. Its columns are
:data:`offramp.store.sealed.SEALED_0008`, frozen: later migrations seal their own.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from offramp.store.migrations.shapes import TIME
from offramp.store.rekey import reencrypt
from offramp.store.sealed import SEALED_0008, keyring_of

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    op.create_table(
        "data_keys",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("added_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("key_id", name="pk_data_keys"),
    )
    conn = op.get_bind()
    reencrypt(conn, keyring_of(conn), to="sealed", columns=SEALED_0008)


def downgrade() -> None:
    conn = op.get_bind()
    reencrypt(conn, keyring_of(conn), to="plain", columns=SEALED_0008)
    op.drop_table("data_keys")
