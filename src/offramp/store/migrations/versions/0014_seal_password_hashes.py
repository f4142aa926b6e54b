"""Issue 18: password hashes sealed with the data key (a pepper, OWASP ASVS 2.4.5)

Seals, with the engine's keyring as ``0008`` does, the column of
:data:`offramp.store.sealed.SEALED_0014` (frozen): ``users.password_hash``. The argon2
hash is kept as it was and encrypted under the data key that lives outside the
database, the rotatable pepper of the OWASP Password Storage Cheat Sheet; a disabled
account's ``!`` stays inside the sealed text. The downgrade opens the hashes again.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

from offramp.store.rekey import reencrypt
from offramp.store.sealed import SEALED_0014, keyring_of

revision = "0014"
down_revision = "0013"


def upgrade() -> None:
    conn = op.get_bind()
    reencrypt(conn, keyring_of(conn), to="sealed", columns=SEALED_0014)


def downgrade() -> None:
    conn = op.get_bind()
    reencrypt(conn, keyring_of(conn), to="plain", columns=SEALED_0014)
