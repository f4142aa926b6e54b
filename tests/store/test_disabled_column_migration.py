"""Migration ``0017``: whether an account is disabled is a column of its own, so that a
request resolves its session or token without opening (decrypting) the password hash.

Before it, a disabled account's hash was sealed with a ``!`` in front (the
``/etc/shadow`` convention); the upgrade moves that mark to ``users.disabled`` and seals
the bare hash again, the downgrade puts the mark back inside the sealed hash.
"""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import Engine, text

from offramp.errors import Unauthenticated
from offramp.services.accounts import SYSTEM
from offramp.store.migrations import alembic_config, current
from offramp.store.sealed import keyring_of, seal, unseal
from support.desk import PASSWORD, World, query

HASH = "users.password_hash"
ARGON2 = "$argon2"


def _hashes(engine: Engine) -> dict[str, str]:
    """Each user's password hash, opened."""
    with engine.connect() as conn:
        ring = keyring_of(conn)
        rows = conn.execute(text("SELECT name, password_hash FROM users")).all()
    return {r.name: unseal(ring, r.password_hash, HASH) for r in rows}


def _disabled(world: World) -> list[str]:
    rows = query(world.url, "SELECT name FROM users WHERE disabled ORDER BY name")
    return [str(r[0]) for r in rows]


def test_0017_moves_the_mark_out_of_the_hash_and_back(world: World) -> None:
    accounts, engine = world.desk.accounts, world.desk.engine
    accounts.set_disabled(SYSTEM, "observer_us", True)
    assert _disabled(world) == ["observer_us"]
    assert all(h.startswith(ARGON2) for h in _hashes(engine).values())  # no mark inside
    config = alembic_config(engine)
    command.downgrade(config, "0016")
    engine.dispose()  # the shape changed under the pool's connections
    assert current(engine) == "0016"
    with engine.connect() as conn:
        columns = conn.execute(text("SELECT * FROM users")).keys()
    assert "disabled" not in columns
    hashes = _hashes(engine)
    assert hashes["observer_us"].startswith("!" + ARGON2)  # as the code of 0016 reads it
    assert all(h.startswith(ARGON2) for n, h in hashes.items() if n != "observer_us")
    command.upgrade(config, "head")
    engine.dispose()
    assert _disabled(world) == ["observer_us"]
    assert all(h.startswith(ARGON2) for h in _hashes(engine).values())
    with pytest.raises(Unauthenticated, match="Wrong user name or password"):
        accounts.sign_in("observer_us", PASSWORD)  # still disabled
    accounts.set_disabled(SYSTEM, "observer_us", False)
    assert accounts.sign_in("observer_us", PASSWORD)[0].name == "observer_us"
    assert accounts.actor_for_secret(world.tokens["analyst"]).name == "analyst"  # kept


def test_0017_upgrade_moves_accounts_disabled_before_it(world: World) -> None:
    """A desk of 0016 with a disabled account (the ``!`` inside its sealed hash)."""
    engine = world.desk.engine
    config = alembic_config(engine)
    command.downgrade(config, "0016")
    engine.dispose()
    with engine.begin() as conn:
        ring = keyring_of(conn)
        row = conn.execute(text("SELECT password_hash FROM users WHERE name = 'analyst'")).one()
        marked = seal(ring, "!" + unseal(ring, row.password_hash, HASH), HASH)
        conn.execute(
            text("UPDATE users SET password_hash = :h WHERE name = 'analyst'"), {"h": marked}
        )
    command.upgrade(config, "head")
    engine.dispose()
    assert _disabled(world) == ["analyst"]
    assert _hashes(engine)["analyst"].startswith(ARGON2)
    with pytest.raises(Unauthenticated):
        world.desk.accounts.actor_for_secret(world.tokens["analyst"])  # its token too
    world.desk.accounts.set_disabled(SYSTEM, "analyst", False)  # the old password again
    assert world.desk.accounts.sign_in("analyst", PASSWORD)[0].name == "analyst"


def test_a_request_resolves_its_token_without_opening_the_password_hash(world: World) -> None:
    """The hash is opened at sign-in and password checks only; a hash that does not
    open (here: one sealed for another column) does not stop its tokens working."""
    engine = world.desk.engine
    with engine.begin() as conn:
        unopenable = seal(keyring_of(conn), "not a hash", "notes.body")
        conn.execute(
            text("UPDATE users SET password_hash = :h WHERE name = 'analyst'"), {"h": unopenable}
        )
    actor = world.desk.accounts.actor_for_secret(world.tokens["analyst"])
    assert actor.name == "analyst"


def test_a_disabled_account_is_refused_on_every_request(world: World) -> None:
    accounts = world.desk.accounts
    _, session = accounts.sign_in("analyst", PASSWORD)
    with world.desk.engine.begin() as conn:  # as another desk process would have it
        conn.execute(text("UPDATE users SET disabled = :d WHERE name = 'analyst'"), {"d": True})
    for secret in (session, world.tokens["analyst"]):
        with pytest.raises(Unauthenticated, match="not valid"):
            accounts.actor_for_secret(secret)
