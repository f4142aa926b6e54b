"""Issue 18: security keys (WebAuthn) as a second factor

``security_keys`` holds each user's registered keys: the credential id and COSE public
key the authenticator made (base64url; public keys are not secret), its signature
counter, the transports the browser named, the name the user gave it (sealed, as other
typed text; ``SEALED_0016``), when it was added and last used to sign in.
``security_key_challenges`` holds the random challenges the desk issued, each bound to
a user, single use, expiring after 5 minutes: ``register`` for a key being added,
``sign-in`` for the step after the password (``pending_hash``: the sha256 of the
step's secret, held by the sign-in page; ``renew``: the password must be changed).
A new table holds no rows to seal. The downgrade drops both: the code of ``0015``
knows no security keys, so their accounts sign in with the password (and TOTP) alone.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from offramp.store.migrations.shapes import TIME, cascade, id_table

revision = "0016"
down_revision = "0015"


def upgrade() -> None:
    id_table(
        "security_keys",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.String(length=1400), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("sign_count", sa.Integer(), nullable=False),
        sa.Column("transports", sa.String(length=200), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("last_used_at", TIME, nullable=True),
        cascade("security_keys", "user_id", "users"),
        sa.UniqueConstraint("credential_id", name="uq_security_keys_credential_id"),
    )
    op.create_index("ix_security_keys_user_id", "security_keys", ["user_id"])
    id_table(
        "security_key_challenges",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("challenge", sa.String(length=100), nullable=False),
        sa.Column("pending_hash", sa.String(length=64), nullable=True),
        sa.Column("renew", sa.Boolean(), nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        cascade("security_key_challenges", "user_id", "users"),
        sa.UniqueConstraint("pending_hash", name="uq_security_key_challenges_pending_hash"),
    )


def downgrade() -> None:
    # the code of 0015 knows no such notices: it would fail to read them
    op.execute(sa.text("DELETE FROM account_notices WHERE kind LIKE 'security_key.%'"))
    op.drop_table("security_key_challenges")
    op.drop_index("ix_security_keys_user_id", table_name="security_keys")
    op.drop_table("security_keys")
