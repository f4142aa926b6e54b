"""Issue 18: secret rounds, precedent notes and discard reasons encrypted at rest

Seals, with the engine's keyring as ``0008`` does, the columns of
:data:`offramp.store.sealed.SEALED_0012` (frozen): rounds' titles and the parties'
marks in them, the mediator's notes on precedent links, and the reasons given for
discarded intake proposals. The downgrade opens those values again.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

from offramp.store.rekey import reencrypt
from offramp.store.sealed import SEALED_0012, keyring_of

revision = "0012"
down_revision = "0011"


def upgrade() -> None:
    conn = op.get_bind()
    reencrypt(conn, keyring_of(conn), to="sealed", columns=SEALED_0012)


def downgrade() -> None:
    conn = op.get_bind()
    reencrypt(conn, keyring_of(conn), to="plain", columns=SEALED_0012)
