"""What the use-case services of a case are built on: units of work, the access policy
and the clock (the composition root, :mod:`offramp.bootstrap`, passes the same three
to each)."""

from __future__ import annotations

from offramp.model.deadlines import Clock
from offramp.services.access import AccessPolicy, Actor, Scope
from offramp.store.uow import UnitOfWork, UowFactory


class UseCases:
    """A service's units of work (``uow``), access policy and clock."""

    def __init__(self, uow: UowFactory, policy: AccessPolicy, clock: Clock) -> None:
        self.uow = uow
        self.policy = policy
        self.clock = clock

    def _scope(self, uow: UnitOfWork, actor: Actor | None, slug: str) -> Scope:
        """The actor's scope on the case ``slug`` (NotFound for a non-member)."""
        return self.policy.access_case(uow.repo, actor, slug)
