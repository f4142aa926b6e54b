"""A SQLite desk whose data key lies beside it, for the tests of keys and backups."""

from __future__ import annotations

from pathlib import Path

import pytest

from offramp.bootstrap import bootstrap
from offramp.model.concessions import Direction
from offramp.model.shuttle import HandlingMark
from offramp.services.accounts import SYSTEM
from offramp.store.data_key import ENV_FILE, ENV_KEY
from support.desk import FAST_HASHER, PASSWORD, SMALL_CASE_YAML

BODY = "Kyiv could accept option zebra-7 if the guarantees hold"
"""A message body no other test writes, to look for in raw bytes."""
LEDGER_NOTE = "UA gave way on the corridor quetzal-5"
"""A concession's note (a column sealed since migration 0009), likewise."""


def sealed_desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path/desk.db``: the small case, an admin who mediates it, and a message
    :data:`BODY` in the plenary, a concession noted :data:`LEDGER_NOTE`; its key in ``desk.db.data-key`` (the key variables are
    removed for the rest of the test)."""
    monkeypatch.delenv(ENV_FILE, raising=False)
    monkeypatch.delenv(ENV_KEY, raising=False)
    db = tmp_path / "desk.db"
    desk = bootstrap(str(db), hasher=FAST_HASHER)
    try:
        admin = desk.accounts.add_user(SYSTEM, "admin", PASSWORD, admin=True)
        desk.cases.import_case(admin, SMALL_CASE_YAML, "small.yaml")
        desk.cases.add_member(admin, "small", "admin", "mediator", None)
        desk.shuttle.post(admin, "small", "plenary", BODY, HandlingMark.MAY_RELAY)
        desk.shuttle.record_concession(
            admin, "small", "UA", "donbas", Direction.GIVES, note=LEDGER_NOTE
        )
    finally:
        desk.close()
    return db
