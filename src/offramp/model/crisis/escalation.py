"""Escalation policies: what the desk does, and when, while an acknowledgement or a step
is late.

A policy is a chain of steps. Each step waits (``hours`` of elapsed time, or until a
wall-clock time in a zone, as a playbook deadline does) after the previous action, or
after the moment the subject became late, and then either **re-sends** on the current
channel level or **escalates** to a level of :data:`CHANNEL_LADDER` (``next``: one rung
up from the current level). ``repeat`` takes a step that many times; ``then`` names the
step after it (default: the next one listed). The chain may not loop: repetition is
always counted, so every policy ends. Every policy says when it stops (``acknowledged``
for acknowledgements, ``done`` for steps, a waived step included); the desk applies no
action that falls due after the stop.

:meth:`EscalationPolicy.schedule` turns a policy into the list of due actions with
instants, each with a key that is unique within the policy, so a sweep records each
action exactly once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from offramp.model.crisis.channels import ChannelLevel
from offramp.model.deadlines import WallDeadline, due_after, require_aware

CHANNEL_LADDER: tuple[ChannelLevel, ...] = (
    ChannelLevel.SENIOR_OFFICIALS,  # the working level
    ChannelLevel.DEFENCE_MINISTERS,
    ChannelLevel.CHIEFS_OF_STAFF,
    ChannelLevel.HEADS_OF_STATE,
    ChannelLevel.HOTLINE,
)
"""The rungs an escalation climbs, from the working level (senior officials) to the hotline."""

NEXT_LEVEL = "next"
MAX_ACTIONS = 200  # a policy longer than this is refused: it is a loop in disguise


def next_level(level: ChannelLevel | None) -> ChannelLevel:
    """One rung up :data:`CHANNEL_LADDER` (from a level off the ladder: its foot)."""
    if level is None or level not in CHANNEL_LADDER:
        return CHANNEL_LADDER[0]
    k = CHANNEL_LADDER.index(level)
    return CHANNEL_LADDER[min(k + 1, len(CHANNEL_LADDER) - 1)]


SPECIAL_LEVELS = {"un_security_council": "UN Security Council"}


def level_words(level: ChannelLevel | str | None) -> str:
    """A channel level in words: ``defence ministers``, ``UN Security Council``."""
    if level is None or level == "":
        return "the next level"
    value = str(level)
    return SPECIAL_LEVELS.get(value, value.replace("_", " "))


def ordinal(n: int) -> str:
    """``2nd``, ``3rd``, ``11th``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def action_words(action: str, level: ChannelLevel | str | None, repetition: int) -> str:
    """``re-send on the same level`` or ``escalate to heads of state, for the 2nd time``."""
    words = (
        "re-send on the same level" if action == "resend" else f"escalate to {level_words(level)}"
    )
    return words if repetition == 1 else f"{words}, for the {ordinal(repetition)} time"


class PolicySubject(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    STEP = "step"


class PolicyAction(StrEnum):
    RESEND = "resend"
    ESCALATE = "escalate"


class StopWhen(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    DONE = "done"


STOPS = {PolicySubject.ACKNOWLEDGEMENT: StopWhen.ACKNOWLEDGED, PolicySubject.STEP: StopWhen.DONE}


@dataclass(frozen=True)
class PolicyStep:
    """One step: wait ``hours`` (or until ``by``), then re-send or escalate; ``repeat`` times."""

    id: str
    action: PolicyAction
    hours: float | None = None
    by: WallDeadline | None = None
    level: str | None = None  # a ChannelLevel value or "next" (escalate only)
    repeat: int = 1
    then: str | None = None

    def wait(self, since: datetime) -> datetime:
        """When this step acts, counted from ``since`` (never before it)."""
        if self.hours is not None:
            return due_after(since, self.hours)
        if self.by is not None:
            return max(self.by.due(since), since)
        raise ValueError(f"policy step {self.id!r} has no wait")


@dataclass(frozen=True)
class DueAction:
    """One action of a policy's schedule, due at ``at``."""

    key: str  # "<step>#<n>", unique within the policy
    step: str
    repetition: int
    action: PolicyAction
    at: datetime
    level: ChannelLevel | None


@dataclass(frozen=True)
class EscalationPolicy:
    """What to do while an acknowledgement or a step is late. See :func:`policy_problems`.

    ``playbooks`` and ``steps`` narrow a step policy to those playbooks and step ids;
    ``kinds`` narrows an acknowledgement policy to those notification kinds (empty: all).
    """

    id: str
    title: str
    subject: PolicySubject
    stop: tuple[str, ...]
    steps: tuple[PolicyStep, ...]
    playbooks: tuple[str, ...] = ()
    for_steps: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    description: str = ""

    def __post_init__(self) -> None:
        problems = list(policy_problems(self.subject, self.stop, self.steps))
        if problems:
            raise ValueError("; ".join(f"{f}: {m}" for f, m in problems))

    def applies_to_step(self, playbook: str, step: str) -> bool:
        return (
            self.subject is PolicySubject.STEP
            and (not self.playbooks or playbook in self.playbooks)
            and (not self.for_steps or step in self.for_steps)
        )

    def applies_to_notification(self, kind: str) -> bool:
        return self.subject is PolicySubject.ACKNOWLEDGEMENT and (
            not self.kinds or kind in self.kinds
        )

    @property
    def specificity(self) -> int:
        return len(self.playbooks) + 2 * len(self.for_steps) + len(self.kinds)

    def schedule(
        self, late_at: datetime, level: ChannelLevel | None = None
    ) -> tuple[DueAction, ...]:
        """Every action, in order, for a subject late since ``late_at`` on ``level``."""
        at = require_aware(late_at, "time it became late")
        by_id = {s.id: s for s in self.steps}
        out: list[DueAction] = []
        current = level
        step: PolicyStep | None = self.steps[0]
        while step is not None:
            for n in range(1, step.repeat + 1):
                at = step.wait(at)
                if step.action is PolicyAction.ESCALATE:
                    if step.level in (None, NEXT_LEVEL):
                        current = next_level(current)
                    else:
                        current = ChannelLevel(step.level)
                out.append(DueAction(f"{step.id}#{n}", step.id, n, step.action, at, current))
            step = by_id[step.then] if step.then is not None else _following(self.steps, step)
        return tuple(out)


def _following(steps: Sequence[PolicyStep], step: PolicyStep) -> PolicyStep | None:
    k = steps.index(step)
    return steps[k + 1] if k + 1 < len(steps) else None


def policy_problems(
    subject: PolicySubject, stops: Sequence[str], steps: Sequence[PolicyStep]
) -> Iterator[tuple[str, str]]:
    """Everything wrong with a policy, as (field path, message): no stop, a stop that does
    not fit the subject, no steps, a step with no wait or two, an unknown level, a level
    on a re-send, a repeat below one, ``then`` naming an unknown step, a cycle of
    ``then`` links (named in full), and more than :data:`MAX_ACTIONS` actions."""
    if not stops:
        yield (
            "stop",
            f"the policy never stops: give `stop: {STOPS[subject].value}`",
        )
    article = "an" if subject is PolicySubject.ACKNOWLEDGEMENT else "a"
    for k, stop in enumerate(stops):
        if stop != STOPS[subject].value:
            yield (
                f"stop.{k}",
                f"{article} {subject.value} policy stops when {STOPS[subject].value}, not {stop!r}",
            )
    if not steps:
        yield ("steps", "the policy has no steps")
        return
    levels = [v.value for v in ChannelLevel]
    ids = [s.id for s in steps]
    total = 0
    for k, s in enumerate(steps):
        where = f"steps.{k}"
        if ids.index(s.id) != k:
            yield (f"{where}.id", f"duplicate step id {s.id!r}")
        if (s.hours is None) == (s.by is None):
            yield (f"{where}.id", f"step {s.id!r} needs exactly one of `hours:` and `by:`")
        elif s.hours is not None and s.hours < 0:
            yield (f"{where}.hours", f"step {s.id!r} waits {s.hours:g} hours: not negative")
        if s.level is not None:
            if s.action is PolicyAction.RESEND:
                yield (f"{where}.level", "a re-send keeps the level; only `escalate` names one")
            elif s.level not in (*levels, NEXT_LEVEL):
                yield (
                    f"{where}.level",
                    f"unknown channel level {s.level!r}: use {NEXT_LEVEL} or one of "
                    + ", ".join(levels),
                )
        if s.repeat < 1:
            yield (f"{where}.repeat", f"step {s.id!r} repeats {s.repeat} times: at least 1")
        if s.then is not None and s.then not in ids:
            yield (f"{where}.then", f"step {s.id!r} goes on to unknown step {s.then!r}")
        total += max(s.repeat, 0)
    cycle = _then_cycle(steps)
    if cycle:
        yield (
            f"steps.{ids.index(cycle[0])}.then",
            "a cycle in the steps: "
            + " -> ".join(cycle)
            + " (use `repeat:` to take a step again; a policy must end)",
        )
    elif total > MAX_ACTIONS:
        yield ("steps", f"{total} actions: more than {MAX_ACTIONS} is a loop in disguise")


def _then_cycle(steps: Sequence[PolicyStep]) -> list[str]:
    """The first cycle of the chain of steps from any step, as [a, b, ..., a], or []."""
    by_id = {s.id: s for s in steps}
    for start in steps:
        seen: list[str] = []
        step: PolicyStep | None = start
        while step is not None:
            if step.id in seen:
                return [*seen[seen.index(step.id) :], step.id]
            seen.append(step.id)
            step = by_id.get(step.then) if step.then is not None else _following(steps, step)
    return []


def choose_policy(
    policies: Sequence[EscalationPolicy], *, playbook: str = "", step: str = "", kind: str = ""
) -> EscalationPolicy | None:
    """The most specific policy for a step (``playbook``, ``step``) or a notification
    (``kind``); ties go to the lowest id."""
    if kind:
        fits = [p for p in policies if p.applies_to_notification(kind)]
    else:
        fits = [p for p in policies if p.applies_to_step(playbook, step)]
    return min(fits, key=lambda p: (-p.specificity, p.id), default=None)
