"""One clock for the whole desk: every time a service or the store records is the time of
the clock given to ``bootstrap`` (here a FixedClock set far from the real date), read
when the write happens."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from offramp.bootstrap import Services, bootstrap
from offramp.errors import Unauthenticated
from offramp.model.concessions import Direction
from offramp.model.deadlines import FixedClock
from offramp.model.shuttle import HandlingMark, RelayLabel, RelayMode, Response
from offramp.services.access import Actor
from offramp.services.accounts import SESSION_LIFETIME
from offramp.store import tables as t
from offramp.store.audit import payload_text
from offramp.store.sealed import keyring_of
from support.desk import FAST_HASHER, PASSWORD, PERSONAS, backends, fresh_database

START = datetime(2031, 5, 4, 9, 30, tzinfo=UTC)
STEP = timedelta(minutes=7)


@pytest.fixture(params=backends())
def fixed(
    request: pytest.FixtureRequest,
    _templates: dict[str, tuple[str, dict[str, str]]],
    tmp_path: Path,
) -> Iterator[tuple[Services, FixedClock, dict[str, Actor]]]:
    url, _, dbname = fresh_database(request.param, _templates, tmp_path)
    clock = FixedClock(START)
    desk = bootstrap(url, migrate_first=False, hasher=FAST_HASHER, clock=clock)
    try:
        yield desk, clock, {n: desk.accounts.get_actor(n) for n in [*PERSONAS, "admin"]}
    finally:
        desk.close()
        if dbname:
            from support.desk import _pg_exec

            _pg_exec(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_messages_relays_claims_and_proposals_carry_the_clocks_time(fixed) -> None:
    desk, clock, who = fixed
    s, med = desk.shuttle, who["mediator_il"]
    posted = s.post(who["delegate_ua"], "small", "UA", "We can talk.", HandlingMark.MAY_RELAY)
    assert posted.message.at == START
    relayed_at = clock.advance(STEP)
    relayed = s.relay(med, "small", posted.message.id, "RU", RelayMode.VERBATIM)
    assert relayed.message.at == relayed_at

    claim = s.create_claim(med, "small", statement="ru-neutral")
    asked = clock.advance(STEP)
    s.request_assurance(med, "small", claim.claim.id)
    assured = clock.advance(STEP)
    s.respond_to_claim(who["delegate_ru"], "small", claim.claim.id, True, "Yes.")
    sent = clock.advance(STEP)
    s.relay_claim(med, "small", claim.claim.id, "UA", RelayLabel.AFFIRMED)
    acked = clock.advance(STEP)
    s.acknowledge_claim(who["delegate_ua"], "small", claim.claim.id)
    history = s.get_claim(med, "small", claim.claim.id).claim.history
    assert [h.at for h in history] == [relayed_at, asked, assured, sent, acked]

    tabled = clock.advance(STEP)
    p = s.table_proposal(med, "small", "Bloc-free", {"alignment": "bloc_free"})
    assert p.proposal.at == tabled
    answered = clock.advance(STEP)
    ua = s.respond_to_proposal(who["delegate_ua"], "small", p.proposal.id, Response.ACCEPTED)
    assert [r.at for r in ua.responses] == [answered]
    noted = clock.advance(STEP)
    entry = s.record_concession(med, "small", "RU", "donbas", Direction.GIVES)
    assert entry.concession.at == noted


def test_confirmations_notes_and_audit_events_carry_the_clocks_time(fixed) -> None:
    desk, clock, who = fixed
    med = who["mediator_il"]
    confirmed_at = clock.advance(timedelta(days=3))
    row = desk.cases.confirm_statement(med, "small", "ru-neutral")
    assert row.confirmed_at == confirmed_at
    written = clock.advance(STEP)
    note = desk.cases.add_note(med, "small", "Plan", "Talk to both.")
    assert note.updated_at == written
    edited = clock.advance(STEP)
    note = desk.cases.update_note(med, "small", note.id, note.version, body="Talk to RU.")
    assert note.updated_at == edited
    events = desk.audit.events(med, "small")
    tail = [(e.action, e.at) for e in events[-3:]]
    assert tail == [
        ("statement.confirm", confirmed_at),
        ("note.create", written),
        ("note.update", edited),
    ]
    assert desk.audit.verify("small").ok


def test_sessions_expire_by_the_clock_and_users_are_stamped_with_it(fixed) -> None:
    desk, clock, who = fixed
    made = clock.advance(STEP)
    desk.accounts.add_user(who["admin"], "newcomer", PASSWORD)
    opened = clock.advance(STEP)
    actor, secret = desk.accounts.sign_in("newcomer", PASSWORD)
    with desk.engine.connect() as conn:
        created = conn.execute(
            select(t.users.c.created_at).where(t.users.c.name == "newcomer")
        ).scalar_one()
        session = conn.execute(
            select(t.credentials.c.created_at, t.credentials.c.expires_at).where(
                t.credentials.c.user_id == actor.id, t.credentials.c.kind == "session"
            )
        ).one()
    assert _utc(created) == made
    assert _utc(session.created_at) == opened
    assert _utc(session.expires_at) == opened + SESSION_LIFETIME

    desk.accounts.idle_limit = None  # the lifetime alone (idling out: test_asvs_idle.py)
    clock.set(opened + SESSION_LIFETIME - timedelta(seconds=1))
    assert desk.accounts.actor_for_secret(secret).name == "newcomer"
    clock.set(opened + SESSION_LIFETIME)
    with pytest.raises(Unauthenticated):
        desk.accounts.actor_for_secret(secret)
    with desk.engine.connect() as conn:
        rows = conn.execute(
            select(t.audit_events.c.action, t.audit_events.c.at, t.audit_events.c.payload).where(
                t.audit_events.c.action.in_(["user.create", "session.open"])
            )
        ).all()
        ring = keyring_of(conn)  # payloads are sealed: open them to find the newcomer's
        stamped = [r for r in rows if "newcomer" in payload_text(ring, r.payload)]
    assert sorted((r.action, datetime.fromisoformat(r.at)) for r in stamped) == [
        ("session.open", opened),
        ("user.create", made),
    ]
