"""Migration ``0015``: the count of failed sign-ins since the last one, and how many a
notice tells of; its downgrade takes both away (and the notices ``0014`` cannot read),
its upgrade brings them back empty, and the desk counts again."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect

from offramp.errors import Unauthenticated
from offramp.store.migrations import alembic_config, current
from support.desk import PASSWORD, World, query


def _shape(world: World) -> tuple[bool, set[str]]:
    """Whether ``failed_signins`` exists, and the columns of ``account_notices``."""
    seen = inspect(world.desk.engine)
    columns = {c["name"] for c in seen.get_columns("account_notices")}
    return seen.has_table("failed_signins"), columns


def _kinds(world: World, user: str) -> list[str]:
    rows = query(
        world.url,
        "SELECT n.kind FROM account_notices n JOIN users u ON u.id = n.user_id "
        f"WHERE u.name = '{user}' ORDER BY n.id",
    )
    return [str(r[0]) for r in rows]


def test_0015_down_and_up_again(world: World) -> None:
    accounts, engine = world.desk.accounts, world.desk.engine
    for name in ("analyst", "observer_us"):
        with pytest.raises(Unauthenticated):
            accounts.sign_in(name, "not the password", "192.0.2.8")
    accounts.sign_in("analyst", PASSWORD, "192.0.2.9")  # told: a notice of 1 failure
    assert _kinds(world, "analyst") == ["token.created", "signin.failed"]
    assert query(world.url, "SELECT count(*) FROM failed_signins") == [(1,)]  # observer_us
    config = alembic_config(engine)
    command.downgrade(config, "0014")
    engine.dispose()  # the shape changed under the pool's connections
    assert current(engine) == "0014"
    assert _shape(world) == (
        False,
        {"id", "user_id", "created_at", "kind", "actor", "client", "seen_at"},
    )
    assert _kinds(world, "analyst") == ["token.created"]  # 0014 cannot read the other
    command.upgrade(config, "head")
    engine.dispose()
    assert _shape(world)[0] and "failures" in _shape(world)[1]
    assert query(world.url, "SELECT count(*) FROM failed_signins") == [(0,)]
    assert query(world.url, "SELECT DISTINCT failures FROM account_notices") == [(0,)]
    with pytest.raises(Unauthenticated):
        accounts.sign_in("analyst", "not the password", "192.0.2.10")
    accounts.sign_in("analyst", PASSWORD)
    (told, _made) = accounts.notices.unseen(accounts.get_actor("analyst"))
    assert (told.failures, told.client) == (1, "192.0.2.10")
