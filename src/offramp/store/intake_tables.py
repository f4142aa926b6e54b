"""The evidence intake's own rows, on the desk's ``MetaData`` (:mod:`offramp.store.tables`).
Migration ``0011_intake_discards`` creates them.

- ``intake_discards``: a proposal a person discarded, as the desk proposed it (party,
  issue, stance, option, speaker, quote, and the sentence it was read from), who
  discarded it and when, and the reason they gave ("" when none). Retraining the reader
  learns each one as a negative example.
- ``intake_readers``: readers trained on a case's desk (the reader's JSON, gzipped, and
  what its training measured). At most one is in use for the case: the one adopted last
  (``adopted_at``); a reader never adopted stays a candidate.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, LargeBinary, String, Text

from offramp.store.tables import Time, case_table

intake_discards = case_table(
    "intake_discards",
    Column("discarded_at", Time, nullable=False),
    Column("discarded_by", String(80), nullable=False),
    Column("party", String(20), nullable=True),
    Column("issue", String(80), nullable=True),
    Column("stance", String(20), nullable=False),
    Column("option", String(80), nullable=True),
    Column("speaker", Text, nullable=False),
    Column("quote", Text, nullable=False),
    Column("sentence", Text, nullable=False),
    Column("article_date", String(10), nullable=False),
    Column("rule", Text, nullable=False),
    Column("reason", Text, nullable=False),
)
Index("ix_intake_discards_case_id", intake_discards.c.case_id)

intake_readers = case_table(
    "intake_readers",
    Column("trained_at", Time, nullable=False),
    Column("trained_by", String(80), nullable=False),
    Column("reader", LargeBinary, nullable=False),  # gzip of Reader.to_dict() as JSON
    Column("report", JSON, nullable=False),  # what training measured (TrainingReport)
    Column("adopted_at", Time, nullable=True),
    Column("adopted_by", String(80), nullable=True),
)
Index("ix_intake_readers_case_id", intake_readers.c.case_id)
