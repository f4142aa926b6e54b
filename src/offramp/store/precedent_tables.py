"""Links from a case's options to precedents of the library, on the desk's ``MetaData``
(:mod:`offramp.store.tables`). Migration ``0004_precedent_links`` creates the table.

A link names its precedent (and optionally one provision) by id and copies none of its
text: the library is read from the files each time, so a link whose precedent left the
library is still listed, as no longer in the library. One link per (case, issue, option,
precedent, provision); "no provision" counts as one value, so the uniqueness holds for
links to a whole precedent too (a unique index on ``coalesce(provision_id, '')``).
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Text, func

from offramp.store.tables import Time, case_table

precedent_links = case_table(
    "precedent_links",
    Column("issue_id", String(80), nullable=False),
    Column("option_id", String(80), nullable=False),
    Column("precedent_id", String(80), nullable=False),
    Column("provision_id", String(80), nullable=True),
    Column("note", Text, nullable=False),
    Column("created_by", String(80), nullable=False),
    Column("created_at", Time, nullable=False),
    Column("version", Integer, nullable=False),
)

Index(
    "uq_precedent_links_link",
    precedent_links.c.case_id,
    precedent_links.c.issue_id,
    precedent_links.c.option_id,
    precedent_links.c.precedent_id,
    func.coalesce(precedent_links.c.provision_id, ""),
    unique=True,
)
