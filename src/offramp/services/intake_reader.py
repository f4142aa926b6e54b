"""Retraining a case's reader from its desk, and choosing which reader the intake uses.

:meth:`IntakeReaders.train` learns from the case's confirmed statements and discarded
proposals (:mod:`offramp.services.intake_items`) less a held-out part (one in four,
chosen by a hash of each item, so an item stays in its part as the desk grows:
:func:`offramp.extract.training_score.split`). It starts from the reader in use (the one
adopted on this desk, else the one shipped for the case) and stays near it
(:mod:`offramp.extract.training_prior`), or trains from scratch when the case has none.
It scores the reader in use and the new one on the held-out part and stores the new one
as a candidate: nothing changes for the intake until someone adopts it
(:meth:`IntakeReaders.adopt`). :meth:`IntakeReaders.retire` goes back to the shipped
reader. Each is audited; all need ``reader.train`` (the mediator and the analyst).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from offramp.errors import InputError, NotFound
from offramp.model import Case
from offramp.model.access import Action
from offramp.services.access import AccessPolicy, Actor, Scope
from offramp.services.intake_items import Item, desk_items
from offramp.services.stored_case import read_case
from offramp.store.intake_repository import IntakeRepository, ReaderRow
from offramp.store.uow import UnitOfWork, UowFactory

if TYPE_CHECKING:
    from spacy.language import Language

    from offramp.extract import Lexicon, Reader

NO_READER = "No such reader for this case."
ADAPT_L2 = 5.0
"""The pull toward the reader in use when retraining near it. On a Ukraine set the
shipped reader never saw (``docs/intake.md``), 5 raised held-out precision and kept
recall, 1 lowered recall and 20 changed nothing."""


@dataclass(frozen=True)
class ReaderState:
    """What retraining would learn from and test on, and the readers trained so far."""

    learn: tuple[int, int]  # (confirmed statements, discarded proposals) to learn from
    test: tuple[int, int]  # the same, held out
    readers: tuple[ReaderRow, ...]  # newest first
    in_use: ReaderRow | None  # the desk reader adopted last, if any
    shipped: str  # what the shipped reader was trained on; "" when none ships


class IntakeReaders:
    """Trains, adopts and retires a case's desk readers."""

    def __init__(
        self,
        uow: UowFactory,
        policy: AccessPolicy,
        pipeline: Callable[[], Language] | None = None,
    ) -> None:
        self.uow = uow
        self.policy = policy
        self._pipeline = pipeline

    def _scope(self, uow: UnitOfWork, actor: Actor | None, slug: str) -> Scope:
        scope = self.policy.access_case(uow.repo, actor, slug)
        self.policy.require(scope, Action.READER_TRAIN, resource="reader")
        return scope

    def items(self, actor: Actor | None, slug: str) -> tuple[Case, list[Item]]:
        """The case, and its desk as labelled items (needs ``reader.train``)."""
        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            return _desk(uow, scope)

    def reader(self, actor: Actor | None, slug: str, reader_id: int) -> Reader:
        """A reader trained on the case's desk (NotFound if the case has no such one)."""
        from offramp.extract import Reader

        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            data = IntakeRepository(uow.conn).reader_data(scope.case.id, reader_id)
        if data is None:
            raise NotFound(NO_READER)
        return Reader.from_dict(data)

    def state(self, actor: Actor | None, slug: str) -> ReaderState:
        from offramp.extract import Lexicon, find_reader
        from offramp.extract.training_score import split

        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            case, items = _desk(uow, scope)
            rows = IntakeRepository(uow.conn).list_readers(scope.case.id)
            in_use, _ = reader_in_use(uow, scope.case.id, Lexicon.from_case(case))
        learn, test = split(items)
        shipped = find_reader(Lexicon.from_case(case))
        return ReaderState(
            _counts(learn),
            _counts(test),
            tuple(rows),
            in_use,
            shipped.trained_on if shipped else "",
        )

    def train(self, actor: Actor | None, slug: str) -> ReaderRow:
        """Train a candidate reader on the desk, score it and the one in use; store it."""
        from offramp.extract import Extractor, Lexicon, load_pipeline
        from offramp.extract.training import train
        from offramp.extract.training_score import score, split

        with self.uow() as uow:
            scope = self._scope(uow, actor, slug)
            case, items = _desk(uow, scope)
            in_use, before = reader_in_use(uow, scope.case.id, Lexicon.from_case(case))
        learn, test = split(items)
        _enough(learn, test)
        lexicon = Lexicon.from_case(case)
        nlp = (self._pipeline or load_pipeline)()
        reader = train(
            lexicon,
            nlp,
            learn,
            threshold=before.threshold if before else 0.3,
            l2=ADAPT_L2 if before else 1.0,
            trained_on=f"desk:{slug}",
            start=before,
        )
        was, now = (score(Extractor(lexicon, nlp, reader=r), test) for r in (before, reader))
        report: dict[str, Any] = {
            "learn": list(_counts(learn)),
            "test": list(_counts(test)),
            "started_from": _origin(in_use, before),
            "before": [was.right, was.proposed, was.labelled],
            "after": [now.right, now.proposed, now.labelled],
        }
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            repo = IntakeRepository(uow.conn)
            at = uow.clock.now()
            key = repo.add_reader(scope.case.id, reader.to_dict(), report, scope.actor.name, at)
            uow.audit(slug, scope.actor.name, "reader.train", {"reader": key, **report})
            uow.commit()
            return next(r for r in repo.list_readers(scope.case.id) if r.id == key)

    def adopt(self, actor: Actor | None, slug: str, reader_id: int) -> ReaderRow:
        """Have the intake read with this desk reader from now on."""
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            repo = IntakeRepository(uow.conn)
            if not repo.adopt_reader(scope.case.id, reader_id, scope.actor.name, uow.clock.now()):
                raise NotFound(NO_READER)
            uow.audit(slug, scope.actor.name, "reader.adopt", {"reader": reader_id})
            uow.commit()
            return next(r for r in repo.list_readers(scope.case.id) if r.id == reader_id)

    def retire(self, actor: Actor | None, slug: str) -> None:
        """Stop using the desk's readers: the intake reads with the shipped one again."""
        with self.uow(write=True) as uow:
            scope = self._scope(uow, actor, slug)
            repo = IntakeRepository(uow.conn)
            current = repo.in_use(scope.case.id)
            if current is None:
                raise InputError("reader", "no reader trained on this desk is in use")
            repo.retire_readers(scope.case.id)
            uow.audit(slug, scope.actor.name, "reader.retire", {"reader": current.id})
            uow.commit()


def reader_in_use(
    uow: UnitOfWork, case_id: int, lexicon: Lexicon
) -> tuple[ReaderRow | None, Reader | None]:
    """The desk reader in use (when it still fits the case's ids) and its reader, else
    (None, the reader shipped for the case or None)."""
    from offramp.extract import Reader, find_reader

    repo = IntakeRepository(uow.conn)
    row = repo.in_use(case_id)
    if row is not None:
        data = repo.reader_data(case_id, row.id)
        assert data is not None
        reader = Reader.from_dict(data)
        if reader.fits([i.id for i in lexicon.issues], [a.id for a in lexicon.actors]):
            return row, reader
    return None, find_reader(lexicon)


def _desk(uow: UnitOfWork, scope: Scope) -> tuple[Case, list[Item]]:
    case = read_case(uow, scope.case)
    statements = uow.repo.list_statements(scope.case.id)
    discards = IntakeRepository(uow.conn).list_discards(scope.case.id)
    return case, desk_items(case, statements, discards)


def _counts(items: Sequence[Mapping[str, Any]]) -> tuple[int, int]:
    """(confirmed statements, discarded proposals) among ``items``."""
    labels = sum(len(i["labels"]) for i in items if "judged" not in i)
    discards = sum(len(i["judged"]) for i in items if "judged" in i)
    return labels, discards


def _enough(learn: Sequence[Mapping[str, Any]], test: Sequence[Mapping[str, Any]]) -> None:
    learnt, held = _counts(learn), _counts(test)
    if sum(learnt) == 0 or held[0] == 0:
        raise InputError(
            "reader",
            "too few statements to retrain: it needs confirmed statements or discarded "
            "proposals to learn from and confirmed statements to test on; this desk has "
            f"{learnt[0] + held[0]} confirmed and {learnt[1] + held[1]} discarded, "
            f"and {held[0]} confirmed held out for the test",
        )


def _origin(row: ReaderRow | None, reader: Reader | None) -> str:
    """What the new reader started from, in words."""
    if row is not None:
        return f"the reader {row.trained_by} trained on this desk on {row.trained_at:%d %B %Y}"
    if reader is not None:
        return f"the reader shipped for the case (trained on {reader.trained_on})"
    return "nothing: the rules alone, no reader ships for the case"
