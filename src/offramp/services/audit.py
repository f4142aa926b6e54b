"""Reading and verifying a case's audit chain."""

from __future__ import annotations

from offramp.errors import NotFound
from offramp.model.access import Action
from offramp.services.access import NO_CASE, AccessPolicy, Actor
from offramp.store import audit as chain
from offramp.store.audit import AuditEvent, VerifyReport
from offramp.store.uow import UowFactory


class AuditService:
    def __init__(self, uow: UowFactory, policy: AccessPolicy) -> None:
        self.uow = uow
        self.policy = policy

    def verify(self, slug: str) -> VerifyReport:
        """Verify the chain of case ``slug`` (the operator's CLI; ``_server`` for admin events)."""
        with self.uow() as uow:
            if slug != chain.SERVER_CHAIN and uow.repo.get_case_row(slug) is None:
                raise NotFound(NO_CASE)
            return chain.verify_chain(uow.conn, slug)

    def verify_as(self, actor: Actor | None, slug: str) -> VerifyReport:
        with self.uow() as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            self.policy.require(scope, Action.AUDIT_READ)
            return chain.verify_chain(uow.conn, slug)

    def events(
        self, actor: Actor | None, slug: str, *, after: int = 0, limit: int = 200
    ) -> list[AuditEvent]:
        with self.uow() as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            self.policy.require(scope, Action.AUDIT_READ)
            return chain.events(uow.conn, slug, after=after, limit=limit)

    def head(self, slug: str) -> tuple[int, str]:
        """The chain's last seq and hash (tests compare it before and after a denied write)."""
        with self.uow() as uow:
            return chain.head(uow.conn, slug)
