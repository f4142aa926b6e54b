"""The round of secret acceptances as a state machine, and a party's coding on a case."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from offramp.errors import Conflict, InputError
from offramp.model.codings import Coding, IssueCoding, check_coding, coded_case
from offramp.model.rounds import (
    Answer,
    Round,
    RoundState,
    Visibility,
    check_round,
    number_packages,
)
from support.desk import small_case

T0 = datetime(2022, 3, 12, 9, tzinfo=UTC)
P1 = {"alignment": "neutral", "donbas": "autonomy"}
P2 = {"alignment": "bloc_free", "donbas": "autonomy"}
P3 = {"alignment": "nato", "donbas": "ukraine"}


def a_round(visibility: Visibility = Visibility.SEALED, deadline: datetime | None = None) -> Round:
    return Round(
        id=1,
        title="First round",
        packages=number_packages([(P1, "typed"), (P2, "nash"), (P3, "typed")]),
        answers=(Answer("UA"), Answer("RU")),
        visibility=visibility,
        opened_by="mediator_il",
        opened_at=T0,
        deadline=deadline,
    )


def test_packages_are_keyed_in_order_and_repeats_dropped() -> None:
    got = number_packages([(P1, "typed"), (dict(P1), "nash"), (P2, "frontier")])
    assert [(p.key, p.source) for p in got] == [("p1", "typed"), ("p2", "frontier")]


def test_the_last_answer_reveals_only_the_overlap_and_a_sealed_round_forgets_marks() -> None:
    r = a_round().mark("UA", ["p1", "p2"], T0)
    assert r.state is RoundState.OPEN and r.answered() == ("UA",)
    assert r.answer_of("UA").accepted == frozenset({"p1", "p2"})
    done = r.mark("RU", ["p2", "p3"], T0 + timedelta(hours=1))
    assert done.state is RoundState.REVEALED
    assert done.overlap == ("p2",)
    assert [p.key for p in done.overlap_packages()] == ["p2"]
    assert done.revealed_at == T0 + timedelta(hours=1)
    assert all(a.accepted is None for a in done.answers)


def test_a_round_open_to_the_mediator_keeps_the_marks() -> None:
    r = a_round(Visibility.OPEN_TO_MEDIATOR).mark("UA", ["p1"], T0).mark("RU", ["p3"], T0)
    assert r.overlap == ()
    assert r.answer_of("UA").accepted == frozenset({"p1"})
    assert r.answer_of("RU").accepted == frozenset({"p3"})


def test_marks_may_change_until_everyone_answered() -> None:
    r = a_round().mark("UA", ["p1"], T0).mark("UA", ["p2"], T0).mark("RU", ["p1", "p2"], T0)
    assert r.overlap == ("p2",)


def test_no_more_marks_once_revealed_or_expired() -> None:
    done = a_round().mark("UA", [], T0).mark("RU", [], T0)
    assert done.overlap == ()
    with pytest.raises(Conflict, match="revealed"):
        done.mark("UA", ["p1"], T0)
    late = a_round(deadline=T0 + timedelta(hours=2))
    assert late.state_at(T0 + timedelta(hours=1)) is RoundState.OPEN
    assert late.state_at(T0 + timedelta(hours=2)) is RoundState.EXPIRED
    with pytest.raises(Conflict, match="expired"):
        late.mark("UA", ["p1"], T0 + timedelta(hours=3))


def test_a_mark_names_packages_of_the_round_and_a_party_it_is_addressed_to() -> None:
    with pytest.raises(InputError, match="no package p9"):
        a_round().mark("UA", ["p9"], T0)
    with pytest.raises(Conflict, match="not addressed to US"):
        a_round().mark("US", ["p1"], T0)


def test_invariants_of_a_stored_round() -> None:
    with pytest.raises(ValueError, match="two or more"):
        Round(1, "t", number_packages([(P1, "typed")]), (Answer("UA"),), Visibility.SEALED, "m", T0)
    with pytest.raises(ValueError, match="overlap exactly when"):
        Round(
            1, "t", number_packages([(P1, "typed")]), (Answer("UA"), Answer("RU")),
            Visibility.SEALED, "m", T0, overlap=("p1",),
        )  # fmt: skip


def test_check_round_names_every_problem_with_its_field() -> None:
    case = small_case()
    bad = number_packages([({"alignment": "nato"}, "typed"), ({**P1, "crimea": "x"}, "typed")])
    problems = {
        (p.where, p.message)
        for p in check_round(case, " ", bad, ("UA",), T0, T0 - timedelta(hours=1))
    }
    assert ("title", "a round needs a title") in problems
    assert ("packages[0].donbas", "a package names every issue on the table") in problems
    assert ("packages[1].crimea", "the case has no issue 'crimea' on the table") in problems
    assert any(w == "parties" and "two or more" in m for w, m in problems)
    assert ("deadline", "the deadline must be in the future") in problems
    good = number_packages([(P1, "typed")])
    assert check_round(case, "ok", good, ("UA", "RU"), T0, None) == []


def ua_coding(**values: float) -> Coding:
    return Coding(
        "UA",
        (
            IssueCoding("alignment", 0.5, {"nato": 1.0, "bloc_free": 0.9, "neutral": 0.6}),
            IssueCoding("donbas", 0.5, {"ukraine": 1.0, "autonomy": 0.5, "russia": 0.0, **values}),
        ),
        reservation=0.2,
    )


def test_check_coding_names_the_field() -> None:
    case = small_case()
    assert check_coding(case, ua_coding()) == []
    problems = {(p.where, p.message) for p in check_coding(case, ua_coding(russia=1.5))}
    assert problems == {("issues.donbas.values.russia", "a number from 0 to 1")}
    short = Coding("UA", (ua_coding().issues[0],), 0.2)
    assert [p.where for p in check_coding(case, short)] == ["issues.donbas"]
    assert [p.where for p in check_coding(case, Coding("IL", ua_coding().issues, 0.2))] == ["party"]


def test_a_coded_case_replaces_only_that_partys_positions_and_reservation() -> None:
    case = small_case()
    coded = coded_case(case, {"UA": ua_coding()}, date(2022, 3, 11))
    day = date(2022, 3, 11)
    pos = coded.position_at("UA", "alignment", day)
    assert pos is not None and pos.values["bloc_free"] == 0.9 and pos.salience == 0.5
    assert coded.reservation_at("UA", day).value == 0.2  # type: ignore[union-attr]
    assert coded.position_at("RU", "alignment", day) == case.position_at("RU", "alignment", day)
    assert coded.reservation_at("RU", day) == case.reservation_at("RU", day)
    assert coded_case(case, {}, day) is case
