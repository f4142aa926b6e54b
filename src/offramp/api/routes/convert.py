"""Service results to response bodies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from offramp.api import schemas as s
from offramp.api.bodies import record_out
from offramp.api.precedent_schemas import link_out
from offramp.model import Statement
from offramp.services.cases import PublicRecord
from offramp.services.precedents import LinkView
from offramp.services.shuttle import ClaimView, LedgerEntry, MessageView, ProposalView


class StatementLike(Protocol):
    @property
    def statement(self) -> Statement: ...
    @property
    def confirmed_at(self) -> datetime | None: ...
    @property
    def confirmed_by(self) -> str | None: ...


class Stored(Protocol):
    """A stored record: its id and the version it is at."""

    @property
    def id(self) -> int: ...
    @property
    def version(self) -> int: ...


class VersionedLike(Stored, Protocol):
    @property
    def value(self) -> dict[str, Any]: ...


class NoteLike(Stored, Protocol):
    @property
    def author(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def updated_at(self) -> datetime: ...


def case_out(r: PublicRecord) -> s.CaseOut:
    c = r.case
    return s.CaseOut(
        slug=r.slug,
        title=r.title,
        description=c.description,
        version=r.version,
        role=r.role,
        party=r.party,
        parties=[s.PartyOut(id=p.id, name=p.name, role=p.role.value) for p in c.parties],
        issues=[
            s.IssueOut(
                id=i.id,
                title=i.title,
                kind=i.kind.value,
                candidate=i.candidate,
                options=[s.OptionOut(id=o.id, label=o.label) for o in i.options],
            )
            for i in c.issues
        ],
        tracks=[record_out(s.TrackOut, t) for t in c.tracks],
        sources=[record_out(s.SourceOut, x) for x in c.sources],
    )


def statement_out(r: StatementLike) -> s.StatementOut:
    st = r.statement
    return record_out(
        s.StatementOut,
        st,
        stance=str(st.stance) if st.stance else None,
        confirmed_at=r.confirmed_at,
        confirmed_by=r.confirmed_by,
    )


def position_out(p: VersionedLike) -> s.PositionOut:
    d: dict[str, Any] = p.value
    return s.PositionOut(
        id=p.id,
        version=p.version,
        party=d["party"],
        issue=d["issue"],
        date=d["date"],
        ideal=d["ideal"],
        acceptable=list(d.get("acceptable") or [d["ideal"]]),
        salience=d["salience"],
        values=dict(d.get("values") or {}),
        statements=list(d.get("statements") or []),
        note=d.get("note", ""),
    )


def message_out(v: MessageView) -> s.MessageOut:
    return record_out(s.MessageOut, v.message, relay_of=v.relay_of)


def claim_out(v: ClaimView) -> s.ClaimOut:
    c = v.claim
    return record_out(
        s.ClaimOut,
        c,
        version=v.version,
        state=c.state.value,
        history=[record_out(s.ClaimStepOut, h) for h in c.history],
    )


def proposal_out(v: ProposalView, precedents: Sequence[LinkView] = ()) -> s.ProposalOut:
    """``precedents``: the links on the package's options the caller sees."""
    p = v.proposal
    return record_out(
        s.ProposalOut,
        p,
        version=v.version,
        package=dict(p.package),
        parties=list(p.parties),
        status=v.status.value if v.status else None,
        responses=[record_out(s.PartyResponseOut, r) for r in v.responses],
        precedents=[link_out(x) for x in precedents],
    )


def ledger_out(e: LedgerEntry) -> s.LedgerOut:
    return record_out(s.LedgerOut, e.concession, id=e.id, recorded_by=e.recorded_by)


def note_out(n: NoteLike) -> s.NoteOut:
    """``n``: a note as the services give it (a dataclass)."""
    return record_out(s.NoteOut, n)
