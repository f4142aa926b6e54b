"""What counting failed sign-ins since the last one costs a failed sign-in (issue 18).

    .venv/bin/python benchmarks/failed_signins.py [--rounds 40]

On a SQLite desk in a temporary directory, prints the median time of the throttle's
write of one failed sign-in without and with the count kept for the next sign-in
(:mod:`offramp.store.failed_signins`: one ``INSERT ... SELECT ... ON CONFLICT`` in the
same transaction), for a known and an unknown name; then the whole failed sign-in
(argon2id at the OWASP Password Storage Cheat Sheet's least setting, 19 MiB and two
passes, as ``tests/store/test_sealed_text.py`` times it) for a known, a disabled and an
unknown name, and the slowest over the fastest of those (the test's bar is 1.25).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from argon2 import PasswordHasher

from offramp.bootstrap import bootstrap
from offramp.errors import Unauthenticated
from offramp.services.accounts import SYSTEM

PASSWORD = "correct horse battery"
OWASP_MINIMUM = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def _timed(work: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Milliseconds of each of ``work`` per round, the kinds interleaved round by round
    (so a spell of load on the shared machine falls on all of them alike)."""
    took: dict[str, list[float]] = {name: [] for name in work}
    for _ in range(rounds):
        for name, one in work.items():
            start = time.perf_counter()
            one()
            took[name].append((time.perf_counter() - start) * 1000)
    return took


def _refused(sign_in: Callable[[], object]) -> Callable[[], None]:
    def go() -> None:
        try:
            sign_in()
        except Unauthenticated:
            return
        raise AssertionError("the sign-in was not refused")

    return go


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        desk = bootstrap(str(Path(folder) / "desk.db"), hasher=OWASP_MINIMUM)
        try:
            desk.accounts.add_user(SYSTEM, "known", PASSWORD)
            desk.accounts.add_user(SYSTEM, "gone", PASSWORD)
            desk.accounts.set_disabled(SYSTEM, "gone", True)
            throttle = desk.accounts.throttle
            writes = {
                f"{name} {'with' if counted else 'without'} the count": partial(
                    throttle.failed, name, "192.0.2.1", sign_in=counted
                )
                for name in ("known", "nobody")
                for counted in (False, True)
            }
            print(f"throttle write of one failure (ms; median, min of {rounds}):")
            for what, times in _timed(writes, rounds).items():
                print(f"  {what:<26} {statistics.median(times):7.3f} {min(times):7.3f}")
            tries = {"known": "not the password", "gone": PASSWORD, "nobody": "not the password"}
            for name in tries:
                throttle.succeeded(name)  # under the throttle's limit of 10 again
            signs = {n: _refused(partial(desk.accounts.sign_in, n, p)) for n, p in tries.items()}
            took = _timed(signs, 9)  # 9 failures per name: under the limit
            fastest = {name: min(times[1:]) for name, times in took.items()}  # 1st: the dummy
            print("whole failed sign-in (ms; median, min of 8):")
            for name, times in took.items():
                print(f"  {name:<7} {statistics.median(times[1:]):8.2f} {fastest[name]:8.2f}")
            ratio = max(fastest.values()) / min(fastest.values())
            print(f"slowest / fastest of the minima: {ratio:.3f} (the test's bar: under 1.25)")
        finally:
            desk.close()


if __name__ == "__main__":
    main()
