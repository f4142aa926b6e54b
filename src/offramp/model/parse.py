"""What the surfaces read from people: dates, instants, choices, parties, clocks.

The CLI reads these from options and the web desk from forms and query strings; both
call the functions here, so a value means the same and is refused with the same words
wherever it is typed. Each raises :class:`~offramp.errors.InputError` naming ``field``
(``--at`` on the command line, ``at`` on a form).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum
from typing import TypeVar

from offramp.errors import InputError
from offramp.model.case import Case
from offramp.model.deadlines import Clock, FixedClock, StartedClock, SystemClock

E = TypeVar("E", bound=Enum)
FIRST_YEAR, LAST_YEAR = 1000, 8999
"""The years an instant typed by a person may fall in (the file formats' bounds too)."""


def parse_day(text: str | None, field: str) -> date | None:
    """An ISO date (``2022-03-11``), or None when blank."""
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(field, f"{text!r} is not a date (use YYYY-MM-DD)") from None


def parse_instant(text: str | None, field: str) -> datetime | None:
    """An ISO instant with its offset (``2022-10-23T16:00Z``), or None when blank.

    A date and time without an offset is refused: the desk never guesses a zone.
    """
    if text is None or not text.strip():
        return None
    try:
        at = datetime.fromisoformat(text.strip().replace(" ", "T"))
    except ValueError:
        raise InputError(field, f"{text!r} is not a date and time like 2022-10-23T16:00Z") from None
    if at.tzinfo is None:
        raise InputError(field, f"{text!r} has no time zone; end it with Z or an offset")
    if not FIRST_YEAR <= at.year <= LAST_YEAR:
        raise InputError(field, f"{text!r} is outside the years {FIRST_YEAR}-{LAST_YEAR}")
    return at.astimezone(UTC)


def parse_choice(kind: type[E], text: str, field: str) -> E:
    """A member of the enum ``kind`` by its value, or an error listing the choices."""
    try:
        return kind(text)
    except ValueError:
        allowed = ", ".join(str(v.value) for v in kind)
        raise InputError(field, f"{text!r} is not one of {allowed}") from None


def parse_parties(text: str | None, case: Case, field: str) -> tuple[str, ...] | None:
    """``"RU,UA"`` -> ``("RU", "UA")``, each a party of ``case``; None when blank."""
    if text is None or not text.strip():
        return None
    chosen = tuple(p.strip().upper() for p in text.split(",") if p.strip())
    known = {p.id for p in case.parties}
    for p in chosen:
        if p not in known:
            raise InputError(field, f"unknown party {p!r}; the case has {', '.join(sorted(known))}")
    if len(set(chosen)) != len(chosen):
        raise InputError(field, "a party is named twice")
    return chosen


def parse_clock(text: str | None, field: str, *, start: datetime | None = None) -> Clock:
    """Where the desk reads "now".

    ``real`` (or blank without ``start``) is the system clock; ``fixed:INSTANT`` stands
    still at that instant; a bare ``INSTANT`` starts at it and runs on in real time.
    Blank with ``start`` starts at ``start``.
    """
    value = (text or "").strip()
    if not value:
        return StartedClock(start) if start is not None else SystemClock()
    if value == "real":
        return SystemClock()
    fixed = value.startswith("fixed:")
    at = parse_instant(value.removeprefix("fixed:"), field)
    if at is None:
        raise InputError(field, "give an instant after 'fixed:', like fixed:2022-10-28T19:00Z")
    return FixedClock(at) if fixed else StartedClock(at)
