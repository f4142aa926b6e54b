"""The forecast's line chart, server-rendered SVG: each actor's position per round on the
issue's scale (its options labelled at their places), the weighted median dashed, and
at the right end of the lines a label naming every actor that ends there, so lines that
coincide (two mediators both at 50) stay readable.

It is drawn in two layouts, a wide one that fills the page and a narrow one for phones
(the stylesheet shows one); both are the same chart with the same data, laid out so the
text stays legible at the size it is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from offramp.web.svg import _fmt, _label

# distinguishable on white, and for the common colour-vision deficiencies (Okabe-Ito)
COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")
MEDIAN_COLOUR = "#b00020"
# past the seventh actor the colours come round again, each round with its own dashes
DASHES = ("", ' stroke-dasharray="2 3"', ' stroke-dasharray="7 3 2 3"')
LINE_GAP = 15.0  # the least vertical distance between two end labels


@dataclass(frozen=True)
class Layout:
    """The chart's geometry in SVG units; ``chars`` is how many characters an option
    label or an end label takes a line."""

    name: str
    width: int
    height: int
    top: int
    left: int
    right: int
    option_chars: int
    end_chars: int

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right


WIDE = Layout("wide", 1040, 470, 34, 210, 170, 30, 22)
NARROW = Layout("narrow", 360, 460, 44, 128, 74, 19, 10)
BOTTOM, LEGEND_LEFT = 96, 12


def wrapped(text: str, x: float, width: int) -> str:
    """The whole label, in lines of at most ``width`` characters (SVG tspans)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) <= 1:
        return escape(text)
    first = -0.6 * (len(lines) - 1)
    return "".join(
        f'<tspan x="{_fmt(x)}" dy="{first if k == 0 else 1.2:.1f}em">{escape(line)}</tspan>'
        for k, line in enumerate(lines)
    )


def dash(k: int) -> str:
    """The dash pattern of the ``k``-th actor's line (none for the first seven)."""
    return DASHES[(k // len(COLOURS)) % len(DASHES)]


def end_groups(finals: Mapping[str, float], tolerance: float) -> list[tuple[float, list[str]]]:
    """The actors grouped by where their lines are in one round: positions within
    ``tolerance`` of the group's first are one group, listed from the top down."""
    groups: list[tuple[float, list[str]]] = []
    for actor, value in sorted(finals.items(), key=lambda kv: -kv[1]):
        if groups and groups[-1][0] - value <= tolerance:
            groups[-1][1].append(actor)
        else:
            groups.append((value, [actor]))
    return groups


def spread(ys: Sequence[float], gaps: Sequence[float], top: float, bottom: float) -> list[float]:
    """``ys`` (ascending) moved apart so that label ``k`` ends ``gaps[k]`` above the next,
    kept between ``top`` and ``bottom`` where the room allows."""
    out = list(ys)
    for k in range(1, len(out)):
        out[k] = max(out[k], out[k - 1] + gaps[k - 1])
    if out and out[-1] > bottom:
        out[-1] = bottom
        for k in range(len(out) - 2, -1, -1):
            out[k] = min(out[k], out[k + 1] - gaps[k])
    if out and out[0] < top:
        shift = top - out[0]
        out = [y + shift for y in out]
    return out


def forecast_svg(report: Mapping[str, Any], layout: Layout = WIDE) -> str:
    """Each actor's position per round as a line, the weighted median dashed. No JS."""
    rounds: Sequence[Mapping[str, Any]] = report.get("rounds") or ()
    actors = [str(a["id"]) for a in report.get("actors") or ()]
    options: Sequence[Mapping[str, Any]] = report.get("options") or ()
    lo, hi = (float(v) for v in report.get("scale_range") or (0.0, 100.0))
    span = (hi - lo) or 1.0
    last = max(len(rounds) - 1, 1)
    left, pw = layout.left, layout.plot_width
    top = layout.top
    ph = layout.height - top - BOTTOM
    suffix = "" if layout is WIDE else f"-{layout.name}"

    def sx(t: int) -> float:
        return left + t / last * pw

    def sy(v: float) -> float:
        return top + ph - (min(max(v, lo), hi) - lo) / span * ph

    when = f" from {report['at']}" if report.get("at") else ""
    title = f"Forecast of {report.get('title') or report.get('issue', '')}{when}"
    desc = (
        f"{len(actors)} actors over {len(rounds) - 1} rounds on a scale from {lo:g} "
        f"({options[0]['label'] if options else lo}) to {hi:g} "
        f"({options[-1]['label'] if options else hi}). "
        f"The weighted median ends at {float(report.get('outcome', 0.0)):.2f}, "
        f"nearest to {report.get('outcome_label', '')}."
    )
    # the legend, under the chart, in as many rows as its names need
    entries = [(a, COLOURS[k % len(COLOURS)], dash(k)) for k, a in enumerate(actors)]
    entries.append(("weighted median", MEDIAN_COLOUR, ' stroke-dasharray="8 4"'))
    placed: list[tuple[float, float, str, str, str]] = []
    x, y = float(LEGEND_LEFT), float(top + ph + 62)
    for name, colour, pattern in entries:
        width = 40 + 8.5 * len(name)
        if x + width > layout.width - 12 and x > LEGEND_LEFT:
            x, y = float(LEGEND_LEFT), y + 20
        placed.append((x, y, name, colour, pattern))
        x += width
    height = max(layout.height, int(y) + 22)
    chart = "forecast" if layout is WIDE else f"forecast-{layout.name}"
    out: list[str] = [
        f'<svg class="forecast forecast-{layout.name}" role="img" '
        f'viewBox="0 0 {layout.width} {height}" width="{layout.width}" height="{height}" '
        f'aria-labelledby="fc-title{suffix} fc-desc{suffix}" '
        f'xmlns="http://www.w3.org/2000/svg" data-chart="{chart}" '
        f'data-actors="{len(actors)}" data-rounds="{len(rounds)}">',
        f'<title id="fc-title{suffix}">{escape(title)}</title>',
        f'<desc id="fc-desc{suffix}">{escape(desc)}</desc>',
    ]
    # the options at their places on the scale
    for o in options:
        oy = sy(float(o["position"]))
        out.append(
            f'<line class="guide" x1="{left}" y1="{_fmt(oy)}" x2="{left + pw}" y2="{_fmt(oy)}" '
            'stroke="#e2e2e2" />'
        )
        out.append(
            f'<text class="tick" data-option="{escape(str(o["id"]))}" x="{left - 8}" '
            f'y="{_fmt(oy + 4)}" text-anchor="end">'
            f"{wrapped(str(o['label']), left - 8, layout.option_chars)}"
            f"<title>{escape(str(o['label']))} ({float(o['position']):g})</title></text>"
        )
    out.append(
        f'<line class="axis" x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" '
        'stroke="#333" />'
    )
    out.append(
        f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" stroke="#333" />'
    )
    step = 1 if pw / last >= 24 else 2
    for t in range(0, len(rounds), step):
        out.append(
            f'<text class="tick" x="{_fmt(sx(t))}" y="{top + ph + 16}" '
            f'text-anchor="middle">{t}</text>'
        )
    out.append(
        f'<text class="axis-label" x="{left + pw / 2}" y="{top + ph + 36}" '
        'text-anchor="middle">round</text>'
    )
    for k, a in enumerate(actors):
        colour = COLOURS[k % len(COLOURS)]
        # a small offset per actor, so lines of actors at the same position stay visible
        dy = (k - (len(actors) - 1) / 2) * min(2.0, 12.0 / max(len(actors), 1))
        points = " ".join(
            f"{_fmt(sx(t))},{_fmt(sy(float(r['positions'][a])) + dy)}" for t, r in enumerate(rounds)
        )
        trail = ", ".join(f"{float(r['positions'][a]):.1f}" for r in rounds)
        out.append(
            f'<polyline class="actor-line" data-actor="{escape(a)}" fill="none" '
            f'stroke="{colour}" stroke-width="2"{dash(k)} points="{points}">'
            f"<title>{escape(a)}: {trail}</title></polyline>"
        )
    medians = [float(r["median"]) for r in rounds]
    median = " ".join(f"{_fmt(sx(t))},{_fmt(sy(m))}" for t, m in enumerate(medians))
    out.append(
        f'<polyline class="median-line" data-line="median" fill="none" '
        f'stroke="{MEDIAN_COLOUR}" stroke-width="3" stroke-dasharray="8 4" points="{median}">'
        f"<title>weighted median: {', '.join(f'{m:.1f}' for m in medians)}</title></polyline>"
    )
    if rounds:
        out.extend(_start_labels(rounds[0], actors, sy, span, left + 8))
        out.extend(_end_labels(rounds[-1], actors, layout, sy, span, left + pw + 6))
    for lx, ly, name, colour, pattern in placed:
        out.append(
            f'<line x1="{_fmt(lx)}" y1="{_fmt(ly - 4)}" x2="{_fmt(lx + 22)}" y2="{_fmt(ly - 4)}" '
            f'stroke="{colour}" stroke-width="3"{pattern} />'
        )
        out.append(_label(lx + 28, ly, name))
    out.append("</svg>")
    return "".join(out)


def _end_labels(
    final: Mapping[str, Any],
    actors: Sequence[str],
    layout: Layout,
    sy: Callable[[float], float],
    span: float,
    x: float,
) -> list[str]:
    """A label at the right end of the lines for each group of actors ending together."""
    finals = {a: float(final["positions"][a]) for a in actors}
    groups = end_groups(finals, span * 0.005)
    texts = [", ".join(names) for _, names in groups]
    lines = [_line_count(t, layout.end_chars) for t in texts]
    ys = [sy(v) for v, _ in groups]
    gaps = [LINE_GAP * (lines[k] + lines[k + 1]) / 2 for k in range(len(groups) - 1)]
    placed = spread(ys, gaps, layout.top, layout.height - BOTTOM)
    out = []
    for (value, names), text, ly in zip(groups, texts, placed, strict=True):
        out.append(
            f'<text class="end-label" data-ends="{escape(" ".join(names))}" x="{_fmt(x)}" '
            f'y="{_fmt(ly + 4)}">{wrapped(text, x, layout.end_chars)}'
            f"<title>{escape(text)} end at {value:.1f}</title></text>"
        )
    return out


def _start_labels(
    first: Mapping[str, Any],
    actors: Sequence[str],
    sy: Callable[[float], float],
    span: float,
    x: float,
) -> list[str]:
    """Above the start of the lines, the actors who start together (two or more)."""
    finals = {a: float(first["positions"][a]) for a in actors}
    return [
        f'<text class="start-label point-label" data-starts="{escape(" ".join(names))}" '
        f'x="{_fmt(x)}" y="{_fmt(sy(value) - 8)}">{escape(", ".join(names))}</text>'
        for value, names in end_groups(finals, span * 0.005)
        if len(names) > 1
    ]


def _line_count(text: str, width: int) -> int:
    """How many lines :func:`wrapped` makes of ``text``."""
    lines = 0
    current = -1
    for word in text.split():
        if lines and current + 1 + len(word) <= width:
            current += 1 + len(word)
        else:
            lines, current = lines + 1, len(word)
    return max(lines, 1)
