"""Reading and verifying a case's audit chain.

:meth:`AuditService.verify_as` verifies incrementally: each process keeps, per chain,
the last head it verified (seq and hash) and re-hashes only that event and what came
after it, so a page can show a fresh verification on every view. ``full=True`` (and
the operator's :meth:`AuditService.verify`) recompute the whole chain. Both check the
events' signatures (with the server key) and the case's content against the last event
(``store/audit_cover.py``); the operator's check can also compare with a signed
checkpoint of every head (``store/audit_checkpoint.py``).
"""

from __future__ import annotations

from datetime import datetime
from threading import Lock
from typing import Any

from offramp.errors import InputError, NotFound
from offramp.model.access import Action
from offramp.services.access import NO_CASE, AccessPolicy, Actor
from offramp.store import audit as chain
from offramp.store import audit_checkpoint as checkpoints
from offramp.store.audit import AuditEvent, VerifyReport
from offramp.store.uow import UowFactory


class AuditService:
    def __init__(self, uow: UowFactory, policy: AccessPolicy) -> None:
        self.uow = uow
        self.policy = policy
        self._checkpoints: dict[str, tuple[int, str]] = {}
        self._lock = Lock()

    def verify(self, slug: str, checkpoint: Any = None) -> VerifyReport:
        """Verify the chain of case ``slug`` (the operator's CLI; ``_server`` for admin events).

        ``checkpoint`` (the parsed JSON of :meth:`checkpoint`) also shows a chain cut
        short with its head rolled back, or deleted with its case.
        """
        with self.uow() as uow:
            body = None
            if checkpoint is not None:
                try:
                    body = checkpoints.check_signature(uow.conn, checkpoint)
                except checkpoints.CheckpointError as exc:
                    raise InputError("--checkpoint", str(exc)) from None
            if slug != chain.SERVER_CHAIN and uow.repo.get_case_row(slug) is None:
                if body is not None and slug in body["heads"]:
                    seen = body["heads"][slug]["seq"]
                    message = (
                        f"the case and its chain are gone, but the checkpoint of "
                        f"{body['taken_at']} saw {seen} events"
                    )
                    return VerifyReport(slug, 0, 0, False, seen, "deleted", message)
                raise NotFound(NO_CASE)
            if body is not None:
                found = checkpoints.against(uow.conn, slug, body)
                if found is not None:
                    return found
            return chain.verify_chain(uow.conn, slug)

    def checkpoint(self, now: datetime) -> dict[str, Any]:
        """Every chain's head, signed with the server key (the operator's CLI)."""
        with self.uow() as uow:
            try:
                return checkpoints.take(uow.conn, now)
            except checkpoints.CheckpointError as exc:
                raise InputError("audit key", str(exc)) from None

    def verify_as(self, actor: Actor | None, slug: str, *, full: bool = False) -> VerifyReport:
        """Verify the case's chain (audit.read): from the last checkpoint, or all of it."""
        with self.uow() as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            self.policy.require(scope, Action.AUDIT_READ)
            with self._lock:
                checkpoint = None if full else self._checkpoints.get(slug)
            if checkpoint is None:
                report = chain.verify_chain(uow.conn, slug)
            else:
                report = chain.verify_from(uow.conn, slug, checkpoint)
            top = chain.events(uow.conn, slug, after=report.head_seq - 1, limit=1)
        with self._lock:
            if report.ok and top and top[0].seq == report.head_seq:
                self._checkpoints[slug] = (top[0].seq, top[0].hash)
            elif not report.ok:
                self._checkpoints.pop(slug, None)
        return report

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
