"""Escalation policies in YAML, beside the playbooks: validated in, every error at its
file and line.

A policy says what the desk does while an acknowledgement or a step is late::

    policy: 1
    id: ack_late
    title: An acknowledgement is late
    applies_to: acknowledgement       # or: step
    stop: acknowledged                # step policies stop when `done`
    steps:
      - id: resend
        action: resend                # on the same channel level
        hours: 1                      # after it became late
      - id: up_one
        action: escalate
        level: next                   # one rung up the channel ladder, or a level
        hours: 2                      # after the previous action
        repeat: 3                     # taken three times, 2 h apart
      - id: hotline
        action: escalate
        level: hotline
        by: {time: "08:00", zone: Europe/Moscow, days_after: 1}

Two stages, both reported as ``file:line: field: what``: the shape of each field
(pydantic) and the rules of :func:`offramp.model.crisis.escalation.policy_problems` (a
stop, known levels, ``then`` naming known steps and no cycle among them). The policies
offramp ships are in ``offramp/data/escalation``; a team keeps its own in a folder of
its own and loads it with :func:`load_policies` (``offramp crisis check-policy FILE``
checks one).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from offramp.errors import InputError, Problem
from offramp.files.located import SourceMap, load_located
from offramp.files.playbooks import WallIn
from offramp.files.problems import validation_problems
from offramp.files.reading import load_by_id, read_text
from offramp.model.crisis.escalation import (
    EscalationPolicy,
    PolicyAction,
    PolicyStep,
    PolicySubject,
    policy_problems,
)

FORMAT_VERSION: Final = 1

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=80)]


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class PolicyStepIn(_In):
    id: Slug
    action: PolicyAction
    hours: Annotated[float, Field(ge=0, le=24 * 365)] | None = Field(
        None, description="Elapsed hours after the previous action (or the lateness)."
    )
    by: WallIn | None = Field(None, description="Or: until a wall-clock time in a zone.")
    level: str | None = Field(None, description="'next' or a channel level (escalate only).")
    repeat: Annotated[int, Field(ge=1, le=100)] = 1
    then: Slug | None = Field(None, description="The step after this one (default: the next).")

    def to_model(self) -> PolicyStep:
        return PolicyStep(
            self.id,
            self.action,
            self.hours,
            self.by.to_model() if self.by is not None else None,
            self.level,
            self.repeat,
            self.then,
        )


class PolicyIn(_In):
    policy: Literal[1] = Field(FORMAT_VERSION, description="Policy format version.")
    id: Slug
    title: str
    applies_to: PolicySubject
    stop: list[str] = Field([], description="'acknowledged' or 'done'.")
    playbooks: list[Slug] = []
    for_steps: list[Slug] = Field([], description="Step ids a step policy is for.")
    kinds: list[str] = []
    description: str = ""
    steps: list[PolicyStepIn] = []

    @field_validator("stop", "playbooks", "kinds", "for_steps", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return _as_list(value)


def _path(dotted: str) -> tuple[str | int, ...]:
    return tuple(int(p) if p.isdigit() else p for p in dotted.split("."))


def parse_policy(text: str, filename: str = "<policy>") -> EscalationPolicy:
    """Parse one policy; raise ``InputError`` listing every problem with its line."""
    data, smap = load_located(text, filename)
    if not isinstance(data, dict):
        raise InputError(smap.where(()), "a policy must be a mapping at the top level")
    try:
        raw = PolicyIn.model_validate(data)
    except ValidationError as exc:
        raise InputError.of(validation_problems(exc, smap)) from None
    steps = tuple(s.to_model() for s in raw.steps)
    problems = _problems(raw, steps, smap)
    if problems:
        raise InputError.of(problems)
    return EscalationPolicy(
        raw.id, raw.title, raw.applies_to, tuple(raw.stop), steps,
        tuple(raw.playbooks), tuple(raw.for_steps), tuple(raw.kinds), raw.description,
    )  # fmt: skip


def _problems(raw: PolicyIn, steps: tuple[PolicyStep, ...], smap: SourceMap) -> list[Problem]:
    out = []
    for dotted, message in policy_problems(raw.applies_to, raw.stop, steps):
        path = _path(dotted)
        if path == ("stop",) and "stop" not in raw.model_fields_set:
            line = smap.line(("applies_to",)) or 1
            out.append(Problem(f"{smap.filename}:{line}: stop", message))
        else:
            out.append(Problem(smap.where(path), message))
    return out


def load_policy(path: str | Path) -> EscalationPolicy:
    """Read one policy file."""
    p = Path(path)
    text = read_text(p)
    return parse_policy(text, str(p))


def load_policies(*directories: str | Path) -> dict[str, EscalationPolicy]:
    """Every ``*.yaml`` policy of the folders, by id; an id used twice is an error."""
    return load_by_id(_files(directories), load_policy, "policy")


def _files(directories: Iterable[str | Path]) -> list[Path]:
    return [p for d in directories for p in sorted(Path(d).glob("*.yaml"))]


def desk_policies(folder: str | Path | None) -> tuple[EscalationPolicy, ...]:
    """The shipped policies and a team's folder of them (``offramp serve --policies``):
    a team's policy with the id of a shipped one replaces it. A missing folder or a bad
    file is refused here, every problem at its file and line."""
    policies = dict(builtin_policies())
    if folder is not None:
        if not Path(folder).is_dir():
            raise InputError(str(folder), "no such folder of escalation policies")
        policies.update(load_policies(folder))
    return tuple(policies.values())


@cache
def builtin_policies() -> dict[str, EscalationPolicy]:
    """The policies shipped with offramp (``offramp/data/escalation``), by id."""
    folder = resources.files("offramp") / "data" / "escalation"
    with resources.as_file(folder) as path:
        return load_policies(path)
