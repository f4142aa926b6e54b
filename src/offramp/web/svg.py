"""Server-rendered SVG charts: the deal space of two parties.

The chart needs no JavaScript: it is an ``<svg>`` with a title and a description for
screen readers, drawn from a plain mapping shaped like ``AnalysisReport.to_dict()``:

    {"parties": ["RU", "UA"],
     "frontier": [{"options": {...}, "utilities": [0.8, 0.3]}, ...],
     "reservation": [0.3, 0.4]            # or {"RU": 0.3, "UA": 0.4}
     "nash": {"options": {...}, "utilities": [...]} | None,
     "kalai_smorodinsky": {...} | None,
     "zone_exists": True}

With more than two parties it plots the first two (``x``, ``y`` choose others) and
says so in the description. Every number is escaped through ``format``; every text
through :func:`html.escape`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

WIDTH, HEIGHT = 560, 420
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 24, 56
LEGEND = 48  # below the plot: one row of markers with their names, never over a point


@dataclass(frozen=True)
class Point:
    """A package on the chart: its two utilities and a short label."""

    x: float
    y: float
    label: str = ""


def utilities_of(entry: Mapping[str, Any] | None, parties: Sequence[str]) -> list[float] | None:
    """The utilities of a report entry as a list in ``parties`` order, or None."""
    if not entry:
        return None
    raw = entry.get("utilities")
    if raw is None:
        return None
    if isinstance(raw, Mapping):
        return [float(raw[p]) for p in parties]
    return [float(v) for v in raw]


def reservation_of(report: Mapping[str, Any], parties: Sequence[str]) -> list[float]:
    """The no-deal utilities, from a list or a party-keyed mapping."""
    raw = report.get("reservation") or [0.0] * len(parties)
    if isinstance(raw, Mapping):
        return [float(raw.get(p, 0.0)) for p in parties]
    return [float(v) for v in raw]


def _fmt(v: float) -> str:
    return f"{v:.1f}"


def deal_space_svg(
    report: Mapping[str, Any],
    *,
    x: int = 0,
    y: int = 1,
    tabled: Sequence[tuple[str, Sequence[float]]] = (),
) -> str:
    """The Pareto frontier, the no-deal point, the zone of agreement, Nash and KS, and
    the ``tabled`` packages (title, utilities in party order), with a legend."""
    parties = [str(p) for p in report.get("parties", [])]
    if len(parties) < 2:
        return '<p class="muted">The deal space needs two parties to draw.</p>'
    px, py = parties[x], parties[y]
    frontier = [
        Point(u[x], u[y])
        for e in report.get("frontier", [])
        if (u := utilities_of(e, parties)) is not None
    ]
    frontier.sort(key=lambda p: (p.x, -p.y))
    res = reservation_of(report, parties)
    r = Point(res[x], res[y], "no deal")
    nash = utilities_of(report.get("nash"), parties)
    ks = utilities_of(report.get("kalai_smorodinsky"), parties)

    xs = [p.x for p in frontier] + [r.x, 0.0, 1.0]
    ys = [p.y for p in frontier] + [r.y, 0.0, 1.0]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    pw, ph = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def sx(v: float) -> float:
        return LEFT + (v - x0) / ((x1 - x0) or 1.0) * pw

    def sy(v: float) -> float:
        return TOP + ph - (v - y0) / ((y1 - y0) or 1.0) * ph

    zone = bool(report.get("zone_exists"))
    desc = _describe(px, py, frontier, r, nash, ks, zone, len(parties))
    out: list[str] = [
        f'<svg class="deal-space" role="img" viewBox="0 0 {WIDTH} {HEIGHT + LEGEND}" '
        f'width="{WIDTH}" height="{HEIGHT + LEGEND}" aria-labelledby="ds-title ds-desc" '
        'xmlns="http://www.w3.org/2000/svg" data-chart="deal-space">',
        f'<title id="ds-title">Deal space: {escape(px)} against {escape(py)}</title>',
        f'<desc id="ds-desc">{escape(desc)}</desc>',
    ]
    # zone of agreement: what both prefer to no deal
    out.append(
        f'<rect class="zone" data-zone="{"open" if zone else "closed"}" '
        f'x="{_fmt(sx(r.x))}" y="{_fmt(sy(y1))}" '
        f'width="{_fmt(sx(x1) - sx(r.x))}" height="{_fmt(sy(r.y) - sy(y1))}" />'
    )
    # axes and ticks
    out.append(
        f'<line class="axis" x1="{LEFT}" y1="{TOP + ph}" x2="{LEFT + pw}" y2="{TOP + ph}" />'
    )
    out.append(f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + ph}" />')
    for k in range(6):
        tx = x0 + (x1 - x0) * k / 5
        ty = y0 + (y1 - y0) * k / 5
        out.append(
            f'<text class="tick" x="{_fmt(sx(tx))}" y="{TOP + ph + 16}" '
            f'text-anchor="middle">{tx:.1f}</text>'
        )
        out.append(
            f'<text class="tick" x="{LEFT - 8}" y="{_fmt(sy(ty) + 4)}" '
            f'text-anchor="end">{ty:.1f}</text>'
        )
    out.append(
        f'<text class="axis-label" x="{LEFT + pw / 2}" y="{HEIGHT - 12}" '
        f'text-anchor="middle">utility of {escape(px)}</text>'
    )
    out.append(
        f'<text class="axis-label" transform="translate(16 {TOP + ph / 2}) rotate(-90)" '
        f'text-anchor="middle">utility of {escape(py)}</text>'
    )
    # no-deal guides
    out.append(
        f'<line class="guide" x1="{_fmt(sx(r.x))}" y1="{TOP}" x2="{_fmt(sx(r.x))}" '
        f'y2="{TOP + ph}" />'
    )
    out.append(
        f'<line class="guide" x1="{LEFT}" y1="{_fmt(sy(r.y))}" x2="{LEFT + pw}" '
        f'y2="{_fmt(sy(r.y))}" />'
    )
    # the frontier as a step line through its points
    if frontier:
        path = " ".join(
            f"{'M' if k == 0 else 'L'}{_fmt(sx(p.x))},{_fmt(sy(p.y))}"
            for k, p in enumerate(frontier)
        )
        out.append(f'<path class="frontier" d="{path}" />')
        for p in frontier:
            out.append(
                f'<circle class="frontier-point" cx="{_fmt(sx(p.x))}" cy="{_fmt(sy(p.y))}" '
                f'r="3.5"><title>{escape(px)} {p.x:.2f}, {escape(py)} {p.y:.2f}</title></circle>'
            )
    out.append(
        f'<circle class="no-deal" data-point="no-deal" cx="{_fmt(sx(r.x))}" '
        f'cy="{_fmt(sy(r.y))}" r="6"><title>No deal: {escape(px)} {r.x:.2f}, '
        f"{escape(py)} {r.y:.2f}</title></circle>"
    )
    legend = [("no-deal", "no deal"), ("frontier", "Pareto-optimal package")]
    if nash is not None:
        cx, cy = sx(nash[x]), sy(nash[y])
        out.append(
            f'<path class="nash" data-point="nash" d="M{_fmt(cx)},{_fmt(cy - 9)} '
            f"L{_fmt(cx + 9)},{_fmt(cy)} L{_fmt(cx)},{_fmt(cy + 9)} L{_fmt(cx - 9)},{_fmt(cy)} Z"
            f'"><title>Nash: {escape(px)} {nash[x]:.2f}, {escape(py)} {nash[y]:.2f}</title></path>'
        )
        legend.append(("nash", "Nash"))
    if ks is not None:
        cx, cy = sx(ks[x]), sy(ks[y])
        out.append(
            f'<rect class="ks" data-point="kalai-smorodinsky" x="{_fmt(cx - 7)}" '
            f'y="{_fmt(cy - 7)}" width="14" height="14"><title>Kalai-Smorodinsky: '
            f"{escape(px)} {ks[x]:.2f}, {escape(py)} {ks[y]:.2f}</title></rect>"
        )
        legend.append(("ks", "Kalai-Smorodinsky"))
    for k, (title, tu) in enumerate(tabled or ()):
        cx, cy = sx(tu[x]), sy(tu[y])
        out.append(
            f'<path class="tabled" data-point="tabled" d="M{_fmt(cx - 7)},{_fmt(cy - 7)} '
            f"L{_fmt(cx + 7)},{_fmt(cy + 7)} M{_fmt(cx - 7)},{_fmt(cy + 7)} "
            f'L{_fmt(cx + 7)},{_fmt(cy - 7)}"><title>Tabled: {escape(title)}: {escape(px)} '
            f"{tu[x]:.2f}, {escape(py)} {tu[y]:.2f}</title></path>"
        )
        if k == 0:
            legend.append(("tabled", "tabled package"))
    out.append(_legend(legend))
    out.append("</svg>")
    return "".join(out)


def _label(x: float, y: float, text: str, anchor: str = "start") -> str:
    return (
        f'<text class="point-label" x="{_fmt(x)}" y="{_fmt(y)}" text-anchor="{anchor}">'
        f"{escape(text)}</text>"
    )


MARKERS = {
    "no-deal": '<circle class="no-deal" cx="{x}" cy="{y}" r="6" />',
    "frontier": '<circle class="frontier-point" cx="{x}" cy="{y}" r="3.5" />',
    "nash": '<path class="nash" d="M{x},{t} L{r},{y} L{x},{b} L{l},{y} Z" />',
    "ks": '<rect class="ks" x="{l2}" y="{t2}" width="14" height="14" />',
    "tabled": '<path class="tabled" d="M{l2},{t2} L{r2},{b2} M{l2},{b2} L{r2},{t2}" />',
}


def _legend(entries: Sequence[tuple[str, str]]) -> str:
    """One row (two when it does not fit) of markers and names below the plot."""
    out = ['<g class="legend" data-legend="deal-space">']
    x, y = float(LEFT), float(HEIGHT + 8)
    for key, name in entries:
        width = 26 + 7.2 * len(name)
        if x + width > WIDTH - RIGHT:
            x, y = float(LEFT), y + 22
        pos = {
            "x": _fmt(x + 8), "y": _fmt(y), "t": _fmt(y - 9), "b": _fmt(y + 9),
            "l": _fmt(x - 1), "r": _fmt(x + 17), "l2": _fmt(x + 1), "r2": _fmt(x + 15),
            "t2": _fmt(y - 7), "b2": _fmt(y + 7),
        }  # fmt: skip
        out.append(MARKERS[key].format(**pos))
        out.append(
            f'<text class="legend-label" x="{_fmt(x + 22)}" y="{_fmt(y + 4)}">{escape(name)}</text>'
        )
        x += width + 14
    out.append("</g>")
    return "".join(out)


def _describe(
    px: str,
    py: str,
    frontier: list[Point],
    r: Point,
    nash: list[float] | None,
    ks: list[float] | None,
    zone: bool,
    n_parties: int,
) -> str:
    parts = [
        f"{len(frontier)} Pareto-optimal packages; "
        f"no deal gives {px} {r.x:.2f} and {py} {r.y:.2f}.",
        "A zone of agreement exists." if zone else "There is no zone of agreement.",
    ]
    if nash is not None:
        parts.append("The Nash package is marked with a diamond.")
    if ks is not None:
        parts.append("The Kalai-Smorodinsky package is marked with a square.")
    if n_parties > 2:
        parts.append(f"Only {px} and {py} of {n_parties} parties are drawn.")
    return " ".join(parts)


def heat_colour(distance: float | None) -> str:
    """A background for a position-map cell: green (agreed) to red (far apart).

    ``distance`` is in [0, 1]; None (no position) is grey. Colours keep dark text
    readable (WCAG AA against #1a1a1a).
    """
    if distance is None:
        return "#e6e6e6"
    d = min(max(distance, 0.0), 1.0)
    # from #cdeccd (green) through #fbe7a6 (amber) to #f6c1c1 (red)
    stops = [(0.0, (0xCD, 0xEC, 0xCD)), (0.5, (0xFB, 0xE7, 0xA6)), (1.0, (0xF6, 0xC1, 0xC1))]
    for (a, ca), (b, cb) in itertools.pairwise(stops):
        if d <= b:
            t = (d - a) / (b - a)
            rgb = tuple(round(u + (v - u) * t) for u, v in zip(ca, cb, strict=True))
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#f6c1c1"
