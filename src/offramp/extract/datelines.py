"""Datelines: the place, date and agency that open a wire story ("KYIV, March 3 (Reuters) -").

A dateline is not part of the first sentence, but a parser reads it as one: "LVIV —
Ukraine is prepared to ..." makes "LVIV" the subject, and the sentence's positions are
lost. :func:`find_datelines` finds datelines at the start of the text and of each line;
:func:`blank_datelines` replaces them with spaces (so every character offset still
points into the text the caller gave) and returns the dateline's date, when it has
one, for resolving "on Tuesday" in the story.

The forms are those of agency and newspaper copy: a place in capitals or a capitalised
place name, optionally a country, a date and an agency in brackets, then a dash or a
colon ("LVIV —", "Lviv:", "ISTANBUL. March 29 (Interfax) -", "HONG KONG (REUTERS) -",
"ANKARA, Turkey —", "(Reuters) -").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from offramp.extract.dates import find_dates

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_CAPS = r"[A-Z][A-Z'.\-]+(?:[ /][A-Z][A-Z'.\-]+){0,3}"
_TITLE = r"[A-Z][a-z'\-]+(?: [A-Z][a-z'\-]+){0,2}"
_DATELINE = re.compile(
    rf"""
    (?P<line>^|\n)[ \t]*
    (?:
        (?P<place>{_CAPS}|{_TITLE})
        (?P<country>,[ ][A-Z][A-Za-z.]+(?:[ ][A-Z][A-Za-z.]+)?)?
        (?P<date>[,.]?[ ](?:{_MONTH}[ ]\d{{1,2}}|\d{{1,2}}[ ]{_MONTH})(?:,?[ ]\d{{4}})?)?
        (?:[ ]?\((?P<agency>[A-Za-z][\w .&/-]{{1,30}})\))?
      | \((?P<only_agency>[A-Za-z][\w .&/-]{{1,30}})\)
    )
    [ \t]*(?P<sep>—|–|-{{1,2}}|:)[ \t]+
    (?=[“"‘'A-Z0-9])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Dateline:
    """A dateline: where it is in the text, its place, and its date when it gives one."""

    start: int
    end: int  # the first character of the story after it
    place: str
    day: date | None = None
    agency: str = ""


def find_datelines(text: str, article_date: date) -> list[Dateline]:
    """Datelines at the start of ``text`` or of one of its lines.

    A capitalised place name ("Lviv") counts only before a colon or a dash and with a
    story after it; a place in capitals ("LVIV") or an agency in brackets is the
    common case.
    """
    out: list[Dateline] = []
    for m in _DATELINE.finditer(text):
        start = m.start() + len(m.group("line"))
        place = m.group("place") or ""
        rest = text[m.end() :].split(maxsplit=3)
        if len(rest) < 3:
            continue  # "Kyiv: yes" is no story
        several = len(place.split()) > 1 and not place.isupper()
        if several and not (m.group("agency") or m.group("date")):
            continue  # "Islam Times -", "Driving The News:": only with a date or agency
        day = None
        if m.group("date"):
            found = find_dates(m.group("date"), article_date)
            day = found[0].date if found else None
        agency = m.group("agency") or m.group("only_agency") or ""
        out.append(Dateline(start, m.end(), place, day, agency))
    return out


def blank_datelines(
    text: str, article_date: date, keep: frozenset[str] = frozenset()
) -> tuple[str, date]:
    """``text`` with its datelines replaced by spaces, and the story's date.

    The date is the first dateline's, when it gives one, else ``article_date``. A
    "place" in ``keep`` (lower case; a person's name, as in "Peskov: Ukraine must ...")
    is no dateline and stays. The line break that ends a blanked dateline lets the
    parser start the story's first sentence there.
    """
    lines = [d for d in find_datelines(text, article_date) if d.place.lower() not in keep]
    if not lines:
        return text, article_date
    chars = list(text)
    for d in lines:
        for i in range(d.start, d.end - 1):
            if chars[i] != "\n":
                chars[i] = " "
        chars[d.end - 1] = "\n"
    day = next((d.day for d in lines if d.day is not None), article_date)
    return "".join(chars), day
