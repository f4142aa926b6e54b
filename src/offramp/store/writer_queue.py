"""A first-come, first-served queue for one process's SQLite writers.

``threading.RLock`` is not fair: a thread that releases it and asks again at once, or a
thread that just arrived, often gets it before the threads already waiting. Under 16
writers that starved a few of them: the median write took 72 ms and the slowest 1 in
100 over 800 ms (``benchmarks/desk.py``). :class:`WriterQueue` hands the database to
the writers in the order they asked, so a write waits for at most the writes ahead of
it (the ticket-lock idea; Mellor-Crummey and Scott 1991 give the FIFO queue lock this
follows, with one gate per waiter). It is re-entrant, as the lock it replaces was: a
thread that holds it may take it again, and must release it as often.
"""

from __future__ import annotations

import threading
from collections import deque

_HANDED = -1  # the owner while the queue hands over to the next waiter


class WriterQueue:
    """A re-entrant lock granted in the order it was asked for."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._owner: int | None = None
        self._depth = 0
        self._waiting: deque[threading.Lock] = deque()

    def acquire(self, blocking: bool = True) -> bool:
        """Take the lock, waiting for those who asked first; without ``blocking``, only
        if it is free at once. Whether it was taken (as ``threading.Lock``)."""
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                self._depth += 1
                return True
            if self._owner is None:
                self._owner, self._depth = me, 1
                return True
            if not blocking:
                return False
            gate = threading.Lock()
            gate.acquire()
            self._waiting.append(gate)
        try:
            gate.acquire()  # opened by release(), which made this thread the next owner
        except BaseException:  # interrupted (Ctrl-C in the main thread): leave the queue
            with self._mutex:
                if gate in self._waiting:
                    self._waiting.remove(gate)
                    raise
                self._owner, self._depth = me, 1
            self.release()  # it was handed over meanwhile: pass it on
            raise
        with self._mutex:
            self._owner, self._depth = me, 1
        return True

    def release(self) -> None:
        with self._mutex:
            if self._owner != threading.get_ident():
                raise RuntimeError("release of a writer queue this thread does not hold")
            self._depth -= 1
            if self._depth:
                return
            if self._waiting:
                self._owner = _HANDED
                self._waiting.popleft().release()
            else:
                self._owner = None

    def __enter__(self) -> WriterQueue:
        self.acquire()
        return self

    def __exit__(self, *_: object) -> None:
        self.release()
