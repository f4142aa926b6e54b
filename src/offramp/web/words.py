"""The case's own words for what the analysis reports in ids: issue titles, option
labels, party names and rounded figures with their meaning.

The model and the analysis speak in ids (``RU on donbas: independent -> annexed``), as
the CLI's JSON should; a page speaks to people, so every sentence it shows is built
here from the structured values, never by printing an id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from offramp.model import Case
from offramp.model.changes import DemandProfile, KindShift, PositionShift
from offramp.model.positions import Position


def issue_title(case: Case, issue_id: str) -> str:
    try:
        return case.issue(issue_id).title
    except KeyError:
        return issue_id.replace("_", " ")


def option_label(case: Case, issue_id: str, option_id: object) -> str:
    try:
        return case.issue(issue_id).option(str(option_id)).label
    except KeyError:
        return str(option_id).replace("_", " ")


def party_name(case: Case, party_id: str) -> str:
    for p in case.parties:
        if p.id == party_id:
            return p.name
    return party_id


def listing(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    xs = list(items)
    if len(xs) <= 1:
        return "".join(xs)
    return ", ".join(xs[:-1]) + " and " + xs[-1]


def _ideal(case: Case, issue: str, pos: Position | None) -> str:
    return option_label(case, issue, pos.ideal) if pos else "no position"


def shift_sentence(case: Case, s: PositionShift) -> str:
    """``RU on Donetsk and Luhansk: Independent states → Annexed by Russia; now accepts …``."""
    title = issue_title(case, s.issue)
    before, after = _ideal(case, s.issue, s.before), _ideal(case, s.issue, s.after)
    if s.before is None:
        text = f"{s.party} on {title}: first position, {after}"
    elif before == after:
        text = f"{s.party} on {title}: still {after}"
    else:
        text = f"{s.party} on {title}: {before} → {after}"
    if s.kind_before != s.kind_after and s.kind_before and s.kind_after:
        text += f" (a {s.kind_before} demand became a {s.kind_after} one)"
    added = [option_label(case, s.issue, o) for o in s.acceptable_added if o != _id(s.after)]
    removed = [option_label(case, s.issue, o) for o in s.acceptable_removed if o != _id(s.before)]
    if added:
        text += f"; now also accepts {listing(added)}"
    if removed:
        text += f"; no longer accepts {listing(removed)}"
    return text


def _id(pos: Position | None) -> str | None:
    return pos.ideal if pos else None


def demands(case: Case, profile: DemandProfile) -> str:
    """``security (Ukraine's alignment, …); territorial (Crimea, …)`` or ``nothing contested``."""
    parts = [
        f"{kind} ({', '.join(issue_title(case, i) for i in issues)})"
        for kind, issues in sorted(profile.contested.items(), key=lambda kv: kv[0].gravity)
        if issues
    ]
    return "; ".join(parts) if parts else "nothing contested"


def kind_headline(k: KindShift) -> str:
    """``RU: existential -> territorial`` (the kind carrying most of its contested
    demands, before and after), or ``RU: no contested demand -> territorial``."""
    b, a = k.before.dominant(), k.after.dominant()
    was, now = str(b) if b else "no contested demand", str(a) if a else "no contested demand"
    if b == a:
        return f"{k.party}: still {now}"
    return f"{k.party}: {was} -> {now}"


def kind_detail(case: Case, k: KindShift) -> str:
    """What it contested before and after, by kind, with the issues' titles."""
    return f"(contested before: {demands(case, k.before)}; after: {demands(case, k.after)})"


def figure(value: float) -> str:
    """A utility or concession on the 0-1 scale, to two places ("under 0.01" for a tiny
    positive one, so it never reads as none)."""
    if 0 < value < 0.005:
        return "under 0.01"
    return f"{value:.2f}"


def package_words(case: Case, options: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """(issue title, option label) for each issue of a package."""
    return tuple(
        (issue_title(case, str(i)), option_label(case, str(i), o)) for i, o in options.items()
    )


def ripeness_sentence(case: Case, ripe: bool, ripeness: Mapping[str, Any]) -> str:
    """The deal space's verdict in words, from the report's ``ripeness`` values."""
    if ripe:
        n = int(ripeness.get("zone_size_on_frontier") or 0)
        return (
            f"Ripe: {n} efficient package{'s' if n != 1 else ''} give{'s' if n == 1 else ''} "
            "every party at least what it expects from no deal."
        )
    total = float(ripeness.get("opening_concession") or 0.0)
    shares = ripeness.get("concessions") or {}
    who = listing(
        f"{p} {figure(float(v))}" for p, v in shares.items() if isinstance(v, int | float) and v > 0
    )
    text = (
        "Not ripe: no package gives every party what it expects from no deal. "
        f"The smallest opening needs the parties to give up {figure(total)} in all, "
        "on a scale where 1 is the distance from a party's worst package to its best"
    )
    return text + (f" ({who})." if who else ".")


def enlarge_sentence(case: Case, entry: Mapping[str, Any]) -> str:
    """ "Linking A and B opens a zone of agreement where there was none."."""
    chosen = [issue_title(case, str(i)) for i in entry.get("chosen") or ()]
    if not chosen:
        return "No linked issue would help on this date."
    after = int(entry.get("zone_after") or 0)
    before = int(entry.get("zone_before") or 0)
    if entry.get("opens_zone"):
        effect = (
            f"opens a zone of agreement ({after} efficient package{'s' if after != 1 else ''}) "
            "where there was none"
        )
    elif after > before:
        effect = f"widens the zone of agreement from {before} to {after} efficient packages"
    else:
        effect = "makes the best package better for both sides"
    return f"Linking {listing(chosen)} to the talks {effect}."
