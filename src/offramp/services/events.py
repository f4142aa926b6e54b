"""The live desk: a case's audit chain read as a stream of events, through the policy.

Every write is already an event of the case's chain (``store/audit.py``). A reader's
stream is that chain, each event mapped to a type (``message.posted``,
``claim.changed``, ...) with the ids of the objects it concerns, and **dropped** when
the reader may not see what it is about (:func:`visible`, which asks the same policy
as the reads). Nothing else is sent for a dropped event: no id, no count, no beat.

Ids are opaque cursors (:class:`Cursors`): the chain's seq counts every event, hidden
ones too, so sending it would show that something happened between two visible
events. A cursor is the seq encrypted and authenticated under the server's key (kept
in the server chain, so every process and every restart reads it alike); only the
server can turn it back into a position in the chain. An event's id is derived from
the case and seq (one id for every reader); a ``ready`` id has a fresh nonce.

One :class:`EventService` per process keeps the tail of each watched chain in memory
(filled once per change by the store's :class:`~offramp.store.events.ChangeFeed`, not
once per reader), so many open streams cost one read of each new event; and it decides
each new event once per reader scope of the live streams (:func:`scope_key`), not once
per stream, on the feed's thread, so that a woken stream only picks up what is decided.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from typing import Any

from offramp.errors import InputError
from offramp.model.access import Action
from offramp.model.deadlines import Clock
from offramp.model.shuttle import PLENARY, Channel, ChannelKind
from offramp.services.access import AccessPolicy, Actor, Scope
from offramp.services.authoring import AUDIT_ACTIONS, PRIVATE_ACTIONS
from offramp.store import audit as chain
from offramp.store import events as feed_store
from offramp.store.audit import AuditEvent
from offramp.store.repository import MembershipRow
from offramp.store.uow import UowFactory

#: audited, never pushed: a case file exported changes nothing any page shows
NOT_PUSHED = frozenset({"case.export"})

#: audit action -> (event type, the change it names, or "" when the type says it all)
EVENT_TYPES: Mapping[str, tuple[str, str]] = {
    "case.create": ("case.changed", "created"),
    "case.import": ("case.changed", "replaced"),
    "source.create": ("source.added", ""),
    "statement.create": ("statement.added", ""),
    "statement.confirm": ("statement.confirmed", ""),
    "position.update": ("position.changed", ""),
    "member.add": ("member.added", ""),
    "member.remove": ("member.removed", ""),
    "member.change": ("member.changed", ""),
    "share.create": ("share.created", ""),
    "note.create": ("note.changed", "created"),
    "note.update": ("note.changed", "updated"),
    "message.post": ("message.posted", ""),
    "message.relay": ("message.relayed", ""),
    "claim.create": ("claim.changed", "created"),
    "claim.request": ("claim.changed", "requested"),
    "claim.assure": ("claim.changed", "assured"),
    "claim.deny": ("claim.changed", "denied"),
    "claim.relay": ("claim.changed", "relayed"),
    "claim.acknowledge": ("claim.changed", "acknowledged"),
    "proposal.table": ("proposal.changed", "tabled"),
    "proposal.respond": ("proposal.changed", "responded"),
    "proposal.withdraw": ("proposal.changed", "withdrawn"),
    "ledger.record": ("ledger.recorded", ""),
    "crisis.replace": ("case.changed", "crisis_replaced"),  # by a casefile (crisis.write)
    "crisis.channel.add": ("crisis.channel.added", ""),
    "crisis.incident.log": ("incident.logged", ""),
    "crisis.incident.arrival": ("incident.changed", "arrival"),
    "crisis.incident.merge": ("incident.changed", "merged"),
    "crisis.incident.close": ("incident.changed", "closed"),
    "crisis.playbook.start": ("incident.changed", "playbook"),
    "crisis.step.complete": ("incident.changed", "step_done"),
    "crisis.step.waive": ("incident.changed", "step_waived"),
    "crisis.step.due": ("step.due", ""),
    "crisis.step.overdue": ("step.overdue", ""),
    "crisis.commitment.declare": ("commitment.changed", "declared"),
    "crisis.commitment.violation": ("commitment.changed", "violation"),
    "crisis.notification.send": ("notification.sent", ""),
    "crisis.notification.acknowledge": ("notification.acknowledged", ""),
    "crisis.assurance.propose": ("assurance.changed", "proposed"),
    "crisis.assurance.promote": ("assurance.changed", "promoted"),
    "crisis.escalation.score": ("escalation.scored", ""),
    "crisis.alert.rule": ("alert.rule.changed", ""),
    # the desk on call (issue 19, services/crisis_oncall.py)
    "crisis.recipients.name": ("recipients.changed", "named"),
    "crisis.recipient.acknowledge": ("recipients.changed", "acknowledged"),
    "crisis.escalation.resend": ("escalation.applied", "resend"),
    "crisis.escalation.escalate": ("escalation.applied", "escalate"),
    "crisis.playbook.jump": ("incident.changed", "jump"),
    "crisis.playbook.repeat": ("incident.changed", "repeat"),
    "crisis.heartbeat.expect": ("crisis.channel.added", "heartbeat"),
    "crisis.channel.message": ("crisis.channel.added", "message"),
    "crisis.role.assign": ("incident.changed", "role"),
    "crisis.step.answerable": ("incident.changed", "answerable"),
    "crisis.timeline.note": ("incident.changed", "note"),
    "crisis.review.write": ("incident.changed", "review"),
    # rounds of secret acceptances (services/rounds.py): the state, never a mark
    "round.open": ("round.changed", "opened"),
    "round.answer": ("round.changed", "answered"),
    "round.reveal": ("round.changed", "revealed"),
    # a party's private coding (services/codings.py); "coding.write" is audited in the
    # delegation's own chain, which no case stream reads, and has a rule all the same
    "coding.write": ("coding.changed", "written"),
    "coding.share": ("coding.changed", "shared"),
    "coding.revoke": ("coding.changed", "revoked"),
    # a case authored record by record (services/authoring.py): "party.add", ...
    **{a: ("case.changed", a.removeprefix("case.")) for a in AUDIT_ACTIONS.values()},
}
#: events after which a reader's scope (membership, shares, parties) is read again
SCOPE_CHANGES = frozenset(
    {"case.create", "case.import", "member.add", "member.remove", "member.change", "share.create"}
) | {
    a
    for a in AUDIT_ACTIONS.values()
    if a.startswith("case.party.")  # the negotiating parties
}
#: payload fields copied into the event's data, per audit action (ids, not content)
_DATA: Mapping[str, tuple[str, ...]] = {
    "case.import": ("version",),
    **{a: ("item", "version", "position") for a in AUDIT_ACTIONS.values()},
    "statement.create": (),  # the statement id is nested; see _data
    "statement.confirm": ("statement",),
    "position.update": ("position",),
    "member.add": ("user", "role", "party"),
    "member.remove": ("user",),
    "member.change": ("user", "role", "party"),
    "share.create": ("kind", "item"),
    "note.create": ("note",),
    "note.update": ("note",),
    "message.post": ("message", "channel"),
    "message.relay": ("message", "channel"),
    "claim.create": ("claim",),
    "claim.request": ("claim",),
    "claim.assure": ("claim",),
    "claim.deny": ("claim",),
    "claim.relay": ("claim",),
    "claim.acknowledge": ("claim",),
    "proposal.table": ("proposal",),
    "proposal.respond": ("proposal", "party"),
    "proposal.withdraw": ("proposal",),
    "ledger.record": ("entry", "party", "issue", "proposal"),
    "crisis.channel.add": ("channel",),
    "crisis.incident.log": ("incident", "type", "sweep"),
    "crisis.incident.arrival": ("incident", "channel"),
    "crisis.incident.merge": ("incident", "merged"),
    "crisis.incident.close": ("incident",),
    "crisis.playbook.start": ("incident", "playbook"),
    "crisis.step.complete": ("incident", "step"),
    "crisis.step.waive": ("incident", "step"),
    "crisis.step.due": ("incident", "step", "due_at"),
    "crisis.step.overdue": ("incident", "step", "due_at"),
    "crisis.commitment.declare": ("commitment",),
    "crisis.commitment.violation": ("commitment", "incident"),
    "crisis.notification.send": ("notification", "ack_due"),
    "crisis.notification.acknowledge": ("notification",),
    "crisis.assurance.propose": ("assurance",),
    "crisis.assurance.promote": ("assurance",),
    "crisis.escalation.score": ("score", "between", "level"),
    "crisis.recipients.name": ("subject",),
    "crisis.recipient.acknowledge": ("subject", "recipient"),
    "crisis.escalation.resend": ("subject", "policy", "action"),
    "crisis.escalation.escalate": ("subject", "policy", "action", "level"),
    "crisis.playbook.jump": ("incident", "step"),
    "crisis.playbook.repeat": ("incident", "step"),
    "crisis.heartbeat.expect": ("channel",),
    "crisis.channel.message": ("channel",),
    "crisis.role.assign": ("incident", "role"),
    "crisis.step.answerable": ("incident", "step", "role"),
    "crisis.timeline.note": ("incident",),
    "crisis.review.write": ("incident",),
    # a round's id and state change only: no title, package, party or mark
    "round.open": ("round",),
    "round.answer": ("round",),
    "round.reveal": ("round",),
    "coding.write": ("party",),
    "coding.share": ("party",),
    "coding.revoke": ("party",),
}
TAIL = 4096  # events of each watched chain kept in memory
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StreamEvent:
    """One event as a reader receives it. ``seq`` stays on the server.

    One instance is shared by every stream whose reader has the same scope
    (:func:`scope_key`), so its :attr:`frame` is built once for all of them.
    """

    id: str
    type: str
    data: dict[str, Any]
    seq: int

    @cached_property
    def frame(self) -> bytes:
        """The event in the text/event-stream format (WHATWG HTML, "Server-sent events")."""
        data = json.dumps(self.data, sort_keys=True, separators=(",", ":"))
        return f"id: {self.id}\nevent: {self.type}\ndata: {data}\n\n".encode()


ScopeKey = tuple[int, int, MembershipRow, tuple[str, ...], frozenset[tuple[str, int | None]]]


def scope_key(scope: Scope) -> ScopeKey:
    """Everything of a reader's scope that :func:`visible` and :func:`event_data` read.

    Two readers with equal keys (the same account, membership, role, party, negotiating
    parties and shares) are shown the same events with the same data, so the decision
    is made once for both. The case's version is left out: no rule reads it.
    """
    return (scope.case.id, scope.actor.id, scope.member, scope.negotiating, scope.shares)


class Facts:
    """What :func:`classify` must know beyond an event's payload, read once and kept.

    A claim's party and recipient and a proposal's addressees: the events that set
    them teach them (:meth:`learn`); the rest is read from the store on first need.
    """

    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow
        self._claims: dict[tuple[str, int], tuple[str, str | None]] = {}
        self._proposals: dict[tuple[str, int], frozenset[str]] = {}
        self._rounds: dict[tuple[str, int], frozenset[str]] = {}
        self._lock = threading.Lock()

    def learn(self, slug: str, e: AuditEvent) -> None:
        p = e.payload
        with self._lock:
            if e.action == "claim.create":
                self._claims[(slug, int(p["claim"]))] = (str(p["party"]), None)
            elif e.action == "claim.relay":
                key = (slug, int(p["claim"]))
                if key in self._claims:
                    self._claims[key] = (self._claims[key][0], str(p["to"]))
            elif e.action == "proposal.table":
                self._proposals[(slug, int(p["proposal"]))] = frozenset(p["parties"])
            elif e.action == "round.open":
                self._rounds[(slug, int(p["round"]))] = frozenset(p["parties"])

    def claim(
        self, scope: Scope, claim_id: int, *, recipient: bool = False
    ) -> tuple[str, str | None] | None:
        """The claim's party and the party it was relayed to (None: not relayed).

        ``recipient``: the caller needs the recipient, so a claim not known to be
        relayed is read again (it may have been relayed since it was first read).
        """
        key = (scope.case.slug, claim_id)
        with self._lock:
            known = self._claims.get(key)
        if known is not None and (known[1] is not None or not recipient):
            return known
        with self.uow() as uow:
            got = uow.repo.get_claim(scope.case.id, claim_id)
        if got is None:
            return None
        found = (got.value.party, got.value.relayed_to)
        with self._lock:
            self._claims[key] = found
        return found

    def proposal_parties(self, scope: Scope, proposal_id: int) -> frozenset[str] | None:
        key = (scope.case.slug, proposal_id)
        with self._lock:
            known = self._proposals.get(key)
        if known is not None:
            return known
        with self.uow() as uow:
            got = uow.repo.get_proposal(scope.case.id, proposal_id)
        if got is None:
            return None
        with self._lock:
            self._proposals[key] = frozenset(got.value.parties)
        return self._proposals[key]

    def round_parties(self, scope: Scope, round_id: int) -> frozenset[str] | None:
        """The parties a round is addressed to (fixed when it is opened)."""
        key = (scope.case.slug, round_id)
        with self._lock:
            known = self._rounds.get(key)
        if known is not None:
            return known
        with self.uow() as uow:
            got = uow.rounds.get_round(scope.case.id, round_id)
        if got is None:
            return None
        with self._lock:
            self._rounds[key] = frozenset(got.value.parties)
        return self._rounds[key]


def _channel(key: str) -> Channel:
    if key == PLENARY:
        return Channel(key, ChannelKind.PLENARY)
    return Channel(key, ChannelKind.PARTY, key)


def visible(policy: AccessPolicy, scope: Scope, e: AuditEvent, facts: Facts) -> bool:
    """Whether the reader of ``scope`` may see what event ``e`` is about.

    Each rule is the one the matching read applies (``services/shuttle.py``,
    ``cases.py``, ``crisis.py``); an action this table does not know is never sent.
    """
    a, p = e.action, e.payload
    res = f"events/{e.seq}"
    can = policy.can
    if a in ("case.create", "case.import", "source.create", "statement.create"):
        return can(scope, Action.CASE_READ, resource=res)
    if a in PRIVATE_ACTIONS:  # an authored position or reservation value
        return can(scope, Action.POSITION_READ, resource=res, shared=scope.shared("positions"))
    if a in EVENT_TYPES and a.startswith("case."):  # the rest of an authored case is public
        return can(scope, Action.CASE_READ, resource=res)
    if a == "statement.confirm":
        return can(scope, Action.STATEMENT_READ, resource=res)
    if a == "position.update":
        return can(scope, Action.POSITION_READ, resource=res, shared=scope.shared("positions"))
    if a in ("member.add", "member.remove", "member.change"):
        return can(scope, Action.MEMBER_READ, resource=res)
    if a == "share.create":
        mine = p.get("user") == scope.member.user
        return mine or can(scope, Action.MEMBER_READ, resource=res)
    if a in ("note.create", "note.update"):
        note = int(p["note"])
        return can(scope, Action.NOTE_READ, resource=res, shared=scope.shared("note", note))
    if a in ("message.post", "message.relay"):
        ch = _channel(str(p["channel"]))
        return policy.can_read_channel(scope, ch)
    if a.startswith("claim."):
        return _claim_visible(policy, scope, e, facts)
    if a.startswith("proposal."):
        proposal = int(p["proposal"])
        parties = facts.proposal_parties(scope, proposal)
        if parties is None:
            return False
        shared = scope.shared("proposal", proposal)
        if not can(scope, Action.PROPOSAL_READ, resource=res, parties=parties, shared=shared):
            return False
        if a == "proposal.respond":  # only the mediator sees the other parties' answers
            own = scope.party is not None and p.get("party") == scope.party
            return own or can(scope, Action.PROPOSAL_RESPONSES, resource=res)
        return True
    if a == "ledger.record":
        return can(scope, Action.LEDGER_READ, resource=res, shared=scope.shared("ledger"))
    if a.startswith("crisis."):
        return a in EVENT_TYPES and can(scope, Action.CRISIS_READ, resource=res)
    if a in ("round.open", "round.answer", "round.reveal"):  # as RoundService._can_read
        parties = facts.round_parties(scope, int(p["round"]))
        return parties is not None and can(scope, Action.ROUND_READ, resource=res, parties=parties)
    if a in ("coding.share", "coding.revoke"):  # whoever reads the coding while shared:
        own = frozenset({str(p["party"])})  # its delegation, and the mediator
        return can(scope, Action.CODING_READ, resource=res, parties=own, shared=True)
    if a == "coding.write":  # as CodingService.events: the delegation alone
        own = frozenset({str(p["party"])})
        return can(scope, Action.CODING_WRITE, resource=res, parties=own)
    return False


def _claim_visible(policy: AccessPolicy, scope: Scope, e: AuditEvent, facts: Facts) -> bool:
    """As ``ShuttleService._claim_view``: the mediator sees every step; the claim's party
    every step but the recipient's acknowledgement; the recipient the relay and its
    acknowledgement."""
    res = f"events/{e.seq}"
    ack = e.action == "claim.acknowledge"
    found = facts.claim(scope, int(e.payload["claim"]), recipient=ack)
    if found is None or e.action not in EVENT_TYPES:
        return False
    party, recipient = found
    if e.action == "claim.relay":
        recipient = str(e.payload["to"])
    parties = frozenset({party, *([recipient] if recipient else [])})
    if not policy.can(scope, Action.CLAIM_READ, resource=res, parties=parties):
        return False
    if policy.can(scope, Action.CLAIM_HISTORY, resource=res):
        return True
    if scope.party == party:
        return e.action != "claim.acknowledge"
    return scope.party == recipient and e.action in ("claim.relay", "claim.acknowledge")


def event_data(policy: AccessPolicy, scope: Scope, e: AuditEvent) -> tuple[str, dict[str, Any]]:
    """The event's type and data for a reader who may see it: ids, never content."""
    kind, change = EVENT_TYPES[e.action]
    p = e.payload
    data: dict[str, Any] = {"case": scope.case.slug}
    if change:
        data["change"] = change
    for name in _DATA.get(e.action, ()):
        if name in p and p[name] is not None:
            data[name] = p[name]
    if e.action == "statement.create":
        data["statement"] = p["statement"]["id"]
    if e.action == "message.relay" and policy.can(
        scope, Action.MESSAGE_ORIGIN, resource=f"events/{e.seq}"
    ):
        data["origin"] = p["origin"]
    if e.action == "crisis.escalation.score" and int(p.get("alerts", 0)) > 0:
        kind = "alert.raised"
        data["alerts"] = int(p["alerts"])
    if e.action == "crisis.incident.log" and not p.get("sweep"):
        data.pop("sweep", None)
    return kind, data


class Cursors:
    """Opaque, authenticated ids: ``nonce || (seq XOR PRF(nonce)) || MAC``, base64url.

    The pseudo-random function is HMAC-SHA256 keyed by the server's secret and bound to
    the case (Bellare, Canetti and Krawczyk 1996, "Keying hash functions for message
    authentication"); the ciphertext is then authenticated with a second HMAC
    (encrypt-then-MAC: Bellare and Namprempre 2000). Ids show neither order nor distance.

    :meth:`encode` draws a fresh nonce (the ``ready`` id of a stream opened now: two
    opens at the same head must not be told apart from two opens around hidden events).
    :meth:`event_id` derives the nonce from the case and seq with a third HMAC (a
    synthetic IV, as in SIV: Rogaway and Shrimpton 2006), so an event has one id for
    every reader and is encrypted once. An equal id then says "the same event", which
    anyone who received both already knows; it never equals a ``ready`` id.
    """

    def __init__(self, key: bytes) -> None:
        self._enc = hmac.new(key, b"offramp-events-enc", hashlib.sha256).digest()
        self._mac = hmac.new(key, b"offramp-events-mac", hashlib.sha256).digest()
        self._siv = hmac.new(key, b"offramp-events-siv", hashlib.sha256).digest()

    def _pad(self, slug: str, nonce: bytes) -> int:
        mac = hmac.new(self._enc, slug.encode() + b"\0" + nonce, hashlib.sha256)
        return int.from_bytes(mac.digest()[:8], "big")

    def _tag(self, slug: str, body: bytes) -> bytes:
        return hmac.new(self._mac, slug.encode() + b"\0" + body, hashlib.sha256).digest()[:8]

    def encode(self, slug: str, seq: int) -> str:
        """An id of ``seq`` with a fresh nonce: never the same twice."""
        return self._seal(slug, seq, secrets.token_bytes(8))

    def event_id(self, slug: str, seq: int) -> str:
        """The one id of event ``seq`` of case ``slug`` (the same for every reader)."""
        siv = hmac.new(self._siv, f"{slug}\0{seq}".encode(), hashlib.sha256).digest()[:8]
        return self._seal(slug, seq, siv)

    def _seal(self, slug: str, seq: int, nonce: bytes) -> str:
        ct = (seq ^ self._pad(slug, nonce)).to_bytes(8, "big")
        body = nonce + ct
        return base64.urlsafe_b64encode(body + self._tag(slug, body)).decode().rstrip("=")

    def decode(self, slug: str, text: str, where: str = "Last-Event-ID") -> int:
        """The seq of a cursor this server gave for case ``slug``, or InputError."""
        bad = InputError(where, "not an event id of this case's stream; reconnect without it")
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (ValueError, TypeError):
            raise bad from None
        if len(raw) != 24 or not hmac.compare_digest(raw[16:], self._tag(slug, raw[:16])):
            raise bad
        nonce, ct = raw[:8], raw[8:16]
        return int.from_bytes(ct, "big") ^ self._pad(slug, nonce)


@dataclass
class _Tail:
    """The events of one chain after ``base``, in order, as far as ``last``.

    ``scope_seq``: the last event in it that changes readers' scopes (``SCOPE_CHANGES``).
    """

    base: int
    last: int
    events: deque[AuditEvent] = field(default_factory=lambda: deque(maxlen=TAIL))
    scope_seq: int = 0


@dataclass
class _View:
    """What was decided, event by event, for the live streams of one scope key.

    ``decided[seq]`` is the event as those readers receive it, or None: hidden from them.
    ``scope`` is one of those readers' scopes (any one: they decide alike).
    """

    scope: Scope
    streams: int = 0
    decided: dict[int, StreamEvent | None] = field(default_factory=dict)


class Stream:
    """One reader's position in one case's stream.

    :meth:`ready` (no I/O, for the event loop) serves what the service has already
    decided for this reader's scope; :meth:`next` (from a thread) reads and decides
    whatever is not, and reads the scope again when it must.
    """

    def __init__(self, service: EventService, actor: Actor, scope: Scope, seq: int) -> None:
        self.service = service
        self.actor = actor
        self.scope = scope
        self.key = scope_key(scope)
        self.seq = seq
        self.slug = scope.case.slug
        self._read_at = time.monotonic()
        self._attached = False

    def attach(self) -> None:
        """Have each new event decided for this stream's scope as the feed brings it."""
        if not self._attached:
            self.service.attach(self.slug, self.key, self.scope)
            self._attached = True

    def close(self) -> None:
        if self._attached:
            self.service.detach(self.slug, self.key)
            self._attached = False

    def ready(self, limit: int = 500) -> list[StreamEvent] | None:
        """The visible events after this position, if every one is decided already and
        the scope need not be read again; else None (call :meth:`next`)."""
        if time.monotonic() - self._read_at > self.service.rescope:
            return None
        got = self.service.decided(self.slug, self.key, self.seq, limit)
        if got is None:
            return None
        self.seq, out = got
        return out

    def next(self, limit: int = 500) -> list[StreamEvent]:
        """The visible events after this stream's position (advancing past hidden ones).

        The reader's scope is read again when the batch changes memberships or shares,
        and at least every :attr:`EventService.rescope` seconds, so a lost membership
        ends the stream (NotFound) and a new share opens what it shares.
        """
        events = self.service.after(self.slug, self.seq, limit)
        stale = time.monotonic() - self._read_at > self.service.rescope
        if stale or any(e.action in SCOPE_CHANGES for e in events):
            self._rescoped(self.service.scope(self.actor, self.slug))
        out = []
        for e in events:
            self.seq = e.seq
            got = self.service.decide(self.scope, self.key, e)
            if got is not None:
                out.append(got)
        return out

    def _rescoped(self, scope: Scope) -> None:
        key = scope_key(scope)
        if self._attached and key != self.key:
            self.service.detach(self.slug, self.key)
            self.service.attach(self.slug, key, scope)
        self.scope, self.key, self._read_at = scope, key, time.monotonic()


class EventService:
    """Opens streams, keeps the watched chains' tails, and wakes subscribers."""

    def __init__(
        self, uow: UowFactory, policy: AccessPolicy, clock: Clock, *, poll: float | None = None
    ) -> None:
        self.uow = uow
        self.policy = policy
        self.clock = clock
        self.poll = poll
        self.rescope = 30.0
        self.facts = Facts(uow)
        self._cursors: Cursors | None = None
        self._tails: dict[str, _Tail] = {}
        self._views: dict[str, dict[ScopeKey, _View]] = {}
        self._subscribers: dict[str, set[Callable[[], None]]] = {}
        self._lock = threading.Lock()
        self._feed: feed_store.ChangeFeed | None = None

    # -- opening ------------------------------------------------------------------------
    def scope(self, actor: Actor | None, slug: str) -> Scope:
        """The reader's scope on the case (401 anonymous, 404 not a member)."""
        with self.uow() as uow:
            return self.policy.access_case(uow.repo, actor, slug)

    def open(self, actor: Actor | None, slug: str, cursor: str | None, where: str) -> Stream:
        """A stream after ``cursor`` (an id this server sent), or from now if None."""
        scope = self.scope(actor, slug)
        assert actor is not None
        if cursor is not None:
            seq = self.cursors().decode(slug, cursor, where)
        else:
            with self.uow() as uow:
                seq = chain.head(uow.conn, slug)[0]
        return Stream(self, actor, scope, seq)

    def cursors(self) -> Cursors:
        if self._cursors is None:
            with self.uow(write=True) as uow:
                key = feed_store.stream_key(uow.conn, self.clock.now())
                uow.commit()
            self._cursors = Cursors(key)
        return self._cursors

    def cursor(self, slug: str, seq: int) -> str:
        """A fresh id of position ``seq`` (a ``ready`` event's)."""
        return self.cursors().encode(slug, seq)

    # -- deciding, once per scope ---------------------------------------------------------
    def attach(self, slug: str, key: ScopeKey, scope: Scope) -> None:
        """A live stream of scope ``key``: decide new events for its scope as they come."""
        with self._lock:
            views = self._views.setdefault(slug, {})
            view = views.get(key)
            if view is None:
                view = views[key] = _View(scope)
            view.streams += 1

    def detach(self, slug: str, key: ScopeKey) -> None:
        with self._lock:
            views = self._views.get(slug, {})
            view = views.get(key)
            if view is not None:
                view.streams -= 1
                if view.streams <= 0:
                    del views[key]

    def decide(self, scope: Scope, key: ScopeKey, e: AuditEvent) -> StreamEvent | None:
        """Event ``e`` as the readers of ``scope`` receive it, or None if hidden from them;
        decided once per scope key while a live stream of that key is open."""
        slug = scope.case.slug
        with self._lock:
            view = self._views.get(slug, {}).get(key)
            if view is not None and e.seq in view.decided:
                return view.decided[e.seq]
        out = None
        if visible(self.policy, scope, e, self.facts):
            kind, data = event_data(self.policy, scope, e)
            out = StreamEvent(self.cursors().event_id(slug, e.seq), kind, data, e.seq)
        if view is not None:
            with self._lock:
                view.decided[e.seq] = out
                while len(view.decided) > TAIL:
                    del view.decided[next(iter(view.decided))]
        return out

    def decided(
        self, slug: str, key: ScopeKey, seq: int, limit: int
    ) -> tuple[int, list[StreamEvent]] | None:
        """The position after the tail and the visible events up to it, for scope
        ``key`` from ``seq``, if all of them are decided and none changes scopes."""
        with self._lock:
            tail = self._tails.get(slug)
            view = self._views.get(slug, {}).get(key)
            if tail is None or view is None or seq < tail.base or tail.scope_seq > seq:
                return None
            if seq >= tail.last:
                return seq, []
            if tail.last - seq > limit:
                return None
            out = []
            for s in range(seq + 1, tail.last + 1):
                if s not in view.decided:
                    return None
                got = view.decided[s]
                if got is not None:
                    out.append(got)
            return tail.last, out

    def _decide_new(self, slug: str, new: list[AuditEvent]) -> None:
        """Decide the new events once for each scope that has live streams."""
        with self._lock:
            views = [(k, v.scope) for k, v in self._views.get(slug, {}).items()]
        try:
            for key, scope in views:
                for e in new:
                    self.decide(scope, key, e)
        except Exception:  # a read failed: the streams decide for themselves instead
            log.warning("events: deciding new events for the live streams failed", exc_info=True)

    # -- waking -------------------------------------------------------------------------
    def subscribe(self, slug: str, wake: Callable[[], None]) -> Callable[[], None]:
        """Call ``wake()`` (from the feed's thread) whenever the case's chain grows."""
        with self._lock:
            first = slug not in self._tails
            self._subscribers.setdefault(slug, set()).add(wake)
        if first:
            with self.uow() as uow:
                head = chain.head(uow.conn, slug)[0]
            with self._lock:
                self._tails.setdefault(slug, _Tail(head, head))
        self._ensure_feed().watch(slug, self._tails[slug].last)

        def unsubscribe() -> None:
            with self._lock:
                self._subscribers.get(slug, set()).discard(wake)

        return unsubscribe

    def _ensure_feed(self) -> feed_store.ChangeFeed:
        with self._lock:
            if self._feed is None:
                with self.uow() as uow:
                    engine = uow.conn.engine
                    pg = uow.conn.dialect.name == "postgresql"
                poll = self.poll if self.poll is not None else (1.0 if pg else 0.1)
                self._feed = feed_store.ChangeFeed(engine, self._grown, poll=poll)
                self._feed.start()
            return self._feed

    def stop(self) -> None:
        """Stop the feed's threads (the app's shutdown)."""
        with self._lock:
            feed, self._feed = self._feed, None
        if feed is not None:
            feed.stop()

    def _grown(self, slug: str, head: int) -> None:
        """The feed saw the chain reach ``head``: read what is new once, then wake."""
        tail = self._tails.get(slug)
        if tail is None:
            return
        while tail.last < head:
            with self.uow() as uow:
                new = chain.events(uow.conn, slug, after=tail.last, limit=1000)
            if not new:
                break
            for e in new:
                self.facts.learn(slug, e)
            with self._lock:
                if len(tail.events) + len(new) > TAIL:
                    tail.events.extend(new)
                    tail.base = tail.events[0].seq - 1
                else:
                    tail.events.extend(new)
                tail.last = new[-1].seq
                changes = [e.seq for e in new if e.action in SCOPE_CHANGES]
                tail.scope_seq = max([tail.scope_seq, *changes])
            self._decide_new(slug, new)
        with self._lock:
            wakes = list(self._subscribers.get(slug, ()))
        for wake in wakes:
            wake()

    # -- reading ------------------------------------------------------------------------
    def after(self, slug: str, seq: int, limit: int) -> list[AuditEvent]:
        """The chain's events after ``seq``: from the tail if it reaches back that far."""
        with self._lock:
            tail = self._tails.get(slug)
            if tail is not None and tail.base <= seq:
                if seq >= tail.last:
                    return []
                start = seq - tail.base  # seqs are consecutive: event seq is at seq-base-1
                if 0 <= start < len(tail.events) and tail.events[start].seq == seq + 1:
                    return list(islice(tail.events, start, start + limit))
                return [e for e in tail.events if e.seq > seq][:limit]
        with self.uow() as uow:
            return chain.events(uow.conn, slug, after=seq, limit=limit)
