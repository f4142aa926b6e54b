"""What every crisis record refers to: a dyad of two parties, and where the record comes from."""

from __future__ import annotations

from dataclasses import dataclass

Dyad = tuple[str, str]
"""Two distinct party ids, sorted."""


def dyad(a: str, b: str) -> Dyad:
    """The unordered pair of two distinct parties, as a sorted tuple."""
    if a == b:
        raise ValueError(f"a dyad needs two different parties, not {a} twice")
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True)
class Provenance:
    """Where a record comes from: the quote, its source id, how its date was resolved."""

    quote: str = ""
    source: str = ""
    date_basis: str = ""
    note: str = ""


NO_PROVENANCE = Provenance()
