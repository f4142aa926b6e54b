"""Shared by the live-desk tests: the raw text/event-stream parser and a script of writes
that makes every event type, by the people who would make them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from offramp.bootstrap import Services
from offramp.errors import OfframpError
from offramp.model.concessions import Direction
from offramp.model.crisis import ScoreKind
from offramp.model.shuttle import HandlingMark, RelayLabel, RelayMode, Response
from offramp.services.access import Actor
from offramp.store.audit import AuditEvent
from support.crisis_matrix import seed_crisis
from support.desk import TYPED_STATEMENT


@dataclass(frozen=True)
class Frame:
    id: str | None
    event: str | None
    data: dict[str, Any] | None


def parse(raw: str) -> tuple[list[Frame], list[str]]:
    """The events and the comment lines of a raw stream (what a browser would parse)."""
    frames, comments = [], []
    for block in raw.replace("\r\n", "\n").split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.split("\n"):
            if not line:
                continue
            if line.startswith(":"):
                comments.append(line)
                continue
            name, _, value = line.partition(":")
            fields[name] = value[1:] if value.startswith(" ") else value
        if "event" in fields or "data" in fields:
            data = json.loads(fields["data"]) if "data" in fields else None
            frames.append(Frame(fields.get("id"), fields.get("event"), data))
    return frames, comments


def every_kind_of_write(desk: Services) -> None:
    """Writes that produce every event type, on both parties' sides."""
    get = desk.accounts.get_actor
    med, ua, ru, analyst = (
        get("mediator_il"),
        get("delegate_ua"),
        get("delegate_ru"),
        get("analyst"),
    )
    s, c = desk.shuttle, desk.cases
    ua_msg = s.post(ua, "small", "UA", "UA's own line", HandlingMark.MAY_RELAY).message.id
    s.post(ru, "small", "RU", "RU's own line", HandlingMark.MEDIATOR_ONLY)
    s.post(med, "small", "plenary", "To both", HandlingMark.MAY_RELAY)
    s.relay(med, "small", ua_msg, "RU", RelayMode.VERBATIM)
    for party, other in (("RU", "UA"), ("UA", "RU")):
        claim = s.create_claim(med, "small", party=party, text=f"{party} halts.").claim.id
        s.request_assurance(med, "small", claim)
        s.respond_to_claim(get(f"delegate_{party.lower()}"), "small", claim, True)
        s.relay_claim(med, "small", claim, other, RelayLabel.AFFIRMED)
        s.acknowledge_claim(get(f"delegate_{other.lower()}"), "small", claim)
    s.create_claim(med, "small", party="RU", text="Only RU and the mediator know.")
    both = s.table_proposal(med, "small", "Both", {"alignment": "bloc_free"}).proposal.id
    only_ua = s.table_proposal(med, "small", "UA only", {"donbas": "autonomy"}, ("UA",))
    s.respond_to_proposal(ua, "small", both, Response.ACCEPTED)
    s.respond_to_proposal(ru, "small", both, Response.REJECTED)
    s.withdraw_proposal(med, "small", only_ua.proposal.id)
    s.record_concession(med, "small", "RU", "donbas", Direction.GIVES)
    note = c.add_note(med, "small", "Private", "The mediator's own thoughts")
    c.update_note(med, "small", note.id, 1, body="Edited")
    shared = c.add_note(med, "small", "For the observer", "Shared")
    c.share(med, "small", "observer_us", "note", shared.id)
    c.share(med, "small", "facilitator_de", "proposal", both)
    c.share(med, "small", "facilitator_de", "ledger")
    c.add_statement(analyst, "small", TYPED_STATEMENT)
    c.confirm_statement(med, "small", "ua-bloc-free")
    position = c.list_positions(med, "small")[0]
    c.update_position(med, "small", position.id, {"salience": 0.5}, position.version)
    admin = get("admin")
    desk.accounts.add_user(admin, "newcomer", "a long password")
    c.add_member(admin, "small", "newcomer", "observer", None)
    seed_crisis(desk)
    officer, crisis = get("desk_officer"), desk.crisis
    now = desk.clock.now()
    crisis.acknowledge_notification(officer, "small", "n-1", by="RU duty officer")
    crisis.start_playbook(officer, "small", "inc-dup", "wmd_allegation", at=now)
    crisis.score_escalation(
        officer, "small", key="s-1", between=["RU", "US"], level=1, kind=ScoreKind.THREAT
    )
    crisis.score_escalation(
        officer, "small", key="s-2", between=["RU", "US"], level=4, kind=ScoreKind.THREAT
    )
    crisis.set_alert_rule(officer, "small", 3)
    desk.sweeps.run()


def _ok(call: Any) -> bool:
    try:
        call()
    except OfframpError:
        return False
    return True


def may_read(desk: Services, who: Actor, e: AuditEvent) -> bool:
    """The oracle: may ``who`` see what ``e`` is about, asked of the services' own reads
    (never of the stream's classifier)."""
    a, p, slug = e.action, e.payload, "small"
    s, c = desk.shuttle, desk.cases
    if a in ("message.post", "message.relay"):
        return _ok(lambda: s.get_message(who, slug, int(p["message"])))
    if a.startswith("claim."):
        step = {
            "claim.create": "stated",
            "claim.request": "assurance_requested",
            "claim.assure": "assured",
            "claim.deny": "denied",
            "claim.relay": "relayed",
            "claim.acknowledge": "acknowledged",
        }[a]
        try:
            view = s.get_claim(who, slug, int(p["claim"]))
        except OfframpError:
            return False
        return step in {h.state.value for h in view.claim.history}
    if a.startswith("proposal."):
        try:
            view = s.get_proposal(who, slug, int(p["proposal"]))
        except OfframpError:
            return False
        if a == "proposal.respond":
            return any(r.party == p["party"] for r in view.responses)
        return True
    if a == "ledger.record":
        return _ok(lambda: s.ledger(who, slug))
    if a in ("note.create", "note.update"):
        return _ok(lambda: c.get_note(who, slug, int(p["note"])))
    if a in ("statement.create", "statement.confirm", "case.create", "case.import"):
        return _ok(lambda: c.list_statements(who, slug))
    if a == "position.update":
        return _ok(lambda: c.list_positions(who, slug))
    if a == "member.add":
        return _ok(lambda: c.list_members(who, slug))
    if a == "share.create":
        return p["user"] == who.name or _ok(lambda: c.list_members(who, slug))
    if a.startswith("crisis."):
        return _ok(lambda: desk.crisis.crisis_board(who, slug))
    raise AssertionError(f"the oracle does not know {a}")
