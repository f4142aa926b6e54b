"""Issue 18: whether an account is disabled is a column of its own

``users.disabled`` says whether an account is disabled. Until ``0016`` the mark was a
``!`` in front of the password hash (the ``/etc/shadow`` convention) inside its sealed
text, so every request opened (decrypted) the hash to learn it; now only a sign-in or a
password check opens the hash. The upgrade opens each hash, moves a ``!`` to the
column and seals the bare hash again; the downgrade puts the ``!`` back inside the
sealed hash of each disabled account and drops the column. The hashes are sealed
before and after (``0014``): no plain hash is written.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-09
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from alembic import op

from offramp.store.cipher import Keyring
from offramp.store.sealed import keyring_of, seal, unseal

revision = "0017"
down_revision = "0016"

MARK = "!"
HASH = "users.password_hash"
USERS = sa.table(
    "users", sa.column("id"), sa.column("password_hash"), sa.column("disabled", sa.Boolean())
)


def upgrade() -> None:
    # ALTER TABLE, not batch mode's copy of the table: on SQLite, dropping the old
    # ``users`` would delete (cascade) every row that refers to a user
    op.add_column(
        "users", sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    conn = op.get_bind()
    for user_id, opened, ring in _opened(conn, sa.true()):
        if opened.startswith(MARK):
            bare = seal(ring, opened.removeprefix(MARK), HASH)
            conn.execute(
                sa.update(USERS)
                .where(USERS.c.id == user_id)
                .values(password_hash=bare, disabled=True)
            )


def downgrade() -> None:
    conn = op.get_bind()
    for user_id, opened, ring in _opened(conn, USERS.c.disabled == sa.true()):
        marked = seal(ring, MARK + opened, HASH)
        conn.execute(sa.update(USERS).where(USERS.c.id == user_id).values(password_hash=marked))
    op.drop_column("users", "disabled")  # SQLite 3.35 and later drop a column in place


def _opened(
    conn: sa.Connection, where: sa.ColumnElement[bool]
) -> Iterator[tuple[int, str, Keyring]]:
    """The users ``where`` selects: id, opened hash, and the keyring that opened it."""
    ring = keyring_of(conn)  # loaded for every migration, as 0014 needs it
    for row in conn.execute(sa.select(USERS.c.id, USERS.c.password_hash).where(where)).all():
        yield int(row.id), unseal(ring, row.password_hash, HASH), ring
