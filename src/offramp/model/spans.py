"""Spans of days that may be open at either end (a role held since a date, a filter)."""

from __future__ import annotations

from datetime import date


def within(day: date, start: date | None, end: date | None) -> bool:
    """Whether ``day`` lies in [``start``, ``end``]; a missing end does not bound the span.

    >>> within(date(2022, 3, 1), date(2022, 1, 1), None)
    True
    >>> within(date(2021, 3, 1), date(2022, 1, 1), date(2022, 12, 31))
    False
    """
    return (start is None or start <= day) and (end is None or day <= end)
