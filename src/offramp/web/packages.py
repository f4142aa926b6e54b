"""A tabled package as the shuttle states it to one viewer.

The rule: a page never states an outcome that is not the outcome. A delegation sees
its own answer (with its note) and, once the package is settled, the outcome: agreed
when every party it was tabled to accepted it, not agreed when one rejected it, or
withdrawn. It never sees who else answered what. The mediator sees every answer and
every note.

What each side gives and gets is read from the case's positions on the day the package
was tabled, as :func:`offramp.analysis.packages.explain_package` counts it: a party
gives on an issue when the package moves it off its ideal option, and keeps an issue
when the package holds its ideal. A delegation is told only its own side (the others'
ideals are the mediator's assessment).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from offramp.model import Case
from offramp.model.shuttle import ProposalStatus, Response
from offramp.services.precedents import LinkView
from offramp.services.shuttle import ProposalView
from offramp.web.precedent_words import LinkLine, link_lines

BADGE = {
    ProposalStatus.OPEN: "open",
    ProposalStatus.AGREED: "agreed",
    ProposalStatus.REJECTED: "not agreed",
    ProposalStatus.WITHDRAWN: "withdrawn",
}


@dataclass(frozen=True)
class Answer:
    """One party's answer as the page states it."""

    party: str
    answer: str
    note: str
    by: str | None


@dataclass(frozen=True)
class PackageCard:
    id: int
    title: str
    parties: tuple[str, ...]
    badge: str
    status: str
    outcome: str
    options: tuple[tuple[str, str], ...]
    gives: tuple[str, ...]
    answers: tuple[Answer, ...]
    open: bool
    may_answer: bool
    own: Answer | None
    precedents: tuple[LinkLine, ...] = ()  # the links the viewer sees on its options


def day_of(case: Case, on: date) -> date:
    """The last date of the case with positions not after ``on`` (else the first)."""
    dates = case.dates()
    before = [d for d in dates if d <= on]
    return before[-1] if before else (dates[0] if dates else on)


def side_sentences(
    case: Case, package: dict[str, str], on: date, parties: tuple[str, ...]
) -> tuple[str, ...]:
    """ "UA gives on Crimea: X → Y; keeps its ideal on Z", one sentence per party."""
    out = []
    for party in parties:
        gives, keeps = [], []
        for issue_id, option_id in package.items():
            try:
                issue = case.issue(issue_id)
                chosen = issue.option(option_id).label
            except KeyError:
                continue
            pos = case.position_at(party, issue_id, on)
            if pos is None:
                continue
            if pos.ideal == option_id:
                keeps.append(issue.title)
            else:
                gives.append(f"{issue.title}: {issue.option(pos.ideal).label} → {chosen}")
        if not gives and not keeps:
            continue
        text = f"{party} gives " + ("; ".join(gives) if gives else "nothing")
        if keeps:
            text += f". It keeps its ideal on {', '.join(keeps)}"
        out.append(text + ".")
    return tuple(out)


def _answer(r_party: str, response: Response, note: str, by: str | None) -> Answer:
    words = {Response.PENDING: "not answered yet", Response.ACCEPTED: "accepted"}
    return Answer(r_party, words.get(response, "rejected"), note, by)


def package_card(
    case: Case,
    view: ProposalView,
    party: str | None,
    sees_all: bool,
    links: Sequence[LinkView] = (),
) -> PackageCard:
    """The card for ``view``; ``sees_all``: the viewer may read every party's answer;
    ``links``: the precedents the viewer sees on the package's options."""
    p = view.proposal
    on = day_of(case, p.at.date())
    options = []
    for issue_id, option_id in p.package.items():
        try:
            issue = case.issue(issue_id)
            options.append((issue.title, issue.option(option_id).label))
        except KeyError:
            options.append((issue_id, option_id))
    answers = tuple(_answer(r.party, r.response, r.note, r.actor) for r in view.responses)
    own = next((a for a in answers if a.party == party), None)
    status = view.status  # None for a delegation while the package is open
    settled = status is not None and status is not ProposalStatus.OPEN
    mine = next((r for r in view.responses if r.party == party), None)
    if status is ProposalStatus.AGREED:
        outcome = f"Agreed: every party it was tabled to ({', '.join(p.parties)}) accepted it."
    elif status is ProposalStatus.REJECTED:
        outcome = "Not agreed: it was rejected, so it is closed."
    elif status is ProposalStatus.WITHDRAWN:
        outcome = "Withdrawn by the mediator: it can no longer be answered."
    elif sees_all:
        waiting = [r.party for r in view.responses if r.response is Response.PENDING]
        outcome = f"Open: waiting for {', '.join(waiting)}."
    elif mine is not None and mine.response is not Response.PENDING:
        outcome = (
            f"Open: your delegation {_answer(mine.party, mine.response, '', None).answer} "
            "it. The outcome is shown here once it is settled."
        )
    else:
        outcome = "Open: waiting for your delegation's answer."
    sides = p.parties if sees_all else ((party,) if party else ())
    return PackageCard(
        id=p.id,
        title=p.title,
        parties=p.parties,
        badge=BADGE[status] if status is not None else "open",
        status=(status or ProposalStatus.OPEN).value,
        outcome=outcome,
        options=tuple(options),
        gives=side_sentences(case, dict(p.package), on, sides),
        answers=answers if sees_all else (),
        open=not settled,
        may_answer=(not settled and mine is not None and mine.response is Response.PENDING),
        own=own,
        precedents=link_lines(case, links),
    )
