"""A party's private coding of its own preferences, and the deal space computed on it.

Who sees a coding: its party's delegates, always; the mediator's team, only while the
party shares it (an explicit act, audited in the case's chain, revocable). Nobody else.
Until it is shared, nothing of a coding reaches anyone outside the delegation:

- reads of a coding the reader may not see raise the same :class:`NotFound` as a
  coding that does not exist, and lists leave it out;
- writes are refused on the action alone (``coding.write``, ``coding.share``), before
  anything is read, so the answer does not depend on what is stored;
- its writes are audited in a chain of the delegation's own (``coding:<case>:<party>``),
  not in the case's chain the mediator reads; only sharing and revoking, which the
  mediator is meant to learn, go in the case's chain as well;
- the mediator's view of a shared coding carries no edit count and no edit time from
  before it was shared;
- an analysis "on each party's own coding" uses a coding only if the reader may read
  it, and says per party whose coding it used: an unshared coding and no coding give
  the same analysis, word for word.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from offramp.analysis.report import AnalysisReport, analyze
from offramp.errors import Conflict, InputError, NotFound
from offramp.model.access import Action
from offramp.model.codings import Coder, Coding, StoredCoding, check_coding, coded_case
from offramp.services.access import Actor, Scope
from offramp.services.base import UseCases
from offramp.services.stored_case import read_case
from offramp.store.audit import AuditEvent
from offramp.store.audit import events as chain_events

NO_CODING = "No such coding."


def private_chain(case_id: int, party: str) -> str:
    """The audit chain of a delegation's coding (never the case's chain)."""
    return f"coding:{case_id}:{party}"


@dataclass(frozen=True)
class CodingView:
    """A coding as one member sees it.

    The party's delegates get everything (``version`` for the next write). The
    mediator gets the content, when and by whom it was shared, and ``changed_at``: the
    later of the share and the last edit made while shared; ``version`` and
    ``updated_by`` are None for the mediator.
    """

    coding: Coding
    shared_at: datetime | None
    shared_by: str | None
    changed_at: datetime
    version: int | None
    updated_by: str | None


@dataclass(frozen=True)
class CodedAnalysis:
    """The deal space and, per party, whose coding it was computed on."""

    report: AnalysisReport
    coding: dict[str, Coder]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.report.to_dict(),
            "coding": {p: c.value for p, c in self.coding.items()},
            "coding_notes": list(self.notes),
        }


class CodingService(UseCases):
    """Use cases of a party's private coding."""

    def _readable(self, scope: Scope, stored: StoredCoding | None) -> bool:
        if stored is None:
            return False
        return self.policy.can(
            scope,
            Action.CODING_READ,
            resource=f"coding/{stored.coding.party}",
            parties=frozenset({stored.coding.party}),
            shared=stored.shared,
        )

    def _own(self, scope: Scope, stored: StoredCoding) -> bool:
        return scope.party == stored.coding.party and self.policy.can(
            scope,
            Action.CODING_WRITE,
            resource=f"coding/{stored.coding.party}",
            parties=frozenset({stored.coding.party}),
        )

    def _view(self, scope: Scope, stored: StoredCoding) -> CodingView:
        if self._own(scope, stored):
            return CodingView(
                stored.coding,
                stored.shared_at,
                stored.shared_by,
                stored.updated_at,
                stored.version,
                stored.updated_by,
            )
        assert stored.shared_at is not None
        changed = max(stored.shared_at, stored.updated_at)
        return CodingView(stored.coding, stored.shared_at, stored.shared_by, changed, None, None)

    def _require(self, scope: Scope, action: Action, party: str) -> None:
        """Refuse on the action and the party alone, before anything stored is read."""
        self.policy.require(scope, action, resource=f"coding/{party}", parties=frozenset({party}))

    # -- reading --------------------------------------------------------------------
    def get_coding(self, actor: Actor | None, slug: str, party: str) -> CodingView:
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            stored = uow.rounds.get_coding(scope.case.id, party)
            if stored is None or not self._readable(scope, stored):
                raise NotFound(NO_CODING)
            return self._view(scope, stored)

    def list_codings(self, actor: Actor | None, slug: str) -> list[CodingView]:
        """The codings the member may read: its own party's, or (mediator) the shared."""
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            if scope.party is not None:
                found = uow.rounds.get_coding(scope.case.id, scope.party)
                rows = [found] if found is not None else []
            else:
                rows = uow.rounds.list_codings(scope.case.id, shared_only=True)
            return [self._view(scope, s) for s in rows if self._readable(scope, s)]

    def events(self, actor: Actor | None, slug: str, party: str) -> list[AuditEvent]:
        """The delegation's own audit chain of its coding (its delegates only)."""
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            if not self.policy.can(
                scope, Action.CODING_WRITE, resource=f"coding/{party}", parties=frozenset({party})
            ):
                raise NotFound(NO_CODING)
            return chain_events(uow.conn, private_chain(scope.case.id, party), limit=10_000)

    # -- the delegation writes, shares, revokes ----------------------------------------
    def put(
        self, actor: Actor | None, slug: str, party: str, coding: Coding, version: int | None
    ) -> CodingView:
        """Write the party's coding (``version`` None to create it, else the one read)."""
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            self._require(scope, Action.CODING_WRITE, party)
            if coding.party != party:
                raise InputError("party", f"this is the coding of {party}")
            case = read_case(uow, scope.case)
            problems = check_coding(case, coding)
            if problems:
                raise InputError.of(problems)
            old = uow.rounds.get_coding(scope.case.id, party)
            if (old is None) != (version is None) or (old and old.version != version):
                raise Conflict(
                    f"The coding of {party} is at version {old.version}; reload it."
                    if old
                    else f"{party} has no coding yet; create it without a version."
                )
            now = self.clock.now()
            new = StoredCoding(
                coding,
                (old.version + 1) if old else 1,
                now,
                scope.actor.name,
                old.shared_at if old else None,
                old.shared_by if old else None,
            )
            if not uow.rounds.save_coding(scope.case.id, new, old.version if old else None):
                raise Conflict(f"The coding of {party} changed meanwhile; reload it.")
            uow.audit(
                private_chain(scope.case.id, party),
                scope.actor.name,
                "coding.write",
                {"party": party, "version": new.version},
            )
            uow.commit()
        return self._view(scope, new)

    def share(self, actor: Actor | None, slug: str, party: str) -> CodingView:
        """Share the party's coding with the mediator's team (audited in the case)."""
        return self._set_shared(actor, slug, party, share=True)

    def revoke(self, actor: Actor | None, slug: str, party: str) -> CodingView:
        """Stop sharing the party's coding (audited in the case)."""
        return self._set_shared(actor, slug, party, share=False)

    def _set_shared(self, actor: Actor | None, slug: str, party: str, *, share: bool) -> CodingView:
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            self._require(scope, Action.CODING_SHARE, party)
            old = uow.rounds.get_coding(scope.case.id, party)
            if old is None:
                raise NotFound(NO_CODING)
            if old.shared == share:
                raise Conflict(f"The coding of {party} is {'already' if share else 'not'} shared.")
            now = self.clock.now()
            new = old.share(scope.actor.name, now) if share else old.revoke()
            if not uow.rounds.save_coding(scope.case.id, new, old.version):
                raise Conflict(f"The coding of {party} changed meanwhile; reload it.")
            action = "coding.share" if share else "coding.revoke"
            for chain in (slug, private_chain(scope.case.id, party)):
                uow.audit(chain, scope.actor.name, action, {"party": party})
            uow.commit()
        return self._view(scope, new)

    # -- the deal space on codings ------------------------------------------------------
    def analysis(
        self,
        actor: Actor | None,
        slug: str,
        at: date | None = None,
        parties: tuple[str, ...] | None = None,
        *,
        coding: Coder = Coder.PARTY,
    ) -> CodedAnalysis:
        """The deal space on the mediator's coding, or on each party's own where the
        reader may read it (``coding`` says which, per party)."""
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            self.policy.require(scope, Action.ANALYSIS_READ, shared=scope.shared("analysis"))
            case = read_case(uow, scope.case)
            chosen = parties or case.negotiating_parties()
            usable: dict[str, Coding] = {}
            notes: list[str] = []
            if coding is Coder.PARTY:
                for p in chosen:
                    stored = uow.rounds.get_coding(scope.case.id, p)
                    if stored is None or not self._readable(scope, stored):
                        continue
                    if check_coding(case, stored.coding):
                        notes.append(
                            f"{p}'s own coding no longer fits the case (its issues or "
                            "options changed): the mediator's coding is used"
                        )
                        continue
                    usable[p] = stored.coding
        day = at or max(case.dates(), default=self.clock.now().date())
        report = analyze(coded_case(case, usable, day), day, parties or None)
        whose = {p: Coder.PARTY if p in usable else Coder.MEDIATOR for p in report.problem.parties}
        return CodedAnalysis(report, whose, tuple(notes))
