"""Spellings of Ukrainian and Russian names as news writes them ("Zelenskyy", "Zelenskiy").

One Cyrillic name reaches English news in several romanisations: Ukraine's official
system of 2010 (Cabinet of Ministers resolution no. 55: "Zelenskyi", "Podoliak"), the
BGN/PCGN system ("Zelenskyy"), the Library of Congress system without diacritics
("Zelenskiy", Reuters' spelling until 2022) and the press's plain English ("Zelensky",
AP and most newspapers). The rules below turn one spelling into the others it is
commonly met as; they cover the endings and vowel pairs where those systems differ
(й, ий, я, ія), not every possible transliteration. A case file lists any other spelling
its sources use as a person's ``aliases``.
"""

from __future__ import annotations

import re

_SKY = re.compile(r"(?i)(s|z|ts|c)k(yy|iy|yi|ij|y|i)$")
_SKY_ENDINGS = ("y", "yy", "iy", "yi", "i")
_IA_END = re.compile(r"(?i)(?<=[bcdfghklmnprstvz])(iya|ia|ya)$")
_IY_END = re.compile(r"(?i)(?<=[bcdfghklmnprstvz])(yi|iy)$")
_Y_END = re.compile(r"(?i)(?<=[bcdfghklmnprstvz][aeiou][bcdfghklmnprstvz])y$")
_YA_INSIDE = re.compile(r"(?i)(?<=[bcdfghklmnprstvz])(ya|ia|yu|iu)(?=[bcdfghklmnprstvz])")
_OI = re.compile(r"(?i)(?<=[a-z])(oi|oy)(?=[bcdfghklmnprstvz]|$)")
_EI_END = re.compile(r"(?i)(?<=[bcdfghklmnprstvz])(ei|ey|eiy|eyi)$")
_SWAP = {"ya": "ia", "ia": "ya", "yu": "iu", "iu": "yu", "oi": "oy", "oy": "oi"}
_LIMIT = 8


def spellings(name: str) -> tuple[str, ...]:
    """``name`` and its other common romanisations, word by word (the name first).

    >>> spellings("Zelensky")
    ('Zelensky', 'Zelenskyy', 'Zelenskiy', 'Zelenskyi', 'Zelenski')
    >>> spellings("Podolyak")
    ('Podolyak', 'Podoliak')
    """
    words = name.split()
    if not words:
        return (name,)
    out: dict[str, None] = {name: None}
    for i, word in enumerate(words):
        for variant in word_spellings(word)[1:]:
            out.setdefault(" ".join([*words[:i], variant, *words[i + 1 :]]), None)
    return tuple(out)[:_LIMIT]


def word_spellings(word: str) -> tuple[str, ...]:
    """One word's romanisations; words shorter than four letters are left as they are."""
    if len(word) < 4 or not word[:1].isupper() or not word.isalpha():
        return (word,)
    out: dict[str, None] = {word: None}
    sky = _SKY.search(word)
    if sky:
        stem = word[: sky.start(2)]
        for ending in _SKY_ENDINGS:
            out.setdefault(stem + _cased(ending, word), None)
    else:
        for pattern, endings in (
            (_IA_END, ("ia", "iya", "ya")),
            (_IY_END, ("yi", "iy", "y")),
            (_Y_END, ("y", "iy", "yi")),
            (_EI_END, ("ei", "ey")),
        ):
            m = pattern.search(word)
            if m:
                for ending in endings:
                    out.setdefault(word[: m.start()] + _cased(ending, word), None)
                break
    for pattern in (_YA_INSIDE, _OI):
        for variant in list(out):
            m = pattern.search(variant)
            if m:
                swapped = _SWAP[m.group(0).lower()]
                out.setdefault(
                    variant[: m.start()] + _cased(swapped, word) + variant[m.end() :], None
                )
    return tuple(out)


def _cased(ending: str, word: str) -> str:
    """``ending`` in the case of ``word`` (a name in capitals keeps its capitals)."""
    return ending.upper() if word.isupper() else ending
