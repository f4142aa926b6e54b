"""Enlarge the problem: the smallest set of linked issues that opens a zone, or helps most."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
from dealspace_oracle import DEALSPACE, enumerate_packages, in_zone, make_problem, problems
from hypothesis import event, given
from hypothesis import strategies as st

from offramp.analysis.bargaining import nash_point
from offramp.analysis.enlarge import LinkedIssue, enlarge, enlarged
from offramp.analysis.space import BargainingProblem
from offramp.analysis.zone import ripeness

# Frontier (RU, UA): (0.2, .75) (0, 1) (1, 0) (.8, .25) (.6, .5). RU wants 0.7, UA 0.3:
# no zone; the cheapest opening is UA conceding 0.05 at (.8, .25).
UNRIPE = make_problem(
    weights=[[0.6, 0.4], [0.5, 0.5]],
    values=[[[0, 1], [1, 0]], [[1, 0.5, 0], [0, 0.5, 1]]],
    reservation=[0.7, 0.3],
    parties=("RU", "UA"),
)


def linked(name: str, ru: float, ua: float) -> LinkedIssue:
    """Two options, ``no`` worth 0 to both and ``yes`` worth (ru, ua)."""
    return LinkedIssue(
        id=name,
        options=("no", "yes"),
        weights=np.ones(2),
        values=np.array([[0.0, ru], [0.0, ua]]),
    )


FUND = linked("fund", -0.05, 0.1)  # (.8, .25) -> (.75, .35): opens alone
HALF_A = linked("grain", 0.0, 0.03)  # (.8, .28): not enough alone
HALF_B = linked("prisoners", 0.0, 0.03)  # with grain (.8, .31): opens
HARM = linked("sanctions", 0.2, -0.3)


def test_single_issue_that_opens_the_zone_is_chosen_over_pairs() -> None:
    result = enlarge(UNRIPE, [HALF_A, HARM, FUND, HALF_B])
    assert result.chosen == ("fund",)
    assert result.goal == "open_zone"
    assert result.opens_zone
    assert result.method == "exact"
    assert result.subsets_evaluated == 16
    assert result.zone_before == 0
    assert result.concession_before == pytest.approx(0.05)
    assert result.concession_after == 0.0
    point = nash_point(enlarged(UNRIPE, [FUND]))
    assert point is not None
    assert result.nash_after == point.value == pytest.approx(0.05 * 0.05)
    assert result.explain().startswith("Linking fund opens a zone of agreement (1 efficient")


def test_two_issues_are_needed_when_each_alone_falls_short() -> None:
    result = enlarge(UNRIPE, [HALF_A, HARM, HALF_B])
    assert result.chosen == ("grain", "prisoners")
    assert result.opens_zone


def test_without_an_opening_set_the_concession_is_reduced() -> None:
    result = enlarge(UNRIPE, [HARM, HALF_A])
    assert result.goal == "reduce_concession"
    assert result.chosen == ("grain",)
    assert result.concession_after == pytest.approx(0.02)
    assert result.best_nash_set is None
    assert "cuts the concession needed from 0.05 to 0.02" in result.explain()


def test_nothing_helps_gives_an_empty_choice() -> None:
    result = enlarge(UNRIPE, [HARM])
    assert result.chosen == ()
    assert result.goal == "reduce_concession"
    assert result.explain().startswith("No set of linked issues opens a zone")


def test_with_a_zone_the_issue_that_raises_the_nash_product_is_chosen() -> None:
    ripe = replace(UNRIPE, reservation=np.array([0.3, 0.3]))  # Nash (.6, .5): 0.06
    aid = linked("aid", 0.1, 0.1)
    result = enlarge(ripe, [HARM, aid])
    assert result.goal == "raise_nash"
    assert result.chosen == ("aid",)
    assert result.nash_before == pytest.approx(0.3 * 0.2)
    assert result.nash_after == pytest.approx(0.4 * 0.3)


def test_with_a_zone_and_no_helpful_issue_nothing_is_chosen() -> None:
    ripe = replace(UNRIPE, reservation=np.array([0.3, 0.3]))
    result = enlarge(ripe, [HARM])
    assert result.chosen == ()
    assert result.nash_after == result.nash_before


def test_greedy_search_beyond_the_exact_limit_adds_one_issue_at_a_time() -> None:
    result = enlarge(UNRIPE, [HALF_A, HARM, HALF_B], exact_limit=0)
    assert result.method == "greedy"
    assert result.chosen == ("grain", "prisoners")  # grain first (cuts to .02), then opens
    assert result.opens_zone


def test_linked_issue_with_wrong_shape_is_rejected() -> None:
    with pytest.raises(ValueError, match="do not fit"):
        LinkedIssue("x", ("a",), np.ones(2), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="parties"):
        enlarge(UNRIPE, [LinkedIssue("x", ("a",), np.ones(3), np.zeros((3, 1)))])


def _oracle(problem: BargainingProblem, candidates: list[LinkedIssue]) -> tuple[str, tuple]:
    """Evaluate every subset by enumerating every package of the enlarged problem."""
    rows = []
    for size in range(len(candidates) + 1):
        for subset in itertools.combinations(range(len(candidates)), size):
            e = enumerate_packages(enlarged(problem, [candidates[j] for j in subset]))
            r = problem.reservation
            inside = in_zone(e.utilities, r)
            nash = float((e.utilities[inside] - r).prod(axis=1).max()) if inside.any() else None
            concession = float(np.maximum(r - e.utilities, 0).sum(axis=1).min())
            rows.append((subset, nash, concession))
    base = rows[0]
    if base[1] is not None:
        best = min(rows, key=lambda t: (-(t[1] if t[1] is not None else -np.inf), len(t[0]), t[0]))
        return "raise_nash", best[0]
    opening = [t for t in rows if t[1] is not None]
    if opening:
        size = min(len(t[0]) for t in opening)
        best = min((t for t in opening if len(t[0]) == size), key=lambda t: (-t[1], t[0]))
        return "open_zone", best[0]
    best = min(rows, key=lambda t: (t[2], len(t[0]), t[0]))
    return "reduce_concession", best[0]


@DEALSPACE
@given(problems(min_parties=2, max_parties=3, max_issues=3, max_options=3), st.data())
def test_exact_search_matches_enumeration_of_every_subset(
    problem: BargainingProblem, data: st.DataObject
) -> None:
    n_parties = problem.n_parties
    count = data.draw(st.integers(1, 3))
    candidates = []
    for j in range(count):
        n = data.draw(st.integers(1, 3))
        values = data.draw(
            st.lists(st.integers(-2, 3), min_size=n_parties * n, max_size=n_parties * n)
        )
        candidates.append(
            LinkedIssue(
                id=f"c{j}",
                options=tuple(f"o{o}" for o in range(n)),
                weights=np.ones(n_parties),
                values=np.array(values, dtype=float).reshape(n_parties, n),
            )
        )
    result = enlarge(problem, candidates)
    goal, subset = _oracle(problem, candidates)
    event(f"{goal}, {len(subset)} chosen")
    assert (result.goal, result.chosen) == (goal, tuple(f"c{j}" for j in subset))
    after = ripeness(enlarged(problem, [candidates[j] for j in subset]))
    assert result.concession_after == after.opening_concession
    assert result.zone_after == after.zone_size_on_frontier
