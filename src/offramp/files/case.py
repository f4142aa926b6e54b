"""Case files in YAML or JSON: validated in, exactly round-tripped out.

``load_case(path)`` reads a file and returns a :class:`offramp.model.Case`, or raises
:class:`offramp.errors.InputError` listing every problem as ``file:line: field: what``.
``dump_case(case)`` writes the same data back; loading what it writes gives an equal
case. ``case_schema()`` is the published JSON Schema (``offramp schema``).

Validation has two stages: the shape of each record (pydantic, below) and the
references between records (``_check_references``), both reported with lines.

The crisis section's formats (:mod:`offramp.files.crisis`, a few hundredths of a second
to import) are imported only for a file that has one: :class:`CaseFile` takes the section
as it is, and :func:`_crisis_section` reads it with its own model, at the same paths and
lines as if it were inline. The published schema has it inline (:func:`case_schema`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from offramp.errors import InputError, Problem
from offramp.files.links import Link
from offramp.files.located import SourceMap, format_path, load_located, text_problem
from offramp.files.problems import validation_problems
from offramp.files.reading import read_text
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
    checks,
)
from offramp.model.positions import distance_values

if TYPE_CHECKING:  # imported where a case has a crisis section
    from offramp.files.crisis import CrisisIn
    from offramp.model.crisis import CrisisDesk

FORMAT_VERSION = 1

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=80)]
PartyId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$", max_length=20)]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


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
    capability: Annotated[float, Field(ge=0.0, le=1e6)] | None = None
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
    url: Link = ""


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

    salience: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    capability: Annotated[float, Field(ge=0.0, le=10.0)] | None = None
    position: Annotated[float, Field(ge=0.0, le=100.0)] | None = None
    values: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    reservation: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    drop_actor: Annotated[float, Field(ge=0.0, lt=1.0)] | None = None


_CRISIS = "The crisis desk: channels, incidents, commitments, escalation."


class CaseFile(_In):
    """The top level of a case file."""

    offramp: Literal[1] = Field(1, description="Case-file format version.")
    id: Slug
    title: str
    description: str = ""
    notes: str = ""
    parties: list[PartyIn] = Field(
        description="Every actor; a case being authored on the desk may have none yet."
    )
    people: list[PersonIn] = []
    issues: list[IssueIn] = []
    sources: list[SourceIn] = []
    statements: list[StatementIn] = []
    positions: list[PositionIn] = []
    reservations: list[ReservationIn] = []
    tracks: list[TrackIn] = []
    stance_cues: dict[Stance, list[str]] = {}
    sensitivity: SensitivityIn | None = None
    crisis: Any = Field(None, description=_CRISIS)  # read by _crisis_section


# -- reading ---------------------------------------------------------------------------


def load_case(path: str | Path) -> Case:
    """Read a case file (``.yaml``, ``.yml`` or ``.json``)."""
    p = Path(path)
    text = read_text(p)
    return parse_case(text, str(p))


def parse_case(text: str, filename: str = "<case>") -> Case:
    """Parse case-file text; ``filename`` is used in error messages."""
    data, smap = load_located(text, filename)
    return _validated(data, smap)


def case_from_data(data: Mapping[str, Any], name: str) -> Case:
    """A case from data already in case-file shape and already read (the desk's stored
    case): checked like a file, errors at ``name: field`` (there are no lines)."""
    return _validated(dict(data), SourceMap(name))


def _validated(data: Any, smap: SourceMap) -> Case:
    if not isinstance(data, dict):
        raise InputError(smap.where(()), "a case file must be a mapping at the top level")
    shape: list[Problem] = []
    try:
        raw = CaseFile.model_validate(data)
    except ValidationError as exc:
        shape = validation_problems(exc, smap)
    crisis, crisis_shape = _crisis_section(data.get("crisis"), smap)
    if shape or crisis_shape:  # the section is the last field: its problems come last
        raise InputError.of([*shape, *crisis_shape])
    problems = list(_check_references(raw, smap))
    if crisis is not None:
        from offramp.files.crisis import check_crisis

        problems += check_crisis(
            crisis,
            {p.id for p in raw.parties},
            smap,
            case_sources={s.id for s in raw.sources},
            case_statements={s.id for s in raw.statements},
        )
    if problems:
        raise InputError.of(problems)
    return _to_case(raw, crisis)


def _crisis_section(section: Any, smap: SourceMap) -> tuple[CrisisIn | None, list[Problem]]:
    """The crisis section read with its model (None if there is none), or its problems."""
    if section is None:
        return None, []
    from offramp.files.crisis import CrisisIn

    try:
        return CrisisIn.model_validate(section), []
    except ValidationError as exc:
        return None, validation_problems(exc, smap, ("crisis",))


def _duplicates(ids: Iterable[str]) -> set[str]:
    return {k for k, n in Counter(ids).items() if n > 1}


def known_of(raw: CaseFile) -> checks.Known:
    """What the records of ``raw`` may refer to."""
    return checks.Known(
        parties=frozenset(p.id for p in raw.parties),
        people=frozenset(p.id for p in raw.people),
        issues={i.id: tuple(o.id for o in i.options) for i in raw.issues},
        sources=frozenset(s.id for s in raw.sources),
        statements=frozenset(s.id for s in raw.statements),
        tracks=frozenset(t.id for t in raw.tracks),
    )


def _check_references(raw: CaseFile, smap: SourceMap) -> Iterator[Problem]:
    """Every cross-reference resolves, ids are unique, values cover the options: the
    rules of :mod:`offramp.model.checks`, run over every record."""

    def at(base: tuple[str | int, ...], found: Iterable[checks.Found]) -> Iterator[Problem]:
        for path, message in found:
            yield Problem(smap.where((*base, *path)), message)

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
            yield from at((name, k), checks.unique_id(item_id, repeated))
    known = known_of(raw)
    for k, issue in enumerate(raw.issues):
        yield from at(("issues", k), checks.duplicate_options([o.id for o in issue.options]))
    for k, person in enumerate(raw.people):
        yield from at(("people", k), checks.person_problems(person.party, known))
    for k, track in enumerate(raw.tracks):
        yield from at(("tracks", k), checks.track_problems(track.parties, known))
    for k, st in enumerate(raw.statements):
        yield from at(("statements", k), checks.statement_problems(st, known))
    seen: set[tuple[str, str, dt.date]] = set()
    for k, pos in enumerate(raw.positions):
        yield from at(("positions", k), checks.position_problems(pos, known))
        key = (pos.party, pos.issue, pos.date)
        yield from at(("positions", k), checks.second_position(*key, seen))
        seen.add(key)
    seen_r: set[tuple[str, dt.date]] = set()
    for k, res in enumerate(raw.reservations):
        yield from at(
            ("reservations", k), checks.reservation_problems(res.party, res.statements, known)
        )
        yield from at(("reservations", k), checks.second_reservation(res.party, res.date, seen_r))
        seen_r.add((res.party, res.date))


def _position(p: PositionIn, options: tuple[str, ...]) -> Position:
    """The position, its defaults filled: acceptable is the ideal alone, values fall off
    with distance from the ideal (``options`` are its issue's, in order)."""
    return Position(
        party=p.party,
        issue=p.issue,
        date=p.date,
        ideal=p.ideal,
        acceptable=tuple(p.acceptable or [p.ideal]),
        salience=p.salience,
        values=dict(p.values) if p.values is not None else distance_values(options, p.ideal),
        statements=tuple(p.statements),
        note=p.note,
    )


def _to_case(raw: CaseFile, crisis: CrisisIn | None) -> Case:
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
    options = {i.id: i.option_ids for i in issues}
    positions = tuple(_position(p, options[p.issue]) for p in raw.positions)
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
        crisis=_to_crisis(crisis) if crisis is not None else None,
    )


def _to_crisis(crisis: CrisisIn) -> CrisisDesk:
    from offramp.files.crisis import to_crisis

    return to_crisis(crisis)


# -- one new record against a stored case ---------------------------------------------
#
# The desk adds records one at a time: each is read with its file shape and checked with
# the same rules as a whole file (offramp.model.checks), against what the case already
# holds, without reading the rest again. Errors name the field (``option``,
# ``values.nato``), as a request would.

_R = TypeVar("_R", bound=_In)


def read_record(kind: type[_R], data: Mapping[str, Any], where: str = "") -> _R:
    """One record (a ``StatementIn``, ``PositionIn``, ...) in its file shape, or
    ``InputError`` at its fields, prefixed with ``where`` when given."""
    _check_text(data, where)
    try:
        return kind.model_validate(dict(data))
    except ValidationError as exc:
        raise InputError.of(validation_problems(exc, _Fields(where))) from None


def new_statement(data: Mapping[str, Any], known: checks.Known) -> Statement:
    """A statement to add: its shape, a new id, and references the case resolves."""
    raw = read_record(StatementIn, data)
    _refuse([*checks.unique_id(raw.id, known.statements), *checks.statement_problems(raw, known)])
    return Statement(**raw.model_dump())


def new_source(data: Mapping[str, Any], known: checks.Known) -> Source:
    """A source to add: its shape and a new id."""
    raw = read_record(SourceIn, data)
    _refuse(list(checks.unique_id(raw.id, known.sources)))
    return Source(raw.id, raw.publication, raw.title, raw.author, raw.date, raw.url)


def checked_position(data: Mapping[str, Any], known: checks.Known, where: str = "") -> Position:
    """A position (new or edited) with its defaults filled, if the case can hold it."""
    raw = read_record(PositionIn, data, where)
    _refuse(list(checks.position_problems(raw, known)), where)
    options = known.options(raw.issue)
    assert options is not None
    return _position(raw, options)


def checked_issue(issue: Issue, known: checks.Known, where: str = "") -> None:
    """An issue to add: its shape, a new id and unique option ids."""
    raw = read_record(
        IssueIn,
        {**_fields(issue), "options": [_fields(o) for o in issue.options]},
        where,
    )
    _refuse(
        [
            *checks.unique_id(raw.id, (known.issues or {}).keys()),
            *checks.duplicate_options([o.id for o in raw.options]),
        ],
        where,
    )


def position_record(p: Position) -> dict[str, Any]:
    """The position as case-file data (what the store keeps for it)."""
    return PositionIn(**_fields(p)).model_dump(mode="json", exclude_defaults=True)


class _Fields(SourceMap):
    """Where a request's field is: its path, after ``filename`` as a prefix if any."""

    def where(self, path: Sequence[str | int]) -> str:
        dotted = format_path(path)
        if not self.filename:
            return dotted
        return f"{self.filename}.{dotted}" if dotted else self.filename


def _refuse(found: list[checks.Found], where: str = "") -> None:
    if found:
        fields = _Fields(where)
        raise InputError.of([Problem(fields.where(path), message) for path, message in found])


def _check_text(data: Any, where: str, path: tuple[str | int, ...] = ()) -> None:
    """The text rule of files (no control characters, surrogates or noncharacters)."""
    if isinstance(data, str):
        problem = text_problem(data)
        if problem is not None:
            raise InputError(_Fields(where).where(path), problem)
    elif isinstance(data, Mapping):
        for key, value in data.items():
            _check_text(key, where, path)
            _check_text(value, where, (*path, key))
    elif isinstance(data, list | tuple):
        for k, value in enumerate(data):
            _check_text(value, where, (*path, k))


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
        from offramp.files.crisis import crisis_to_data

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
    """The JSON Schema of case files, the crisis section's inline."""
    from pydantic import create_model

    from offramp.files.crisis import CrisisIn

    whole = create_model(  # CaseFile with its crisis field typed, for the schema only
        "CaseFile",
        __base__=CaseFile,
        __doc__=CaseFile.__doc__,
        crisis=(CrisisIn | None, Field(None, description=_CRISIS)),
    )
    schema = whole.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "offramp case file"
    return schema
