"""Response playbooks in YAML: validated in, with every error at its file and line.

A playbook lists, for one type of incident, ordered steps with a deadline each::

    playbook: 1
    id: wmd_allegation
    title: Allegation of a weapon of mass destruction
    incident_type: allegation
    steps:
      - id: acknowledge
        title: Acknowledge on the channel it came through
        channel: arrival            # or a channel level: heads_of_state, hotline, ...
        hours: 6                    # absolute hours after the run starts
      - id: refer
        title: Refer to the impartial body
        after: [acknowledge]        # steps that must be done (or waived) first
        hours: 24
      - id: answer_publicly
        title: Answer publicly
        by: {time: "09:00", zone: Europe/Moscow, days_after: 1}   # a wall-clock deadline

Validation has two stages, both reported as ``file:line: field: what``: the shape of
each field (pydantic) and the rules between steps
(:func:`offramp.model.crisis.playbook_problems`): every step has exactly one deadline,
step ids are unique, channel levels are known, ``after`` names known steps, and the
``after`` links have no cycle (the cycle is named).

The playbooks offramp ships live in ``offramp/data/playbooks``; :func:`builtin_playbooks`
loads them once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from offramp.errors import InputError, Problem
from offramp.files.located import SourceMap, load_located
from offramp.files.problems import validation_problems
from offramp.files.reading import load_by_id, read_text
from offramp.model.crisis import IncidentType, Playbook, StepSpec, playbook_problems
from offramp.model.deadlines import WallDeadline, zone

FORMAT_VERSION: Final = 1

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=80)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _as_list(value: Any) -> Any:
    """``after: acknowledge`` means ``after: [acknowledge]``."""
    return [value] if isinstance(value, str) else value


class WallIn(_In):
    """A wall-clock deadline: ``{time: "09:00", zone: Europe/Moscow, days_after: 1}``."""

    time: str = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM, quoted.")
    zone: str = Field(description="An IANA time zone, like Europe/Moscow.")
    days_after: Annotated[int, Field(ge=0, le=366)] = Field(
        1, description="Days after the arrival's local date in that zone (0: the same day)."
    )

    @field_validator("time", mode="before")
    @classmethod
    def _time_is_text(cls, value: Any) -> Any:
        if isinstance(value, int):
            # YAML 1.1 reads an unquoted 18:00 as the base-60 number 1080
            raise ValueError(
                "write the time in quotes, like '18:00' (unquoted, YAML reads a number)"
            )
        return value

    @field_validator("zone")
    @classmethod
    def _zone_is_known(cls, value: str) -> str:
        zone(value)
        return value

    def to_model(self) -> WallDeadline:
        hh, mm = self.time.split(":")
        return WallDeadline(dt.time(int(hh), int(mm)), self.zone, self.days_after)


class StepIn(_In):
    id: Slug
    title: str
    hours: Annotated[float, Field(ge=0, le=24 * 365)] | None = Field(
        None, description="Absolute hours after the run starts."
    )
    by: WallIn | None = Field(None, description="A wall-clock deadline in a named zone.")
    after: Annotated[list[str], Field(description="Steps that must be done first.")] = []
    channel: str | None = Field(None, description="'arrival' or a channel level.")
    owner: str = ""
    description: str = ""

    @field_validator("after", mode="before")
    @classmethod
    def _after_list(cls, value: Any) -> Any:
        return _as_list(value)

    def to_model(self) -> StepSpec:
        return StepSpec(
            id=self.id,
            title=self.title,
            hours=self.hours,
            by=self.by.to_model() if self.by is not None else None,
            after=tuple(self.after),
            channel=self.channel,
            owner=self.owner,
            description=self.description,
        )


class PlaybookIn(_In):
    """The top level of a playbook file."""

    playbook: Literal[1] = Field(FORMAT_VERSION, description="Playbook format version.")
    id: Slug
    title: str
    incident_type: IncidentType
    description: str = ""
    steps: Annotated[list[StepIn], Field(min_length=1)]

    def steps_model(self) -> tuple[StepSpec, ...]:
        return tuple(s.to_model() for s in self.steps)


# -- errors with lines --------------------------------------------------------------------


def step_problems(
    steps: Sequence[StepSpec], smap: SourceMap, base: Sequence[str | int] = ()
) -> list[Problem]:
    """The rules between steps, each at the line of the step field concerned."""
    return [
        Problem(smap.where((*base, "steps", k, name)), message)
        for k, name, message in playbook_problems(steps)
    ]


# -- reading ------------------------------------------------------------------------------


def parse_playbook(text: str, filename: str = "<playbook>") -> Playbook:
    """Parse playbook text; raise ``InputError`` listing every problem with its line."""
    data, smap = load_located(text, filename)
    if not isinstance(data, dict):
        raise InputError(smap.where(()), "a playbook must be a mapping at the top level")
    try:
        raw = PlaybookIn.model_validate(data)
    except ValidationError as exc:
        raise InputError.of(validation_problems(exc, smap)) from None
    steps = raw.steps_model()
    problems = step_problems(steps, smap)
    if problems:
        raise InputError.of(problems)
    return Playbook(raw.id, raw.title, raw.incident_type, steps, raw.description)


def load_playbook(path: str | Path) -> Playbook:
    """Read one playbook file."""
    p = Path(path)
    text = read_text(p)
    return parse_playbook(text, str(p))


def load_playbooks(directory: str | Path) -> dict[str, Playbook]:
    """Every ``*.yaml`` playbook in a directory, by id; a repeated id is an error."""
    return load_by_id(sorted(Path(directory).glob("*.yaml")), load_playbook, "playbook")


@cache
def builtin_playbooks() -> dict[str, Playbook]:
    """The playbooks shipped with offramp (``offramp/data/playbooks``), by id."""
    folder = resources.files("offramp") / "data" / "playbooks"
    with resources.as_file(folder) as path:
        return load_playbooks(path)


def playbook_to_data(pb: Playbook) -> dict[str, Any]:
    """A playbook as plain data in file shape (defaults left out)."""
    steps = []
    for s in pb.steps:
        step: dict[str, Any] = {"id": s.id, "title": s.title}
        if s.hours is not None:
            step["hours"] = s.hours
        if s.by is not None:
            step["by"] = {
                "time": f"{s.by.time:%H:%M}",
                "zone": s.by.zone,
                "days_after": s.by.days_after,
            }
        if s.after:
            step["after"] = list(s.after)
        for name in ("channel", "owner", "description"):
            if getattr(s, name):
                step[name] = getattr(s, name)
        steps.append(step)
    data: dict[str, Any] = {"playbook": FORMAT_VERSION, "id": pb.id, "title": pb.title}
    data["incident_type"] = pb.incident_type.value
    if pb.description:
        data["description"] = pb.description
    data["steps"] = steps
    return data


DEFAULT_PLAYBOOK: dict[IncidentType, str] = {
    IncidentType.ALLEGATION: "wmd_allegation",
    IncidentType.THREAT: "threat",
    IncidentType.VIOLATION: "violation",
    IncidentType.ACCIDENT: "accident",
    IncidentType.NOTIFICATION_MISSED: "notification_missed",
    IncidentType.HEARTBEAT_MISSED: "heartbeat_missed",
}
"""The shipped playbook the desk proposes for each type of incident."""
