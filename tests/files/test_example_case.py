"""The example case is faithful to the columns and shows the shift the first column reports."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

from offramp.model import IssueKind
from offramp.model.changes import changes_between

SEEDS = Path(
    os.environ.get("OFFRAMP_SEEDS", Path(__file__).resolve().parents[3] / "shared" / "seeds")
)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_every_statement_quotes_its_column_verbatim(example_case) -> None:  # type: ignore[no-untyped-def]
    columns = sorted(SEEDS.glob("*.txt"))
    assert columns, f"the seed columns are not at {SEEDS} (set OFFRAMP_SEEDS)"
    text = _norm(" ".join(p.read_text(encoding="utf-8") for p in columns))
    missing = [s.id for s in example_case.statements if _norm(s.quote) not in text]
    assert missing == []


def test_every_statement_has_date_source_and_speaker(example_case) -> None:  # type: ignore[no-untyped-def]
    sources = {s.id for s in example_case.sources}
    for s in example_case.statements:
        assert s.source in sources and s.speaker and s.quote


def test_the_cast_matches_the_design(example_case) -> None:  # type: ignore[no-untyped-def]
    roles = {p.id: p.role.value for p in example_case.parties}
    assert roles["RU"] == roles["UA"] == "party"
    assert roles["IL"] == "mediator" and roles["DE"] == "facilitator" and roles["TR"] == "host"
    assert roles["US"] == "stakeholder" and roles["IAEA"] == "impartial_body"
    assert roles["UNSC"] == roles["UNGA"] == "forum"
    table = {i.id for i in example_case.table_issues()}
    assert {
        "alignment",
        "crimea",
        "donbas",
        "armed_forces",
        "government",
        "security_guarantees",
    } <= table


def test_relative_dates_are_resolved_against_the_column(example_case) -> None:  # type: ignore[no-untyped-def]
    peskov = example_case.statement("ru-peskov-bloc")
    assert peskov.date == date(2022, 3, 7) and "Monday" in peskov.date_basis
    assert example_case.statement("il-bennett-visits-putin").date == date(2022, 3, 5)
    assert example_case.statement("ru-vorontsov-satellites").date == date(2022, 10, 26)


def test_russia_moves_from_existential_to_territorial_in_march(example_case) -> None:  # type: ignore[no-untyped-def]
    changes = changes_between(example_case, date(2022, 2, 24), date(2022, 3, 11))
    ru = next(k for k in changes.kinds if k.party == "RU")
    assert ru.before.dominant() is IssueKind.EXISTENTIAL
    assert ru.after.dominant() is IssueKind.TERRITORIAL
    assert IssueKind.EXISTENTIAL in ru.dropped
    for k in changes.kinds:
        assert IssueKind.EXISTENTIAL not in k.after.contested
