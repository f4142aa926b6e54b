"""Finding a record by its id in the tuples the model keeps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar


class Identified(Protocol):
    """A record with a string ``id`` (a party, an issue, a channel, ...)."""

    @property
    def id(self) -> str: ...


R = TypeVar("R", bound=Identified)


def by_id(records: Iterable[R], key: str, noun: str) -> R:
    """The record whose id is ``key``; ``KeyError("no {noun} {key!r}")`` if there is none.

    >>> from offramp.model.issues import Option
    >>> by_id([Option("a", "A"), Option("b", "B")], "b", "option").label
    'B'
    >>> by_id([], "c", "option")
    Traceback (most recent call last):
    ...
    KeyError: "no option 'c'"
    """
    for r in records:
        if r.id == key:
            return r
    raise KeyError(f"no {noun} {key!r}")
