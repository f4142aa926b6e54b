"""Rounds and codings in and out of their tables. No access checks (the services do them).

Writes are optimistic: ``save_round`` and ``save_coding`` update only the row at the
version the caller read, and say whether they did.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from offramp.model.codings import Coding, IssueCoding, StoredCoding
from offramp.model.rounds import Answer, Round, RoundPackage, RoundState, Visibility
from offramp.store.cipher import Keyring
from offramp.store.repository import Versioned
from offramp.store.rounds_tables import codings, round_answers, rounds
from offramp.store.sealed import keyring_of, seal, seal_json, unseal, unseal_json


def _utc(value: datetime | None) -> datetime | None:
    """Times come back from SQLite without a zone and from PostgreSQL in the session's."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _at(value: datetime) -> datetime:
    out = _utc(value)
    assert out is not None
    return out


class RoundsRepository:
    """One connection's rounds and codings (inside the caller's transaction)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- rounds ----------------------------------------------------------------------
    def add_round(self, case_id: int, r: Round) -> Versioned[Round]:
        res = self.conn.execute(
            insert(rounds).values(
                case_id=case_id,
                title=seal(self.conn, r.title, TITLE),
                visibility=r.visibility.value,
                state=r.state.value,
                opened_by=r.opened_by,
                opened_at=r.opened_at,
                deadline=r.deadline,
                revealed_at=r.revealed_at,
                version=1,
                data=_round_data(r),
            )
        )
        key = res.inserted_primary_key
        assert key is not None
        round_id = int(key[0])
        self.conn.execute(
            insert(round_answers),
            [
                {
                    "round_id": round_id,
                    "party": a.party,
                    "answered_at": a.answered_at,
                    "accepted": _marks(self.conn, a.accepted),
                }
                for a in r.answers
            ],
        )
        got = self.get_round(case_id, round_id)
        assert got is not None
        return got

    def get_round(self, case_id: int, round_id: int) -> Versioned[Round] | None:
        row = self.conn.execute(
            select(rounds).where(rounds.c.case_id == case_id, rounds.c.id == round_id)
        ).first()
        if row is None:
            return None
        return self._rounds([row])[0]

    def list_rounds(self, case_id: int, party: str | None = None) -> list[Versioned[Round]]:
        """The case's rounds, newest first; with ``party``, those addressed to it."""
        q = select(rounds).where(rounds.c.case_id == case_id)
        if party is not None:
            q = q.where(
                rounds.c.id.in_(
                    select(round_answers.c.round_id).where(round_answers.c.party == party)
                )
            )
        return self._rounds(list(self.conn.execute(q.order_by(rounds.c.id.desc()))))

    def save_round(self, case_id: int, r: Round, version: int) -> bool:
        """Store ``r`` over the row at ``version``; False if it moved meanwhile."""
        res = self.conn.execute(
            update(rounds)
            .where(rounds.c.case_id == case_id, rounds.c.id == r.id, rounds.c.version == version)
            .values(
                state=r.state.value,
                revealed_at=r.revealed_at,
                version=version + 1,
                data=_round_data(r),
            )
        )
        if res.rowcount != 1:
            return False
        for a in r.answers:
            self.conn.execute(
                update(round_answers)
                .where(round_answers.c.round_id == r.id, round_answers.c.party == a.party)
                .values(answered_at=a.answered_at, accepted=_marks(self.conn, a.accepted))
            )
        return True

    def _rounds(self, rows: Sequence[Row[Any]]) -> list[Versioned[Round]]:
        if not rows:
            return []
        ids = [int(r.id) for r in rows]
        ring = keyring_of(self.conn)
        answers: dict[int, list[Answer]] = {i: [] for i in ids}
        for a in self.conn.execute(
            select(round_answers)
            .where(round_answers.c.round_id.in_(ids))
            .order_by(round_answers.c.id)
        ):
            marks = None if a.accepted is None else unseal_json(ring, a.accepted, MARKS)
            accepted = None if marks is None else frozenset(marks)
            answers[int(a.round_id)].append(Answer(a.party, _utc(a.answered_at), accepted))
        out = []
        for row in rows:
            data = row.data
            packages = tuple(
                RoundPackage(p["key"], dict(p["options"]), p["source"]) for p in data["packages"]
            )
            overlap = data.get("overlap")
            r = Round(
                id=int(row.id),
                title=unseal(ring, row.title, TITLE),
                packages=packages,
                answers=tuple(answers[int(row.id)]),
                visibility=Visibility(row.visibility),
                opened_by=row.opened_by,
                opened_at=_at(row.opened_at),
                deadline=_utc(row.deadline),
                state=RoundState(row.state),
                overlap=None if overlap is None else tuple(overlap),
                revealed_at=_utc(row.revealed_at),
            )
            out.append(Versioned(r.id, int(row.version), r))
        return out

    # -- codings ---------------------------------------------------------------------
    def get_coding(self, case_id: int, party: str) -> StoredCoding | None:
        row = self.conn.execute(
            select(codings).where(codings.c.case_id == case_id, codings.c.party == party)
        ).first()
        return None if row is None else _coding(row, unseal_json(self.conn, row.data, WHERE))

    def list_codings(self, case_id: int, *, shared_only: bool) -> list[StoredCoding]:
        q = select(codings).where(codings.c.case_id == case_id)
        if shared_only:
            q = q.where(codings.c.shared_at.is_not(None))
        rows = self.conn.execute(q.order_by(codings.c.party))
        return [_coding(r, unseal_json(self.conn, r.data, WHERE)) for r in rows]

    def save_coding(self, case_id: int, stored: StoredCoding, version: int | None) -> bool:
        """Insert (``version`` None) or update the row at ``version`` to ``stored``."""
        values = {
            "version": stored.version,
            "data": seal_json(self.conn, _coding_data(stored.coding), WHERE),
            "updated_at": stored.updated_at,
            "updated_by": stored.updated_by,
            "shared_at": stored.shared_at,
            "shared_by": stored.shared_by,
        }
        if version is None:
            self.conn.execute(
                insert(codings).values(case_id=case_id, party=stored.coding.party, **values)
            )
            return True
        res = self.conn.execute(
            update(codings)
            .where(
                codings.c.case_id == case_id,
                codings.c.party == stored.coding.party,
                codings.c.version == version,
            )
            .values(**values)
        )
        return res.rowcount == 1


WHERE = "codings.data"  # the sealed column: a party's private coding


TITLE, MARKS = "rounds.title", "round_answers.accepted"  # sealed: the round and its marks


def _marks(source: Connection | Keyring, accepted: frozenset[str] | None) -> str | None:
    """A party's marks as stored: the sealed list of package keys, NULL if unanswered."""
    return None if accepted is None else seal_json(source, sorted(accepted), MARKS)


def _round_data(r: Round) -> dict[str, Any]:
    return {
        "packages": [
            {"key": p.key, "options": dict(p.options), "source": p.source} for p in r.packages
        ],
        "overlap": None if r.overlap is None else list(r.overlap),
    }


def _coding_data(c: Coding) -> dict[str, Any]:
    return {
        "issues": [
            {"issue": i.issue, "salience": i.salience, "values": dict(i.values)} for i in c.issues
        ],
        "reservation": c.reservation,
        "note": c.note,
    }


def _coding(row: Row[Any], data: dict[str, Any]) -> StoredCoding:
    """A coding from its row and its opened ``data``."""
    coding = Coding(
        party=row.party,
        issues=tuple(
            IssueCoding(i["issue"], float(i["salience"]), dict(i["values"])) for i in data["issues"]
        ),
        reservation=float(data["reservation"]),
        note=data.get("note", ""),
    )
    return StoredCoding(
        coding=coding,
        version=int(row.version),
        updated_at=_at(row.updated_at),
        updated_by=row.updated_by,
        shared_at=_utc(row.shared_at),
        shared_by=row.shared_by,
    )
