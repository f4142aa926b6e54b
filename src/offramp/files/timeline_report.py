"""An incident's timeline as a readable, self-contained HTML report (print it to PDF from
a browser: no PDF library is installed with offramp, so none is produced here)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from offramp.model.crisis import Incident
from offramp.model.crisis.journal import Review, TimelineEntry

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem;
         border-bottom: 1px solid #ccc; }
td.when { white-space: nowrap; font-variant-numeric: tabular-nums; }
.kind { text-transform: uppercase; font-size: 80%; letter-spacing: .05em; }
"""


def _t(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC"


def timeline_html(
    case: str,
    incident: Incident,
    entries: Sequence[TimelineEntry],
    review: Review | None,
    printed: datetime,
) -> str:
    """The report: the incident, every timeline entry in order, and the review."""
    e = escape
    rows = "\n".join(
        f'<tr><td class="when">{_t(x.at)}</td><td class="kind">{e(x.kind.value)}</td>'
        f"<td>{e(x.who)}</td><td>{e(x.text)}</td><td>{e(x.ref)}</td></tr>"
        for x in entries
    )
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(incident.id)}: timeline</title><style>{_STYLE}</style></head><body>",
        f"<h1>{e(incident.title)}</h1>",
        f"<p>Case {e(case)}, incident <code>{e(incident.id)}</code> "
        f"({e(incident.type.value.replace('_', ' '))}), raised by {e(incident.raised_by)} "
        f"against {e(incident.against)}. First arrival {_t(incident.first_arrival)}.</p>",
        f"<p>{e(incident.claim)}</p>",
        "<h2>Timeline</h2>",
        "<table><thead><tr><th>when</th><th>what</th><th>who</th><th>entry</th>"
        "<th>concerning</th></tr></thead>",
        f"<tbody>\n{rows}\n</tbody></table>",
    ]
    if review is not None:
        parts += [
            "<h2>Review</h2>",
            f"<p>{e(review.what_happened)}</p>",
            "<h3>What the playbook got right</h3><ul>"
            + "".join(f"<li>{e(x)}</li>" for x in review.went_right)
            + "</ul>",
            "<h3>What it got wrong</h3><ul>"
            + "".join(f"<li>{e(x)}</li>" for x in review.went_wrong)
            + "</ul>",
            "<h3>Follow-ups</h3><table><thead><tr><th>what</th><th>owner</th><th>due</th>"
            "<th>done</th></tr></thead><tbody>"
            + "".join(
                f"<tr><td>{e(f.what)}</td><td>{e(f.owner)}</td><td>{f.due.isoformat()}</td>"
                f"<td>{'yes' if f.done else 'no'}</td></tr>"
                for f in review.follow_ups
            )
            + "</tbody></table>",
            f"<p>Reviewed by {e(review.written_by)} at {_t(review.written_at)}.</p>",
        ]
    parts.append(f"<footer><p>Printed {_t(printed)} by offramp.</p></footer></body></html>")
    return "\n".join(parts) + "\n"
