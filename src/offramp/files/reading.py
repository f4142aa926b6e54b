"""Reading the formats' files from disk: the text of one file, and a folder's files by id.

Every format (case files, playbooks, escalation policies, the precedent library) reads
its files through here, so a missing or unreadable file is refused in the same words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol, TypeVar

from offramp.errors import InputError, Problem


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_T = TypeVar("_T", bound=_HasId)


def read_text(path: Path) -> str:
    """The UTF-8 text of ``path``; a missing or unreadable file is an error naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot be read: {exc}") from None


def load_by_id(paths: Iterable[Path], load: Callable[[Path], _T], noun: str) -> dict[str, _T]:
    """Each file read with ``load``, by its ``id``. Every file's problems, and each id
    used twice (``noun`` names the kind: "playbook"), are raised together."""
    found: dict[str, _T] = {}
    where: dict[str, Path] = {}
    problems: list[Problem] = []
    for path in paths:
        try:
            item = load(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if item.id in found:
            problems.append(
                Problem(str(path), f"{noun} id {item.id!r} is also used by {where[item.id]}")
            )
            continue
        found[item.id] = item
        where[item.id] = path
    if problems:
        raise InputError.of(problems)
    return found
