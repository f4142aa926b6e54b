"""Issues on the table, each with an ordered list of options and a kind."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class IssueKind(StrEnum):
    """What is at stake. Listed from the gravest to the most ordinary.

    The order is used to say in which direction demands moved: a party whose contested
    demands go from ``existential`` to ``territorial`` has moved away from the brink.
    """

    EXISTENTIAL = "existential"
    SECURITY = "security"
    TERRITORIAL = "territorial"
    POLITICAL = "political"

    @property
    def gravity(self) -> int:
        """0 for the gravest kind (existential), rising to the most ordinary."""
        return list(IssueKind).index(self)


@dataclass(frozen=True)
class Option:
    """One option of an issue. ``kind`` overrides the issue's kind when set.

    Example: on ``government`` (a political issue), ``regime_change`` is existential.
    """

    id: str
    label: str
    kind: IssueKind | None = None
    phrases: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Issue:
    """An issue with options ordered along one scale (first to last).

    ``candidate`` marks a linked issue that is not on the table yet: the analysis
    leaves it out of the deal space and offers it to "enlarge the problem".
    """

    id: str
    title: str
    kind: IssueKind
    options: tuple[Option, ...]
    phrases: tuple[str, ...] = ()
    description: str = ""
    candidate: bool = False

    def __post_init__(self) -> None:
        if not self.options:
            raise ValueError(f"issue {self.id!r} has no options")
        ids = [o.id for o in self.options]
        if len(set(ids)) != len(ids):
            raise ValueError(f"issue {self.id!r} has duplicate option ids")

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)

    def option(self, option_id: str) -> Option:
        for o in self.options:
            if o.id == option_id:
                return o
        raise KeyError(f"issue {self.id!r} has no option {option_id!r}")

    def index(self, option_id: str) -> int:
        """Position of an option on the issue's ordered scale, from 0."""
        return self.option_ids.index(option_id)

    def kind_of(self, option_id: str) -> IssueKind:
        """The kind of what is at stake if this option is demanded."""
        return self.option(option_id).kind or self.kind
