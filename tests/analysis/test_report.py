"""The example case's verdicts, with their reasons, as the CLI, API and web show them."""

from __future__ import annotations

from datetime import date

import pytest

from offramp.analysis.report import analyze

MARCH, OCTOBER, FEBRUARY = date(2022, 3, 11), date(2022, 10, 28), date(2022, 2, 24)


def test_march_has_a_zone_of_agreement_with_solutions_inside_it(example_case) -> None:  # type: ignore[no-untyped-def]
    data = analyze(example_case, MARCH).to_dict()
    assert data["zone_exists"] and data["ripe"]
    assert data["ripeness"]["sentence"].startswith("Ripe:")
    for name in ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian"):
        solution = data[name]
        assert solution is not None and solution["in_zone"], name
        for party in data["parties"]:
            assert solution["utilities"][party] >= data["reservation"][party]
    # the Kalai-Smorodinsky package is the column's precedent: neutral like Austria
    assert data["kalai_smorodinsky"]["options"]["alignment"] == "neutral_austria"
    assert data["nash"]["options"]["government"] == "current_government"


def test_march_packages_read_as_reciprocal_concessions(example_case) -> None:  # type: ignore[no-untyped-def]
    data = analyze(example_case, MARCH).to_dict()
    best = data["packages"][0]
    assert best["rank"] == 1 and best["options"] == data["nash"]["options"]
    assert best["sentence"].startswith("RU gives: ") and "; UA gives: " in best["sentence"]
    assert best["parties"]["RU"]["gives"] and best["parties"]["UA"]["gives"]


def test_october_is_not_ripe_and_says_why(example_case) -> None:  # type: ignore[no-untyped-def]
    data = analyze(example_case, OCTOBER).to_dict()
    assert not data["zone_exists"] and not data["ripe"]
    assert data["nash"] is None and data["kalai_smorodinsky"] is None
    assert data["packages"] == []
    assert data["ripeness"]["opening_concession"] > 0.1
    assert data["ripeness"]["sentence"].startswith("Not ripe:")
    why = " ".join(data["why"])
    assert "zone of agreement on 2022-03-11" in why
    assert "UA's no-deal value rose" in why and "RU's no-deal value rose" in why
    assert "RU on donbas: independent -> annexed" in why
    assert "UA on alignment: open_door -> nato_membership" in why


def test_february_is_not_ripe_either(example_case) -> None:  # type: ignore[no-untyped-def]
    data = analyze(example_case, FEBRUARY).to_dict()
    assert not data["ripe"] and data["why"] == [
        "No earlier date in the case had a zone of agreement."
    ]


def test_history_shows_ripeness_opening_in_march_and_closing_by_october(example_case) -> None:  # type: ignore[no-untyped-def]
    history = {h["at"]: h for h in analyze(example_case, OCTOBER).to_dict()["history"]}
    assert not history["2022-02-24"]["ripe"]
    assert history["2022-03-07"]["ripe"]
    assert not history["2022-10-28"]["ripe"]
    assert (
        history["2022-10-28"]["opening_concession"]
        > history["2022-09-30"]["opening_concession"]
        > 0
    )


def test_enlarging_with_the_assurances_is_reported(example_case) -> None:  # type: ignore[no-untyped-def]
    data = analyze(example_case, MARCH).to_dict()["enlarge"]
    assert data["candidates"] == ["missile_placement", "exercise_information"]
    assert data["goal"] == "raise_nash" and data["nash_after"] > data["nash_before"]


def test_frontier_in_the_report_has_no_dominated_point(example_case) -> None:  # type: ignore[no-untyped-def]
    data = analyze(example_case, MARCH).to_dict()
    points = [tuple(f["utilities"][p] for p in data["parties"]) for f in data["frontier"]]
    for a in points:
        assert not any(
            all(bb >= aa for aa, bb in zip(a, b, strict=True)) and b != a for b in points
        )
    assert data["frontier_size"] == len(points)


def test_unknown_party_is_a_clear_error(example_case) -> None:  # type: ignore[no-untyped-def]
    from offramp.errors import InputError

    with pytest.raises(InputError, match="unknown party 'XX'"):
        analyze(example_case, MARCH, ("RU", "XX"))
