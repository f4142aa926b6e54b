"""Case files in YAML or JSON: validated in, exactly round-tripped out.

``load_case(path)`` reads a file and returns a :class:`offramp.model.Case`, or raises
:class:`offramp.errors.InputError` listing every problem as ``file:line: field: what``.
``dump_case(case)`` writes the same data back; loading what it writes gives an equal
case. ``case_schema()`` is the published JSON Schema (``offramp schema``).

Validation has two stages: the shape of each record (pydantic, below) and the
references between records (``_check_references``), both reported with lines.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from offramp.errors import InputError, Problem
from offramp.files.crisis import CrisisIn, check_crisis, crisis_to_data, to_crisis
from offramp.files.located import SourceMap, load_located
from offramp.files.problems import validation_problems
from offramp.model import (
    Case,
    Issue,
    IssueKind,
    Option,
    Party,
    Person,
    Position,
    Reservation,
    Role,
    Source,
    Stance,
    Statement,
    Track,
)
from offramp.model.positions import distance_values

FORMAT_VERSION = 1

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=80)]
PartyId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$", max_length=20)]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OptionIn(_In):
    id: Slug
    label: str
    kind: IssueKind | None = None
    phrases: list[str] = []
    description: str = ""


class IssueIn(_In):
    id: Slug
    title: str
    kind: IssueKind
    options: Annotated[list[OptionIn], Field(min_length=1)]
    phrases: list[str] = []
    description: str = ""
    candidate: bool = Field(False, description="A linked issue not yet on the table.")


class PartyIn(_In):
    id: PartyId
    name: str
    role: Role
    aliases: list[str] = []
    capability: Annotated[float, Field(ge=0.0)] | None = None
    note: str = ""


class PersonIn(_In):
    id: Slug
    name: str
    party: str
    title: str = ""
    aliases: list[str] = []
    since: dt.date | None = None
    until: dt.date | None = None


class SourceIn(_In):
    id: Slug
    publication: str
    title: str = ""
    author: str = ""
    date: dt.date | None = None
    url: str = ""


class StatementIn(_In):
    id: Slug
    date: dt.date
    party: str | None = Field(None, description="Whose position it states; none for an assessment.")
    speaker: str
    quote: Annotated[str, Field(min_length=1)]
    source: str
    stance: Stance | None = None
    issue: str | None = None
    option: str | None = None
    track: str | None = None
    reported_by: str = ""
    date_basis: str = ""
    note: str = ""


class PositionIn(_In):
    party: str
    issue: str
    date: dt.date
    ideal: str
    acceptable: list[str] | None = Field(None, description="Defaults to the ideal alone.")
    salience: Unit
    values: dict[str, Unit] | None = Field(
        None, description="Value of every option in [0, 1]; defaults to distance from ideal."
    )
    statements: list[str] = []
    note: str = ""


class ReservationIn(_In):
    party: str
    date: dt.date
    value: Unit
    statements: list[str] = []
    note: str = ""


class TrackIn(_In):
    id: Slug
    title: str
    start: dt.date
    end: dt.date | None = None
    parties: list[str] = []
    description: str = ""


class SensitivityIn(_In):
    """Half-widths of the Monte Carlo perturbations (see ``docs/forecasting.md``)."""

    salience: Annotated[float, Field(ge=0.0)] | None = None
    capability: Annotated[float, Field(ge=0.0)] | None = None
    position: Annotated[float, Field(ge=0.0)] | None = None
    values: Annotated[float, Field(ge=0.0)] | None = None
    reservation: Annotated[float, Field(ge=0.0)] | None = None
    drop_actor: Annotated[float, Field(ge=0.0, lt=1.0)] | None = None


class CaseFile(_In):
    """The top level of a case file."""

    offramp: Literal[1] = Field(1, description="Case-file format version.")
    id: Slug
    title: str
    description: str = ""
    notes: str = ""
    parties: Annotated[list[PartyIn], Field(min_length=1)]
    people: list[PersonIn] = []
    issues: list[IssueIn] = []
    sources: list[SourceIn] = []
    statements: list[StatementIn] = []
    positions: list[PositionIn] = []
    reservations: list[ReservationIn] = []
    tracks: list[TrackIn] = []
    stance_cues: dict[Stance, list[str]] = {}
    sensitivity: SensitivityIn | None = None
    crisis: CrisisIn | None = Field(
        None, description="The crisis desk: channels, incidents, commitments, escalation."
    )


# -- reading ---------------------------------------------------------------------------


def load_case(path: str | Path) -> Case:
    """Read a case file (``.yaml``, ``.yml`` or ``.json``)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(str(p), "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(p), f"cannot be read: {exc}") from None
    return parse_case(text, str(p))


def parse_case(text: str, filename: str = "<case>") -> Case:
    """Parse case-file text; ``filename`` is used in error messages."""
    data, smap = load_located(text, filename)
    if not isinstance(data, dict):
        raise InputError(smap.where(()), "a case file must be a mapping at the top level")
    try:
        raw = CaseFile.model_validate(data)
    except ValidationError as exc:
        raise InputError.of(validation_problems(exc, smap)) from None
    problems = list(_check_references(raw, smap))
    if raw.crisis is not None:
        problems += check_crisis(
            raw.crisis,
            {p.id for p in raw.parties},
            smap,
            case_sources={s.id for s in raw.sources},
            case_statements={s.id for s in raw.statements},
        )
    if problems:
        raise InputError.of(problems)
    return _to_case(raw)


def _duplicates(ids: Iterable[str]) -> set[str]:
    return {k for k, n in Counter(ids).items() if n > 1}


def _check_references(raw: CaseFile, smap: SourceMap) -> Iterator[Problem]:
    """Every cross-reference resolves, ids are unique, values cover the options."""

    def at(*path: str | int) -> str:
        return smap.where(path)

    for name, ids in (
        ("parties", [x.id for x in raw.parties]),
        ("people", [x.id for x in raw.people]),
        ("issues", [x.id for x in raw.issues]),
        ("sources", [x.id for x in raw.sources]),
        ("statements", [x.id for x in raw.statements]),
        ("tracks", [x.id for x in raw.tracks]),
    ):
        repeated = _duplicates(ids)
        for k, item_id in enumerate(ids):
            if item_id in repeated:
                yield Problem(at(name, k, "id"), f"duplicate id {item_id!r}")
    parties = {p.id for p in raw.parties}
    issues = {i.id: i for i in raw.issues}
    sources = {s.id for s in raw.sources}
    statements = {s.id for s in raw.statements}
    tracks = {t.id for t in raw.tracks}

    for k, issue in enumerate(raw.issues):
        for dup in _duplicates(o.id for o in issue.options):
            yield Problem(at("issues", k, "options"), f"duplicate option id {dup!r}")
    for k, person in enumerate(raw.people):
        if person.party not in parties:
            yield Problem(at("people", k, "party"), f"unknown party {person.party!r}")
    for k, track in enumerate(raw.tracks):
        for party in track.parties:
            if party not in parties:
                yield Problem(at("tracks", k, "parties"), f"unknown party {party!r}")
    for k, st in enumerate(raw.statements):
        if st.party is not None and st.party not in parties:
            yield Problem(at("statements", k, "party"), f"unknown party {st.party!r}")
        if st.source not in sources:
            yield Problem(at("statements", k, "source"), f"unknown source {st.source!r}")
        if st.track is not None and st.track not in tracks:
            yield Problem(at("statements", k, "track"), f"unknown track {st.track!r}")
        if st.issue is not None and st.issue not in issues:
            yield Problem(at("statements", k, "issue"), f"unknown issue {st.issue!r}")
        elif st.option is not None:
            if st.issue is None:
                yield Problem(at("statements", k, "option"), "an option needs its issue")
            elif st.option not in {o.id for o in issues[st.issue].options}:
                yield Problem(
                    at("statements", k, "option"),
                    f"issue {st.issue!r} has no option {st.option!r}",
                )
    seen: set[tuple[str, str, dt.date]] = set()
    for k, pos in enumerate(raw.positions):
        yield from _check_position(k, pos, parties, issues, statements, at)
        key = (pos.party, pos.issue, pos.date)
        if key in seen:
            yield Problem(
                at("positions", k), f"a second position of {pos.party} on {pos.issue} that day"
            )
        seen.add(key)
    seen_r: set[tuple[str, dt.date]] = set()
    for k, res in enumerate(raw.reservations):
        if res.party not in parties:
            yield Problem(at("reservations", k, "party"), f"unknown party {res.party!r}")
        for s in res.statements:
            if s not in statements:
                yield Problem(at("reservations", k, "statements"), f"unknown statement {s!r}")
        if (res.party, res.date) in seen_r:
            yield Problem(at("reservations", k), f"a second reservation of {res.party} that day")
        seen_r.add((res.party, res.date))


def _check_position(
    k: int,
    pos: PositionIn,
    parties: set[str],
    issues: dict[str, IssueIn],
    statements: set[str],
    at: Any,
) -> Iterator[Problem]:
    if pos.party not in parties:
        yield Problem(at("positions", k, "party"), f"unknown party {pos.party!r}")
    for s in pos.statements:
        if s not in statements:
            yield Problem(at("positions", k, "statements"), f"unknown statement {s!r}")
    issue = issues.get(pos.issue)
    if issue is None:
        yield Problem(at("positions", k, "issue"), f"unknown issue {pos.issue!r}")
        return
    options = [o.id for o in issue.options]
    if pos.ideal not in options:
        yield Problem(
            at("positions", k, "ideal"), f"issue {issue.id!r} has no option {pos.ideal!r}"
        )
        return
    for o in pos.acceptable or []:
        if o not in options:
            yield Problem(
                at("positions", k, "acceptable"), f"issue {issue.id!r} has no option {o!r}"
            )
    if pos.acceptable is not None and pos.ideal not in pos.acceptable:
        yield Problem(at("positions", k, "acceptable"), f"must include the ideal {pos.ideal!r}")
    if pos.values is not None:
        for o in pos.values:
            if o not in options:
                yield Problem(
                    at("positions", k, "values", o), f"issue {issue.id!r} has no option {o!r}"
                )
        missing = [o for o in options if o not in pos.values]
        if missing:
            yield Problem(at("positions", k, "values"), f"no value for {', '.join(missing)}")
        elif pos.values[pos.ideal] < max(pos.values.values()):
            yield Problem(
                at("positions", k, "values"),
                f"the ideal {pos.ideal!r} must have the highest value",
            )


def _to_case(raw: CaseFile) -> Case:
    issues = tuple(
        Issue(
            id=i.id,
            title=i.title,
            kind=i.kind,
            options=tuple(
                Option(o.id, o.label, o.kind, tuple(o.phrases), o.description) for o in i.options
            ),
            phrases=tuple(i.phrases),
            description=i.description,
            candidate=i.candidate,
        )
        for i in raw.issues
    )
    by_id = {i.id: i for i in issues}
    positions = tuple(
        Position(
            party=p.party,
            issue=p.issue,
            date=p.date,
            ideal=p.ideal,
            acceptable=tuple(p.acceptable or [p.ideal]),
            salience=p.salience,
            values=dict(p.values)
            if p.values is not None
            else distance_values(by_id[p.issue].option_ids, p.ideal),
            statements=tuple(p.statements),
            note=p.note,
        )
        for p in raw.positions
    )
    return Case(
        id=raw.id,
        title=raw.title,
        description=raw.description,
        notes=raw.notes,
        parties=tuple(
            Party(p.id, p.name, p.role, tuple(p.aliases), p.capability, p.note) for p in raw.parties
        ),
        people=tuple(
            Person(p.id, p.name, p.party, p.title, tuple(p.aliases), p.since, p.until)
            for p in raw.people
        ),
        issues=issues,
        sources=tuple(
            Source(s.id, s.publication, s.title, s.author, s.date, s.url) for s in raw.sources
        ),
        statements=tuple(Statement(**s.model_dump()) for s in raw.statements),
        positions=positions,
        reservations=tuple(
            Reservation(r.party, r.date, r.value, tuple(r.statements), r.note)
            for r in raw.reservations
        ),
        tracks=tuple(
            Track(t.id, t.title, t.start, t.end, tuple(t.parties), t.description)
            for t in raw.tracks
        ),
        stance_cues={str(k): tuple(v) for k, v in raw.stance_cues.items()},
        sensitivity=raw.sensitivity.model_dump(exclude_none=True) if raw.sensitivity else {},
        crisis=to_crisis(raw.crisis) if raw.crisis is not None else None,
    )


# -- writing ---------------------------------------------------------------------------


def case_to_data(case: Case) -> dict[str, Any]:
    """The case as plain data in case-file shape (defaults left out, dates as ISO text)."""
    raw = CaseFile(
        id=case.id,
        title=case.title,
        description=case.description,
        notes=case.notes,
        parties=[PartyIn(**_fields(p)) for p in case.parties],
        people=[PersonIn(**_fields(p)) for p in case.people],
        issues=[
            IssueIn(
                **{**_fields(i), "options": [OptionIn(**_fields(o)) for o in i.options]},
            )
            for i in case.issues
        ],
        sources=[SourceIn(**_fields(s)) for s in case.sources],
        statements=[StatementIn(**_fields(s)) for s in case.statements],
        positions=[PositionIn(**_fields(p)) for p in case.positions],
        reservations=[ReservationIn(**_fields(r)) for r in case.reservations],
        tracks=[TrackIn(**_fields(t)) for t in case.tracks],
        stance_cues={Stance(k): list(v) for k, v in case.stance_cues.items()},
        sensitivity=SensitivityIn(**case.sensitivity) if case.sensitivity else None,
    )
    data = raw.model_dump(mode="json", exclude_defaults=True)
    if case.crisis is not None:
        data["crisis"] = crisis_to_data(case.crisis)
    return {"offramp": FORMAT_VERSION, **data}


def _fields(obj: Any) -> dict[str, Any]:
    out = {}
    for name in obj.__dataclass_fields__:
        value = getattr(obj, name)
        if name != "options":
            out[name] = list(value) if isinstance(value, tuple) else value
    return out


def dump_case(case: Case, fmt: Literal["yaml", "json"] = "yaml") -> str:
    """The case as case-file text."""
    data = case_to_data(case)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def save_case(case: Case, path: str | Path) -> None:
    """Write the case to ``path``; the suffix chooses YAML or JSON."""
    p = Path(path)
    p.write_text(dump_case(case, "json" if p.suffix == ".json" else "yaml"), encoding="utf-8")


def case_schema() -> dict[str, Any]:
    """The JSON Schema of case files."""
    schema = CaseFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "offramp case file"
    return schema
