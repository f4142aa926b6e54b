"""An incident's timeline as a readable, self-contained HTML report; the words it shares
with the PDF of the same report (:mod:`offramp.files.timeline_pdf`) are made here."""

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


report_time = _t


def incident_summary(case: str, incident: Incident) -> str:
    """The report's first sentence: the case, the incident, who raised it, when."""
    return (
        f"Case {case}, incident {incident.id} ({incident.type.value.replace('_', ' ')}), "
        f"raised by {incident.raised_by} against {incident.against}. "
        f"First arrival {_t(incident.first_arrival)}."
    )


def signed_off(review: Review) -> str:
    return f"Reviewed by {review.written_by} at {_t(review.written_at)}."


def printed_line(printed: datetime) -> str:
    return f"Printed {_t(printed)} by offramp."


TIMELINE_COLUMNS = ("when", "what", "who", "entry", "concerning")
FOLLOW_UP_COLUMNS = ("what", "owner", "due", "done")
RIGHT, WRONG = "What the playbook got right", "What it got wrong"


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
        f"<p>{e(incident_summary(case, incident))}</p>",
        f"<p>{e(incident.claim)}</p>",
        "<h2>Timeline</h2>",
        "<table><thead><tr>" + "".join(f"<th>{c}</th>" for c in TIMELINE_COLUMNS) + "</tr></thead>",
        f"<tbody>\n{rows}\n</tbody></table>",
    ]
    if review is not None:
        parts += [
            "<h2>Review</h2>",
            f"<p>{e(review.what_happened)}</p>",
            f"<h3>{RIGHT}</h3><ul>"
            + "".join(f"<li>{e(x)}</li>" for x in review.went_right)
            + "</ul>",
            f"<h3>{WRONG}</h3><ul>"
            + "".join(f"<li>{e(x)}</li>" for x in review.went_wrong)
            + "</ul>",
            "<h3>Follow-ups</h3><table><thead><tr>"
            + "".join(f"<th>{c}</th>" for c in FOLLOW_UP_COLUMNS)
            + "</tr></thead><tbody>"
            + "".join(
                f"<tr><td>{e(f.what)}</td><td>{e(f.owner)}</td><td>{f.due.isoformat()}</td>"
                f"<td>{'yes' if f.done else 'no'}</td></tr>"
                for f in review.follow_ups
            )
            + "</tbody></table>",
            f"<p>{e(signed_off(review))}</p>",
        ]
    parts.append(f"<footer><p>{printed_line(printed)}</p></footer></body></html>")
    return "\n".join(parts) + "\n"
