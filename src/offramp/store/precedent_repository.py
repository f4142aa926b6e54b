"""Precedent links in and out of their table. No access checks (the services do them)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, delete, insert, or_, select

from offramp.model.precedent_links import PrecedentLink
from offramp.store.cipher import Keyring
from offramp.store.precedent_tables import precedent_links as links
from offramp.store.sealed import keyring_of, seal, unseal

NOTE = "precedent_links.note"  # sealed: the mediator's note never reaches a party


def _utc(value: datetime) -> datetime:
    """Times come back from SQLite without a zone and from PostgreSQL in the session's."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _link(row: Row[Any], ring: Keyring) -> PrecedentLink:
    return PrecedentLink(
        id=int(row.id),
        issue=row.issue_id,
        option=row.option_id,
        precedent=row.precedent_id,
        provision=row.provision_id,
        note=unseal(ring, row.note, NOTE),
        created_by=row.created_by,
        created_at=_utc(row.created_at),
        version=int(row.version),
    )


class PrecedentRepository:
    """One connection's precedent links (inside the caller's transaction)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add_link(self, case_id: int, link: PrecedentLink) -> PrecedentLink:
        """Insert ``link`` (its id is ignored); a duplicate raises ``IntegrityError``."""
        res = self.conn.execute(
            insert(links).values(
                case_id=case_id,
                issue_id=link.issue,
                option_id=link.option,
                precedent_id=link.precedent,
                provision_id=link.provision,
                note=seal(self.conn, link.note, NOTE),
                created_by=link.created_by,
                created_at=link.created_at,
                version=1,
            )
        )
        key = res.inserted_primary_key
        assert key is not None
        got = self.get_link(case_id, int(key[0]))
        assert got is not None
        return got

    def get_link(self, case_id: int, link_id: int) -> PrecedentLink | None:
        row = self.conn.execute(
            select(links).where(links.c.case_id == case_id, links.c.id == link_id)
        ).first()
        return None if row is None else _link(row, keyring_of(self.conn))

    def find_link(
        self, case_id: int, issue: str, option: str, precedent: str, provision: str | None
    ) -> PrecedentLink | None:
        """The link with exactly these ids, if there is one."""
        same_provision = (
            links.c.provision_id.is_(None)
            if provision is None
            else links.c.provision_id == provision
        )
        row = self.conn.execute(
            select(links).where(
                links.c.case_id == case_id,
                links.c.issue_id == issue,
                links.c.option_id == option,
                links.c.precedent_id == precedent,
                same_provision,
            )
        ).first()
        return None if row is None else _link(row, keyring_of(self.conn))

    def list_links(
        self, case_id: int, options: Iterable[tuple[str, str]] | None = None
    ) -> list[PrecedentLink]:
        """The case's links in the order they were made; with ``options`` (issue, option
        pairs), only the links on those options (none for an empty set)."""
        q = select(links).where(links.c.case_id == case_id)
        if options is not None:
            pairs = sorted(set(options))
            if not pairs:
                return []
            q = q.where(
                or_(*(and_(links.c.issue_id == i, links.c.option_id == o) for i, o in pairs))
            )
        ring = keyring_of(self.conn)
        return [_link(r, ring) for r in self.conn.execute(q.order_by(links.c.id))]

    def delete_link(self, case_id: int, link_id: int, version: int) -> bool:
        """Delete the link if it is still at ``version``; False if it moved or went."""
        res = self.conn.execute(
            delete(links).where(
                links.c.case_id == case_id, links.c.id == link_id, links.c.version == version
            )
        )
        return res.rowcount == 1
