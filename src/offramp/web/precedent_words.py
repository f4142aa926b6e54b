"""Precedents in the desk's words: kinds and outcomes as phrases, and a link to a
precedent as one line a page can show beside the option it is on.

Every page that shows options (tabled packages, the deal space, "enlarge the problem",
the case's precedents page) turns the :class:`~offramp.services.precedents.LinkView` s
the service let the viewer see into :class:`LinkLine` s here, so a link reads the same
everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from offramp.model import Case
from offramp.model.precedents import Outcome, Precedent, ProvisionKind
from offramp.services.precedents import LinkView, OptionKey

KIND_WORDS = {
    ProvisionKind.NEUTRALITY_ALIGNMENT: "neutrality and alignment",
    ProvisionKind.TERRITORIAL_STATUS: "territorial status",
    ProvisionKind.AUTONOMY: "autonomy",
    ProvisionKind.SECURITY_GUARANTEES: "security guarantees",
    ProvisionKind.DEMILITARISATION_FORCE_LIMITS: "demilitarisation and force limits",
    ProvisionKind.WEAPONS_PLACEMENT: "weapons placement",
    ProvisionKind.VERIFICATION_MONITORING: "verification and monitoring",
    ProvisionKind.NOTIFICATIONS_HOTLINES: "notifications and hotlines",
    ProvisionKind.TRANSITIONAL_ARRANGEMENTS: "transitional arrangements",
}
OUTCOME_WORDS = {
    Outcome.HELD: "held",
    Outcome.PARTLY_HELD: "held in part",
    Outcome.BROKEN: "broken",
    Outcome.ENDED: "ended (a party withdrew or its term ran out)",
}


def kind_words(kinds: Iterable[ProvisionKind]) -> str:
    """ "autonomy, territorial status": the kinds in the library's order."""
    have = set(kinds)
    return ", ".join(w for k, w in KIND_WORDS.items() if k in have)


def dated(p: Precedent) -> str:
    """ "Austrian State Treaty ... (1955)", or "(1948-1992)" when it ended."""
    years = f"{p.date.year}" + (f"–{p.end.year}" if p.end is not None else "")
    return f"{p.name} ({years})"


TEMPLATE_WORDS = {"kind_words": kind_words, "outcome_words": OUTCOME_WORDS, "dated": dated}
"""What the precedents' templates use to word a precedent."""


@dataclass(frozen=True)
class LinkLine:
    """A link as a page shows it: on which option, to what, and the team's note."""

    id: int
    version: int
    issue: str  # the issue's title
    option: str  # the option's label
    precedent: str  # the precedent's id, for its page; empty when it left the library
    name: str  # "Austrian State Treaty ... (1955)"
    provision: str  # the provision's text, or empty for the whole precedent
    missing: str  # why the library no longer has what the link names
    note: str  # the team's note (empty for anyone else)
    by: str  # who made it (empty for anyone outside the team)


def link_line(case: Case, view: LinkView) -> LinkLine:
    """One link in the case's words."""
    link = view.link
    try:
        issue = case.issue(link.issue)
        title, label = issue.title, issue.option(link.option).label
    except KeyError:
        title, label = link.issue, link.option
    p = view.precedent
    return LinkLine(
        id=link.id,
        version=link.version,
        issue=title,
        option=label,
        precedent=p.id if p is not None else "",
        name=dated(p) if p is not None else link.precedent,
        provision=view.provision.text if view.provision is not None else "",
        missing=view.missing,
        note=view.note or "",
        by=view.created_by or "",
    )


def link_lines(case: Case, views: Iterable[LinkView]) -> tuple[LinkLine, ...]:
    return tuple(link_line(case, v) for v in views)


def option_keys(case: Case) -> list[OptionKey]:
    """Every (issue, option) of the case, candidate issues too."""
    return [(i.id, o.id) for i in case.issues for o in i.options]


def lines_on(
    case: Case,
    links: Mapping[OptionKey, Sequence[LinkView]],
    keys: Iterable[OptionKey],
) -> tuple[LinkLine, ...]:
    """The lines of the links on ``keys`` (each key once, in order)."""
    seen: dict[OptionKey, None] = dict.fromkeys(keys)
    return tuple(link_line(case, v) for k in seen for v in links.get(k, ()))


def lines_on_issues(
    case: Case, links: Mapping[OptionKey, Sequence[LinkView]], issues: Iterable[str]
) -> tuple[LinkLine, ...]:
    """The lines of the links on any option of ``issues``."""
    wanted = set(issues)
    return lines_on(case, links, (k for k in option_keys(case) if k[0] in wanted))
