"""The deal-space page as plain data, from ``AnalysisReport.to_dict()``.

The report is read as a mapping so the page depends only on its documented keys:
``zone_exists``, ``ripe``, ``ripeness`` (with ``sentence``), ``frontier``, ``nash``,
``kalai_smorodinsky``, ``egalitarian``, ``utilitarian``, ``packages``, ``enlarge``,
``reservation``, ``parties``, ``issues`` and ``warnings``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from offramp.analysis.problem import problem_from_case
from offramp.model import Case
from offramp.model.changes import changes_between
from offramp.services.precedents import LinkView, OptionKey
from offramp.web import words
from offramp.web.precedent_words import LinkLine, lines_on, lines_on_issues
from offramp.web.svg import deal_space_svg, reservation_of, utilities_of

SOLUTIONS = (
    ("nash", "Nash bargaining package"),
    ("kalai_smorodinsky", "Kalai-Smorodinsky package"),
    ("egalitarian", "Egalitarian package"),
    ("utilitarian", "Utilitarian package"),
)


@dataclass(frozen=True)
class PackageView:
    """A package: one option per issue, each party's utility and what each gives and gets."""

    key: str
    name: str
    options: tuple[tuple[str, str], ...]
    utilities: tuple[tuple[str, float], ...]
    sentences: tuple[str, ...]
    ids: tuple[tuple[str, str], ...] = ()
    precedents: tuple[LinkLine, ...] = ()  # the links the viewer sees on its options


@dataclass(frozen=True)
class DealSpaceView:
    svg: str
    zone_exists: bool
    ripe: bool
    ripeness: str
    parties: tuple[str, ...]
    reservation: tuple[tuple[str, float], ...]
    solutions: tuple[PackageView, ...]
    packages: tuple[PackageView, ...]
    enlarge: tuple[str, ...]
    warnings: tuple[str, ...]
    frontier_size: int
    why: tuple[str, ...] = ()
    history: tuple[tuple[str, bool, float], ...] = ()
    opening: tuple[tuple[str, str], ...] = ()
    tabled: tuple[str, ...] = ()
    enlarge_precedents: tuple[tuple[LinkLine, ...], ...] = ()  # per suggestion


def _labels(case: Case, options: Mapping[str, Any] | None) -> tuple[tuple[str, str], ...]:
    out = []
    for issue_id, option_id in (options or {}).items():
        try:
            issue = case.issue(str(issue_id))
            out.append((issue.title, issue.option(str(option_id)).label))
        except KeyError:
            out.append((str(issue_id), str(option_id)))
    return tuple(out)


def _sentences(raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        return (raw,)
    if isinstance(raw, Mapping):
        return tuple(
            f"{k}: {v}" if not str(v).startswith(str(k)) else str(v) for k, v in raw.items()
        )
    return tuple(str(s) for s in raw)


def _label(case: Case, issue_id: str, option_id: Any) -> str:
    try:
        return case.issue(issue_id).option(str(option_id)).label
    except KeyError:
        return str(option_id)


def _title(case: Case, issue_id: str) -> str:
    try:
        return case.issue(issue_id).title
    except KeyError:
        return issue_id


def _party_sentence(case: Case, party: str, side: Mapping[str, Any]) -> str:
    """ "RU gives X (from -> to) and gets Y", in the case's own words."""
    gives = [
        f"{_title(case, str(g.get('issue')))}: {_label(case, str(g.get('issue')), g.get('from'))}"
        f" → {_label(case, str(g.get('issue')), g.get('to'))}"
        for g in side.get("gives") or ()
        if isinstance(g, Mapping)
    ]
    gets = [_title(case, str(i)) for i in side.get("gets") or ()]
    text = f"{party} gives " + ("; ".join(gives) if gives else "nothing")
    if gets:
        text += f" and gets its ideal on {', '.join(gets)}"
    return text + "."


def _package(
    case: Case, key: str, name: str, entry: Mapping[str, Any], parties: Sequence[str]
) -> PackageView:
    utils = utilities_of(entry, parties) or []
    sides = entry.get("parties")
    if isinstance(sides, Mapping) and sides:
        sentences = tuple(
            _party_sentence(case, str(p), side)
            for p, side in sides.items()
            if isinstance(side, Mapping)
        )
    else:
        sentences = _sentences(entry.get("sentences") or entry.get("sentence"))
    raw = entry.get("options") or entry.get("package") or {}
    return PackageView(
        key=key,
        name=str(entry.get("name") or entry.get("label") or name),
        options=_labels(case, raw),
        utilities=tuple(zip(parties, utils, strict=False)),
        sentences=sentences,
        ids=tuple((str(i), str(o)) for i, o in raw.items()) if isinstance(raw, Mapping) else (),
    )


def _enlarge_line(entry: Any) -> str:
    if isinstance(entry, str):
        return entry
    if isinstance(entry, Mapping):
        if entry.get("sentence"):
            return str(entry["sentence"])
        issues = entry.get("issues") or entry.get("issue") or ""
        if isinstance(issues, list | tuple):
            issues = ", ".join(str(i) for i in issues)
        opens = " opens a zone of agreement" if entry.get("opens_zone") else ""
        return f"Add {issues}{opens}".strip()
    return str(entry)


def tabled_points(
    case: Case, at: date, tabled: Sequence[tuple[str, Mapping[str, str]]]
) -> tuple[tuple[str, tuple[float, ...]], ...]:
    """Each tabled package that names an option on every issue of the deal space, with
    each party's utility for it on ``at`` (a partial package has no point)."""
    problem = problem_from_case(case, at).problem
    out = []
    for title, package in tabled:
        try:
            chosen = [
                opts.index(package[issue])
                for issue, opts in zip(problem.issues, problem.options, strict=True)
            ]
        except (KeyError, ValueError):
            continue
        out.append((title, tuple(float(u) for u in problem.utility(chosen))))
    return tuple(out)


def why_lines(case: Case, at: date, report: Mapping[str, Any]) -> tuple[str, ...]:
    """Why there is no zone of agreement: the report's reasons, its position shifts
    told again in the case's words."""
    raw = [str(w) for w in report.get("why") or ()]
    ripe_days = [
        date.fromisoformat(str(h["at"]))
        for h in report.get("history") or ()
        if isinstance(h, Mapping) and h.get("ripe") and str(h.get("at", "")) < at.isoformat()
    ]
    if not raw or not ripe_days:
        return tuple(raw)
    since = ripe_days[-1]
    parties = tuple(str(p) for p in report.get("parties", ()))
    out = [f"There was a zone of agreement on {since.strftime('%d %B %Y')}; since then:"]
    out += [line for line in raw if "'s no-deal value " in line]
    out += [
        words.shift_sentence(case, s)
        for s in changes_between(case, since, at, parties).shifts
        if s.ideal_changed or s.acceptable_added or s.acceptable_removed
    ]
    return tuple(out)


def deal_space_view(
    case: Case,
    report: Mapping[str, Any],
    at: date | None = None,
    tabled: Sequence[tuple[str, Mapping[str, str]]] = (),
    links: Mapping[OptionKey, Sequence[LinkView]] | None = None,
) -> DealSpaceView:
    """Everything the deal-space page shows, from one analysis report (and the
    ``tabled`` packages, title and options, to plot; the precedent ``links`` the viewer
    sees, by option)."""
    links = links or {}
    parties = tuple(str(p) for p in report.get("parties", ()))
    ripeness = report.get("ripeness")
    if isinstance(ripeness, Mapping):
        sentence = words.ripeness_sentence(case, bool(report.get("ripe")), ripeness)
    else:
        sentence = str(ripeness or "")
    solutions = tuple(
        _package(case, key, name, report[key], parties)
        for key, name in SOLUTIONS
        if isinstance(report.get(key), Mapping)
    )
    packages = tuple(
        _package(case, f"package-{k}", f"Package {k + 1}", p, parties)
        for k, p in enumerate(report.get("packages") or ())
        if isinstance(p, Mapping)
    )
    solutions, packages = (
        tuple(replace(v, precedents=lines_on(case, links, v.ids)) for v in views)
        for views in (solutions, packages)
    )
    enlarge_raw = report.get("enlarge") or ()
    if isinstance(enlarge_raw, Mapping):
        enlarge_raw = enlarge_raw.get("suggestions") or [enlarge_raw]
    day = at or date.fromisoformat(str(report.get("at")))
    points = tabled_points(case, day, tabled) if tabled else ()
    return DealSpaceView(
        svg=deal_space_svg(report, tabled=points),
        zone_exists=bool(report.get("zone_exists")),
        ripe=bool(report.get("ripe")),
        ripeness=sentence,
        parties=parties,
        reservation=tuple(zip(parties, reservation_of(report, parties), strict=False)),
        solutions=solutions,
        packages=packages,
        enlarge=tuple(
            words.enlarge_sentence(case, e) if isinstance(e, Mapping) else _enlarge_line(e)
            for e in enlarge_raw
        ),
        warnings=tuple(str(w) for w in report.get("warnings") or ()),
        frontier_size=len(report.get("frontier") or ()),
        why=why_lines(case, day, report),
        opening=words.package_words(case, ripeness.get("package") or {})
        if isinstance(ripeness, Mapping) and not report.get("ripe")
        else (),
        tabled=tuple(t for t, _ in points),
        enlarge_precedents=tuple(
            lines_on_issues(case, links, (str(i) for i in e.get("chosen") or ()))
            if isinstance(e, Mapping)
            else ()
            for e in enlarge_raw
        ),
        history=tuple(
            (str(h.get("at", "")), bool(h.get("ripe")), float(h.get("opening_concession") or 0.0))
            for h in report.get("history") or ()
            if isinstance(h, Mapping)
        ),
    )
