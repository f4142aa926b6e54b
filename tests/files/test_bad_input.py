"""Hostile and broken files through the real CLI (``offramp check``): each is refused
with file, line and the limit or field, never a traceback (issue 18, findings 1, 2, 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from offramp.errors import InputError
from offramp.files.located import MAX_ALIASES, MAX_CHARS, MAX_DEPTH, MAX_NODES, load_located
from offramp.files.playbooks import parse_playbook
from support.cli import Ran, offramp

ROOT = Path(__file__).resolve().parents[2]
SMALL = (ROOT / "tests" / "support" / "desk.py").read_text(encoding="utf-8")
SMALL = SMALL.split('SMALL_CASE_YAML = """\\\n', 1)[1].split('"""', 1)[0]


def bomb(levels: int = 9) -> str:
    """The billion laughs: each level repeats the one before nine times (about 300 bytes)."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for k in range(1, levels):
        lines.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def check(tmp_path: Path, name: str, text: str) -> Ran:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return offramp("check", str(path), cwd=tmp_path)


def line(text: str, needle: str) -> int:
    """The line (1-based) where ``needle`` first occurs in ``text``."""
    return text[: text.index(needle)].count("\n") + 1


def refused(tmp_path: Path, name: str, text: str) -> str:
    """The one error line ``offramp check`` prints for a refused file, minus the path."""
    done = check(tmp_path, name, text)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    out = " ".join(done.stderr.split())  # Rich may wrap a long line
    return out.replace(str(tmp_path) + "/", "")


def test_an_alias_bomb_is_refused_at_its_line(tmp_path: Path) -> None:
    text = bomb()
    assert len(text) < 1024
    assert refused(tmp_path, "bomb.yaml", text).endswith(
        f"bomb.yaml:6: more than {MAX_NODES:,} values, counting what aliases repeat (the limit)"
    )


def test_too_many_aliases_are_refused(tmp_path: Path) -> None:
    text = "x: &x 1\nys:\n" + "".join("  - *x\n" for _ in range(MAX_ALIASES + 1))
    assert refused(tmp_path, "many.yaml", text).endswith(
        f"many.yaml:{MAX_ALIASES + 3}: ys[{MAX_ALIASES}]: more than {MAX_ALIASES:,} aliases "
        "(the limit)"
    )


def test_an_alias_of_itself_is_refused(tmp_path: Path) -> None:
    assert refused(tmp_path, "loop.yaml", "a: &a [1, *a]\n").endswith(
        "loop.yaml:1: a[1]: alias *a refers to itself"
    )


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000, 1),
        ("deep.yaml", "[" * 100_000 + "]" * 100_000, 1),
        ("lines.yaml", "[\n" * 100_000 + "]\n" * 100_000, MAX_DEPTH + 1),
        ("block.yaml", "".join(" " * k + "- \n" for k in range(0, 400, 2)), MAX_DEPTH + 1),
        ("keys.json", '{"a": ' * 100_000 + "1" + "}" * 100_000, 1),
    ],
)
def test_deep_nesting_is_refused_at_its_line(
    tmp_path: Path, name: str, text: str, line: int
) -> None:
    assert refused(tmp_path, name, text).endswith(
        f"{name}:{line}: nested more than {MAX_DEPTH} levels deep (the limit)"
    )


def test_a_text_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    text = "# " + "x" * MAX_CHARS + "\n"
    assert refused(tmp_path, "huge.yaml", text).endswith(
        f"huge.yaml: is {len(text):,} characters long; the limit is {MAX_CHARS:,}"
    )


def test_too_many_values_are_refused(tmp_path: Path) -> None:
    text = "[" + ",".join(["0"] * (MAX_NODES + 1)) + "]"
    assert refused(tmp_path, "wide.json", text).endswith(
        f"wide.json:1: more than {MAX_NODES:,} values, counting what aliases repeat (the limit)"
    )


def test_a_case_file_may_still_use_anchors(tmp_path: Path) -> None:
    text = SMALL.replace(
        "  - {id: UA, name: Ukraine, role: party}",
        "  - {id: UA, name: &ua Ukraine, role: party}\n  - {id: UB, name: *ua, role: party}",
    )
    done = check(tmp_path, "anchors.yaml", text)
    assert done.returncode == 0, done.stderr
    assert "6 actors" in done.stdout


# -- the text inside a file ---------------------------------------------------------------


def test_a_raw_control_character_is_refused_at_its_line(tmp_path: Path) -> None:
    text = SMALL.replace("Two parties, one mediator", "Two parties,\x00 one mediator")
    assert refused(tmp_path, "nul.yaml", text).endswith(
        "nul.yaml:4: contains U+0000, a control character"
    )


@pytest.mark.parametrize(
    ("escaped", "problem"),
    [
        ("\\0", "contains U+0000, a control character, at character 8"),
        ("\\e", "contains U+001B, a control character, at character 8"),
        ("\\uD800", "contains U+D800, a lone surrogate (half of a character), at character 8"),
        ("\\uFFFF", "contains U+FFFF, a noncharacter, at character 8"),
    ],
)
def test_an_escaped_bad_character_is_refused_at_its_field(
    tmp_path: Path, escaped: str, problem: str
) -> None:
    text = SMALL.replace("title: A small shuttle case", f'title: "A small{escaped} case"')
    assert refused(tmp_path, "bad.yaml", text).endswith(f"bad.yaml:3: title: {problem}")


# -- links (finding 1) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (
            "javascript:fetch('/api/cases')",
            "\"javascript:fetch('/api/cases')\" is not a link offramp follows: "
            "use an http, https or mailto URL",
        ),
        (
            "JaVaScRiPt:alert(1)",
            "'JaVaScRiPt:alert(1)' is not a link offramp follows: use an http, https or mailto URL",
        ),
        (
            "data:text/html,<script>alert(1)</script>",
            "'data:text/html,<script>alert(1)</script>' is not a link offramp follows: "
            "use an http, https or mailto URL",
        ),
        ("https:alert(1)", "'https:alert(1)' has no host: write it like https://example.org/page"),
        (
            "java\\tscript:alert(1)",
            "'java\\tscript:alert(1)' is not a link: it contains a space or control character",
        ),
    ],
)
def test_a_source_url_must_be_http_https_or_mailto(tmp_path: Path, url: str, problem: str) -> None:
    quoted = '"' + url.replace('"', '\\"') + '"'
    text = SMALL.replace("date: 2022-03-11}", f"date: 2022-03-11, url: {quoted}}}")
    assert refused(tmp_path, "link.yaml", text).endswith(
        f"link.yaml:{line(text, 'url:')}: sources[0].url: {problem}"
    )


@pytest.mark.parametrize("url", ["https://www.washingtonpost.com/x", "mailto:desk@example.org"])
def test_http_and_mailto_links_pass(tmp_path: Path, url: str) -> None:
    text = SMALL.replace("date: 2022-03-11}", f"date: 2022-03-11, url: '{url}'}}")
    done = check(tmp_path, "ok.yaml", text)
    assert done.returncode == 0, done.stderr


# -- numbers reads depend on (finding 8) ----------------------------------------------------

CRISIS = """\
crisis:
  alert: {jump: 2, window_hours: WINDOW}
  channels:
    - {id: hotline, between: [RU, UA], level: hotline}
  notifications:
    - id: exercise
      kind: exercise
      sender: RU
      to: UA
      what: an exercise
      where: the Black Sea
      starts: STARTS
      size: one brigade
      channel: hotline
      sent_at: 2022-10-20T09:00:00Z
      ack_hours: ACK
"""


@pytest.mark.parametrize(
    ("window", "starts", "ack", "field", "problem"),
    [
        (
            "1.0e-300",
            "2022-10-26T00:00:00Z",
            "24",
            "alert.window_hours",
            "1e-300 is out of range: input should be greater than or equal to 0.01",
        ),
        (
            ".inf",
            "2022-10-26T00:00:00Z",
            "24",
            "alert.window_hours",
            "Input should be a finite number (got inf)",
        ),
        (
            "6",
            "2022-10-26T00:00:00Z",
            "1.0e+300",
            "notifications[0].ack_hours",
            "1e+300 is out of range: input should be less than or equal to 8760",
        ),
        (
            "6",
            "0001-01-01T00:00:00+05:00",
            "24",
            "notifications[0].starts",
            "'0001-01-01T00:00:00+05:00' is not between the years 1000 and 8999",
        ),
    ],
)
def test_crisis_numbers_and_times_are_bounded(
    tmp_path: Path, window: str, starts: str, ack: str, field: str, problem: str
) -> None:
    section = CRISIS.replace("WINDOW", window).replace("STARTS", starts).replace("ACK", ack)
    text = SMALL + section
    at = line(text, field.split(".")[-1].split("[")[0] + ":")
    assert refused(tmp_path, "crisis.yaml", text).endswith(
        f"crisis.yaml:{at}: crisis.{field}: {problem}"
    )


def test_an_escalation_subject_must_exist(tmp_path: Path) -> None:
    section = """\
crisis:
  escalation:
    - {id: s1, between: [RU, UA], at: 2022-10-23T09:00:00Z, level: 3, kind: statement,
       subject: no-such-thing}
"""
    text = SMALL + section
    assert refused(tmp_path, "subject.yaml", text).endswith(
        f"subject.yaml:{line(text, 'subject: no-such')}: crisis.escalation[0].subject: "
        "unknown subject 'no-such-thing': "
        "name an incident or a statement"
    )


def test_a_capability_must_be_finite(tmp_path: Path) -> None:
    text = SMALL.replace("{id: UA, name: Ukraine, role: party}", "{id: UA, name: U, role: party,"
                         " capability: .inf}")  # fmt: skip
    assert refused(tmp_path, "cap.yaml", text).endswith(
        "cap.yaml:6: parties[0].capability: Input should be a finite number (got inf)"
    )


def test_a_playbook_deadline_stays_in_the_calendar() -> None:
    text = """\
playbook: 1
id: far
title: Far away
incident_type: threat
steps:
  - {id: a, title: A, hours: 1.0e+300}
  - {id: b, title: B, by: {time: "09:00", zone: UTC, days_after: 100000000}}
"""
    with pytest.raises(InputError) as caught:
        parse_playbook(text, "far.yaml")
    assert [f"{p.where}: {p.message}" for p in caught.value.problems] == [
        "far.yaml:6: steps[0].hours: 1e+300 is out of range: "
        "input should be less than or equal to 8760",
        "far.yaml:7: steps[1].by.days_after: 100000000 is out of range: "
        "input should be less than or equal to 366",
    ]


def test_the_loader_refuses_a_second_document() -> None:
    with pytest.raises(InputError) as caught:
        load_located("a: 1\n---\nb: 2\n", "two.yaml")
    assert str(caught.value) == "two.yaml:2: expected one document, found a second one"
