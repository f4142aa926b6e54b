"""Evidence intake: text to proposed statements, which a person confirms or discards.

    >>> from offramp.extract import Extractor, Lexicon, find_reader  # doctest: +SKIP
    >>> lexicon = Lexicon.from_case(case)                             # doctest: +SKIP
    >>> extractor = Extractor(lexicon, reader=find_reader(lexicon))   # doctest: +SKIP
    >>> extractor.extract(text, date(2022, 3, 11))                    # doctest: +SKIP

The rules (:mod:`.proposals`) read stance cues through the parse; the trained reader
(:mod:`.reader`), where one was trained for the case, decides which of the sentence's
(party, issue) pairs hold a position, with the rules' proposals among its evidence.
Nothing in this package changes a case: it proposes, a person decides.
"""

from offramp.extract import loading  # noqa: F401  first: spaCy without its CLI
from offramp.extract.dates import DateMention, find_dates, resolve
from offramp.extract.lexicon import ActorTerms, IssueTerms, Lexicon, OptionTerms, PersonTerms
from offramp.extract.proposals import PIPELINE, Extractor, ProposedStatement, extract, load_pipeline
from offramp.extract.reader import Reader, Reading, find_reader

__all__ = [
    "PIPELINE",
    "ActorTerms",
    "DateMention",
    "Extractor",
    "IssueTerms",
    "Lexicon",
    "OptionTerms",
    "PersonTerms",
    "ProposedStatement",
    "Reader",
    "Reading",
    "extract",
    "find_dates",
    "find_reader",
    "load_pipeline",
    "resolve",
]
