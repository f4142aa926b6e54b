"""Many articles at once: in batches and in worker processes, the same proposals in order."""

from __future__ import annotations

from datetime import date

from offramp.extract import Extractor

ARTICLES = [
    ("Peskov said Russia demanded a neutral status.", date(2022, 3, 11)),
    ("Zelensky said Ukraine would never recognise Crimea as Russian.", date(2022, 3, 12)),
    ("Background only: the delegations met in Istanbul.", date(2022, 3, 29)),
    (
        "Podolyak said Ukraine proposed a neutral status. He said Kyiv wanted security guarantees.",
        date(2022, 3, 29),
    ),
]


def test_batches_and_worker_processes_give_what_one_by_one_gives(extractor: Extractor):
    one_by_one = [extractor.extract(text, day) for text, day in ARTICLES]
    assert [len(found) for found in one_by_one] == [1, 1, 0, 2]
    assert list(extractor.extract_many(ARTICLES)) == one_by_one
    assert list(extractor.extract_many(ARTICLES, n_process=2)) == one_by_one
