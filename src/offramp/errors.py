"""The exceptions offramp raises, one tree for every surface.

    OfframpError                 base; `message` is a sentence a user can act on
    ├── InputError               bad input; `where` says file:line: field, or the request field
    ├── NotFound                 missing, or hidden from this actor (same message either way)
    ├── Forbidden                the actor sees the thing but may not do this `action`
    ├── Conflict                 stale version, duplicate, or an illegal state transition
    ├── Unauthenticated          no valid session or token
    └── Throttled                too many attempts; `retry_after` seconds to wait

The surfaces translate them once: the API into RFC 9457 problem details, the web desk
into a page with the message, the CLI into ``error: <where>: <message>`` and exit code 1.
Lower layers translate foreign exceptions at their edge (pydantic and YAML errors into
``InputError`` in ``casefile``; ``IntegrityError`` into ``Conflict`` in ``store``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what is wrong."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class OfframpError(Exception):
    """Base of every error offramp raises on purpose."""

    status = 500
    title = "Internal error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def problems(self) -> list[Problem]:
        return [Problem("", self.message)]


class InputError(OfframpError):
    """Bad input. Carries one or more problems, each with where and what."""

    status = 422
    title = "Invalid input"

    def __init__(self, where: str, message: str, *, more: list[Problem] | None = None) -> None:
        first = Problem(where, message)
        super().__init__(str(first))
        self.where = where
        self._problems = [first, *(more or [])]

    @classmethod
    def of(cls, problems: list[Problem]) -> InputError:
        """Build one error from a non-empty list of problems."""
        first, *rest = problems
        return cls(first.where, first.message, more=rest)

    @property
    def problems(self) -> list[Problem]:
        return list(self._problems)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self._problems)


class NotFound(OfframpError):
    """Missing, or not visible to this actor. The message never tells which."""

    status = 404
    title = "Not found"


class Forbidden(OfframpError):
    """The actor can see the object but may not perform ``action`` on it."""

    status = 403
    title = "Forbidden"

    def __init__(self, action: str, message: str | None = None) -> None:
        super().__init__(message or f"You may not {action.replace('_', ' ')} here.")
        self.action = action


class Conflict(OfframpError):
    """A stale version, a duplicate, or a transition the state machine forbids."""

    status = 409
    title = "Conflict"


class Unauthenticated(OfframpError):
    """No valid session or token."""

    status = 401
    title = "Sign-in required"


class Throttled(OfframpError):
    """Too many attempts (sign-in failures, or sign-ins at once): retry after a while."""

    status = 429
    title = "Too many requests"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)
