"""Relative dates in news text ("Monday", "last Saturday", "Feb. 24") resolved to ISO.

News convention, which the columns in the seeds follow: a bare weekday in a report means
the most recent such day on or before the article's date ("Monday" in a Friday column
is four days earlier); "last Saturday" is strictly before it; "next Monday" is after it.
A month and day without a year take the article's year, or the year before if that
would put them more than a month after the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?P<month>jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june?|"
    r"july?|aug(?:ust|\.)?|sept?(?:ember|\.)?|oct(?:ober|\.)?|nov(?:ember|\.)?|"
    r"dec(?:ember|\.)?)"
)
_PATTERNS = (
    re.compile(
        rf"\b(?P<qual>last|this|next|on|this past)?\s*(?P<day>{'|'.join(WEEKDAYS)})(?:'s)?\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b{_MONTH}\s+(?P<dom>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}}))?",
        re.IGNORECASE,
    ),
    re.compile(rf"\b(?P<dom>\d{{1,2}})\s+{_MONTH}\b(?:\s+(?P<year>\d{{4}}))?", re.IGNORECASE),
    re.compile(r"\b(?P<rel>yesterday|today|last weekend|this weekend)\b", re.IGNORECASE),
    re.compile(r"\b(?P<iso>\d{4}-\d{2}-\d{2})\b"),
)


@dataclass(frozen=True)
class DateMention:
    """A date expression found in text, with its resolution and how it was resolved."""

    text: str
    start: int
    end: int
    date: date
    basis: str

    @property
    def iso(self) -> str:
        return self.date.isoformat()


def resolve(expression: str, article_date: date) -> date | None:
    """The date an expression means in an article of ``article_date``; None if not a date."""
    found = find_dates(expression, article_date)
    return found[0].date if found else None


def find_dates(text: str, article_date: date) -> list[DateMention]:
    """Every resolvable date expression in ``text``, in order of appearance."""
    mentions: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            day = _resolve_match(m, article_date)
            if day is None:
                continue
            span = m.group(0).strip()
            start = m.start() + m.group(0).index(span)
            taken.append((start, start + len(span)))
            basis = f"{span!r} in an article of {article_date.isoformat()}"
            mentions.append(DateMention(span, start, start + len(span), day, basis))
    return sorted(mentions, key=lambda d: d.start)


_IN_YEAR = re.compile(
    rf"\b(?:back )?in (?:(?:early|late|mid-?)[ -]?)?(?:{_MONTH}\s+)?(?P<year>(?:19|20)\d{{2}})\b"
    r"(?!\s*[-–]\d)",
    re.IGNORECASE,
)


def find_years(text: str) -> list[DateMention]:
    """Past times given by a year alone: "in 2014", "in March 2014" (not "since 2014").

    The day is unknown, so the date is the first of the month (or of the year) and the
    basis says so. "Since 2014" and "by 2014" describe a state that lasts, not an act,
    and are not found.
    """
    out: list[DateMention] = []
    for m in _IN_YEAR.finditer(text):
        month = _month_number(m.group("month")) if m.group("month") else 1
        day = date(int(m.group("year")), month, 1)
        span = m.group(0)
        basis = f"{span!r}: the year (and month) only; the day is not known"
        out.append(DateMention(span, m.start(), m.end(), day, basis))
    return out


def _resolve_match(m: re.Match[str], article: date) -> date | None:
    groups = m.groupdict()
    if groups.get("day"):
        return _weekday(groups["day"].lower(), (groups.get("qual") or "").lower(), article)
    if groups.get("month"):
        month = _month_number(groups["month"])
        year = int(groups["year"]) if groups.get("year") else article.year
        try:
            day = date(year, month, int(groups["dom"]))
        except ValueError:
            return None
        if not groups.get("year") and day - article > timedelta(days=31):
            day = day.replace(year=year - 1)
        return day
    if groups.get("rel"):
        rel = groups["rel"].lower()
        if rel == "today":
            return article
        if rel == "yesterday":
            return article - timedelta(days=1)
        saturday = _weekday("saturday", "last", article)
        return saturday if rel == "last weekend" else _weekday("saturday", "", article)
    if groups.get("iso"):
        try:
            return date.fromisoformat(groups["iso"])
        except ValueError:
            return None
    return None


def _month_number(name: str) -> int:
    key = name.lower().rstrip(".")
    return MONTHS[key[:4]] if key[:4] in MONTHS else MONTHS[key[:3]]


def _weekday(name: str, qualifier: str, article: date) -> date:
    target = WEEKDAYS.index(name)
    back = (article.weekday() - target) % 7
    if qualifier == "next":
        return article + timedelta(days=(target - article.weekday()) % 7 or 7)
    if qualifier in ("last", "this past"):
        return article - timedelta(days=back or 7)
    return article - timedelta(days=back)
