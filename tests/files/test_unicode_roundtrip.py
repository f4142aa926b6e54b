"""Every character a person can write survives export and import, in YAML and JSON, and
text no store can keep is refused at its line (issue 18, finding 3)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from offramp.errors import InputError
from offramp.files.case import case_to_data, dump_case, parse_case
from offramp.model import Case
from support.desk import small_case

BASE = small_case()

# Everything but surrogates, control characters (tab, LF and CR excepted) and U+FFFE/F.
PLAIN = st.characters(
    blacklist_categories=("Cs", "Cc"),
    blacklist_characters="\ufffe\uffff",
) | st.sampled_from("\t\n\r")
BAD = st.sampled_from(
    [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0))]
    + ["\ud800", "\udbff", "\udc00", "\udfff", "\ufffe", "\uffff"]
)


def with_text(title: str, quote: str) -> Case:
    first = dataclasses.replace(BASE.statements[0], quote=quote)
    return dataclasses.replace(BASE, title=title, statements=(first, *BASE.statements[1:]))


def as_stored(case: Case) -> str:
    """The case as the store hands it back: ``json.dumps`` with ASCII escapes, so a
    character above U+FFFF arrives as a surrogate pair ``\\uD83D\\uDE00``."""
    return json.dumps(case_to_data(case))


@given(title=st.text(PLAIN, max_size=40), quote=st.text(PLAIN, min_size=1, max_size=40))
def test_any_text_survives_export_and_import(title: str, quote: str) -> None:
    case = with_text(title, quote)
    for name, text in (
        ("case.yaml", dump_case(case, "yaml")),
        ("case.json", dump_case(case, "json")),
        ("stored", as_stored(case)),
    ):
        back = parse_case(text, name)
        assert (back.title, back.statements[0].quote) == (title, quote), name
        assert back == case, name


@pytest.mark.parametrize(
    "text",
    [
        "😀 \U0010ffff \U0001f1fa\U0001f1e6",  # above U+FFFF, the last code point, a flag
        "\u2028 \u2029 \ufeff \ufdd0 \U0001fffe",  # line separators, BOM, noncharacters
        "e\u0301 \u200d \u00a0 \t",  # combining mark, joiner, no-break space, tab
        " \r\n leading and trailing \n",
    ],
)
def test_hard_characters_survive_every_format(text: str) -> None:
    case = with_text(text, text)
    for name, dumped in (
        ("case.yaml", dump_case(case, "yaml")),
        ("case.json", dump_case(case, "json")),
        ("stored", as_stored(case)),
    ):
        assert parse_case(dumped, name) == case, name


def test_an_old_export_with_surrogate_escapes_imports_as_the_character() -> None:
    """Exports written before the fix carry ``"\\uD83D\\uDE00"``: it means 😀."""
    text = dump_case(BASE, "yaml").replace(
        "title: A small shuttle case", 'title: "A small case \\uD83D\\uDE00"'
    )
    assert parse_case(text, "old.yaml").title == "A small case 😀"


@given(
    before=st.text(PLAIN, max_size=10),
    bad=BAD,
    after=st.text(PLAIN, max_size=10),
    json_=st.booleans(),
)
@example(before="a", bad="\x85", after="b", json_=False)
@example(before="", bad="\ud83d", after="", json_=True)
def test_bad_text_is_refused_at_its_line(before: str, bad: str, after: str, json_: bool) -> None:
    case = with_text(before + bad + after, "a quote")
    data = case_to_data(case)
    if json_:
        text, name = json.dumps(data, indent=2), "bad.json"
        line = text.splitlines().index(f'  "title": {json.dumps(data["title"])},') + 1
    else:
        text, name = dump_case(case, "yaml"), "bad.yaml"
        line = 3
    with pytest.raises(InputError) as caught:
        parse_case(text, name)
    [problem] = caught.value.problems
    # written raw (YAML writes U+0085 so), it is found before parsing: at its line only
    assert problem.where == (f"{name}:{line}" if bad in text else f"{name}:{line}: title")
    kind = (
        "a lone surrogate"
        if 0xD800 <= ord(bad) <= 0xDFFF
        else ("a noncharacter" if bad in "\ufffe\uffff" else "a control character")
    )
    assert problem.message.startswith(f"contains U+{ord(bad):04X}, {kind}")
