"""The escalation ladder, escalation scores on it, and the rule that raises alerts on jumps.

Scores place incidents, threats and statements of a dyad on a documented ladder
(:data:`KAHN_1965_CONDENSED`); an :class:`AlertRule` fires when a dyad's level jumps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from offramp.model.crisis.records import NO_PROVENANCE, Dyad, Provenance, dyad
from offramp.model.deadlines import require_aware


@dataclass(frozen=True)
class Rung:
    """One level of a condensed ladder and the rungs of the original it stands for."""

    level: int
    name: str
    covers: str
    description: str


@dataclass(frozen=True)
class EscalationLadder:
    """A documented escalation ladder: levels from 0 (lowest) upward."""

    id: str
    title: str
    source: str
    rungs: tuple[Rung, ...]

    def __post_init__(self) -> None:
        if [r.level for r in self.rungs] != list(range(len(self.rungs))):
            raise ValueError(f"ladder {self.id!r}: levels must run 0, 1, 2, ... without gaps")

    @property
    def top(self) -> int:
        return len(self.rungs) - 1

    def rung(self, level: int) -> Rung:
        if not 0 <= level <= self.top:
            raise ValueError(f"level {level} is not on the ladder {self.id!r} (0 to {self.top})")
        return self.rungs[level]


KAHN_1965_CONDENSED = EscalationLadder(
    id="kahn-1965-condensed",
    title="Kahn's escalation ladder, condensed to ten levels",
    source=(
        "Herman Kahn, On Escalation: Metaphors and Scenarios (New York: Praeger, 1965), "
        "the 44 rungs and six thresholds. Condensed by offramp: level 0 is the base below "
        "rung 1 ('disagreement, cold war'); levels 1-5 take rungs 1-9 in pairs (rung 9 "
        "alone); levels 6 and 7 split rungs 10-20 before rung 15, 'barely nuclear war'; "
        "level 8 is rungs 21-25, between the no-nuclear-use and central-sanctuary "
        "thresholds; level 9 is rungs 26-44, every attack on the homelands."
    ),
    rungs=(
        Rung(0, "routine", "base", "Disagreement conducted by ordinary diplomacy."),
        Rung(
            1,
            "gestures",
            "rungs 1-2",
            "Ostensible crisis; political, economic and diplomatic gestures.",
        ),
        Rung(
            2,
            "declarations",
            "rungs 3-4",
            "Solemn and formal declarations, allegations and threats; hardening of positions.",
        ),
        Rung(3, "shows of force", "rungs 5-6", "Shows of force; significant mobilization."),
        Rung(
            4,
            "harassment",
            "rungs 7-8",
            "Legal harassment and retortions; harassing acts of violence.",
        ),
        Rung(
            5,
            "confrontation",
            "rung 9",
            "Dramatic military confrontations; below the "
            "threshold where nuclear war stops being unthinkable.",
        ),
        Rung(
            6,
            "intense crisis",
            "rungs 10-14",
            "Breaking off relations, super-ready "
            "status, large conventional war, declared limited conventional war.",
        ),
        Rung(
            7,
            "nuclear brink",
            "rungs 15-20",
            "Barely nuclear war, nuclear ultimatums, "
            "evacuations, demonstrations of force, blockade; below the no-nuclear-use "
            "threshold.",
        ),
        Rung(
            8,
            "limited nuclear use",
            "rungs 21-25",
            "Local or declared limited nuclear war; nuclear use outside the homelands.",
        ),
        Rung(
            9,
            "central nuclear war",
            "rungs 26-44",
            "Attacks on the homelands, from exemplary attacks to general war.",
        ),
    ),
)


class ScoreKind(StrEnum):
    """What was scored."""

    INCIDENT = "incident"
    THREAT = "threat"
    STATEMENT = "statement"
    ACTION = "action"


@dataclass(frozen=True)
class EscalationScore:
    """A dyad's level on the ladder at one instant, and what put it there."""

    id: str
    dyad: Dyad
    at: datetime
    level: int
    kind: ScoreKind
    subject: str = ""
    rationale: str = ""
    scored_by: str = ""
    provenance: Provenance = NO_PROVENANCE

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", require_aware(self.at, "score time"))
        if self.dyad != dyad(*self.dyad):
            raise ValueError(f"score {self.id!r}: the dyad must be two sorted party ids")
        if self.level < 0:
            raise ValueError(f"score {self.id!r}: level {self.level} is below the ladder")


@dataclass(frozen=True)
class EscalationAlert:
    """A jump on the ladder: ``score`` rose ``to_level - from_level`` over the baseline."""

    dyad: Dyad
    at: datetime
    from_level: int
    to_level: int
    score: str

    @property
    def jump(self) -> int:
        return self.to_level - self.from_level

    def describe(self) -> str:
        a, b = self.dyad
        return (
            f"{a}-{b} escalated from level {self.from_level} to {self.to_level} "
            f"(+{self.jump}) at {self.at.isoformat()}"
        )


@dataclass(frozen=True)
class AlertRule:
    """Fire when a dyad's level rises by ``jump`` or more.

    The baseline is the previous score of the dyad; with ``window`` set, it is the
    lowest score of the dyad in the ``window`` before (so two steps of 1 within the
    window add up to a jump of 2).
    """

    jump: int = 2
    window: timedelta | None = None

    def __post_init__(self) -> None:
        if self.jump < 1:
            raise ValueError("an alert needs a jump of at least one level")

    def alerts(self, scores: Iterable[EscalationScore]) -> tuple[EscalationAlert, ...]:
        """Every alert the scores raise, in time order."""
        out: list[EscalationAlert] = []
        for pair in sorted({s.dyad for s in scores}):
            history = timeline(scores, pair)
            for k, score in enumerate(history):
                earlier = history[:k]
                if self.window is not None:
                    earlier = tuple(s for s in earlier if score.at - s.at <= self.window)
                    base = min((s.level for s in earlier), default=None)
                else:
                    base = earlier[-1].level if earlier else None
                if base is not None and score.level - base >= self.jump:
                    out.append(EscalationAlert(pair, score.at, base, score.level, score.id))
        return tuple(sorted(out, key=lambda a: (a.at, a.dyad)))


DEFAULT_ALERT_RULE = AlertRule()
"""The rule a desk alerts by unless its case says otherwise: a jump of two levels."""


def timeline(scores: Iterable[EscalationScore], pair: Dyad) -> tuple[EscalationScore, ...]:
    """One dyad's scores in time order (ties by id): the series a timeline chart draws."""
    pair = dyad(*pair)
    return tuple(sorted((s for s in scores if s.dyad == pair), key=lambda s: (s.at, s.id)))
