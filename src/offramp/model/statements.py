"""Statements: who said what, when, where it was reported, and what it bears on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Stance(StrEnum):
    """What a statement does to a position."""

    DEMAND = "demand"
    OFFER = "offer"
    ACCEPT = "accept"
    REJECT = "reject"
    CONSIDER = "consider"
    THREATEN = "threaten"
    ALLEGE = "allege"
    DENY = "deny"
    ASSURE = "assure"


@dataclass(frozen=True)
class Source:
    """Where a statement was published: a column, a transcript, a communique."""

    id: str
    publication: str
    title: str = ""
    author: str = ""
    date: date | None = None
    url: str = ""


@dataclass(frozen=True)
class Statement:
    """A dated, attributed, quoted statement.

    ``speaker`` is who spoke (a person id or a plain name); ``party`` is whose position
    the statement states, which may differ (a negotiator reporting the other side's
    written proposal states the other side's position), or None for an assessment
    that states nobody's position (a columnist's judgement, an official's reading).
    ``date_basis`` records how a relative date ("Monday") was resolved.
    """

    id: str
    date: date
    party: str | None
    speaker: str
    quote: str
    source: str
    stance: Stance | None = None
    issue: str | None = None
    option: str | None = None
    track: str | None = None
    reported_by: str = ""
    date_basis: str = ""
    note: str = ""
