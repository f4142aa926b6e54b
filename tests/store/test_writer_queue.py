"""The SQLite writers' queue grants the lock in the order it was asked for."""

from __future__ import annotations

import threading
import time

import pytest

from offramp.store.writer_queue import WriterQueue


def _queued(q: WriterQueue, n: int) -> None:
    """Wait until ``n`` threads are waiting on ``q``."""
    deadline = time.monotonic() + 5
    while len(q._waiting) < n:
        assert time.monotonic() < deadline, "the waiters never queued"
        time.sleep(0.001)


def test_waiters_get_it_in_the_order_they_asked() -> None:
    q = WriterQueue()
    order: list[int] = []
    q.acquire()
    threads = []
    for k in range(6):

        def take(k: int = k) -> None:
            with q:
                order.append(k)

        t = threading.Thread(target=take)
        t.start()
        _queued(q, k + 1)
        threads.append(t)
    q.release()
    for t in threads:
        t.join(5)
    assert order == [0, 1, 2, 3, 4, 5]


def test_a_releasing_thread_cannot_take_it_back_before_a_waiter() -> None:
    q = WriterQueue()
    order: list[str] = []
    q.acquire()
    waiter = threading.Thread(target=lambda: (q.acquire(), order.append("waiter"), q.release()))
    waiter.start()
    _queued(q, 1)
    q.release()
    q.acquire()  # an unfair lock lets the releaser straight back in
    order.append("releaser")
    q.release()
    waiter.join(5)
    assert order == ["waiter", "releaser"]


def test_it_is_reentrant_and_only_its_holder_releases_it() -> None:
    q = WriterQueue()
    with q, q:
        assert q._depth == 2
        errors: list[BaseException] = []

        def stranger() -> None:
            try:
                q.release()
            except RuntimeError as exc:
                errors.append(exc)

        t = threading.Thread(target=stranger)
        t.start()
        t.join(5)
        assert [str(e) for e in errors] == ["release of a writer queue this thread does not hold"]
    assert q._owner is None and q._depth == 0
    with pytest.raises(RuntimeError):
        q.release()


def test_without_blocking_it_is_taken_only_when_free() -> None:
    q = WriterQueue()
    assert q.acquire(blocking=False)
    got: list[bool] = []
    t = threading.Thread(target=lambda: got.append(q.acquire(blocking=False)))
    t.start()
    t.join(5)
    assert got == [False] and not q._waiting
    q.release()
    assert q._owner is None
