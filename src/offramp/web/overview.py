"""The case overview as plain data: position map, shifts and statement timeline.

Pure functions over :class:`offramp.model.Case`; the templates only lay them out.
A cell's *distance* is how far the party's ideal lies from what the other side
accepts, as a share of the issue's scale: 0 when some counterpart accepts it, 1 when
the nearest acceptable option is at the other end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from offramp.model import Case, Issue, Position, Statement
from offramp.model.changes import changes_between
from offramp.web import words
from offramp.web.svg import heat_colour


@dataclass(frozen=True)
class Cell:
    """One party's stance on one issue at the chosen date."""

    party: str
    issue: str
    ideal_label: str
    acceptable_labels: tuple[str, ...]
    salience: float | None
    distance: float | None
    colour: str
    kind: str
    changed: bool
    before_label: str | None
    since: date | None

    @property
    def empty(self) -> bool:
        return self.salience is None


@dataclass(frozen=True)
class MapRow:
    issue: Issue
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Shift:
    """A sentence about what moved, and whether the kind of demand moved."""

    party: str
    headline: str
    detail: str
    moved: bool


@dataclass(frozen=True)
class TimelineItem:
    statement: Statement
    speaker: str
    party_name: str
    source_label: str
    source_url: str
    is_new: bool
    issue_title: str = ""


@dataclass(frozen=True)
class Overview:
    at: date
    since: date
    parties: tuple[str, ...]
    rows: tuple[MapRow, ...]
    kind_shifts: tuple[Shift, ...]
    issue_shifts: tuple[str, ...]
    timeline: tuple[TimelineItem, ...]
    dates: tuple[date, ...]


def default_dates(case: Case) -> tuple[date, date]:
    """(since, at): the first and last dates on which a position changed."""
    dates = case.dates()
    if not dates:
        today = max((s.date for s in case.statements), default=date(2000, 1, 1))
        return today, today
    return dates[0], dates[-1]


def distance(case: Case, issue: Issue, own: Position | None, at: date, party: str) -> float | None:
    """How far ``own.ideal`` lies from the nearest option every counterpart accepts."""
    if own is None:
        return None
    worst = 0.0
    span = max(len(issue.options) - 1, 1)
    for other in case.negotiating_parties():
        if other == party:
            continue
        pos = case.position_at(other, issue.id, at)
        if pos is None:
            continue
        k = issue.index(own.ideal)
        nearest = min(abs(k - issue.index(o)) for o in pos.acceptable)
        worst = max(worst, nearest / span)
    return worst


def position_map(case: Case, at: date, since: date) -> tuple[MapRow, ...]:
    """Issues on the table by negotiating party, each cell the stance at ``at``."""
    rows = []
    for issue in case.table_issues():
        cells = []
        for party in case.negotiating_parties():
            pos = case.position_at(party, issue.id, at)
            before = case.position_at(party, issue.id, since)
            d = distance(case, issue, pos, at, party)
            changed = pos is not None and (before is None or before.ideal != pos.ideal)
            cells.append(
                Cell(
                    party=party,
                    issue=issue.id,
                    ideal_label=issue.option(pos.ideal).label if pos else "no position",
                    acceptable_labels=tuple(
                        issue.option(o).label for o in pos.acceptable if o != pos.ideal
                    )
                    if pos
                    else (),
                    salience=pos.salience if pos else None,
                    distance=d,
                    colour=heat_colour(d),
                    kind=str(issue.kind_of(pos.ideal)) if pos else "",
                    changed=changed and since < at,
                    before_label=issue.option(before.ideal).label if before else None,
                    since=pos.date if pos else None,
                )
            )
        rows.append(MapRow(issue, tuple(cells)))
    return tuple(rows)


def build_overview(case: Case, at: date, since: date) -> Overview:
    """Everything the overview page shows, for ``at`` with shifts since ``since``."""
    if since > at:
        since, at = at, since
    changes = changes_between(case, since, at)
    kind_shifts = tuple(
        Shift(k.party, words.kind_headline(k), words.kind_detail(case, k), k.moved)
        for k in changes.kinds
    )
    issue_shifts = tuple(words.shift_sentence(case, s) for s in changes.shifts if s.ideal_changed)
    names = {p.id: p.name for p in case.parties}
    people = {p.id: p.name for p in case.people}
    sources = {s.id: s for s in case.sources}
    timeline = []
    for st in reversed(case.statements_between(None, at)):
        src = sources.get(st.source)
        timeline.append(
            TimelineItem(
                statement=st,
                speaker=people.get(st.speaker, st.speaker),
                party_name=names.get(st.party, st.party) if st.party else "assessment",
                source_label=(
                    f"{src.publication}, {src.title}" if src and src.title else st.source
                ),
                source_url=src.url if src else "",
                is_new=st.date > since,
                issue_title=words.issue_title(case, st.issue) if st.issue else "",
            )
        )
    return Overview(
        at=at,
        since=since,
        parties=case.negotiating_parties(),
        rows=position_map(case, at, since),
        kind_shifts=kind_shifts,
        issue_shifts=issue_shifts,
        timeline=tuple(timeline),
        dates=case.dates(),
    )
