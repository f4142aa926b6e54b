"""Relative dates resolve against the article's date, as the seed columns use them."""

from __future__ import annotations

from datetime import date

import pytest

from offramp.extract.dates import find_dates, resolve

MARCH_11 = date(2022, 3, 11)  # a Friday: the first column
OCT_28 = date(2022, 10, 28)  # a Friday: the second column


@pytest.mark.parametrize(
    ("expression", "article", "expected"),
    [
        ("Monday", MARCH_11, date(2022, 3, 7)),  # Peskov's public comments
        ("last Saturday", MARCH_11, date(2022, 3, 5)),  # Bennett in Moscow
        ("on Thursday", MARCH_11, date(2022, 3, 10)),  # Lavrov and Kuleba in Antalya
        ("Friday", MARCH_11, date(2022, 3, 11)),  # a bare weekday may be the day itself
        ("last Friday", MARCH_11, date(2022, 3, 4)),  # "last" is strictly before
        ("next Monday", MARCH_11, date(2022, 3, 14)),
        ("Wednesday", OCT_28, date(2022, 10, 26)),  # Vorontsov's threat
        ("Thursday's speech", OCT_28, date(2022, 10, 27)),  # Putin at Valdai
        ("last weekend", OCT_28, date(2022, 10, 22)),
        ("yesterday", OCT_28, date(2022, 10, 27)),
        ("Feb. 24", MARCH_11, date(2022, 2, 24)),
        ("March 2", MARCH_11, date(2022, 3, 2)),
        ("Oct. 5", OCT_28, date(2022, 10, 5)),
        ("Sept. 21", MARCH_11, date(2021, 9, 21)),  # months ahead: the year before
        ("29 March 2022", OCT_28, date(2022, 3, 29)),
        ("December 17, 2021", MARCH_11, date(2021, 12, 17)),
    ],
)
def test_resolves_against_the_article_date(expression, article, expected):
    assert resolve(expression, article) == expected


def test_text_without_a_date_resolves_to_none():
    assert resolve("The talks went on for hours.", MARCH_11) is None
    assert resolve("February 30", MARCH_11) is None


def test_finds_every_mention_in_order_with_offsets_and_basis():
    text = "After Bennett visited Putin last Saturday, Peskov spoke Monday."
    found = find_dates(text, MARCH_11)
    assert [(m.text, m.iso) for m in found] == [
        ("last Saturday", "2022-03-05"),
        ("Monday", "2022-03-07"),
    ]
    assert text[found[0].start : found[0].end] == "last Saturday"
    assert "2022-03-11" in found[1].basis
