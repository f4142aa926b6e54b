"""Directives on a running playbook: jump to a step, or repeat from one.

- **Jump to step N**: every open step listed before N is waived ("jumped to N"), so N
  and what follows it become due at once.
- **Repeat from step N**: N and every step listed after it open again, due as the
  playbook says but counted from the instant of the repeat; what was done before stays
  on the timeline as history.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from offramp.errors import Conflict
from offramp.model.crisis.runs import PlaybookRun, StepRun
from offramp.model.deadlines import require_aware


class DirectiveKind(StrEnum):
    JUMP = "jump"
    REPEAT = "repeat"


@dataclass(frozen=True)
class Directive:
    kind: DirectiveKind
    step: str
    at: datetime
    by: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", require_aware(self.at, "directive time"))


def _index(run: PlaybookRun, step: str) -> int:
    ids = [s.id for s in run.steps]
    if step not in ids:
        raise Conflict(f"Playbook {run.playbook} has no step {step!r}.")
    return ids.index(step)


def jump_waivers(run: PlaybookRun, step: str) -> tuple[str, ...]:
    """The open steps a jump to ``step`` waives (those listed before it)."""
    if run.closed:
        raise Conflict(f"The playbook of incident {run.incident} is closed.")
    k = _index(run, step)
    if run.steps[k].finished:
        raise Conflict(f"Step {step} is already finished; repeat from it instead.")
    return tuple(s.id for s in run.steps[:k] if not s.finished)


def repeat_from(run: PlaybookRun, step: str, at: datetime) -> PlaybookRun:
    """The run with ``step`` and those after it open again, due counted from ``at``."""
    at = require_aware(at, "time of the repeat")
    if run.closed:
        raise Conflict(f"The playbook of incident {run.incident} is closed.")
    if at < run.started_at:
        raise Conflict(f"A repeat cannot come before the run started ({run.started_at}).")
    k = _index(run, step)
    fresh = tuple(StepRun(s.spec, s.due_at) if j >= k else s for j, s in enumerate(run.steps))
    return rebase(replace(run, steps=fresh), step, at)


def rebase(run: PlaybookRun, step: str, at: datetime) -> PlaybookRun:
    """The run with ``step`` and those after it due counted from ``at`` (their records
    kept): how a stored run is rebuilt after a repeat."""
    k = _index(run, step)
    steps = tuple(
        replace(s, due_at=s.spec.due(at)) if j >= k else s for j, s in enumerate(run.steps)
    )
    return replace(run, steps=steps)


def steps_from(run: PlaybookRun, step: str) -> tuple[str, ...]:
    """``step`` and the steps listed after it."""
    return tuple(s.id for s in run.steps[_index(run, step) :])
