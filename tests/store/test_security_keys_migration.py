"""Migration ``0016``: the security keys and their challenges; its downgrade takes both
away (and the notices of keys, which ``0015`` cannot read), so the accounts sign in with
the password alone again; its upgrade brings them back empty."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect

from offramp.services.security_keys import SecurityKeyStep
from offramp.store.migrations import alembic_config, current
from support.desk import PASSWORD, World, query
from support.soft_key import add_key

TABLES = ("security_keys", "security_key_challenges")


def _tables(world: World) -> list[bool]:
    seen = inspect(world.desk.engine)
    return [seen.has_table(t) for t in TABLES]


def test_0016_down_and_up_again(world: World) -> None:
    accounts, engine = world.desk.accounts, world.desk.engine
    add_key(world.desk, accounts.get_actor("analyst"), "blue key")
    with pytest.raises(SecurityKeyStep):  # the key's step after the password
        accounts.sign_in("analyst", PASSWORD)
    assert query(world.url, "SELECT count(*) FROM security_key_challenges") == [(1,)]
    config = alembic_config(engine)
    command.downgrade(config, "0015")
    engine.dispose()  # the shape changed under the pool's connections
    assert current(engine) == "0015"
    assert _tables(world) == [False, False]
    kinds = query(world.url, "SELECT DISTINCT kind FROM account_notices ORDER BY kind")
    assert kinds == [("token.created",)]  # the key's notice went with it
    command.upgrade(config, "head")
    engine.dispose()
    assert _tables(world) == [True, True]
    assert query(world.url, "SELECT count(*) FROM security_keys") == [(0,)]
    _, session = accounts.sign_in("analyst", PASSWORD)  # the password alone again
    assert accounts.actor_for_secret(session).name == "analyst"
