"""The access policy as data: desk role x action -> grant. Pure; applied in services.

A user works a case through a *membership* with one desk role. The grant says when the
role may do the action:

    always      on anything of the case
    own_party   only on things that belong to the member's party (its channel, the
                plenary, claims and proposals addressed to it)
    if_shared   only on items the mediator shared with this member
    never

Server administration (create cases, users, memberships) is a flag on the account,
not a role: an administrator reads case content only through a membership.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class DeskRole(StrEnum):
    """A member's role on one case's desk."""

    MEDIATOR = "mediator"
    DELEGATE = "delegate"
    FACILITATOR = "facilitator"
    OBSERVER = "observer"
    CRISIS_OFFICER = "crisis_officer"
    ANALYST = "analyst"


class Action(StrEnum):
    """Everything a member may be allowed to do on a case."""

    CASE_READ = "case.read"
    CASE_EXPORT = "case.export"
    CASE_IMPORT = "case.import"
    # add, edit, reorder and remove the records of a case (services/authoring.py)
    CASE_AUTHOR = "case.author"
    STATEMENT_READ = "statement.read"
    STATEMENT_CREATE = "statement.create"
    STATEMENT_CONFIRM = "statement.confirm"
    POSITION_READ = "position.read"
    POSITION_WRITE = "position.write"
    ANALYSIS_READ = "analysis.read"
    CHANNEL_READ = "channel.read"
    MESSAGE_POST = "message.post"
    MESSAGE_RELAY = "message.relay"
    MESSAGE_ORIGIN = "message.origin"
    CLAIM_READ = "claim.read"
    CLAIM_CREATE = "claim.create"
    CLAIM_REQUEST = "claim.request"
    CLAIM_RESPOND = "claim.respond"
    CLAIM_RELAY = "claim.relay"
    CLAIM_ACKNOWLEDGE = "claim.acknowledge"
    CLAIM_HISTORY = "claim.history"
    PROPOSAL_READ = "proposal.read"
    PROPOSAL_TABLE = "proposal.table"
    PROPOSAL_RESPOND = "proposal.respond"
    PROPOSAL_WITHDRAW = "proposal.withdraw"
    PROPOSAL_RESPONSES = "proposal.responses"
    LEDGER_READ = "ledger.read"
    LEDGER_WRITE = "ledger.write"
    NOTE_READ = "note.read"
    NOTE_WRITE = "note.write"
    SHARE_CREATE = "share.create"
    MEMBER_READ = "member.read"
    AUDIT_READ = "audit.read"
    CRISIS_READ = "crisis.read"
    CRISIS_WRITE = "crisis.write"
    ROUND_READ = "round.read"
    ROUND_OPEN = "round.open"
    ROUND_MARK = "round.mark"
    ROUND_MARKS = "round.marks"
    CODING_READ = "coding.read"
    CODING_WRITE = "coding.write"
    CODING_SHARE = "coding.share"
    READER_TRAIN = "reader.train"
    PRECEDENT_READ = "precedent.read"
    PRECEDENT_LINK = "precedent.link"


class AdminAction(StrEnum):
    """Server administration, allowed by the account's admin flag alone."""

    CASE_CREATE = "case.create"
    USER_CREATE = "user.create"
    MEMBER_ADD = "member.add"
    METRICS_READ = "metrics.read"
    # taking access away (issue 18, finding 9)
    USER_DISABLE = "user.disable"
    MEMBER_REMOVE = "member.remove"
    MEMBER_CHANGE = "member.change"
    TOKEN_REVOKE = "token.revoke"  # noqa: S105 (an action) another user's token


class Grant(StrEnum):
    ALWAYS = "always"
    OWN_PARTY = "own_party"
    IF_SHARED = "if_shared"
    NEVER = "never"


A, OWN, S = Grant.ALWAYS, Grant.OWN_PARTY, Grant.IF_SHARED
_PUBLIC = {Action.CASE_READ: A, Action.STATEMENT_READ: A}

POLICY: Mapping[DeskRole, Mapping[Action, Grant]] = {
    DeskRole.MEDIATOR: {
        **{a: A for a in Action},
        # proposals and assurances belong to the parties: the mediator never answers
        Action.CLAIM_RESPOND: Grant.NEVER,
        Action.CLAIM_ACKNOWLEDGE: Grant.NEVER,
        Action.PROPOSAL_RESPOND: Grant.NEVER,
        Action.CRISIS_WRITE: Grant.NEVER,
        # a round's marks and a party's own coding belong to the party; the mediator
        # reads a coding only once the party shared it (``if_shared``)
        Action.ROUND_MARK: Grant.NEVER,
        Action.CODING_READ: S,
        Action.CODING_WRITE: Grant.NEVER,
        Action.CODING_SHARE: Grant.NEVER,
    },
    DeskRole.DELEGATE: {
        **_PUBLIC,
        Action.CHANNEL_READ: OWN,
        Action.MESSAGE_POST: OWN,
        Action.CLAIM_READ: OWN,
        Action.CLAIM_RESPOND: OWN,
        Action.CLAIM_ACKNOWLEDGE: OWN,
        Action.PROPOSAL_READ: OWN,
        Action.PROPOSAL_RESPOND: OWN,
        Action.ROUND_READ: OWN,
        Action.ROUND_MARK: OWN,
        Action.CODING_READ: OWN,
        Action.CODING_WRITE: OWN,
        Action.CODING_SHARE: OWN,
        # precedents linked to the options of packages tabled to the party
        Action.PRECEDENT_READ: OWN,
        Action.POSITION_READ: S,
        Action.ANALYSIS_READ: S,
        Action.LEDGER_READ: S,
        Action.NOTE_READ: S,
    },
    DeskRole.FACILITATOR: {
        **_PUBLIC,
        Action.POSITION_READ: S,
        Action.ANALYSIS_READ: S,
        Action.LEDGER_READ: S,
        Action.NOTE_READ: S,
        Action.PROPOSAL_READ: S,
        Action.PRECEDENT_READ: S,  # on the options of a proposal shared with the member
    },
    DeskRole.OBSERVER: {
        **_PUBLIC,
        Action.POSITION_READ: S,
        Action.ANALYSIS_READ: S,
        Action.LEDGER_READ: S,
        Action.NOTE_READ: S,
        Action.PROPOSAL_READ: S,
        Action.PRECEDENT_READ: S,  # on the options of a proposal shared with the member
    },
    DeskRole.CRISIS_OFFICER: {**_PUBLIC, Action.CRISIS_READ: A, Action.CRISIS_WRITE: A},
    DeskRole.ANALYST: {
        **_PUBLIC,
        Action.CASE_EXPORT: A,
        Action.CASE_IMPORT: A,
        Action.CASE_AUTHOR: A,
        Action.STATEMENT_CREATE: A,
        Action.POSITION_READ: A,
        Action.POSITION_WRITE: A,
        Action.ANALYSIS_READ: A,
        Action.LEDGER_READ: A,
        # teach the intake's reader from the statements confirmed on the desk
        Action.READER_TRAIN: A,
    },
}


def grant(role: DeskRole, action: Action) -> Grant:
    """The grant of ``action`` to ``role`` (``never`` when the table is silent)."""
    return POLICY[role].get(action, Grant.NEVER)


def allowed(
    role: DeskRole,
    action: Action,
    *,
    member_party: str | None = None,
    resource_parties: frozenset[str] = frozenset(),
    shared: bool = False,
) -> bool:
    """Whether a member with ``role`` may do ``action`` on a resource.

    ``resource_parties`` are the parties the resource belongs to (a party channel: that
    party; the plenary: every negotiating party); ``shared`` says the mediator shared
    the resource with this member.

    >>> allowed(DeskRole.DELEGATE, Action.CHANNEL_READ, member_party="UA",
    ...         resource_parties=frozenset({"RU"}))
    False
    """
    g = grant(role, action)
    if g is Grant.ALWAYS:
        return True
    if g is Grant.OWN_PARTY:
        return member_party is not None and member_party in resource_parties
    if g is Grant.IF_SHARED:
        return shared
    return False
