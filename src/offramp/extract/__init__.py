"""Evidence intake: text to proposed statements, which a person confirms or discards.

    >>> from offramp.extract import Extractor, Lexicon          # doctest: +SKIP
    >>> Extractor(Lexicon.from_case(case)).extract(text, date(2022, 3, 11))  # doctest: +SKIP

Nothing in this package changes a case: it proposes, a person decides.
"""

from offramp.extract.dates import DateMention, find_dates, resolve
from offramp.extract.lexicon import ActorTerms, IssueTerms, Lexicon, OptionTerms, PersonTerms
from offramp.extract.proposals import PIPELINE, Extractor, Proposal, extract, load_pipeline

__all__ = [
    "PIPELINE",
    "ActorTerms",
    "DateMention",
    "Extractor",
    "IssueTerms",
    "Lexicon",
    "OptionTerms",
    "PersonTerms",
    "Proposal",
    "extract",
    "find_dates",
    "load_pipeline",
    "resolve",
]
