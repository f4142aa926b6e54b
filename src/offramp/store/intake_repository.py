"""The intake's rows in and out of their tables (:mod:`offramp.store.intake_tables`).

No access checks: :mod:`offramp.services.intake` does them.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, desc, insert, select, update

from offramp.store.cipher import Keyring
from offramp.store.intake_tables import intake_discards as discards
from offramp.store.intake_tables import intake_readers as readers
from offramp.store.sealed import keyring_of, seal, unseal

REASON = "intake_discards.reason"  # sealed: what a person wrote about a proposal
#: trained readers kept per case (the newest, and any adopted): each is a few hundred KB,
#: and retraining is a button, so the desk bounds what it stores (OWASP ASVS 12.1.3)
KEEP_READERS = 10


def _utc(value: datetime) -> datetime:
    """Times come back from SQLite without a zone and from PostgreSQL in the session's."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class Discard:
    """A proposal a person discarded, as the desk proposed it."""

    party: str | None
    issue: str | None
    stance: str
    speaker: str
    quote: str
    sentence: str
    article_date: str  # ISO 8601
    option: str | None = None
    rule: str = ""
    reason: str = ""


@dataclass(frozen=True)
class DiscardRow:
    """A stored discard: who discarded it and when."""

    id: int
    discard: Discard
    discarded_by: str
    discarded_at: datetime


@dataclass(frozen=True)
class ReaderRow:
    """A reader trained on the case's desk, with what its training measured."""

    id: int
    trained_by: str
    trained_at: datetime
    report: dict[str, Any]
    adopted_by: str | None
    adopted_at: datetime | None


class IntakeRepository:
    """One connection's intake rows (inside the caller's transaction)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- discards -----------------------------------------------------------------------
    def add_discard(self, case_id: int, d: Discard, by: str, at: datetime) -> int:
        res = self.conn.execute(
            insert(discards).values(
                case_id=case_id,
                discarded_at=at,
                discarded_by=by,
                party=d.party,
                issue=d.issue,
                stance=d.stance,
                option=d.option,
                speaker=d.speaker,
                quote=d.quote,
                sentence=d.sentence,
                article_date=d.article_date,
                rule=d.rule,
                reason=seal(self.conn, d.reason, REASON),
            )
        )
        key = res.inserted_primary_key
        assert key is not None
        return int(key[0])

    def list_discards(self, case_id: int) -> list[DiscardRow]:
        """The case's discards, newest first."""
        q = select(discards).where(discards.c.case_id == case_id)
        rows = self.conn.execute(q.order_by(desc(discards.c.id))).all()
        ring = keyring_of(self.conn)
        return [_discard(r, ring) for r in rows]

    # -- readers ------------------------------------------------------------------------
    def add_reader(
        self, case_id: int, reader: dict[str, Any], report: dict[str, Any], by: str, at: datetime
    ) -> int:
        """Store a trained reader; its id. The case keeps the newest :data:`KEEP_READERS`
        and any adopted one; older ones go."""
        text = json.dumps(reader, separators=(",", ":"), sort_keys=True)
        res = self.conn.execute(
            insert(readers).values(
                case_id=case_id,
                trained_at=at,
                trained_by=by,
                reader=gzip.compress(text.encode("utf-8"), mtime=0),
                report=report,
            )
        )
        key = res.inserted_primary_key
        assert key is not None
        newest = select(readers.c.id).where(readers.c.case_id == case_id)
        kept = newest.order_by(desc(readers.c.id)).limit(KEEP_READERS).subquery()
        self.conn.execute(
            delete(readers).where(
                readers.c.case_id == case_id,
                readers.c.adopted_at.is_(None),
                readers.c.id.not_in(select(kept.c.id)),
            )
        )
        return int(key[0])

    def list_readers(self, case_id: int) -> list[ReaderRow]:
        """The readers trained on the case's desk, newest first (without their weights)."""
        cols = [c for c in readers.c if c.name != "reader"]
        q = select(*cols).where(readers.c.case_id == case_id).order_by(desc(readers.c.id))
        return [_reader(r) for r in self.conn.execute(q).all()]

    def reader_data(self, case_id: int, reader_id: int) -> dict[str, Any] | None:
        """The reader's JSON (``Reader.to_dict()``), or None if the case has no such one."""
        q = select(readers.c.reader).where(readers.c.case_id == case_id, readers.c.id == reader_id)
        blob = self.conn.execute(q).scalar_one_or_none()
        if blob is None:
            return None
        data: dict[str, Any] = json.loads(gzip.decompress(blob).decode("utf-8"))
        return data

    def adopt_reader(self, case_id: int, reader_id: int, by: str, at: datetime) -> bool:
        """Mark the reader adopted now; False if the case has no such reader."""
        res = self.conn.execute(
            update(readers)
            .where(readers.c.case_id == case_id, readers.c.id == reader_id)
            .values(adopted_at=at, adopted_by=by)
        )
        return bool(res.rowcount)

    def retire_readers(self, case_id: int) -> None:
        """No desk reader is in use for the case any more (each stays a candidate)."""
        self.conn.execute(
            update(readers)
            .where(readers.c.case_id == case_id)
            .values(adopted_at=None, adopted_by=None)
        )

    def in_use(self, case_id: int) -> ReaderRow | None:
        """The reader adopted last for the case, if any."""
        adopted = [r for r in self.list_readers(case_id) if r.adopted_at is not None]
        return max(adopted, key=lambda r: (r.adopted_at, r.id), default=None)


def _discard(r: Row[Any], ring: Keyring) -> DiscardRow:
    d = Discard(
        party=r.party,
        issue=r.issue,
        stance=r.stance,
        speaker=r.speaker,
        quote=r.quote,
        sentence=r.sentence,
        article_date=r.article_date,
        option=r.option,
        rule=r.rule,
        reason=unseal(ring, r.reason, REASON),
    )
    return DiscardRow(int(r.id), d, r.discarded_by, _utc(r.discarded_at))


def _reader(r: Row[Any]) -> ReaderRow:
    return ReaderRow(
        int(r.id),
        r.trained_by,
        _utc(r.trained_at),
        dict(r.report),
        r.adopted_by,
        _utc(r.adopted_at) if r.adopted_at is not None else None,
    )
