"""Issue 18: one security-key assertion signs in once, even when two sign-ins race
with it: the counter is compared and written in one transaction, the key's row locked
(``FOR UPDATE`` on PostgreSQL; SQLite's one writer at a time)."""

from __future__ import annotations

import contextlib
import threading
from datetime import UTC, datetime

import pytest

from offramp.errors import Unauthenticated
from offramp.services.security_keys import CLONED, SecurityKeyService, SecurityKeyStep, Site
from support.desk import PASSWORD, World
from support.soft_key import ORIGIN, RP_ID, add_key

SITE = Site(ORIGIN, RP_ID)
RACERS = 2


class MeetingClock:
    """The time, once every racer has asked for it (or after 2 s): each verification
    has read the key and checked the signature before any of them goes on to record
    the use, the widest window a race can have."""

    def __init__(self) -> None:
        self.meet = threading.Barrier(RACERS)

    def now(self) -> datetime:
        with contextlib.suppress(threading.BrokenBarrierError):  # a racer that never came
            self.meet.wait(timeout=2)
        return datetime.now(UTC)


def test_two_verifications_of_one_assertion_at_once_sign_in_once(world: World) -> None:
    desk = world.desk
    actor = desk.accounts.get_actor("analyst")
    key = add_key(desk, actor, "blue key")
    with pytest.raises(SecurityKeyStep) as waiting:
        desk.accounts.sign_in("analyst", PASSWORD)
    pending = waiting.value.pending
    options = desk.accounts.security_keys.sign_in_options(pending, SITE)
    assert options is not None
    step = desk.accounts.security_keys.take_step(pending)
    answer = key.get(options)  # counter 1
    racing = SecurityKeyService(desk.uow, MeetingClock())
    passed: list[str] = []
    refused: list[str] = []

    def verify() -> None:
        try:
            racing.check(actor, step, answer, SITE, "192.0.2.7")
        except Unauthenticated as exc:
            refused.append(exc.message)
        else:
            passed.append("signed in")

    threads = [threading.Thread(target=verify) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (passed, refused) == (["signed in"], [CLONED])
    assert [k.sign_count for k in desk.accounts.security_keys.keys(actor)] == [1]
