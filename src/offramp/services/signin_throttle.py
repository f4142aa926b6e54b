"""Throttling sign-in: failures per account and per client, and a bound on hashing at once.

- After :data:`ACCOUNT_LIMIT` failed sign-ins for one user name (known or not, so the
  answer does not reveal which names exist), or :data:`CLIENT_LIMIT` from one client
  address, within :data:`WINDOW`, every sign-in for it is refused with
  :class:`~offramp.errors.Throttled` (HTTP 429 and ``Retry-After``) until the window
  that began with the first failure ends, even with the right password. The counts are
  rows in the database (:mod:`offramp.store.login_failures`), shared by every process.
  A successful sign-in clears its account's count, not its client's.
- Password hashing (argon2, 64 MiB each by default) runs at most :data:`HASH_SLOTS`
  at a time in a process; a sign-in that waits longer than :data:`HASH_WAIT` seconds
  for a slot is refused with 429 rather than queued without bound.

The account limit lets anyone lock an account for one window by failing on purpose;
the per-client limit and the short window keep that cheap to ride out (an operator
may also clear it: a successful sign-in, or ``DELETE FROM login_failures``).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from offramp.errors import Throttled
from offramp.model.deadlines import Clock
from offramp.store import failed_signins
from offramp.store import login_failures as store
from offramp.store.uow import UowFactory

WINDOW = timedelta(minutes=15)
ACCOUNT_LIMIT = 10
CLIENT_LIMIT = 30
HASH_SLOTS = 2
HASH_WAIT = 10.0
T = TypeVar("T")


class SignInThrottle:
    """Refuse sign-ins for throttled accounts and clients; bound concurrent hashing."""

    def __init__(self, uow: UowFactory, clock: Clock, *, slots: int = HASH_SLOTS) -> None:
        self.uow = uow
        self.clock = clock
        self._slots = threading.BoundedSemaphore(slots)

    @staticmethod
    def keys(name: str, client: str) -> list[str]:
        out = [f"account:{name}"[:300]]
        if client:
            out.append(f"client:{client}"[:300])
        return out

    def check(self, name: str, client: str) -> None:
        """Raise :class:`Throttled` if the account or the client is over its limit."""
        now = self.clock.now()
        with self.uow() as uow:
            found = store.read(uow.conn, self.keys(name, client), now, WINDOW)
        for f in found:
            account = f.key.startswith("account:")
            if f.failures >= (ACCOUNT_LIMIT if account else CLIENT_LIMIT):
                wait = math.ceil((f.first_at + WINDOW - now).total_seconds())
                who = "this account" if account else "this address"
                minutes = max(1, math.ceil(wait / 60))
                raise Throttled(
                    f"Too many failed sign-ins for {who}; try again in {minutes} "
                    f"minute{'s' if minutes != 1 else ''}.",
                    wait,
                )

    def failed(self, name: str, client: str, *, sign_in: bool = False) -> None:
        """Count a failure against the account and the client; a failed ``sign_in`` also
        counts, in the same transaction, toward what the account's next sign-in tells
        (:mod:`offramp.store.failed_signins`; the same statement for an unknown name)."""
        now = self.clock.now()
        with self.uow(write=True) as uow:
            store.record(uow.conn, self.keys(name, client), now, WINDOW)
            if sign_in:
                failed_signins.count(uow.conn, name, client, now)
            uow.commit()

    def succeeded(self, name: str) -> None:
        with self.uow(write=True) as uow:
            store.clear(uow.conn, self.keys(name, "")[:1])
            uow.commit()

    def hashing(self, work: Callable[[], T]) -> T:
        """Run ``work`` (a password hash or verify) in one of the process's slots."""
        if not self._slots.acquire(timeout=HASH_WAIT):
            raise Throttled("Too many sign-ins at once; try again in a few seconds.", 5)
        try:
            return work()
        finally:
            self._slots.release()
