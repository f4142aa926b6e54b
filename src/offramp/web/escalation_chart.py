"""One dyad's escalation over time as a server-rendered SVG step chart: its level on
the condensed Kahn (1965) ladder at each score, alerts marked in red. No JavaScript:
the ``<svg>`` carries a title and a description for screen readers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from offramp.model.crisis import KAHN_1965_CONDENSED, EscalationAlert, EscalationScore

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 150, 20, 16, 44


def stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def timeline_svg(
    scores: Sequence[EscalationScore], alerts: Sequence[EscalationAlert], title: str
) -> str:
    """One dyad's levels over time as a step chart; alerts marked. No JavaScript."""
    top = KAHN_1965_CONDENSED.top
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    desc = "; ".join(f"{stamp(s.at)}: level {s.level} ({s.kind.value})" for s in scores)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="tl-title tl-desc" '
        f'data-chart="escalation" data-points="{len(scores)}">',
        f'<title id="tl-title">{escape(title)}</title>',
        f'<desc id="tl-desc">{escape(desc or "No scores yet.")}</desc>',
    ]
    for level in range(top + 1):
        y = TOP + plot_h * (1 - level / top)
        name = KAHN_1965_CONDENSED.rung(level).name
        parts.append(
            f'<line class="guide-level" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" '
            f'y2="{y:.1f}" stroke="#e2e2e2"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{level} {escape(name)}</text>'
        )
    parts.append(
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" '
        f'y2="{TOP + plot_h}" stroke="#333"/>'
    )
    if scores:
        start, end = scores[0].at, scores[-1].at
        span = (end - start).total_seconds() or 1.0

        def x_of(at: datetime) -> float:
            return LEFT + plot_w * ((at - start).total_seconds() / span if end > start else 0.5)

        def y_of(level: int) -> float:
            return TOP + plot_h * (1 - min(level, top) / top)

        path = []
        for k, s in enumerate(scores):
            if k:
                path.append(f"{x_of(s.at):.1f},{y_of(scores[k - 1].level):.1f}")
            path.append(f"{x_of(s.at):.1f},{y_of(s.level):.1f}")
        parts.append(
            f'<polyline class="level-line" fill="none" stroke="#1f5fa8" stroke-width="2" '
            f'points="{" ".join(path)}"/>'
        )
        alerted = {a.score for a in alerts}
        for s in scores:
            colour = "#b00020" if s.id in alerted else "#1f5fa8"
            parts.append(
                f'<circle cx="{x_of(s.at):.1f}" cy="{y_of(s.level):.1f}" r="5" fill="{colour}" '
                f'data-score="{escape(s.id)}" data-level="{s.level}"'
                f"{' data-alert' if s.id in alerted else ''}>"
                f"<title>{escape(stamp(s.at))}: level {s.level}, {escape(s.kind.value)}"
                f"{escape(' - ' + s.rationale) if s.rationale else ''}</title></circle>"
            )
        for at, anchor in ((start, "start"), (end, "end")):
            parts.append(
                f'<text x="{x_of(at):.1f}" y="{HEIGHT - 16}" text-anchor="{anchor}">'
                f"{at:%Y-%m-%d %H:%M}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)
