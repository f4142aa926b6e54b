"""The ``crisis:`` section of a case file: channels, incidents and their playbook runs,
commitments, notifications, assurances and escalation scores.

``CrisisIn`` is the pydantic shape; :func:`check_crisis` checks the references between
records (and replays every playbook run through the state machine) and yields each
problem at its line; :func:`to_crisis` builds the :class:`~offramp.model.crisis.CrisisDesk`
and :func:`crisis_to_data` writes it back (loading what it writes gives an equal desk).

Times are ISO 8601 with an offset (``2022-10-23T09:00:00Z``); a time without one is
refused, since a deadline computed from it would depend on the server's zone.
A playbook run lists only what happened: the steps done (or waived), by whom and when;
due times are computed from the playbook and ``started_at`` (default: the incident's
first arrival).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from offramp.errors import Conflict, InputError, Problem
from offramp.files.located import SourceMap, load_located
from offramp.files.playbooks import builtin_playbooks
from offramp.files.problems import validation_problems
from offramp.files.reading import read_text
from offramp.model.crisis import (
    KAHN_1965_CONDENSED,
    AlertRule,
    Arrival,
    Assurance,
    ChannelLevel,
    Commitment,
    CommitmentKind,
    CrisisChannel,
    CrisisDesk,
    EscalationScore,
    Incident,
    IncidentType,
    Notification,
    NotificationKind,
    Playbook,
    PlaybookRun,
    Provenance,
    ScoreKind,
    Stake,
    dyad,
)
from offramp.model.issues import Option
from offramp.model.parse import FIRST_YEAR, LAST_YEAR

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=80)]
PartyId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$", max_length=20)]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Level = Annotated[int, Field(ge=0)]

"""Times lie in these years, so a deadline computed from one stays in the calendar."""
MIN_WINDOW_HOURS, MAX_HOURS = 0.01, 24 * 365
"""Bounds of an alert window, and of any span in hours (a deadline, an acknowledgement)."""


def _in_calendar(value: dt.datetime) -> dt.datetime:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise PydanticCustomError(
            "value_error",
            f"{value.isoformat()!r} is not between the years {FIRST_YEAR} and {LAST_YEAR}",
        )
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_in_calendar)]
"""A time with its offset, in the years the desk can compute deadlines for."""
Pair = Annotated[list[PartyId], Field(min_length=2, max_length=2)]

LADDERS = {KAHN_1965_CONDENSED.id: KAHN_1965_CONDENSED}


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class _Sourced(_In):
    """Provenance carried by every record: the quote, its source, how it was dated."""

    quote: str = ""
    source: str = ""
    date_basis: str = ""
    note: str = ""

    def provenance(self) -> Provenance:
        return Provenance(self.quote, self.source, self.date_basis, self.note)


class ChannelIn(_Sourced):
    id: Slug
    between: Pair
    level: ChannelLevel
    endpoints: dict[str, str] = Field({}, description="Party id -> who holds that end.")
    last_used: Moment | None = None


class ArrivalIn(_Sourced):
    channel: str
    at: Moment


class StepDoneIn(_Sourced):
    done_by: str = ""
    done_at: Moment | None = None
    channel: str | None = None
    waived: str = Field("", description="Why the step was not needed.")
    waived_at: Moment | None = None


class RunIn(_In):
    playbook: str
    started_at: Moment | None = Field(
        None, description="When the clock starts; default the first arrival."
    )
    note: str = ""
    steps: dict[str, StepDoneIn] = {}
    outcome: str = ""
    closed_at: Moment | None = None
    closed_by: str = ""


class IncidentIn(_Sourced):
    id: Slug
    type: IncidentType
    title: str
    raised_by: PartyId
    against: PartyId
    claim: str
    evidence: list[str] = []
    level: Level
    arrivals: Annotated[list[ArrivalIn], Field(min_length=1)]
    run: RunIn | None = None


class CommitmentIn(_Sourced):
    id: Slug
    kind: CommitmentKind
    text: str
    declared_by: PartyId
    to: Annotated[list[PartyId], Field(min_length=1)]
    date: dt.date
    channel: str | None = None
    violations: list[str] = Field([], description="Ids of violation incidents.")


class NotificationIn(_Sourced):
    id: Slug
    kind: NotificationKind
    sender: PartyId
    to: PartyId
    what: str
    where: str
    starts: Moment
    ends: Moment | None = None
    size: str
    channel: str
    sent_at: Moment
    ack_hours: Annotated[float, Field(ge=0, le=MAX_HOURS)] | None = None
    ack_due: Moment | None = None
    acknowledged_at: Moment | None = None
    acknowledged_by: str = ""


class AssuranceOptionIn(_In):
    id: Slug
    label: str


class StakeIn(_In):
    salience: Unit
    values: dict[str, Unit]
    acceptable: list[str] = []


class AssuranceIn(_Sourced):
    id: Slug
    title: str
    proposed_by: PartyId
    to: Annotated[list[PartyId], Field(min_length=1)]
    options: Annotated[list[AssuranceOptionIn], Field(min_length=2)]
    stakes: dict[str, StakeIn] = Field({}, description="Party id -> values (analyst judgement).")
    precedent: str = ""


class ScoreIn(_Sourced):
    id: Slug
    between: Pair
    at: Moment
    level: Level
    kind: ScoreKind
    subject: str = Field("", description="An incident id, or a statement id of the case.")
    rationale: str = ""
    scored_by: str = ""


class AlertIn(_In):
    jump: Annotated[int, Field(ge=1, le=KAHN_1965_CONDENSED.top)] = 2
    window_hours: Annotated[float, Field(ge=MIN_WINDOW_HOURS, le=MAX_HOURS)] | None = None


class CrisisIn(_In):
    """The ``crisis:`` section of a case file."""

    ladder: Literal["kahn-1965-condensed"] = "kahn-1965-condensed"
    alert: AlertIn = AlertIn()
    date_basis: str = ""
    note: str = ""
    channels: list[ChannelIn] = []
    incidents: list[IncidentIn] = []
    commitments: list[CommitmentIn] = []
    notifications: list[NotificationIn] = []
    assurances: list[AssuranceIn] = []
    escalation: list[ScoreIn] = []


# -- references ---------------------------------------------------------------------------


_SECTIONS = ("channels", "incidents", "commitments", "notifications", "assurances", "escalation")
"""The lists of records in a section; each record's id is unique in its list."""


def _duplicates(ids: Iterable[str]) -> set[str]:
    return {k for k, n in Counter(ids).items() if n > 1}


def check_crisis(
    raw: CrisisIn,
    case_parties: set[str],
    smap: SourceMap,
    base_path: Sequence[str | int] = ("crisis",),
    *,
    case_sources: set[str] | None = None,
    case_statements: set[str] | None = None,
    playbooks: Mapping[str, Playbook] | None = None,
) -> Iterator[Problem]:
    """Every reference resolves, ids are unique, and every playbook run is a legal history.

    ``case_sources`` / ``case_statements``, when given, also check ``source:`` fields and
    escalation subjects that name statements.
    """
    books = builtin_playbooks() if playbooks is None else playbooks
    ladder = LADDERS[raw.ladder]

    def at(*path: str | int) -> str:
        return smap.where((*base_path, *path))

    def party(value: str, *path: str | int) -> Iterator[Problem]:
        if value not in case_parties:
            yield Problem(at(*path), f"unknown party {value!r}")

    def dyad_of(between: list[str], same: str, *path: str | int) -> Iterator[Problem]:
        for j, p in enumerate(between):
            yield from party(p, *path, "between", j)
        if between[0] == between[1]:
            yield Problem(at(*path, "between"), same)

    def on_ladder(level: int, *path: str | int) -> Iterator[Problem]:
        if level > ladder.top:
            yield Problem(
                at(*path, "level"), f"level {level} is above the top of the ladder ({ladder.top})"
            )

    for name in _SECTIONS:
        items = getattr(raw, name)
        dup = _duplicates(x.id for x in items)
        for k, item in enumerate(items):
            if item.id in dup:
                yield Problem(at(name, k, "id"), f"duplicate id {item.id!r}")

    channels = {c.id for c in raw.channels}
    incidents = {i.id: i for i in raw.incidents}
    sourced: list[tuple[tuple[str | int, ...], _Sourced]] = []

    for k, c in enumerate(raw.channels):
        sourced.append((("channels", k), c))
        yield from dyad_of(c.between, "a channel joins two different parties", "channels", k)
        for p in c.endpoints:
            if p not in c.between:
                yield Problem(
                    at("channels", k, "endpoints", p),
                    f"{p} is not one of the channel's parties ({' and '.join(c.between)})",
                )

    for k, inc in enumerate(raw.incidents):
        sourced.append((("incidents", k), inc))
        yield from party(inc.raised_by, "incidents", k, "raised_by")
        yield from party(inc.against, "incidents", k, "against")
        if inc.raised_by == inc.against:
            yield Problem(
                at("incidents", k, "against"), "an incident is raised against another party"
            )
        yield from on_ladder(inc.level, "incidents", k)
        seen: set[tuple[str, dt.datetime]] = set()
        for j, arr in enumerate(inc.arrivals):
            sourced.append((("incidents", k, "arrivals", j), arr))
            if arr.channel not in channels:
                yield Problem(
                    at("incidents", k, "arrivals", j, "channel"), f"unknown channel {arr.channel!r}"
                )
            if (arr.channel, arr.at) in seen:
                yield Problem(at("incidents", k, "arrivals", j), "the same arrival is listed twice")
            seen.add((arr.channel, arr.at))
        if inc.run is not None:
            yield from _check_run(inc, k, books, channels, at)

    for k, com in enumerate(raw.commitments):
        sourced.append((("commitments", k), com))
        yield from party(com.declared_by, "commitments", k, "declared_by")
        for j, p in enumerate(com.to):
            yield from party(p, "commitments", k, "to", j)
            if p == com.declared_by:
                yield Problem(at("commitments", k, "to", j), f"{p} declares it to itself")
        if com.channel is not None and com.channel not in channels:
            yield Problem(at("commitments", k, "channel"), f"unknown channel {com.channel!r}")
        for j, v in enumerate(com.violations):
            found = incidents.get(v)
            if found is None:
                yield Problem(at("commitments", k, "violations", j), f"unknown incident {v!r}")
            elif found.type is not IncidentType.VIOLATION:
                yield Problem(
                    at("commitments", k, "violations", j),
                    f"incident {v!r} is {found.type.value.replace('_', ' ')}, not a violation",
                )

    for k, n in enumerate(raw.notifications):
        sourced.append((("notifications", k), n))
        yield from _check_notification(n, k, channels, party, at)

    for k, a in enumerate(raw.assurances):
        sourced.append((("assurances", k), a))
        yield from _check_assurance(a, k, party, at)

    for k, s in enumerate(raw.escalation):
        sourced.append((("escalation", k), s))
        yield from dyad_of(s.between, "a dyad is two different parties", "escalation", k)
        yield from on_ladder(s.level, "escalation", k)
        known = set(incidents) | (case_statements or set())
        if s.subject and case_statements is not None and s.subject not in known:
            yield Problem(
                at("escalation", k, "subject"),
                f"unknown subject {s.subject!r}: name an incident or a statement",
            )

    if case_sources is not None:
        for path, rec in sourced:
            if rec.source and rec.source not in case_sources:
                yield Problem(at(*path, "source"), f"unknown source {rec.source!r}")


def _check_run(
    inc: IncidentIn, k: int, books: Mapping[str, Playbook], channels: set[str], at: Any
) -> Iterator[Problem]:
    """Replay the run through the model's state machine; a Conflict is reported at its line."""
    run = inc.run
    assert run is not None
    book = books.get(run.playbook)
    if book is None:
        known = ", ".join(sorted(books))
        yield Problem(
            at("incidents", k, "run", "playbook"),
            f"unknown playbook {run.playbook!r}: use one of {known}",
        )
        return
    step_ids = {s.id for s in book.steps}
    bad = False
    for sid, step in run.steps.items():
        here = ("incidents", k, "run", "steps", sid)
        if sid not in step_ids:
            bad = True
            yield Problem(
                at(*here),
                f"playbook {book.id!r} has no step {sid!r}: its steps are "
                + ", ".join(s.id for s in book.steps),
            )
        if step.channel is not None and step.channel not in channels:
            yield Problem(at(*here, "channel"), f"unknown channel {step.channel!r}")
        if (step.done_at is None) == (step.waived_at is None):
            bad = True
            yield Problem(
                at(*here), "give either done_at (with done_by) or waived_at (with waived)"
            )
        elif step.done_at is not None and not step.done_by.strip():
            bad = True
            yield Problem(at(*here, "done_by"), "say who did the step")
        elif step.waived_at is not None and not step.waived.strip():
            bad = True
            yield Problem(at(*here, "waived"), "say why the step was waived")
    if (run.closed_at is None) != (not run.outcome):
        bad = True
        yield Problem(at("incidents", k, "run"), "a closed run needs both closed_at and outcome")
    if bad:
        return
    try:
        _build_run(_incident(inc), run, book, k)
    except _StepConflict as exc:
        yield Problem(at(*exc.path), exc.message)
    except ValueError as exc:
        yield Problem(at("incidents", k), str(exc))


class _StepConflict(Conflict):
    """A Conflict that remembers which part of the file caused it."""

    def __init__(self, message: str, path: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.path = path


def _build_run(
    incident: Incident, run_in: RunIn, book: Playbook, k: int | None = None
) -> PlaybookRun:
    """Start the run and apply its recorded steps in time order, then close it."""
    prefix: tuple[str | int, ...] = ("incidents", k, "run") if k is not None else ("run",)
    try:
        run = PlaybookRun.start(book, incident, run_in.started_at, note=run_in.note)
    except Conflict as exc:
        raise _StepConflict(exc.message, (*prefix, "started_at")) from None
    position = {s.id: n for n, s in enumerate(book.steps)}

    def when(item: tuple[str, StepDoneIn]) -> tuple[dt.datetime, int]:
        sid, step = item
        moment = step.done_at or step.waived_at
        assert moment is not None
        return (moment, position[sid])

    for sid, step in sorted(run_in.steps.items(), key=when):
        try:
            if step.waived_at is not None:
                run = run.waive(sid, step.done_by, step.waived_at, step.waived)
            else:
                assert step.done_at is not None
                run = run.complete(
                    sid,
                    step.done_by,
                    step.done_at,
                    channel=step.channel,
                    note=step.note,
                    provenance=step.provenance(),
                )
        except Conflict as exc:
            raise _StepConflict(exc.message, (*prefix, "steps", sid)) from None
    if run_in.closed_at is not None:
        try:
            run = run.close(run_in.closed_by, run_in.closed_at, run_in.outcome)
        except Conflict as exc:
            raise _StepConflict(exc.message, (*prefix, "closed_at")) from None
    return run


def _check_notification(
    n: NotificationIn, k: int, channels: set[str], party: Any, at: Any
) -> Iterator[Problem]:
    yield from party(n.sender, "notifications", k, "sender")
    yield from party(n.to, "notifications", k, "to")
    if n.sender == n.to:
        yield Problem(at("notifications", k, "to"), "a notification goes to another party")
    if n.channel not in channels:
        yield Problem(at("notifications", k, "channel"), f"unknown channel {n.channel!r}")
    if (n.ack_hours is None) == (n.ack_due is None):
        yield Problem(
            at("notifications", k),
            "give the acknowledgement deadline as ack_hours or ack_due (one of them)",
        )
    elif n.ack_due is not None and n.ack_due < n.sent_at:
        yield Problem(
            at("notifications", k, "ack_due"), "the acknowledgement is due before sending"
        )
    if n.ends is not None and n.ends < n.starts:
        yield Problem(at("notifications", k, "ends"), "it ends before it starts")
    if n.acknowledged_at is not None:
        if n.acknowledged_at < n.sent_at:
            yield Problem(
                at("notifications", k, "acknowledged_at"), "acknowledged before it was sent"
            )
        if not n.acknowledged_by.strip():
            yield Problem(at("notifications", k, "acknowledged_by"), "say who acknowledged it")
    elif n.acknowledged_by:
        yield Problem(at("notifications", k, "acknowledged_at"), "say when it was acknowledged")


def _check_assurance(a: AssuranceIn, k: int, party: Any, at: Any) -> Iterator[Problem]:
    yield from party(a.proposed_by, "assurances", k, "proposed_by")
    for j, p in enumerate(a.to):
        yield from party(p, "assurances", k, "to", j)
    options = [o.id for o in a.options]
    for dup in _duplicates(options):
        yield Problem(at("assurances", k, "options"), f"duplicate option id {dup!r}")
    for p, stake in a.stakes.items():
        yield from party(p, "assurances", k, "stakes", p)
        for o in stake.values:
            if o not in options:
                yield Problem(at("assurances", k, "stakes", p, "values", o), f"no option {o!r}")
        missing = [o for o in options if o not in stake.values]
        if missing:
            yield Problem(
                at("assurances", k, "stakes", p, "values"), f"no value for {', '.join(missing)}"
            )
        for o in stake.acceptable:
            if o not in options:
                yield Problem(at("assurances", k, "stakes", p, "acceptable"), f"no option {o!r}")


# -- to the model and back -----------------------------------------------------------------


def _record(model: type[_Desk], raw: _Sourced, **given: Any) -> _Desk:
    """A file record as its desk record ``model`` (a frozen dataclass of ``model/``): the
    fields both name alike (lists as tuples), the record's provenance, then ``given`` (the
    fields named or shaped otherwise). The inverse of :func:`_record_in`."""
    same = {f.name for f in fields(model)} & set(type(raw).model_fields)
    taken = {n: _frozen(getattr(raw, n)) for n in same}
    return model(**(taken | {"provenance": raw.provenance()} | given))


def _frozen(value: Any) -> Any:
    """A file's list as the tuple a desk record holds, a mapping as its own copy."""
    if isinstance(value, list):
        return tuple(value)
    return dict(value) if isinstance(value, dict) else value


def _incident(inc: IncidentIn) -> Incident:
    return _record(Incident, inc, arrivals=tuple(_record(Arrival, a) for a in inc.arrivals))


def to_crisis(raw: CrisisIn, playbooks: Mapping[str, Playbook] | None = None) -> CrisisDesk:
    """The desk the section describes. Run :func:`check_crisis` first."""
    books = builtin_playbooks() if playbooks is None else playbooks
    incidents = tuple(_incident(i) for i in raw.incidents)
    runs = tuple(
        _build_run(inc, i.run, books[i.run.playbook])
        for inc, i in zip(incidents, raw.incidents, strict=True)
        if i.run is not None
    )
    window = raw.alert.window_hours
    return CrisisDesk(
        channels=tuple(_record(CrisisChannel, c, dyad=dyad(*c.between)) for c in raw.channels),
        incidents=incidents,
        runs=runs,
        commitments=tuple(_record(Commitment, c) for c in raw.commitments),
        notifications=tuple(_notification(n) for n in raw.notifications),
        assurances=tuple(
            _record(
                Assurance,
                a,
                options=tuple(Option(o.id, o.label) for o in a.options),
                stakes=tuple(
                    Stake(p, s.salience, dict(s.values), tuple(s.acceptable))
                    for p, s in a.stakes.items()
                ),
            )
            for a in raw.assurances
        ),
        scores=tuple(_record(EscalationScore, s, dyad=dyad(*s.between)) for s in raw.escalation),
        ladder=LADDERS[raw.ladder],
        alert_rule=AlertRule(raw.alert.jump, timedelta(hours=window) if window else None),
        date_basis=raw.date_basis,
        note=raw.note,
    )


def _notification(n: NotificationIn) -> Notification:
    due = n.ack_due if n.ack_due is not None else n.sent_at + timedelta(hours=n.ack_hours or 0)
    return _record(Notification, n, ack_due=due)


def _sourced(p: Provenance) -> dict[str, Any]:
    return {"quote": p.quote, "source": p.source, "date_basis": p.date_basis, "note": p.note}


_Record = TypeVar("_Record", bound=_Sourced)
_Desk = TypeVar("_Desk", bound="DataclassInstance")


def _record_in(model: type[_Record], record: Any, **given: Any) -> _Record:
    """A desk record (a dataclass of ``model/``) as its file shape ``model``: the fields
    both name alike, the record's provenance, then ``given`` (the fields named or shaped
    otherwise)."""
    same = {f.name for f in fields(record)} & set(model.model_fields)
    return model(**({n: getattr(record, n) for n in same} | _sourced(record.provenance) | given))


def crisis_to_data(desk: CrisisDesk) -> dict[str, Any]:
    """The desk as plain data in ``crisis:`` section shape (defaults left out)."""
    runs = {r.incident: r for r in desk.runs}
    raw = CrisisIn(
        ladder=desk.ladder.id,
        alert=AlertIn(
            jump=desk.alert_rule.jump,
            window_hours=desk.alert_rule.window / timedelta(hours=1)
            if desk.alert_rule.window
            else None,
        ),
        date_basis=desk.date_basis,
        note=desk.note,
        channels=[_record_in(ChannelIn, c, between=list(c.dyad)) for c in desk.channels],
        incidents=[_incident_in(i, runs.get(i.id)) for i in desk.incidents],
        commitments=[_record_in(CommitmentIn, c) for c in desk.commitments],
        notifications=[_record_in(NotificationIn, n) for n in desk.notifications],
        assurances=[
            _record_in(
                AssuranceIn,
                a,
                options=[AssuranceOptionIn(id=o.id, label=o.label) for o in a.options],
                stakes={
                    s.party: StakeIn(
                        salience=s.salience, values=dict(s.values), acceptable=list(s.acceptable)
                    )
                    for s in a.stakes
                },
            )
            for a in desk.assurances
        ],
        escalation=[_record_in(ScoreIn, s, between=list(s.dyad)) for s in desk.scores],
    )
    return raw.model_dump(mode="json", exclude_defaults=True)


def _incident_in(i: Incident, run: PlaybookRun | None) -> IncidentIn:
    run_in = None
    if run is not None:
        steps = {}
        for s in run.steps:
            if s.done_at is not None:
                steps[s.id] = StepDoneIn(
                    done_by=s.done_by,
                    done_at=s.done_at,
                    channel=s.channel,
                    **{**_sourced(s.provenance), "note": s.note},
                )
            elif s.waived_at is not None:
                steps[s.id] = StepDoneIn(done_by=s.done_by, waived=s.waived, waived_at=s.waived_at)
        run_in = RunIn(
            playbook=run.playbook,
            started_at=None if run.started_at == i.first_arrival else run.started_at,
            note=run.note,
            steps=steps,
            outcome=run.outcome,
            closed_at=run.closed_at,
            closed_by=run.closed_by,
        )
    arrivals = [_record_in(ArrivalIn, a) for a in i.arrivals]
    return _record_in(IncidentIn, i, arrivals=arrivals, run=run_in)


# -- reading a section on its own ----------------------------------------------------------


def parse_crisis_section(
    text: str,
    filename: str,
    case_parties: set[str],
    *,
    case_sources: set[str] | None = None,
    case_statements: set[str] | None = None,
) -> CrisisDesk:
    """Read a file whose top level is ``crisis:`` (like ``examples/crisis-*.yaml``)."""
    data, smap = load_located(text, filename)
    if not isinstance(data, dict) or "crisis" not in data:
        raise InputError(smap.where(()), "expected a mapping with a `crisis:` section")
    extra = [k for k in data if k != "crisis"]
    if extra:
        raise InputError(smap.where((extra[0],)), "is not a known field (only `crisis:` is)")
    try:
        raw = CrisisIn.model_validate(data["crisis"])
    except ValidationError as exc:
        raise InputError.of(validation_problems(exc, smap, ("crisis",))) from None
    problems = list(
        check_crisis(
            raw,
            case_parties,
            smap,
            case_sources=case_sources,
            case_statements=case_statements,
        )
    )
    if problems:
        raise InputError.of(problems)
    return to_crisis(raw)


def load_crisis_section(
    path: str | Path,
    case_parties: set[str],
    *,
    case_sources: set[str] | None = None,
    case_statements: set[str] | None = None,
) -> CrisisDesk:
    """Read a ``crisis:`` section file from disk."""
    p = Path(path)
    text = read_text(p)
    return parse_crisis_section(
        text, str(p), case_parties, case_sources=case_sources, case_statements=case_statements
    )


def crisis_schema() -> dict[str, Any]:
    """The JSON Schema of the ``crisis:`` section."""
    return CrisisIn.model_json_schema()
