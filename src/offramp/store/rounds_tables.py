"""Rounds of secret acceptances and the parties' private codings, on the desk's
``MetaData`` (:mod:`offramp.store.tables`). Migration ``0003_rounds_codings`` creates them.

A round is one row (its packages and overlap in ``data``) and one answer row per
addressed party, made when the round opens: the number of rows never depends on what
anyone marked. A party's marks are JSON on its own answer row (``accepted``), set to
NULL when a sealed round is revealed. A coding is one row per (case, party).
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from offramp.store.tables import Time, case_table, metadata

rounds = Table(
    "rounds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("visibility", String(20), nullable=False),
    Column("state", String(20), nullable=False),  # open | revealed (expiry is computed)
    Column("opened_by", String(80), nullable=False),
    Column("opened_at", Time, nullable=False),
    Column("deadline", Time, nullable=True),
    Column("revealed_at", Time, nullable=True),
    Column("version", Integer, nullable=False),
    Column("data", JSON, nullable=False),  # {"packages": [...], "overlap": [...] | null}
)

round_answers = Table(
    "round_answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    Column("party", String(20), nullable=False),
    Column("answered_at", Time, nullable=True),
    Column("accepted", JSON, nullable=True),  # package keys; NULL unanswered or forgotten
    UniqueConstraint("round_id", "party", name="uq_round_answers_round_party"),
)

codings = case_table(
    "codings",
    Column("party", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("data", JSON, nullable=False),  # {"issues": [...], "reservation": x, "note": ""}
    Column("updated_at", Time, nullable=False),
    Column("updated_by", String(80), nullable=False),
    Column("shared_at", Time, nullable=True),
    Column("shared_by", String(80), nullable=True),
    UniqueConstraint("case_id", "party", name="uq_codings_case_party"),
)
