"""Playbooks: the ordered response steps for one type of incident, and what is wrong with them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from offramp.model.crisis.channels import ARRIVAL_CHANNEL, ChannelLevel
from offramp.model.crisis.incidents import IncidentType
from offramp.model.deadlines import WallDeadline, due_after


@dataclass(frozen=True)
class StepSpec:
    """One step of a playbook: what, where, and by when after the run starts.

    Exactly one of ``hours`` (absolute hours after the start) and ``by`` (a wall-clock
    deadline in a zone) is set. ``channel`` is ``arrival`` (the channels the incident
    came through), a :class:`ChannelLevel` value, or None. ``after`` lists steps that
    must be done (or waived) before this one.
    """

    id: str
    title: str
    hours: float | None = None
    by: WallDeadline | None = None
    after: tuple[str, ...] = ()
    channel: str | None = None
    owner: str = ""
    description: str = ""

    def due(self, start: datetime) -> datetime:
        if self.hours is not None:
            return due_after(start, self.hours)
        if self.by is not None:
            return self.by.due(start)
        raise ValueError(f"step {self.id!r} has no deadline")

    def deadline_text(self) -> str:
        if self.hours is not None:
            return f"within {self.hours:g} h"
        return self.by.describe() if self.by is not None else "no deadline"


@dataclass(frozen=True)
class Playbook:
    """Ordered response steps for one type of incident. See :func:`playbook_problems`."""

    id: str
    title: str
    incident_type: IncidentType
    steps: tuple[StepSpec, ...]
    description: str = ""

    def __post_init__(self) -> None:
        problems = list(playbook_problems(self.steps))
        if problems:
            raise ValueError("; ".join(f"steps[{k}].{f}: {m}" for k, f, m in problems))

    def step(self, step_id: str) -> StepSpec:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(f"playbook {self.id!r} has no step {step_id!r}")


def playbook_problems(steps: Sequence[StepSpec]) -> Iterator[tuple[int, str, str]]:
    """Everything wrong with a playbook's steps, as (step index, field, message).

    A step with no deadline or two, duplicate step ids, an unknown channel level,
    ``after`` naming an unknown step, a cycle among the ``after`` links (named in
    full), and a step due before a step it comes after (when both count hours).
    """
    if not steps:
        yield (0, "steps", "the playbook has no steps")
        return
    levels = {str(v) for v in ChannelLevel} | {ARRIVAL_CHANNEL}
    ids = {s.id for s in steps}
    first: dict[str, int] = {}
    for k, s in enumerate(steps):
        if s.id in first:
            yield (k, "id", f"duplicate step id {s.id!r} (first used by step {first[s.id] + 1})")
        first.setdefault(s.id, k)
        if s.hours is None and s.by is None:
            yield (k, "id", f"step {s.id!r} has no deadline: give `hours:` or `by:`")
        elif s.hours is not None and s.by is not None:
            yield (k, "id", f"step {s.id!r} has two deadlines: give `hours:` or `by:`, not both")
        elif s.hours is not None and s.hours < 0:
            yield (k, "hours", f"step {s.id!r} is due {s.hours:g} hours before the arrival")
        if s.channel is not None and s.channel not in levels:
            yield (
                k,
                "channel",
                f"unknown channel level {s.channel!r}: use {ARRIVAL_CHANNEL} or one of "
                + ", ".join(v.value for v in ChannelLevel),
            )
        for a in s.after:
            if a == s.id:
                yield (k, "after", f"step {s.id!r} comes after itself")
            elif a not in ids:
                yield (k, "after", f"step {s.id!r} comes after unknown step {a!r}")
    cycle = _find_cycle(steps)
    if cycle:
        yield (
            first[cycle[0]],
            "after",
            "a cycle in step dependencies: "
            + " -> ".join(cycle)
            + " (each step comes after the next)",
        )
        return
    for k, s in enumerate(steps):
        for a in s.after:
            before = steps[first[a]] if a in first else None
            if (
                before is not None
                and before is not s
                and s.hours is not None
                and before.hours is not None
                and s.hours < before.hours
            ):
                yield (
                    k,
                    "hours",
                    f"step {s.id!r} is due at {s.hours:g} h, before step {a!r} "
                    f"({before.hours:g} h) that it comes after",
                )


def _find_cycle(steps: Sequence[StepSpec]) -> list[str]:
    """One cycle of ``after`` links (longer than a self-loop) as [a, b, ..., a], or []."""
    edges = {s.id: [a for a in s.after if a != s.id] for s in steps}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in edges.get(node, []):
            if nxt not in edges:
                continue
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :]
                # read it as "a must come after b": a -> b -> ... -> a
                return [*cycle, nxt]
            if state.get(nxt) is None:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return []

    for s in steps:
        if state.get(s.id) is None:
            found = visit(s.id)
            if found:
                return found
    return []
