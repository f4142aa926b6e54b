"""Rounds of secret acceptances: which packages could every party accept?

The mediator opens a round on a few packages (each names one option of every issue on
the table) and addresses it to two or more parties. Each addressed party marks, in
private, the packages it could accept, and may change its marks while the round is
open. A round's life:

    open -> revealed    when the last addressed party has answered
    open -> expired     when the deadline passes first (a function of the clock)

*Revealed* shows only the packages every addressed party marked (the overlap), or that
there is none. *Expired* shows nothing: the overlap of those who answered would be
more than the overlap of all (with two parties and one silent, it would be one party's
marks). A round is *sealed* by default: the mediator too sees only the overlap, and a
sealed round forgets the marks when it is revealed. A round *open to the mediator*
keeps them and shows them to the mediator. Every addressed party is told which kind it
is. The party's own marks are its own to see.

Illegal moves raise :class:`offramp.errors.Conflict` (a closed round) or
:class:`offramp.errors.InputError` (a mark that names no package of the round); no
message depends on anything but the move and the round's public state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from offramp.errors import Conflict, InputError, Problem
from offramp.model.case import Case

#: Most packages one round may carry (a page of choices a delegation can weigh).
MAX_PACKAGES = 50
MAX_TITLE = 200


class RoundState(StrEnum):
    OPEN = "open"
    REVEALED = "revealed"
    EXPIRED = "expired"


class Visibility(StrEnum):
    """Who sees each party's marks besides the party itself."""

    SEALED = "sealed"  # nobody: the mediator sees only the overlap
    OPEN_TO_MEDIATOR = "open_to_mediator"  # the mediator sees each party's marks


#: What every addressed party (and the mediator) is told about the kind of round.
VISIBILITY_NOTE = {
    Visibility.SEALED: (
        "Sealed: only your own delegation sees your marks; the mediator and the other "
        "parties see only the packages every party marked, or that there is none."
    ),
    Visibility.OPEN_TO_MEDIATOR: (
        "Open to the mediator: the mediator sees each party's marks; the other parties "
        "see only the packages every party marked, or that there is none."
    ),
}


def result_sentence(
    state: RoundState, answered: int, addressed: int, overlap: tuple[str, ...] | None
) -> str:
    """The round's result in one sentence, as every surface shows it."""
    if state is RoundState.EXPIRED:
        return "The deadline passed before every party answered: nothing is revealed."
    if state is RoundState.OPEN:
        return f"{answered} of {addressed} parties have answered."
    if not overlap:
        return "No package was marked acceptable by every party."
    return "Marked acceptable by every party: " + ", ".join(overlap) + "."


@dataclass(frozen=True)
class RoundPackage:
    """One package of a round: ``key`` (``p1``, ``p2``, ...), issue -> option, and
    where the mediator took it from (``typed``, ``frontier``, ``nash``, ...)."""

    key: str
    options: Mapping[str, str] = field(hash=False)
    source: str = "typed"


@dataclass(frozen=True)
class Answer:
    """Whether and when an addressed party answered, and (if kept) what it marked."""

    party: str
    answered_at: datetime | None = None
    accepted: frozenset[str] | None = None


@dataclass(frozen=True)
class Round:
    """A round of secret acceptances. ``state`` is the stored state (open or revealed);
    :meth:`state_at` adds expiry."""

    id: int
    title: str
    packages: tuple[RoundPackage, ...]
    answers: tuple[Answer, ...]
    visibility: Visibility
    opened_by: str
    opened_at: datetime
    deadline: datetime | None = None
    state: RoundState = RoundState.OPEN
    overlap: tuple[str, ...] | None = None
    revealed_at: datetime | None = None

    def __post_init__(self) -> None:
        keys = [p.key for p in self.packages]
        if not keys or len(set(keys)) != len(keys):
            raise ValueError("a round needs packages with distinct keys")
        parties = [a.party for a in self.answers]
        if len(parties) < 2 or len(set(parties)) != len(parties):
            raise ValueError("a round is addressed to two or more distinct parties")
        if self.state is RoundState.EXPIRED:
            raise ValueError("expiry is not stored: it follows from the deadline")
        if (self.state is RoundState.REVEALED) != (self.overlap is not None):
            raise ValueError("a round has an overlap exactly when it is revealed")

    @property
    def parties(self) -> tuple[str, ...]:
        return tuple(a.party for a in self.answers)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(p.key for p in self.packages)

    def answered(self) -> tuple[str, ...]:
        """The addressed parties that have answered, in address order."""
        return tuple(a.party for a in self.answers if a.answered_at is not None)

    def answer_of(self, party: str) -> Answer:
        for a in self.answers:
            if a.party == party:
                return a
        raise Conflict(f"Round {self.id} is not addressed to {party}.")

    def state_at(self, now: datetime) -> RoundState:
        """The state at ``now``: an open round whose deadline has passed is expired."""
        if self.state is RoundState.OPEN and self.deadline is not None and now >= self.deadline:
            return RoundState.EXPIRED
        return self.state

    def mark(self, party: str, accepted: Iterable[str], now: datetime) -> Round:
        """Record ``party``'s marks (replacing earlier ones); the last answer reveals.

        The caller has checked that the actor belongs to ``party``.
        """
        state = self.state_at(now)
        if state is RoundState.EXPIRED:
            raise Conflict(f"Round {self.id} expired at its deadline; it takes no more marks.")
        if state is RoundState.REVEALED:
            raise Conflict(f"Round {self.id} is revealed; it takes no more marks.")
        self.answer_of(party)
        chosen = list(accepted)
        unknown = sorted(set(chosen) - set(self.keys))
        if unknown:
            raise InputError("accepted", f"round {self.id} has no package {', '.join(unknown)}")
        mine = Answer(party, now, frozenset(chosen))
        answers = tuple(mine if a.party == party else a for a in self.answers)
        marked = replace(self, answers=answers)
        if all(a.answered_at is not None for a in answers):
            return marked.reveal(now)
        return marked

    def reveal(self, now: datetime) -> Round:
        """Compute the overlap; a sealed round forgets the marks."""
        common = set(self.keys)
        for a in self.answers:
            common &= a.accepted or frozenset()
        overlap = tuple(k for k in self.keys if k in common)
        answers = self.answers
        if self.visibility is Visibility.SEALED:
            answers = tuple(replace(a, accepted=None) for a in answers)
        return replace(
            self, answers=answers, state=RoundState.REVEALED, overlap=overlap, revealed_at=now
        )

    def overlap_packages(self) -> tuple[RoundPackage, ...]:
        """The revealed packages (empty before a reveal, or when none is common)."""
        common = set(self.overlap or ())
        return tuple(p for p in self.packages if p.key in common)


def number_packages(
    packages: Iterable[tuple[Mapping[str, str], str]],
) -> tuple[RoundPackage, ...]:
    """Key packages ``p1``, ``p2``, ... in order, dropping repeats of the same options."""
    seen: set[tuple[tuple[str, str], ...]] = set()
    out: list[RoundPackage] = []
    for options, source in packages:
        sig = tuple(sorted(options.items()))
        if sig in seen:
            continue
        seen.add(sig)
        out.append(RoundPackage(f"p{len(out) + 1}", dict(options), source))
    return tuple(out)


def check_round_package(case: Case, options: Mapping[str, str], where: str) -> list[Problem]:
    """Problems with one package of a round: it names one option of every issue on the
    table, and nothing else."""
    table = {i.id: i for i in case.table_issues()}
    problems = [
        Problem(f"{where}.{issue}", f"the case has no issue {issue!r} on the table")
        for issue in options
        if issue not in table
    ]
    for issue, spec in table.items():
        if issue not in options:
            problems.append(Problem(f"{where}.{issue}", "a package names every issue on the table"))
        elif options[issue] not in spec.option_ids:
            problems.append(
                Problem(f"{where}.{issue}", f"issue {issue!r} has no option {options[issue]!r}")
            )
    return problems


def check_round(
    case: Case,
    title: str,
    packages: tuple[RoundPackage, ...],
    parties: tuple[str, ...],
    opened_at: datetime,
    deadline: datetime | None,
) -> list[Problem]:
    """Every problem with a round about to be opened, each with where it is."""
    problems: list[Problem] = []
    if not title.strip():
        problems.append(Problem("title", "a round needs a title"))
    elif len(title) > MAX_TITLE:
        problems.append(Problem("title", f"at most {MAX_TITLE} characters"))
    if not packages:
        problems.append(Problem("packages", "a round needs at least one package"))
    elif len(packages) > MAX_PACKAGES:
        problems.append(Problem("packages", f"a round carries at most {MAX_PACKAGES} packages"))
    for k, p in enumerate(packages):
        problems.extend(check_round_package(case, p.options, f"packages[{k}]"))
    negotiating = case.negotiating_parties()
    problems.extend(
        Problem("parties", f"{p} is not a negotiating party of the case")
        for p in parties
        if p not in negotiating
    )
    if len(set(parties)) != len(parties):
        problems.append(Problem("parties", "a party is listed twice"))
    elif len(parties) < 2:
        problems.append(
            Problem(
                "parties", "a round goes to two or more parties: with one, its marks would show"
            )
        )
    if deadline is not None and deadline <= opened_at:
        problems.append(Problem("deadline", "the deadline must be in the future"))
    return problems
