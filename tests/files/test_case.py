"""Case files: exact round trip, and a clear error with file, line and field for bad input."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from offramp.errors import InputError
from offramp.files.case import case_schema, dump_case, load_case, parse_case

GOOD = textwrap.dedent(
    """\
    id: mini
    title: A small case
    parties:
      - {id: RU, name: Russia, role: party}
      - {id: UA, name: Ukraine, role: party}
    issues:
      - id: crimea
        title: Crimea
        kind: territorial
        options:
          - {id: ukrainian, label: Ukrainian}
          - {id: russian, label: Russian}
    sources:
      - {id: col, publication: The Post, date: 2022-03-11}
    statements:
      - id: peskov
        date: 2022-03-07
        party: RU
        speaker: Peskov
        quote: recognize that Crimea is Russian territory
        source: col
        stance: demand
        issue: crimea
        option: russian
    positions:
      - {party: RU, issue: crimea, date: 2022-03-07, ideal: russian, salience: 0.5}
      - {party: UA, issue: crimea, date: 2022-03-07, ideal: ukrainian, salience: 0.4}
    reservations:
      - {party: RU, date: 2022-03-07, value: 0.3}
    """
)


def write(tmp_path: Path, text: str, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> InputError:
    with pytest.raises(InputError) as info:
        load_case(write(tmp_path, text))
    return info.value


def test_good_file_loads(tmp_path: Path) -> None:
    case = load_case(write(tmp_path, GOOD))
    assert case.party("RU").name == "Russia"
    assert (
        case.position_at("RU", "crimea", __import__("datetime").date(2022, 3, 8)).ideal == "russian"
    )


def test_values_default_to_distance_from_ideal(tmp_path: Path) -> None:
    case = load_case(write(tmp_path, GOOD))
    assert case.positions[0].values == {"ukrainian": 0.0, "russian": 1.0}


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_round_trip_is_exact(tmp_path: Path, fmt: str, example_case) -> None:  # type: ignore[no-untyped-def]
    for case in (load_case(write(tmp_path, GOOD)), example_case):
        text = dump_case(case, fmt)  # type: ignore[arg-type]
        again = parse_case(text, f"x.{fmt}")
        assert again == case
        assert dump_case(again, fmt) == text  # type: ignore[arg-type]


BAD = [
    # (what, old text, new text, where, message)
    (
        "unknown party in a statement",
        "    party: RU\n    speaker: Peskov",
        "    party: XX\n    speaker: Peskov",
        "case.yaml:18: statements[0].party",
        "unknown party 'XX'",
    ),
    (
        "an option its issue does not have",
        "    option: russian",
        "    option: tatar",
        "case.yaml:24: statements[0].option",
        "issue 'crimea' has no option 'tatar'",
    ),
    (
        "a negative weight",
        "ideal: ukrainian, salience: 0.4}",
        "ideal: ukrainian, salience: -0.4}",
        "case.yaml:27: positions[1].salience",
        "-0.4 is out of range",
    ),
    (
        "a date that does not parse",
        "    date: 2022-03-07\n    party: RU",
        "    date: 2022-02-30\n    party: RU",
        "case.yaml:17: statements[0].date",
        "is not a date (use YYYY-MM-DD)",
    ),
    (
        "a date in words",
        "    date: 2022-03-07\n    party: RU",
        "    date: last Monday\n    party: RU",
        "case.yaml:17: statements[0].date",
        "'last Monday' is not a date",
    ),
    (
        "duplicate ids",
        "  - {id: UA, name: Ukraine, role: party}",
        "  - {id: RU, name: Ukraine, role: party}",
        "case.yaml:5: parties[1].id",
        "duplicate id 'RU'",
    ),
    (
        "an empty issue",
        "    options:\n      - {id: ukrainian, label: Ukrainian}\n      - {id: russian, label: Russian}",
        "    options: []",
        "case.yaml:10: issues[0].options",
        "the issue has no options",
    ),
    (
        "a YAML syntax error",
        "title: A small case",
        "title: [A small case",
        "case.yaml:",
        "YAML syntax error",
    ),
    (
        "an unknown field",
        "title: A small case",
        "title: A small case\ncolour: red",
        "case.yaml:3: colour",
        "is not a known field",
    ),
    (
        "a party id in lower case",
        "  - {id: UA, name: Ukraine, role: party}",
        "  - {id: ua, name: Ukraine, role: party}",
        "case.yaml:5: parties[1].id",
        "'ua' is not a valid id: use upper case",
    ),
    (
        "an ideal valued below another option",
        "ideal: russian, salience: 0.5}",
        "ideal: russian, salience: 0.5, values: {ukrainian: 0.9, russian: 0.2}}",
        "case.yaml:26: positions[0].values",
        "the ideal 'russian' must have the highest value",
    ),
    (
        "a duplicate key",
        "title: A small case",
        "title: A small case\ntitle: Again",
        "case.yaml:3: title",
        "duplicate key 'title'",
    ),
    (
        "a missing required field",
        "    speaker: Peskov\n",
        "",
        "case.yaml:16: statements[0].speaker",
        "is required",
    ),
]


@pytest.mark.parametrize(("what", "old", "new", "where", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_file_names_file_line_and_field(
    tmp_path: Path, what: str, old: str, new: str, where: str, message: str
) -> None:
    assert old in GOOD, what
    error = error_of(tmp_path, GOOD.replace(old, new, 1))
    text = str(error)
    assert where in text, text
    assert message in text, text
    assert "Traceback" not in text


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    text = GOOD.replace("    party: RU\n    speaker", "    party: XX\n    speaker").replace(
        "    source: col\n", "    source: nowhere\n"
    )
    error = error_of(tmp_path, text)
    messages = [p.message for p in error.problems]
    assert "unknown party 'XX'" in messages
    assert "unknown source 'nowhere'" in messages


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_case(tmp_path / "absent.yaml")


def test_json_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "id": "x",\n  "title": \n}\n', "case.json")
    with pytest.raises(InputError) as info:
        load_case(path)
    assert "case.json:" in str(info.value)


def test_json_case_file_reports_lines_too(tmp_path: Path) -> None:
    data = parse_case(GOOD, "g.yaml")
    text = dump_case(data, "json").replace(
        '"party": "RU",\n      "speaker"', '"party": "XX",\n      "speaker"'
    )
    path = write(tmp_path, text, "case.json")
    with pytest.raises(InputError) as info:
        load_case(path)
    line = text.splitlines().index('      "party": "XX",') + 1
    assert f"case.json:{line}: statements[0].party" in str(info.value)


def test_schema_is_published_and_describes_every_section() -> None:
    schema = case_schema()
    assert schema["title"] == "offramp case file"
    for section in ("parties", "issues", "statements", "positions", "reservations"):
        assert section in schema["properties"]
    json.dumps(schema)


def test_published_schema_file_is_current() -> None:
    path = Path(__file__).resolve().parents[2] / "docs" / "casefile.schema.json"
    assert json.loads(path.read_text()) == case_schema(), (
        "run: offramp schema > docs/casefile.schema.json"
    )
