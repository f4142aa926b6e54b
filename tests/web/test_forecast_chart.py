"""The forecast chart's labels: actors whose lines coincide are named together at the
start and the end of the lines; labels never sit on each other; and each layout's
labels stay inside the drawing."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from offramp.web.forecast_chart import LINE_GAP, NARROW, WIDE, end_groups, forecast_svg, spread


def report(starts: dict[str, float], ends: dict[str, float]) -> dict[str, object]:
    """A two-round forecast report, shaped as the forecasting service returns it."""
    median = sorted(ends.values())[len(ends) // 2]
    return {
        "actors": [{"id": a} for a in starts],
        "rounds": [
            {"positions": starts, "median": 50.0},
            {"positions": ends, "median": median},
        ],
        "options": [
            {"id": "low", "label": "Ukraine joins NATO", "position": 0},
            {"id": "high", "label": "NATO permanently excludes Ukraine", "position": 100},
        ],
        "scale_range": (0.0, 100.0),
        "outcome": median,
        "outcome_label": "low",
    }


def test_actors_ending_together_are_one_label_and_each_actor_is_named_once() -> None:
    svg = forecast_svg(
        report({"RU": 100, "IL": 50, "DE": 50, "UA": 0}, {"RU": 80, "IL": 25, "DE": 25, "UA": 25})
    )
    ends = re.findall(r'data-ends="([^"]+)"', svg)
    assert ends == ["RU", "IL DE UA"]
    starts = re.findall(r'data-starts="([^"]+)"', svg)
    assert starts == ["IL DE"]  # only actors who start together get a start label


def test_both_layouts_are_drawn_with_their_own_ids() -> None:
    data = report({"A": 0, "B": 100}, {"A": 40, "B": 60})
    wide, narrow = forecast_svg(data, WIDE), forecast_svg(data, NARROW)
    assert 'data-chart="forecast"' in wide and 'id="fc-title"' in wide
    assert 'data-chart="forecast-narrow"' in narrow and 'id="fc-title-narrow"' in narrow
    assert 'viewBox="0 0 360 ' in narrow


def test_groups_split_where_positions_differ_by_more_than_the_tolerance() -> None:
    groups = end_groups({"A": 10.0, "B": 10.2, "C": 11.0}, 0.5)
    assert groups == [(11.0, ["C"]), (10.2, ["B", "A"])]


@given(st.lists(st.floats(0, 400), min_size=1, max_size=8))
def test_spread_labels_keep_their_gap_and_their_order(raw: list[float]) -> None:
    ys = sorted(raw)
    gaps = [LINE_GAP] * (len(ys) - 1)
    out = spread(ys, gaps, 0.0, 400.0)
    assert all(b - a >= g - 1e-9 for a, b, g in zip(out, out[1:], gaps, strict=False))
    if LINE_GAP * (len(ys) - 1) <= 400:  # room for them all: all inside
        assert out[0] >= -1e-9 and out[-1] <= 400 + 1e-9
