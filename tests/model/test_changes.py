"""Positions over time and what changed: the seed's "from existential to territorial"."""

from __future__ import annotations

from datetime import date

import pytest

from offramp.model import Case, Issue, IssueKind, Option, Party, Position, Role
from offramp.model.changes import changes_between, demand_profile

FEB, MAR, OCT = date(2022, 2, 24), date(2022, 3, 11), date(2022, 10, 28)


def pos(
    party: str,
    issue: str,
    day: date,
    ideal: str,
    acceptable: tuple[str, ...],
    values: dict[str, float],
    salience: float = 0.5,
) -> Position:
    return Position(party, issue, day, ideal, acceptable, salience, values)


def tiny_case() -> Case:
    gov = Issue(
        "government",
        "Government",
        IssueKind.POLITICAL,
        (
            Option("current", "current"),
            Option("regime_change", "regime change", IssueKind.EXISTENTIAL),
        ),
    )
    land = Issue(
        "donbas", "Donbas", IssueKind.TERRITORIAL, (Option("ua", "UA"), Option("ru", "RU"))
    )
    v = {"current": 1.0, "regime_change": 0.0}
    w = {"current": 0.0, "regime_change": 1.0}
    return Case(
        id="tiny",
        title="tiny",
        parties=(Party("RU", "Russia", Role.PARTY), Party("UA", "Ukraine", Role.PARTY)),
        issues=(gov, land),
        positions=(
            pos("RU", "government", FEB, "regime_change", ("regime_change",), w, 0.6),
            pos(
                "RU",
                "government",
                MAR,
                "current",
                ("current", "regime_change"),
                {"current": 1.0, "regime_change": 1.0},
                0.1,
            ),
            pos("RU", "donbas", FEB, "ru", ("ru",), {"ua": 0.0, "ru": 1.0}, 0.4),
            pos("UA", "government", FEB, "current", ("current",), v),
            pos("UA", "donbas", FEB, "ua", ("ua",), {"ua": 1.0, "ru": 0.0}),
        ),
    )


def test_position_at_takes_the_latest_on_or_before_the_date() -> None:
    case = tiny_case()
    assert case.position_at("RU", "government", date(2022, 3, 1)).ideal == "regime_change"
    assert case.position_at("RU", "government", MAR).ideal == "current"
    assert case.position_at("RU", "government", date(2022, 1, 1)) is None


def test_option_kind_overrides_issue_kind() -> None:
    case = tiny_case()
    assert case.issue("government").kind_of("regime_change") is IssueKind.EXISTENTIAL
    assert case.issue("government").kind_of("current") is IssueKind.POLITICAL


def test_contested_demands_are_ideals_a_counterpart_does_not_accept() -> None:
    profile = demand_profile(tiny_case(), "RU", FEB)
    assert profile.contested == {
        IssueKind.EXISTENTIAL: ("government",),
        IssueKind.TERRITORIAL: ("donbas",),
    }
    assert profile.dominant() is IssueKind.EXISTENTIAL


def test_shift_from_existential_to_territorial_is_reported() -> None:
    changes = changes_between(tiny_case(), FEB, MAR)
    ru = next(k for k in changes.kinds if k.party == "RU")
    assert ru.before.dominant() is IssueKind.EXISTENTIAL
    assert ru.after.dominant() is IssueKind.TERRITORIAL
    assert ru.dropped == (IssueKind.EXISTENTIAL,)
    assert "from existential to territorial" in ru.sentence()
    shift = next(s for s in changes.shifts if s.party == "RU")
    assert shift.issue == "government"
    assert "regime_change -> current (existential -> political)" in shift.sentence()


def test_unchanged_positions_produce_no_shift() -> None:
    changes = changes_between(tiny_case(), MAR, OCT)
    assert changes.shifts == ()
    assert all(not k.moved for k in changes.kinds)


def test_dominant_kind_ties_go_to_the_graver_kind() -> None:
    case = tiny_case()
    profile = demand_profile(case, "RU", FEB)
    even = type(profile)(
        profile.party, profile.at, profile.contested, {k: 0.5 for k in profile.contested}
    )
    assert even.dominant() is IssueKind.EXISTENTIAL


@pytest.mark.parametrize(
    ("salience", "values", "message"),
    [
        (1.5, {"ua": 1.0, "ru": 0.0}, "salience 1.5 is outside"),
        (0.5, {"ua": 1.0, "ru": 2.0}, r"is outside \[0, 1\]"),
        (0.5, {"ua": 0.2, "ru": 0.9}, "valued below another option"),
    ],
)
def test_position_invariants(salience: float, values: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Position("UA", "donbas", FEB, "ua", ("ua",), salience, values)


def test_issue_needs_options() -> None:
    with pytest.raises(ValueError, match="has no options"):
        Issue("empty", "Empty", IssueKind.POLITICAL, ())
