"""Issue 18: more confidential text encrypted at rest

Seals, with the engine's keyring as ``0008`` does, the columns of
:data:`offramp.store.sealed.SEALED_0009` (frozen): the TOTP secrets, the ledger's
notes, proposals' titles and responses, claims' histories, and the crisis desk's prose.
``two_factor.secret`` is widened to text first (a sealed secret is longer than 64
characters). The downgrade opens those values again and narrows the secret back.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from offramp.store.rekey import reencrypt
from offramp.store.sealed import SEALED_0009, keyring_of

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    with op.batch_alter_table("two_factor") as batch:
        batch.alter_column(
            "secret", existing_type=sa.String(length=64), type_=sa.Text(), existing_nullable=False
        )
    conn = op.get_bind()
    reencrypt(conn, keyring_of(conn), to="sealed", columns=SEALED_0009)


def downgrade() -> None:
    conn = op.get_bind()
    reencrypt(conn, keyring_of(conn), to="plain", columns=SEALED_0009)
    with op.batch_alter_table("two_factor") as batch:
        batch.alter_column(
            "secret", existing_type=sa.Text(), type_=sa.String(length=64), existing_nullable=False
        )
