"""What the web desk needs from the services, as one narrow port.

The pages call only :class:`Desk`; :mod:`offramp.web.adapter` implements it over the
desk server's services (``offramp.services``), which apply the access policy and
write the audit log. Every method that takes a ``viewer`` goes through the services'
access checks: a case, channel, claim or proposal the viewer may not see raises
:class:`offramp.errors.NotFound`, exactly as a missing one does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from offramp.model import Case
from offramp.model.access import Action, DeskRole
from offramp.model.concessions import Concession, Direction
from offramp.model.shuttle import (
    Channel,
    Claim,
    HandlingMark,
    Message,
    Proposal,
    RelayLabel,
    RelayMode,
)


@dataclass(frozen=True)
class Viewer:
    """The signed-in user."""

    id: int
    name: str
    is_admin: bool = False


@dataclass(frozen=True)
class CaseSummary:
    """A case in the viewer's list, with the viewer's role on it."""

    slug: str
    title: str
    role: DeskRole
    party: str | None


@dataclass(frozen=True)
class CaseView:
    """A case as the viewer may see it, with the viewer's membership."""

    slug: str
    case: Case
    role: DeskRole
    party: str | None
    allowed: frozenset[Action] = field(default_factory=frozenset)

    def may(self, action: Action) -> bool:
        """Whether the page should offer ``action`` (the services still enforce it)."""
        return action in self.allowed


@dataclass(frozen=True)
class ChannelPage:
    """The newest messages of one channel, oldest first, and whether more exist."""

    channel: Channel
    messages: Sequence[Message]
    more_before: int | None = None


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    actor: str
    action: str
    at: str
    payload: str


@dataclass(frozen=True)
class AuditView:
    """The case's audit chain and the result of verifying it."""

    events: Sequence[AuditEvent]
    verified: bool
    message: str
    total: int = 0


class Desk(Protocol):
    """The use cases the pages call. Errors are :mod:`offramp.errors` exceptions."""

    # -- accounts and sessions ---------------------------------------------------------
    def sign_in(self, name: str, password: str) -> str:
        """A new session token, or Unauthenticated with a sentence."""
        ...

    def viewer(self, token: str) -> Viewer | None:
        """The user of a live session token, or None."""
        ...

    def sign_out(self, token: str) -> None: ...

    # -- cases -------------------------------------------------------------------------
    def my_cases(self, viewer: Viewer) -> Sequence[CaseSummary]: ...

    def access_case(self, viewer: Viewer, slug: str) -> CaseView: ...

    def analysis(self, viewer: Viewer, slug: str, at: datetime) -> Mapping[str, Any]:
        """``AnalysisReport.to_dict()`` of the case at that date (analysis.read)."""
        ...

    # -- shuttle -----------------------------------------------------------------------
    def channels(self, viewer: Viewer, slug: str) -> Sequence[Channel]:
        """The channels the viewer may read, parties first, then the plenary."""
        ...

    def channel_pages(
        self,
        viewer: Viewer,
        slug: str,
        *,
        only: str | None = None,
        limit: int,
        before: int | None = None,
    ) -> Sequence[ChannelPage]:
        """The newest messages of each readable channel (or of ``only``, else NotFound)."""
        ...

    def post_message(
        self, viewer: Viewer, slug: str, key: str, body: str, mark: HandlingMark
    ) -> Message: ...

    def relay(
        self,
        viewer: Viewer,
        slug: str,
        message_id: int,
        to: str,
        mode: RelayMode,
        paraphrase: str | None,
    ) -> Message: ...

    def claims(self, viewer: Viewer, slug: str) -> Sequence[Claim]: ...

    def state_claim(self, viewer: Viewer, slug: str, party: str, text: str) -> Claim: ...

    def request_assurance(self, viewer: Viewer, slug: str, claim_id: int) -> Claim: ...

    def answer_assurance(self, viewer: Viewer, slug: str, claim_id: int, assure: bool) -> Claim: ...

    def relay_claim(
        self, viewer: Viewer, slug: str, claim_id: int, to: str, label: RelayLabel
    ) -> Claim: ...

    def acknowledge_claim(self, viewer: Viewer, slug: str, claim_id: int) -> Claim: ...

    def proposals(self, viewer: Viewer, slug: str) -> Sequence[Proposal]: ...

    def table_proposal(
        self,
        viewer: Viewer,
        slug: str,
        title: str,
        package: Mapping[str, str],
        parties: Sequence[str],
    ) -> Proposal: ...

    def respond_proposal(
        self, viewer: Viewer, slug: str, proposal_id: int, accept: bool, note: str
    ) -> Proposal: ...

    def withdraw_proposal(self, viewer: Viewer, slug: str, proposal_id: int) -> Proposal:
        """Withdraw an open proposal (proposal.withdraw); Conflict once it is not open."""
        ...

    # -- ledger and audit --------------------------------------------------------------
    def ledger(self, viewer: Viewer, slug: str) -> Sequence[Concession]: ...

    def record_concession(
        self,
        viewer: Viewer,
        slug: str,
        party: str,
        issue: str,
        direction: Direction,
        from_option: str | None,
        to_option: str | None,
        note: str,
    ) -> Concession:
        """Record by hand what a party gave or received (ledger.write)."""
        ...

    def audit(self, viewer: Viewer, slug: str, *, limit: int, verify: bool = False) -> AuditView:
        """The newest events and the chain's verification (``verify`` forces a fresh one)."""
        ...
