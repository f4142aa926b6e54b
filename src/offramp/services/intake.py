"""Evidence intake on the desk: an article in, proposed statements out; a person decides.

:meth:`IntakeService.propose` runs the extractor (``offramp.extract``) over a text with
the case's word lists and returns :class:`~offramp.extract.ProposedStatement` s. It stores
nothing. :meth:`IntakeService.accept` records one proposal, as a person edited or
left it, as an **unconfirmed** statement through :meth:`CaseService.add_statement`
(with a new source first, when one is described). Positions change only when someone
confirms the statement (:meth:`CaseService.confirm_statement`), a separate step.

:meth:`IntakeService.discard` records a proposal a person discarded (who, when, the
proposal as the desk made it, and a reason if they gave one), audited as
``intake.discard``; retraining the reader learns it as a negative example
(:mod:`offramp.services.intake_reader`, :attr:`IntakeService.readers`).

All need the right to add statements (``statement.create``: the mediator and the
analyst; never a delegation, so no party sees the intake of another). The spaCy pipeline
is loaded on the first proposal, not at start-up, and kept for the process.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from offramp.errors import InputError
from offramp.files.case import new_source, new_statement
from offramp.model import Case
from offramp.model.access import Action
from offramp.model.checks import Known
from offramp.model.statements import Stance
from offramp.services.access import AccessPolicy, Actor
from offramp.services.cases import CaseService
from offramp.services.intake_reader import IntakeReaders, reader_in_use
from offramp.services.stored_case import changing, read_case
from offramp.store.intake_repository import Discard as Discard
from offramp.store.intake_repository import DiscardRow, IntakeRepository
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
MAX_REASON = 500
"""The longest reason for a discard, in characters."""


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
        self._extractors: dict[tuple[int, int, int | None], Extractor] = {}
        self.readers = IntakeReaders(uow, policy, pipeline)

    def _case(self, actor: Actor | None, slug: str) -> tuple[tuple[int, int], Case]:
        """The case, if the actor may add statements to it (NotFound / Forbidden if not)."""
        with self.uow() as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            self.policy.require(scope, Action.STATEMENT_CREATE, resource="intake")
            return (scope.case.id, scope.case.version), read_case(uow, scope.case)

    def _extractor(self, key: tuple[int, int], case: Case) -> Extractor:
        # spaCy takes about a second to import: only intake pays for it, on first use,
        # not every verb and request of the desk.
        from offramp.extract import Extractor, Lexicon, load_pipeline

        lexicon = Lexicon.from_case(case)
        with self.uow() as uow:  # the desk's adopted reader, else the shipped one
            row, reader = reader_in_use(uow, key[0], lexicon)
        keyed = (*key, row.id if row else None)
        found = self._extractors.get(keyed)
        if found is None:
            if len(self._extractors) > 32:
                self._extractors.clear()
            pipeline = (self._pipeline or load_pipeline)()
            found = self._extractors[keyed] = Extractor(lexicon, pipeline, reader=reader)
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
        proposed: Discard | None = None,
    ) -> str:
        """Record a proposal as an unconfirmed statement; its id. Positions are unchanged.

        Give the source as ``source_id`` (one of the case's) or as ``source`` (added to
        the case first; an identical source already added is reused). ``proposed`` is
        the proposal as the desk made it: when the person changed whose position it is
        or which issue it is on, the desk's version is recorded as discarded (reason:
        what it was corrected to), so that retraining learns from the correction.
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
        correction = _correction(case, proposed, party, issue)
        if new_source is not None:
            self._add_source(actor, slug, new_source)
        row = self.cases.add_statement(actor, slug, data)
        if correction is not None:
            self.discard(actor, slug, correction)
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

    # -- discard ---------------------------------------------------------------------------
    def discard(self, actor: Actor | None, slug: str, proposal: Discard) -> int:
        """Record that a person discarded ``proposal`` (as the desk proposed it); its id."""
        with self.uow(write=True) as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            self.policy.require(scope, Action.STATEMENT_CREATE, resource="intake")
            checked = _checked_discard(read_case(uow, scope.case), proposal)
            key = IntakeRepository(uow.conn).add_discard(
                scope.case.id, checked, scope.actor.name, uow.clock.now()
            )
            payload = {k: v for k, v in vars(checked).items() if v not in (None, "")}
            uow.audit(slug, scope.actor.name, "intake.discard", {"discard": key, **payload})
            uow.commit()
        return key

    def discards(self, actor: Actor | None, slug: str) -> list[DiscardRow]:
        """The proposals people discarded on the case, newest first."""
        with self.uow() as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            self.policy.require(scope, Action.STATEMENT_CREATE, resource="intake")
            return IntakeRepository(uow.conn).list_discards(scope.case.id)

    def training_items(self, actor: Actor | None, slug: str) -> tuple[Case, list[dict[str, Any]]]:
        """The case, and its desk as labelled items for the reader, in the format of
        ``offramp train-reader``'s label files: the confirmed statements as labels, the
        discarded proposals as negatives (:func:`offramp.services.intake_items.desk_items`).
        Needs ``reader.train`` (the mediator and the analyst).
        """
        return self.readers.items(actor, slug)

    def _add_source(self, actor: Actor | None, slug: str, source: dict[str, Any]) -> None:
        with self.uow(write=True) as uow:
            scope = self.policy.access_case(uow.repo, actor, slug)
            self.policy.require(scope, Action.STATEMENT_CREATE, resource="intake")
            scope = changing(uow, scope)
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


def corrects(proposed: Discard | None, party: str | None, issue: str | None) -> bool:
    """Whether a statement of ``party`` on ``issue`` corrects the desk's ``proposed``
    (whose position it is, or which issue it is on; a changed stance is not a miss of
    the reader's relevance, and is learned from the confirmed statement itself)."""
    return (
        proposed is not None
        and proposed.party is not None
        and ((proposed.party, proposed.issue) != (party, issue))
    )


def _correction(
    case: Case, proposed: Discard | None, party: str | None, issue: str | None
) -> Discard | None:
    """The desk's proposal as a checked discard if the person changed its party or issue
    (its reason says to what), else None; InputError if it names what the case has not."""
    if not corrects(proposed, party, issue):
        return None
    assert proposed is not None
    names = {p.id: p.name for p in case.parties}
    titles = {i.id: i.title for i in case.issues}
    who = names.get(party or "", "an assessment")
    what = f"on {titles[issue]}" if issue in titles else "on no issue"
    return _checked_discard(case, replace(proposed, reason=f"corrected to {who} {what}"))


def _checked_discard(case: Case, d: Discard) -> Discard:
    """``d`` with its text trimmed, or InputError naming the first field that is wrong."""
    if d.party not in {p.id for p in case.parties}:
        raise InputError("party", f"the case has no party {d.party!r}")
    issue = next((i for i in case.issues if i.id == d.issue), None)
    if d.issue is not None and issue is None:
        raise InputError("issue", f"the case has no issue {d.issue!r}")
    if d.option is not None and (issue is None or d.option not in {o.id for o in issue.options}):
        raise InputError("option", f"{d.option!r} is not an option of the proposal's issue")
    if d.stance not in {s.value for s in Stance}:
        raise InputError("stance", f"{d.stance!r} is not a stance")
    try:
        date.fromisoformat(d.article_date)
    except ValueError:
        raise InputError(
            "article_date", f"{d.article_date!r} is not a date like 2022-03-11"
        ) from None
    for field, value, most in (
        ("speaker", d.speaker, 200),
        ("quote", d.quote, MAX_TEXT),
        ("sentence", d.sentence, MAX_TEXT),
        ("reason", d.reason, MAX_REASON),
    ):
        if len(value.strip()) > most:
            raise InputError(field, f"the {field} is longer than {most:,} characters")
    if not d.quote.strip() or not d.sentence.strip():
        raise InputError("sentence", "a discarded proposal needs its quote and its sentence")
    return replace(
        d,
        speaker=d.speaker.strip(),
        quote=d.quote.strip(),
        sentence=d.sentence.strip(),
        reason=d.reason.strip(),
    )
