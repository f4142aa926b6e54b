"""What every use case of the crisis desk is built on: reading or writing the stored desk
of one case under the access policy, "now" from the injected clock, the lookups that
raise the desk's errors, and the audit event.

:class:`DeskCases` is the base of :class:`offramp.services.crisis_oncall.OncallCases`
and so of :class:`offramp.services.crisis.CrisisService`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from offramp.errors import Conflict, InputError, NotFound
from offramp.model.access import Action
from offramp.model.crisis import CrisisDesk, Incident, PlaybookRun
from offramp.model.deadlines import require_aware
from offramp.services.access import NO_CASE, Actor, Scope
from offramp.services.base import UseCases
from offramp.store.crisis_repository import CrisisRepository
from offramp.store.uow import UnitOfWork

NO_INCIDENT = "No such incident."

Reading = tuple[Scope, CrisisRepository, CrisisDesk]
"""A desk open to read: the actor's scope, the crisis repository, the desk."""
Writing = tuple[UnitOfWork, Scope, CrisisRepository, CrisisDesk]
"""A desk open to write: the same and the unit of work to audit and commit."""


@contextmanager
def as_input(where: str) -> Iterator[None]:
    """The model's construction errors (``ValueError``) as an :class:`InputError` at ``where``."""
    try:
        yield
    except ValueError as exc:
        raise InputError(where, str(exc)) from None


class DeskCases(UseCases):
    """Access, time and lookups shared by the crisis desk's use cases."""

    def _read(self, uow: UnitOfWork, actor: Actor | None, slug: str) -> Scope:
        scope = self.policy.access_case(uow.repo, actor, slug)
        self.policy.require_visible(scope, Action.CRISIS_READ, NO_CASE, resource="crisis")
        return scope

    def _write(self, uow: UnitOfWork, actor: Actor | None, slug: str) -> Scope:
        scope = self._read(uow, actor, slug)
        self.policy.require(scope, Action.CRISIS_WRITE, resource="crisis")
        return scope

    @contextmanager
    def _reading(self, actor: Actor | None, slug: str) -> Iterator[Reading]:
        """A read of the case's crisis desk (``crisis.read``)."""
        with self.uow() as uow:
            scope = self._read(uow, actor, slug)
            yield scope, uow.crisis, uow.crisis.load(scope.case.id)

    def _load(self, actor: Actor | None, slug: str) -> CrisisDesk:
        """The case's crisis desk as stored, for a reader."""
        with self._reading(actor, slug) as (_, _, desk):
            return desk

    @contextmanager
    def _writing(self, actor: Actor | None, slug: str) -> Iterator[Writing]:
        """A write to the case's crisis desk (``crisis.write``); the caller commits."""
        with self.uow(write=True) as uow:
            scope = self._write(uow, actor, slug)
            yield uow, scope, uow.crisis, uow.crisis.load(scope.case.id)

    def _now(self) -> datetime:
        return require_aware(self.clock.now(), "clock time")

    def _when(self, at: datetime | None, where: str = "at") -> datetime:
        """``at`` (default now), in UTC; not later than now."""
        now = self._now()
        if at is None:
            return now
        with as_input(where):
            at = require_aware(at, where)
        if at > now:
            raise InputError(
                where,
                f"{at.isoformat()} is later than now ({now.isoformat()}); "
                "the desk records what has happened",
            )
        return at

    @staticmethod
    def _incident(repo: CrisisRepository, scope: Scope, desk: CrisisDesk, key: str) -> Incident:
        try:
            return desk.incident(key)
        except KeyError:
            merged = repo.merged_into(scope.case.id, key)
        if merged is not None:
            raise Conflict(f"Incident {key} was merged into {merged}; act on {merged}.")
        raise NotFound(NO_INCIDENT)

    @staticmethod
    def _run(desk: CrisisDesk, incident: str) -> PlaybookRun:
        run = desk.run(incident)
        if run is None:
            raise Conflict(f"Incident {incident} has no playbook yet; start one first.")
        return run

    @classmethod
    def _incident_run(
        cls, repo: CrisisRepository, scope: Scope, desk: CrisisDesk, incident: str
    ) -> PlaybookRun:
        """The playbook run of an incident on the desk."""
        cls._incident(repo, scope, desk, incident)
        return cls._run(desk, incident)

    @staticmethod
    def _audit(uow: UnitOfWork, scope: Scope, action: str, payload: dict[str, Any]) -> None:
        uow.audit(scope.case.slug, scope.actor.name, action, payload)
