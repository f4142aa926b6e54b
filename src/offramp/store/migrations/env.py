"""Alembic environment: runs online against the engine handed over in the config."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, create_engine

from offramp.store import audit_cover
from offramp.store.tables import metadata

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")

with engine.connect() as connection:
    audit_cover.migrating(connection)  # the schema is not the code's yet: digest rows whole
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
