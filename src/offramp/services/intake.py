"""Evidence intake on the desk: an article in, proposed statements out; a person decides.

:meth:`IntakeService.propose` runs the extractor (``offramp.extract``) over a text with
the case's word lists and returns :class:`~offramp.extract.ProposedStatement` s. It stores
nothing. :meth:`IntakeService.accept` records one proposal, as a person edited or
left it, as an **unconfirmed** statement through :meth:`CaseService.add_statement`
(with a new source first, when one is described). Positions change only when someone
confirms the statement (:meth:`CaseService.confirm_statement`), a separate step.

Both need the right to add statements (``statement.create``). The spaCy pipeline is
loaded on the first proposal, not at start-up, and kept for the process.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from offramp.errors import InputError
from offramp.files.case import new_source, new_statement
from offramp.model import Case
from offramp.model.access import Action
from offramp.model.checks import Known
from offramp.services.access import AccessPolicy, Actor
from offramp.services.cases import CaseService
from offramp.services.stored_case import read_case
from offramp.store.repository import StatementRow
from offramp.store.uow import UowFactory

if TYPE_CHECKING:
    from spacy.language import Language

    from offramp.extract import Extractor, ProposedStatement

MAX_TEXT = 200_000
"""The longest text :meth:`IntakeService.propose` reads, in characters."""

INTAKE_NOTE = "proposed by intake"
RECORDED_NOTE = "recorded through intake"
"""How a statement recorded through intake is marked (its ``note``)."""


@dataclass(frozen=True)
class NewSource:
    """A source to add to the case with the statement (an article not yet cited)."""

    publication: str
    title: str = ""
    author: str = ""
    date: date | None = None
    url: str = ""


class IntakeService:
    """Proposes statements from text and records the ones a person accepts."""

    def __init__(
        self,
        uow: UowFactory,
        policy: AccessPolicy,
        cases: CaseService,
        pipeline: Callable[[], Language] | None = None,
    ) -> None:
        self.uow = uow
        self.policy = policy
        self.cases = cases
        self._pipeline = pipeline
        self._extractors: dict[tuple[int, int], Extractor] = {}

    def _case(self, actor: Actor | None, slug: str) -> tuple[tuple[int, int], Case]:
        """The case, if the actor may add statements to it (NotFound / Forbidden if not)."""
        with self.uow() as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            self.policy.require(scope, Action.STATEMENT_CREATE, resource="intake")
            return (scope.case.id, scope.case.version), read_case(uow, scope.case)

    def _extractor(self, key: tuple[int, int], case: Case) -> Extractor:
        # spaCy takes about a second to import: only intake pays for it, on first use,
        # not every verb and request of the desk.
        from offramp.extract import Extractor, Lexicon, find_reader, load_pipeline

        found = self._extractors.get(key)
        if found is None:
            if len(self._extractors) > 32:
                self._extractors.clear()
            lexicon = Lexicon.from_case(case)
            pipeline = (self._pipeline or load_pipeline)()
            found = self._extractors[key] = Extractor(
                lexicon, pipeline, reader=find_reader(lexicon)
            )
        return found

    # -- propose ---------------------------------------------------------------------------
    def propose(
        self, actor: Actor | None, slug: str, text: str, article_date: date
    ) -> list[ProposedStatement]:
        """Proposed statements in ``text`` (an article of ``article_date``). Stores nothing."""
        key, case = self._case(actor, slug)
        if not text.strip():
            raise InputError("text", "paste the article or statement, or upload a .txt file")
        if len(text) > MAX_TEXT:
            raise InputError(
                "text", f"the text is {len(text):,} characters; the limit is {MAX_TEXT:,}"
            )
        return self._extractor(key, case).extract(text, article_date)

    # -- accept ----------------------------------------------------------------------------
    def accept(
        self,
        actor: Actor | None,
        slug: str,
        *,
        speaker: str,
        party: str | None,
        issue: str | None,
        stance: str | None,
        quote: str,
        date: date,
        option: str | None = None,
        date_basis: str = "",
        rule: str = "",
        statement_id: str | None = None,
        source_id: str | None = None,
        source: NewSource | None = None,
    ) -> str:
        """Record a proposal as an unconfirmed statement; its id. Positions are unchanged.

        Give the source as ``source_id`` (one of the case's) or as ``source`` (added to
        the case first; an identical source already added is reused).
        """
        if (source_id is None) == (source is None):
            raise InputError("source", "give the source: one of the case's, or a new one")
        _, case = self._case(actor, slug)
        new_source: dict[str, Any] | None = None
        if source is not None:
            source_id, new_source = _source_entry(case, source)
        elif source_id not in {s.id for s in case.sources}:
            raise InputError("source", f"the case has no source {source_id!r}")
        assert source_id is not None
        taken = {s.id for s in case.statements}
        if statement_id:
            if statement_id in taken:
                raise InputError("id", f"the case already has a statement {statement_id!r}")
        else:
            statement_id = _unique(
                _slug(f"{party or 'assessment'}-{issue or stance}-{date}"), taken
            )
        data: dict[str, Any] = {
            "id": statement_id,
            "date": date.isoformat(),
            "party": party,
            "speaker": speaker,
            "quote": quote,
            "source": source_id,
            "stance": stance,
            "issue": issue,
            "option": option,
            "date_basis": date_basis,
            "note": f"{INTAKE_NOTE} rule {rule}" if rule else RECORDED_NOTE,
        }
        data = {k: v for k, v in data.items() if v not in (None, "")}
        _check(case, new_source, data)  # before anything is written
        if new_source is not None:
            self._add_source(actor, slug, new_source)
        row = self.cases.add_statement(actor, slug, data)
        return row.statement.id

    def waiting(self, actor: Actor | None, slug: str) -> list[StatementRow]:
        """Statements recorded through intake and not yet confirmed, newest date first."""
        with self.uow() as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            self.policy.require(scope, Action.STATEMENT_CREATE, resource="intake")
            rows = uow.repo.list_statements(scope.case.id)
        return sorted(
            (
                r
                for r in rows
                if r.confirmed_at is None
                and r.statement.note.startswith((INTAKE_NOTE, RECORDED_NOTE))
            ),
            key=lambda r: (r.statement.date, r.statement.id),
            reverse=True,
        )

    def training_items(self, actor: Actor | None, slug: str) -> tuple[Case, list[dict[str, Any]]]:
        """The case, and its confirmed statements as labelled items for the reader.

        Each confirmed statement with a party and a stance is one item in the format of
        ``offramp train-reader``'s label files: its quote as ``text``, its date as
        ``article_date``, and one label (party, issue, stance, speaker); statements with
        the same quote and date are one item with several labels. The store keeps the
        quote, not the sentence around it, and records no discarded proposals (a
        proposal nobody added is never stored), so there are no negative items. Needs
        ``reader.train`` (the mediator and the analyst).
        """
        with self.uow() as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            self.policy.require(scope, Action.READER_TRAIN, resource="reader")
            case = read_case(uow, scope.case)
            rows = uow.repo.list_statements(scope.case.id)
        items: dict[tuple[str, str], dict[str, Any]] = {}
        for row in sorted(rows, key=lambda r: (r.statement.date, r.statement.id)):
            s = row.statement
            if row.confirmed_at is None or s.party is None or s.stance is None:
                continue
            label = {"party": s.party, "issue": s.issue, "stance": str(s.stance)}
            if s.speaker in {p.id for p in case.people}:
                label["speaker"] = s.speaker
            item = items.setdefault(
                (s.quote, s.date.isoformat()),
                {"id": f"desk-{s.id}", "article_date": s.date.isoformat(), "text": s.quote},
            )
            labels = item.setdefault("labels", [])
            if label not in labels:
                labels.append(label)
        return case, list(items.values())

    def _add_source(self, actor: Actor | None, slug: str, source: dict[str, Any]) -> None:
        with self.uow(write=True) as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            self.policy.require(scope, Action.STATEMENT_CREATE, resource="intake")
            case = read_case(uow, scope.case)
            if source["id"] in {s.id for s in case.sources}:
                return  # added meanwhile by the same article's other proposal
            uow.repo.add_source(scope.case.id, source)
            uow.audit(slug, scope.actor.name, "source.create", {"source": source})
            uow.commit()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-") or "source"


def _unique(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    k = 2
    while f"{base}-{k}" in taken:
        k += 1
    return f"{base}-{k}"


def _source_entry(case: Case, source: NewSource) -> tuple[str, dict[str, Any] | None]:
    """The id of ``source`` in the case, and its entry when it must be added."""
    if not source.publication.strip():
        raise InputError("publication", "name the publication of the source")
    entry: dict[str, Any] = {
        "publication": source.publication.strip(),
        "title": source.title.strip(),
        "author": source.author.strip(),
        "date": source.date.isoformat() if source.date else None,
        "url": source.url.strip(),
    }
    entry = {k: v for k, v in entry.items() if v not in (None, "")}
    for s in case.sources:
        same = (s.publication, s.title, s.author, s.date, s.url) == (
            source.publication.strip(),
            source.title.strip(),
            source.author.strip(),
            source.date,
            source.url.strip(),
        )
        if same:
            return s.id, None
    base = _slug(f"{source.publication}-{source.date or ''}")
    key = _unique(base, {s.id for s in case.sources})
    return key, {"id": key, **entry}


def _check(case: Case, source: dict[str, Any] | None, statement: dict[str, Any]) -> None:
    """Check the new source and statement against the case, as a case file would."""
    known = Known.of(case)
    if source is not None:
        known = known.with_source(new_source(source, known).id)
    new_statement(statement, known)
