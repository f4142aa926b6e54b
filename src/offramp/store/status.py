"""What an operator asks of the database: is it reachable, is it migrated, which chains."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, select, text, union

from offramp.store.migrations import HERE as MIGRATIONS
from offramp.store.tables import audit_events, cases, chain_heads


@dataclass(frozen=True)
class DatabaseStatus:
    """``reachable`` and ``revision == head`` together mean ready to serve."""

    reachable: bool
    revision: str | None
    head: str
    error: str = ""

    @property
    def ready(self) -> bool:
        return self.reachable and self.revision == self.head


@cache
def head_revision() -> str:
    """The newest migration this code ships (read once per process)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None, "the migrations have no head"
    return head


def database_status(engine: Engine) -> DatabaseStatus:
    """Connect, run ``SELECT 1`` and read the migration revision; never raises."""
    head = head_revision()
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            revision = MigrationContext.configure(conn).get_current_revision()
    except Exception as exc:  # any driver error means "not reachable"
        return DatabaseStatus(False, None, head, type(exc).__name__)
    return DatabaseStatus(True, revision, head)


def all_chains(conn: Connection) -> list[str]:
    """Every audit chain the database knows: each case's, the server's, and orphans."""
    query = union(
        select(cases.c.slug.label("chain")),
        select(chain_heads.c.chain),
        select(audit_events.c.chain),
    )
    return sorted({str(row[0]) for row in conn.execute(query)})
