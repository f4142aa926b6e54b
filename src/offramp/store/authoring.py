"""The rows an authored edit touches: the case's document, one statement, one position.

A case's content is its case-file data without statements and positions on the case
row, and one row per statement and position (:mod:`offramp.store.repository`). An
edit from the authoring service (``offramp.services.authoring``) changes exactly the
part it edits, so confirmations of other statements and the versions of other
positions survive it; the caller validates the whole case first and bumps the case's
version once (``Repository.bump_case``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from offramp.model import Case
from offramp.model.shuttle import channels_for
from offramp.store import audit as chain
from offramp.store import audit_cover
from offramp.store import rounds_tables as rt
from offramp.store import tables as t

#: how far back :meth:`AuthoringRows.last_writer` looks for the last content change
_LOOKBACK = 50
# the audit actions that change a case's content (whose writer a stale edit names)
CONTENT_ACTIONS = ("case.", "statement.", "position.", "source.", "crisis.replace")


class AuthoringRows:
    """Queries of authored edits, over the unit of work's connection."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def version(self, case_id: int) -> int:
        q = select(t.cases.c.version).where(t.cases.c.id == case_id)
        return int(self.conn.execute(q).scalar_one())

    def set_document(self, case_id: int, title: str, data: dict[str, Any]) -> None:
        """Store the case's document (``data`` without statements and positions)."""
        content = {k: v for k, v in data.items() if k not in ("statements", "positions")}
        self.conn.execute(
            update(t.cases).where(t.cases.c.id == case_id).values(title=title, data=content)
        )

    def sync_channels(self, case_id: int, case: Case) -> None:
        """One channel per negotiating party of ``case`` (and the plenary): missing ones
        are made, those of parties no longer negotiating are dropped (the caller made
        sure they hold nothing)."""
        want = {c.key: c for c in channels_for(case)}
        have = set(
            self.conn.execute(select(t.channels.c.key).where(t.channels.c.case_id == case_id))
            .scalars()
            .all()
        )
        gone = [k for k in have if k not in want]
        if gone:
            self.conn.execute(
                delete(t.channels).where(
                    t.channels.c.case_id == case_id, t.channels.c.key.in_(gone)
                )
            )
        new = [
            {"case_id": case_id, "key": c.key, "kind": c.kind.value, "party": c.party}
            for key, c in want.items()
            if key not in have
        ]
        if new:
            self.conn.execute(t.channels.insert(), new)

    def desk_uses_of_party(self, case_id: int, party: str) -> list[str]:
        """What the desk (not the case file) holds for ``party``: delegates, messages in
        its channel, claims, ledger entries, codings and round answers."""
        c = self.conn
        counts = {
            "delegate": c.execute(
                select(func.count()).where(
                    t.memberships.c.case_id == case_id, t.memberships.c.party == party
                )
            ).scalar_one(),
            "message": c.execute(
                select(func.count())
                .select_from(
                    t.messages.join(t.channels, t.messages.c.channel_id == t.channels.c.id)
                )
                .where(t.channels.c.case_id == case_id, t.channels.c.party == party)
            ).scalar_one(),
            "claim": c.execute(
                select(func.count()).where(t.claims.c.case_id == case_id, t.claims.c.party == party)
            ).scalar_one(),
            "ledger entry": c.execute(
                select(func.count()).where(t.ledger.c.case_id == case_id, t.ledger.c.party == party)
            ).scalar_one(),
            "coding": c.execute(
                select(func.count()).where(
                    rt.codings.c.case_id == case_id, rt.codings.c.party == party
                )
            ).scalar_one(),
        }
        return [f"{n} {what}{'s' if n > 1 else ''}" for what, n in counts.items() if n]

    def desk_uses_of_issue(self, case_id: int, issue: str) -> list[str]:
        """The ledger entries on ``issue``."""
        n = self.conn.execute(
            select(func.count()).where(t.ledger.c.case_id == case_id, t.ledger.c.issue == issue)
        ).scalar_one()
        return [f"{n} ledger entr{'ies' if n > 1 else 'y'}"] if n else []

    def update_statement(self, case_id: int, data: dict[str, Any]) -> None:
        """Rewrite statement ``data["id"]`` (its confirmation stays)."""
        audit_cover.rewrite(
            self.conn, t.statements, case_id, t.statements.c.key == data["id"],
            date=data["date"], party=data.get("party"), issue=data.get("issue"), data=data,
        )  # fmt: skip

    def delete_statement(self, case_id: int, key: str) -> None:
        audit_cover.delete_rows(self.conn, t.statements, case_id, t.statements.c.key == key)

    def delete_position(self, case_id: int, position_id: int) -> None:
        audit_cover.delete_rows(self.conn, t.positions, case_id, t.positions.c.id == position_id)

    def last_writer(
        self,
        slug: str,
        prefixes: tuple[str, ...],
        about: Callable[[chain.AuditEvent], bool] = lambda _: True,
    ) -> str | None:
        """Who wrote the case's last content change (an audit action with one of
        ``prefixes``, and ``about`` the record in question), among its last few events;
        None if none is among them."""
        seq, _ = chain.head(self.conn, slug)
        for e in reversed(chain.events(self.conn, slug, after=max(0, seq - _LOOKBACK))):
            if e.action.startswith(prefixes) and about(e):
                return e.actor
        return None
