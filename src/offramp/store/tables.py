"""The desk's tables (SQLAlchemy Core). Migrations in ``store/migrations`` create them.

Times are stored as timezone-aware UTC (``DateTime(timezone=True)``; SQLite keeps the
ISO text and :mod:`offramp.store.repository` reattaches UTC). The audit log keeps its
time and payload as the exact text that was hashed. The columns of confidential text
hold it sealed (:data:`offramp.store.sealed.SEALED`); the repositories seal and open it.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.schema import SchemaItem

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

Time = DateTime(timezone=True)


def case_column() -> Column[int]:
    """``case_id``: the case a row belongs to, deleted with it."""
    return Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)


def case_table(name: str, *items: SchemaItem) -> Table:
    """A table of one case's rows on the desk's ``metadata``: ``id`` and ``case_id``
    first, then ``items`` (columns, constraints, indexes) in order."""
    return Table(name, metadata, Column("id", Integer, primary_key=True), case_column(), *items)


users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(80), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("created_at", Time, nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),  # migration 0017
)

credentials = Table(
    "credentials",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),  # session | token
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("created_at", Time, nullable=False),
    Column("expires_at", Time, nullable=True),
    Column("last_used_at", Time, nullable=True),  # None: not used since it was opened
)

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(80), nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("data", JSON, nullable=False),  # case-file data without statements and positions
    Column("created_at", Time, nullable=False),
)

memberships = case_table(
    "memberships",
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("role", String(32), nullable=False),
    Column("party", String(20), nullable=True),
    UniqueConstraint("case_id", "user_id", name="uq_memberships_case_user"),
)

statements = case_table(
    "statements",
    Column("ordinal", Integer, nullable=False),
    Column("key", String(80), nullable=False),
    Column("date", String(10), nullable=False),
    Column("party", String(20), nullable=True),
    Column("issue", String(80), nullable=True),
    Column("data", JSON, nullable=False),
    Column("confirmed_at", Time, nullable=True),
    Column("confirmed_by", String(80), nullable=True),
    UniqueConstraint("case_id", "key", name="uq_statements_case_key"),
)

positions = case_table(
    "positions",
    Column("ordinal", Integer, nullable=False),
    Column("party", String(20), nullable=False),
    Column("issue", String(80), nullable=False),
    Column("date", String(10), nullable=False),
    Column("data", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("case_id", "party", "issue", "date", name="uq_positions_case_pid"),
)

channels = case_table(
    "channels",
    Column("key", String(20), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("party", String(20), nullable=True),
    UniqueConstraint("case_id", "key", name="uq_channels_case_key"),
)

messages = case_table(
    "messages",
    Column("channel_id", ForeignKey("channels.id", ondelete="CASCADE"), nullable=False),
    Column("author", String(80), nullable=False),
    Column("body", Text, nullable=False),
    Column("mark", String(20), nullable=False),
    Column("at", Time, nullable=False),
    Column("relay_of", ForeignKey("messages.id"), nullable=True),
    Column("relay_mode", String(16), nullable=True),
    Column("label", String(16), nullable=True),
    Column("claim_id", Integer, nullable=True),
    Index("ix_messages_channel", "channel_id", "id"),
)

claims = case_table(
    "claims",
    Column("party", String(20), nullable=False),
    Column("text", Text, nullable=False),
    Column("statement", String(80), nullable=True),
    Column("relayed_to", String(20), nullable=True),
    Column("label", String(16), nullable=True),
    Column("history", JSON, nullable=False),
    Column("version", Integer, nullable=False),
)

proposals = case_table(
    "proposals",
    Column("title", Text, nullable=False),
    Column("package", JSON, nullable=False),
    Column("responses", JSON, nullable=False),
    Column("parties", String(200), nullable=False),  # "|UA|RU|" for filtering
    Column("tabled_by", String(80), nullable=False),
    Column("at", Time, nullable=False),
    Column("withdrawn", Boolean, nullable=False, default=False),
    Column("version", Integer, nullable=False),
)

ledger = case_table(
    "ledger",
    Column("party", String(20), nullable=False),
    Column("issue", String(80), nullable=False),
    Column("direction", String(10), nullable=False),
    Column("from_option", String(80), nullable=True),
    Column("to_option", String(80), nullable=True),
    Column("note", Text, nullable=False),
    Column("proposal_id", Integer, nullable=True),
    Column("at", Time, nullable=False),
    Column("recorded_by", String(80), nullable=False),
)

notes = case_table(
    "notes",
    Column("author", String(80), nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", Time, nullable=False),
)

shares = case_table(
    "shares",
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),  # positions | analysis | ledger | proposal | note
    Column("item", Integer, nullable=True),
    UniqueConstraint("case_id", "user_id", "kind", "item", name="uq_shares_item"),
)

chain_heads = Table(
    "chain_heads",
    metadata,
    Column("chain", String(80), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("chain", String(80), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("actor", String(80), nullable=False),
    Column("action", String(60), nullable=False),
    Column("payload", Text, nullable=False),
    Column("at", String(40), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    # issue 18 (migration 0006): the digests of the case's content after this event, and
    # an HMAC of hash and content under the server's key (NULL: written without a key)
    Column("content", Text, nullable=True),
    Column("mac", String(64), nullable=True),
)

# issue 18 (migration 0016): security keys (WebAuthn) as a second factor, and the
# challenges the desk issued for them (store/security_keys.py)
security_keys = Table(
    "security_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("credential_id", String(1400), nullable=False, unique=True),  # base64url
    Column("public_key", Text, nullable=False),  # the COSE key, base64url (not secret)
    Column("sign_count", Integer, nullable=False),
    Column("transports", String(200), nullable=False),  # comma-separated, as the browser said
    Column("name", Text, nullable=False),  # typed by the user: sealed
    Column("created_at", Time, nullable=False),
    Column("last_used_at", Time, nullable=True),  # None: not used to sign in yet
    Index("ix_security_keys_user_id", "user_id"),
)

security_key_challenges = Table(
    "security_key_challenges",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", String(16), nullable=False),  # register | sign-in
    Column("challenge", String(100), nullable=False),  # base64url, random
    Column("pending_hash", String(64), nullable=True, unique=True),  # sign-in: the step's
    Column("renew", Boolean, nullable=False),  # sign-in: the password must be renewed
    Column("expires_at", Time, nullable=False),
)
