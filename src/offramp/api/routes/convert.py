"""Service results to response bodies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from offramp.api import schemas as s
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


class VersionedLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def version(self) -> int: ...
    @property
    def value(self) -> dict[str, Any]: ...


class NoteLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def version(self) -> int: ...
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
        tracks=[s.TrackOut(id=t.id, title=t.title, start=t.start, end=t.end) for t in c.tracks],
        sources=[
            s.SourceOut(
                id=x.id,
                publication=x.publication,
                title=x.title,
                author=x.author,
                date=x.date,
                url=x.url,
            )
            for x in c.sources
        ],
    )


def statement_out(r: StatementLike) -> s.StatementOut:
    st = r.statement
    return s.StatementOut(
        id=st.id,
        date=st.date,
        party=st.party,
        speaker=st.speaker,
        quote=st.quote,
        source=st.source,
        stance=str(st.stance) if st.stance else None,
        issue=st.issue,
        option=st.option,
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
    m = v.message
    return s.MessageOut(
        id=m.id,
        channel=m.channel,
        author=m.author,
        body=m.body,
        mark=m.mark,
        at=m.at,
        relay_of=v.relay_of,
        relay_mode=m.relay_mode,
        label=m.label,
        claim=m.claim,
    )


def claim_out(v: ClaimView) -> s.ClaimOut:
    c = v.claim
    return s.ClaimOut(
        id=c.id,
        version=v.version,
        party=c.party,
        text=c.text,
        statement=c.statement,
        state=c.state.value,
        relayed_to=c.relayed_to,
        label=c.label,
        history=[
            s.ClaimStepOut(
                state=h.state.value,
                actor=h.actor,
                at=h.at,
                note=h.note,
                label=h.label,
                party=h.party,
            )
            for h in c.history
        ],
    )


def proposal_out(v: ProposalView, precedents: Sequence[LinkView] = ()) -> s.ProposalOut:
    """``precedents``: the links on the package's options the caller sees."""
    p = v.proposal
    return s.ProposalOut(
        id=p.id,
        version=v.version,
        title=p.title,
        package=dict(p.package),
        parties=list(p.parties),
        tabled_by=p.tabled_by,
        at=p.at,
        status=v.status.value if v.status else None,
        responses=[
            s.PartyResponseOut(
                party=r.party, response=r.response, actor=r.actor, at=r.at, note=r.note
            )
            for r in v.responses
        ],
        precedents=[link_out(x) for x in precedents],
    )


def ledger_out(e: LedgerEntry) -> s.LedgerOut:
    c = e.concession
    return s.LedgerOut(
        id=e.id,
        party=c.party,
        issue=c.issue,
        direction=c.direction,
        from_option=c.from_option,
        to_option=c.to_option,
        note=c.note,
        proposal=c.proposal,
        at=c.at,
        recorded_by=e.recorded_by,
    )


def note_out(n: NoteLike) -> s.NoteOut:
    return s.NoteOut(
        id=n.id,
        version=n.version,
        author=n.author,
        title=n.title,
        body=n.body,
        updated_at=n.updated_at,
    )
