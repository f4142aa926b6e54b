"""The one place the access policy (``offramp.model.access``) is applied.

Zulip's contract: ``access_*(actor, ...)`` fetches and checks, or raises; ``can_*``
returns a bool. A design goal is that the error for something you may not see is
the same as for something that does not exist: both raise :class:`NotFound` with one
message per kind of object. :class:`Forbidden` (naming the action) is raised only
when the actor can see the object but may not do this to it.

Every decision is recorded in :attr:`AccessPolicy.checks` (Datasette's
``_permission_checks``) so tests can assert which check ran.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TypedDict, Unpack

from offramp.errors import Forbidden, NotFound, Unauthenticated
from offramp.model.access import Action, AdminAction, DeskRole, allowed
from offramp.model.shuttle import Channel
from offramp.store.repository import CaseRow, ChannelRow, MembershipRow, Repository

NO_CASE = "No such case."

#: The share kind that opens an ``if_shared`` action to a member.
SHARE_OF = {
    Action.POSITION_READ: "positions",
    Action.ANALYSIS_READ: "analysis",
    Action.LEDGER_READ: "ledger",
    Action.NOTE_READ: "note",
    Action.PROPOSAL_READ: "proposal",
    Action.PRECEDENT_READ: "proposal",  # links on a shared proposal's options
}


class Target(TypedDict, total=False):
    """What a check is about: ``resource`` names it in :attr:`AccessPolicy.checks`,
    ``parties`` are the sides it belongs to (default none), ``shared`` whether it was
    shared with the member (default not)."""

    resource: str
    parties: frozenset[str]
    shared: bool


@dataclass(frozen=True)
class Actor:
    """A signed-in account; ``must_renew``: signed in with a password the desk's rules
    no longer allow, so it may only change it (ASVS 2.1.7)."""

    id: int
    name: str
    is_admin: bool = False
    must_renew: bool = False


@dataclass(frozen=True)
class Check:
    """One policy decision, as recorded for tests and debugging."""

    actor: str
    action: str
    resource: str
    allowed: bool


@dataclass(frozen=True)
class Scope:
    """An actor working inside one case through its membership."""

    actor: Actor
    case: CaseRow
    member: MembershipRow
    negotiating: tuple[str, ...]
    shares: frozenset[tuple[str, int | None]]

    @property
    def role(self) -> DeskRole:
        return DeskRole(self.member.role)

    @property
    def party(self) -> str | None:
        return self.member.party

    def shared(self, kind: str, item: int | None = None) -> bool:
        return (kind, None) in self.shares or (item is not None and (kind, item) in self.shares)


class AccessPolicy:
    """Applies the policy and keeps the last decisions."""

    def __init__(self, keep: int = 10_000) -> None:
        self.checks: deque[Check] = deque(maxlen=keep)

    def _record(self, actor: Actor | None, action: str, resource: str, ok: bool) -> bool:
        self.checks.append(Check(actor.name if actor else "", action, resource, ok))
        return ok

    # -- bools ------------------------------------------------------------------------
    def can(self, scope: Scope, action: Action, **target: Unpack[Target]) -> bool:
        """Whether the scope's member may do ``action`` on the described resource."""
        ok = allowed(
            scope.role,
            action,
            member_party=scope.party,
            resource_parties=target.get("parties", frozenset()),
            shared=target.get("shared", False),
        )
        resource = target.get("resource", "")
        return self._record(
            scope.actor, action.value, f"{scope.case.slug}/{resource}".rstrip("/"), ok
        )

    def permissions(self, scope: Scope) -> frozenset[Action]:
        """What the member may do in the case, its own party's side and shares applied.

        For showing forms and links: an action on the member's own party counts, and a
        share of any one item (a note, a proposal) opens reading that kind. Each use
        is still checked against the object it touches.
        """
        own = frozenset({scope.party}) if scope.party else frozenset()
        shared_kinds = {kind for kind, _ in scope.shares}
        return frozenset(
            action
            for action in Action
            if self.can(
                scope,
                action,
                resource="permissions",
                parties=own,
                shared=SHARE_OF.get(action) in shared_kinds,
            )
        )

    def can_admin(self, actor: Actor, action: AdminAction) -> bool:
        return self._record(actor, action.value, "server", actor.is_admin)

    # -- raising ----------------------------------------------------------------------
    def require(self, scope: Scope, action: Action, **target: Unpack[Target]) -> None:
        """Raise Forbidden(action) unless allowed (the actor can see the resource)."""
        if not self.can(scope, action, **target):
            raise Forbidden(action.value, f"You may not {action.value} in case {scope.case.slug}.")

    def require_visible(
        self, scope: Scope, action: Action, message: str, **target: Unpack[Target]
    ) -> None:
        """Raise NotFound(message) unless allowed: for reads that must not reveal."""
        if not self.can(scope, action, **target):
            raise NotFound(message)

    def require_admin(self, actor: Actor | None, action: AdminAction) -> Actor:
        if actor is None:
            raise Unauthenticated("Sign in first.")
        if not self.can_admin(actor, action):
            raise Forbidden(action.value, f"You may not {action.value}: it needs a server admin.")
        return actor

    # -- fetch and check ------------------------------------------------------------
    def access_case(self, repo: Repository, actor: Actor | None, slug: str) -> Scope:
        """The actor's scope on the case, or NotFound (also for non-members)."""
        if actor is None:
            raise Unauthenticated("Sign in first.")
        row, member, shares = repo.get_member_scope(slug, actor.id)
        if row is None or member is None:
            self._record(actor, Action.CASE_READ.value, slug, False)
            raise NotFound(NO_CASE)
        scope = Scope(actor, row, member, repo.negotiating_parties(row), shares)
        self.require_visible(scope, Action.CASE_READ, NO_CASE)
        return scope

    def channel_parties(self, scope: Scope, channel: Channel) -> frozenset[str]:
        return channel.parties(scope.negotiating)

    def can_read_channel(self, scope: Scope, channel: Channel) -> bool:
        return self.can(
            scope,
            Action.CHANNEL_READ,
            resource=f"channel/{channel.key}",
            parties=self.channel_parties(scope, channel),
        )

    def access_channel(self, repo: Repository, scope: Scope, key: str) -> ChannelRow:
        """A channel the member may read, or NotFound (same for missing and hidden)."""
        row = repo.get_channel(scope.case.id, key)
        if row is None or not self.can_read_channel(scope, row.channel):
            raise NotFound("No such channel.")
        return row
