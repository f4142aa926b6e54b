"""Confidential text at rest (issue 18): what a copy of the database shows, and the keys.

The desk reads message bodies, notes, codings, the ledger, proposals, claims, the crisis
desk's prose and TOTP secrets as plain text; the database file (or a plain
``pg_dump``) holds only ciphertext, under a key kept outside it.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from argon2 import PasswordHasher
from sqlalchemy import JSON, Engine, Text, column, select, table, text
from sqlalchemy.engine import make_url

from offramp.bootstrap import bootstrap, migrate
from offramp.errors import InputError, Unauthenticated
from offramp.model.codings import Coding, IssueCoding
from offramp.model.concessions import Direction
from offramp.model.crisis import ChannelLevel, IncidentType
from offramp.model.shuttle import HandlingMark, Response
from offramp.services.accounts import SYSTEM
from offramp.services.crisis import ArrivalIn
from offramp.services.totp import key_of, totp
from offramp.store import audit
from offramp.store.backup import find_pg_tool
from offramp.store.cipher import Keyring, SealBroken, is_sealed, key_id
from offramp.store.data_key import ENV_FILE, ENV_KEY
from offramp.store.engine import normalise_url
from offramp.store.intake_repository import Discard
from offramp.store.migrations import alembic_config
from offramp.store.sealed import (
    SEALED,
    SEALED_0008,
    SEALED_0009,
    SEALED_0012,
    SEALED_0014,
    SealedColumn,
    data_keys,
)
from offramp.store.tables import messages
from support.desk import FAST_HASHER, PASSWORD, SMALL_CASE_YAML, World
from support.sealed import BODY, sealed_desk
from support.soft_key import add_key

NOTE_TITLE = "walk-away point quokka"
NOTE_BODY = "The mediator's own read: kumquat-line on Donbas"
CODING_NOTE = "UA's private reservation narwhal-3"
LEDGER_NOTE = "UA gave way on the corridor wombat-12"
PROPOSAL_TITLE = "Swap plan pangolin for the Donbas"
RESPONSE_NOTE = "RU accepts only if axolotl-9 stays quiet"
CLAIM_NOTE = "Ask Moscow through channel marmot-4"
DESK_NOTE = "Back channel via the ocelot-5 embassy"
RUN_NOTE = "Started at the minister's call, tapir-2"
RUN_OUTCOME = "Stood down after the gecko-8 assurance"
CRISIS_MESSAGE = "Relay: the convoy halts at lemur-6"
JOURNAL_NOTE = "Officer's read: they bluff, dingo-3"
HEARTBEAT_WHAT = "status report from the ibis-1 desk"
REVIEW_TEXT = "The hotline sat idle: okapi-7"
SECRETS_0009 = (
    LEDGER_NOTE, PROPOSAL_TITLE, RESPONSE_NOTE, CLAIM_NOTE, RUN_NOTE, RUN_OUTCOME,
    CRISIS_MESSAGE, JOURNAL_NOTE, HEARTBEAT_WHAT, REVIEW_TEXT,
)  # fmt: skip
"""Text of the columns migration 0009 seals (with the TOTP secret, random per test).
Not :data:`DESK_NOTE`: the desk's note comes only from an imported case file, which the
case's row keeps as it was imported (``cases.data``, plain like the statements), so
only its own column is checked (``crisis_settings.note``)."""
ROUND_TITLE = "Round on the capybara-11 corridor"
PRECEDENT_NOTE = "Float Austria only after the heron-5 talks"
DISCARD_REASON = "A mention only, says the jackal-2 desk"
SECRETS_0012 = (ROUND_TITLE, PRECEDENT_NOTE, DISCARD_REASON)
"""Text of the columns migration 0012 seals (with a party's marks: package keys)."""
OWASP_MINIMUM = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
"""The Password Storage Cheat Sheet's least argon2id configuration, for timing sign-in."""
ARGON2 = "$argon2"
"""How every stored password hash begins before migration 0014 seals it (the pepper)."""
KEY_NAME = "Olena's security key in the sloth-4 drawer"
"""A security key's name (a column sealed since migration 0016)."""
SECRETS = (BODY, NOTE_TITLE, NOTE_BODY, CODING_NOTE, *SECRETS_0009, *SECRETS_0012, KEY_NAME)
DESK_NOTE_CASE = (
    SMALL_CASE_YAML.replace(
        "id: small\ntitle: A small shuttle case", "id: crisis-note\ntitle: A desk with a note"
    )
    + f"crisis:\n  note: {DESK_NOTE}\n"
)
WMD_STEPS = ("acknowledge", "consult_ally", "refer", "answer_publicly", "receive_finding")


def _write_secrets(world: World) -> str:
    """Write every kind of confidential text; returns the mediator's TOTP secret."""
    d = world.desk
    d.shuttle.post(world.actor("delegate_ua"), "small", "UA", BODY, HandlingMark.MAY_RELAY)
    d.cases.add_note(world.actor("mediator_il"), "small", NOTE_TITLE, NOTE_BODY)
    coding = Coding(
        "UA",
        (
            IssueCoding("alignment", 0.5, {"nato": 1.0, "bloc_free": 0.5, "neutral": 0.0}),
            IssueCoding("donbas", 0.5, {"ukraine": 1.0, "autonomy": 0.5, "russia": 0.0}),
        ),
        reservation=0.25,
        note=CODING_NOTE,
    )
    d.codings.put(world.actor("delegate_ua"), "small", "UA", coding, None)
    _write_shuttle_secrets(world)
    _write_crisis_secrets(world)
    _write_round_link_discard(world)
    add_key(d, world.admin, KEY_NAME)
    secret, _ = d.accounts.two_factor.enrol(world.admin)
    return secret


def _write_shuttle_secrets(world: World) -> None:
    s, med = world.desk.shuttle, world.actor("mediator_il")
    s.record_concession(med, "small", "UA", "donbas", Direction.GIVES, note=LEDGER_NOTE)
    p = s.table_proposal(med, "small", PROPOSAL_TITLE, {"alignment": "bloc_free"})
    s.respond_to_proposal(
        world.actor("delegate_ru"), "small", p.proposal.id, Response.ACCEPTED, RESPONSE_NOTE
    )
    c = s.create_claim(med, "small", party="RU", text="No regime change.")
    s.request_assurance(med, "small", c.claim.id)
    s.respond_to_claim(world.actor("delegate_ru"), "small", c.claim.id, True, CLAIM_NOTE)


def _write_round_link_discard(world: World) -> None:
    d, med = world.desk, world.actor("mediator_il")
    package = {"alignment": "bloc_free", "donbas": "autonomy"}
    r = d.rounds.open_round(med, "small", ROUND_TITLE, packages=[package])
    d.rounds.mark(world.actor("delegate_ua"), "small", r.id, [r.packages[0].key])
    d.precedents.link(
        med, "small", issue="alignment", option="neutral", precedent="austria-1955",
        note=PRECEDENT_NOTE,
    )  # fmt: skip
    _write_discard(world)


def _write_discard(world: World) -> None:
    said = "Zelensky said he would consider a compromise on the Donbas."
    proposal = Discard(
        party="UA", issue="donbas", stance="consider", speaker="zelensky",
        quote="consider a compromise", sentence=said, article_date="2022-03-10",
        reason=DISCARD_REASON,
    )  # fmt: skip
    world.desk.intake.discard(world.actor("analyst"), "small", proposal)


def _write_crisis_secrets(world: World) -> None:
    c, officer = world.desk.crisis, world.actor("desk_officer")
    world.desk.cases.import_case(world.admin, DESK_NOTE_CASE, "crisis-note.yaml")
    c.add_channel(officer, "small", "ru-ua-hotline", ["RU", "UA"], ChannelLevel.HOTLINE)
    c.log_incident(
        officer, "small", key="inc-1", type=IncidentType.ALLEGATION, title="An allegation",
        raised_by="RU", against="UA", claim="A claim.", level=2,
        arrivals=[ArrivalIn("ru-ua-hotline", datetime(2022, 10, 23, 9, tzinfo=UTC))],
    )  # fmt: skip
    c.start_playbook(officer, "small", "inc-1", "wmd_allegation", note=RUN_NOTE)
    c.add_note(officer, "small", "inc-1", JOURNAL_NOTE)
    c.record_message(officer, "small", "ru-ua-hotline", sender="RU", text=CRISIS_MESSAGE)
    c.expect_heartbeat(
        officer, "small", "ru-ua-hotline", expected_from="RU", every_hours=24, what=HEARTBEAT_WHAT
    )
    for step in WMD_STEPS:
        c.waive_step(officer, "small", "inc-1", step, "a drill")
    c.close_incident(officer, "small", "inc-1", RUN_OUTCOME)
    c.write_review(officer, "small", "inc-1", what_happened=REVIEW_TEXT)


def _desk_reads_the_secrets(world: World, secret: str) -> None:
    """The desk shows each secret of 0009's columns as it was written."""
    d, med, officer = world.desk, world.actor("mediator_il"), world.actor("desk_officer")
    assert [e.concession.note for e in d.shuttle.ledger(med, "small")] == [LEDGER_NOTE]
    (proposal,) = d.shuttle.list_proposals(med, "small")
    assert proposal.proposal.title == PROPOSAL_TITLE
    assert RESPONSE_NOTE in [r.note for r in proposal.responses]
    (claim,) = d.shuttle.list_claims(med, "small")
    assert CLAIM_NOTE in [h.note for h in claim.claim.history]
    timeline = d.crisis.incident_timeline(officer, "small", "inc-1")
    assert JOURNAL_NOTE in [e.text for e in timeline]
    assert [h.heartbeat.what for h in d.crisis.heartbeats(officer, "small")] == [HEARTBEAT_WHAT]
    review = d.crisis.review(officer, "small", "inc-1")
    assert review is not None and review.what_happened == REVIEW_TEXT
    exported = d.cases.export_case(med, "small").text  # the mediator reads the desk too
    assert RUN_NOTE in exported and RUN_OUTCOME in exported
    assert DESK_NOTE in d.cases.export_case_as_operator("crisis-note")
    with d.uow() as uow:
        case = uow.repo.get_case_row("small")
        assert case is not None
        assert [m[3] for m in uow.crisis.messages(case.id)] == [CRISIS_MESSAGE]
    (r,) = d.rounds.list_rounds(med, "small")
    assert r.title == ROUND_TITLE
    assert [row.discard.reason for row in d.intake.discards(med, "small")] == [DISCARD_REASON]
    links = d.precedents.links_for(med, "small", [("alignment", "neutral")])
    assert [link.note for link in links[("alignment", "neutral")]] == [PRECEDENT_NOTE]
    ua = d.rounds.list_rounds(world.actor("delegate_ua"), "small")[0]
    assert ua.mine == (ua.packages[0].key,)  # the party's own marks open again
    code = totp(key_of(secret), d.clock.now().timestamp())
    assert d.accounts.two_factor.confirm(world.admin, code)  # the secret opens to check a code


def _stored(engine: Engine, specs: tuple[SealedColumn, ...]) -> dict[str, list[Any]]:
    """Per column (``table.column``), its values as stored (JSON decoded)."""
    with engine.connect() as conn:
        return {
            spec.where: list(
                conn.execute(
                    select(column(spec.column, JSON if spec.json else Text)).select_from(
                        table(spec.table)
                    )
                ).scalars()
            )
            for spec in specs
        }


def _forms(engine: Engine, specs: tuple[SealedColumn, ...]) -> dict[str, set[str]]:
    """Per column, the forms of its values: the id of the key a value is sealed under,
    or ``plain`` (NULL, a round answer not given, is neither)."""
    return {
        where: {
            v.split(":")[1] if isinstance(v, str) and is_sealed(v) else "plain"
            for v in vs
            if v is not None
        }
        for where, vs in _stored(engine, specs).items()
    }


def _all(specs: tuple[SealedColumn, ...], form: str) -> dict[str, set[str]]:
    return {spec.where: {form} for spec in specs}


def _plain_text(engine: Engine, specs: tuple[SealedColumn, ...]) -> str:
    """Every value of ``specs`` as text (JSON values as their JSON)."""
    return "\n".join(
        v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
        for vs in _stored(engine, specs).values()
        for v in vs
    )


def _raw_copy(url: str) -> bytes:
    """Every byte a copy of the database would hold: the SQLite files, or a plain dump."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite":
        base = Path(str(parsed.database))
        return b"".join(
            p.read_bytes() for p in (base, Path(f"{base}-wal"), Path(f"{base}-shm")) if p.exists()
        )
    conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(
        [str(find_pg_tool("pg_dump")), "--format=plain", conninfo],
        capture_output=True,
        check=True,
    )
    return done.stdout


def test_a_copied_database_reveals_no_confidential_text(world: World) -> None:
    secret = _write_secrets(world)
    d = world.desk
    med = world.actor("mediator_il")
    # the desk reads plain text, search included
    found = d.shuttle.search_messages(med, "small", "ZEBRA-7")
    assert [v.message.body for v in found] == [BODY]
    assert [(n.title, n.body) for n in d.cases.list_notes(med, "small")] == [
        (NOTE_TITLE, NOTE_BODY)
    ]
    assert d.codings.get_coding(world.actor("delegate_ua"), "small", "UA").coding.note == (
        CODING_NOTE
    )
    _desk_reads_the_secrets(world, secret)
    forms = _forms(d.engine, SEALED)  # every sealed column has values, none plain
    assert all(f and "plain" not in f for f in forms.values()), forms
    raw = _raw_copy(world.url)
    assert b"enc1:" in raw  # the values are there, sealed
    for plain in (*SECRETS, secret, ARGON2):
        assert plain.encode() not in raw, plain
    # the audit payload of the post repeats the body: sealed too, and the chain verifies
    events = [e for e in d.audit.events(med, "small") if e.action == "message.post"]
    assert events[-1].payload["body"] == BODY
    assert d.audit.verify("small").ok


def test_the_key_file_beside_a_sqlite_database_is_made_once_mode_0600(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_FILE, raising=False)
    monkeypatch.delenv(ENV_KEY, raising=False)
    db = tmp_path / "desk.db"
    bootstrap(str(db), hasher=FAST_HASHER).close()
    key = Path(f"{db}.data-key")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    first = key.read_text()
    bootstrap(str(db), hasher=FAST_HASHER).close()
    assert key.read_text() == first and len(first.strip()) == 64


def test_a_database_moved_without_its_key_is_refused_at_start_naming_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = sealed_desk(tmp_path, monkeypatch)
    used = key_id(bytes.fromhex(Path(f"{db}.data-key").read_text().strip()))
    moved = tmp_path / "elsewhere" / "desk.db"
    moved.parent.mkdir()
    shutil.copyfile(db, moved)
    with pytest.raises(InputError) as caught:
        bootstrap(str(moved), hasher=FAST_HASHER)
    assert caught.value.where == f"{moved}.data-key"
    assert f"no data key found (its text is encrypted with data key {used})" in str(caught.value)
    assert not Path(f"{moved}.data-key").exists()  # no new key for sealed text


def test_a_wrong_key_is_refused_at_start_naming_where_it_came_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = sealed_desk(tmp_path, monkeypatch)
    wrong = bytes(range(32))
    monkeypatch.setenv(ENV_KEY, wrong.hex())
    with pytest.raises(InputError) as caught:
        bootstrap(str(db), hasher=FAST_HASHER)
    assert caught.value.where == ENV_KEY
    assert f"(it holds {key_id(wrong)})" in str(caught.value)


def test_a_value_altered_in_the_database_does_not_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = sealed_desk(tmp_path, monkeypatch)
    desk = bootstrap(str(db), hasher=FAST_HASHER)
    try:
        with desk.engine.begin() as conn:
            stored = conn.execute(select(messages.c.body)).scalar_one()
            flipped = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]
            conn.execute(messages.update().values(body=flipped))
        admin = desk.accounts.get_actor("admin")
        with pytest.raises(SealBroken, match=r"messages\.body: a stored value does not decrypt"):
            desk.shuttle.list_messages(admin, "small", "plenary")
    finally:
        desk.close()


def test_the_migration_seals_existing_rows_and_its_downgrade_opens_them(world: World) -> None:
    _write_secrets(world)
    engine = world.desk.engine
    med = world.actor("mediator_il")
    before = world.desk.audit.verify("small")
    assert before.ok
    command.downgrade(alembic_config(engine), "0007")
    with engine.connect() as conn:
        bodies = conn.execute(text("SELECT body FROM messages")).scalars().all()
        assert BODY in bodies
        payloads = conn.execute(text("SELECT payload FROM audit_events")).scalars().all()
        assert all(p.startswith("{") for p in payloads)  # plain JSON again
    migrate(world.url)  # as a desk starts: finds the key, seals, scrubs the file
    raw = _raw_copy(world.url)
    for secret in SECRETS:
        assert secret.encode() not in raw, secret
    assert [v.message.body for v in world.desk.shuttle.search_messages(med, "small", "zebra")] == [
        BODY
    ]
    after = world.desk.audit.verify("small")
    assert after.ok, after.message
    # each re-encryption is on the record: 0009 and 0008 down, 0008 and 0009 up
    actions = [e.action for e in world.desk.audit.events(med, "small")]
    assert actions[-4:] == ["data.reseal"] * 4


def test_each_migration_seals_only_its_own_columns_and_its_downgrade_opens_them(
    world: World,
) -> None:
    secret = _write_secrets(world)
    engine = world.desk.engine
    (key,) = _forms(engine, SEALED_0008)["messages.body"]  # the desk's one key
    config = alembic_config(engine)
    command.downgrade(config, "0011")  # 0014 and 0012 open theirs, the others stay sealed
    assert _forms(engine, SEALED_0012 + SEALED_0014) == _all(SEALED_0012 + SEALED_0014, "plain")
    assert _forms(engine, SEALED_0008 + SEALED_0009) == _all(SEALED_0008 + SEALED_0009, key)
    plain = _plain_text(engine, SEALED_0012)
    for value in SECRETS_0012:
        assert value in plain, value
    command.downgrade(config, "0008")  # 0009 opens its columns, 0008's stay sealed
    assert _forms(engine, SEALED_0009) == _all(SEALED_0009, "plain")
    assert _forms(engine, SEALED_0008) == _all(SEALED_0008, key)
    plain = _plain_text(engine, SEALED_0009)
    for value in (*SECRETS_0009, secret):
        assert value in plain, value
    with engine.connect() as conn:
        assert conn.execute(text("SELECT secret FROM two_factor")).scalars().all() == [secret]
    command.downgrade(config, "0007")
    kept = SEALED_0008 + SEALED_0009 + SEALED_0012[:3]  # 0011's downgrade drops the discards
    assert _forms(engine, kept) == _all(kept, "plain")
    command.upgrade(config, "0008")  # 0008 seals its six columns, no more
    assert _forms(engine, SEALED_0008) == _all(SEALED_0008, key)
    assert _forms(engine, SEALED_0009) == _all(SEALED_0009, "plain")
    migrate(world.url)  # as a desk starts: 0009, 0012, 0014 seal the rest, the file is scrubbed
    assert _forms(engine, kept + SEALED_0014) == _all(kept + SEALED_0014, key)
    raw = _raw_copy(world.url)
    for value in (*SECRETS, secret):
        assert value.encode() not in raw, value
    _write_discard(world)  # the first went with 0011's table
    _desk_reads_the_secrets(world, secret)
    assert world.desk.audit.verify("small").ok


def test_0014_seals_the_password_hashes_with_the_disabled_mark_inside(world: World) -> None:
    """ASVS 2.4.5: the argon2 hashes are sealed under the data key (a pepper kept outside
    the database); until ``0017`` (its own column) a disabled account's ``!`` is inside
    the sealed text. The downgrade opens them, the upgrade seals."""
    _write_secrets(world)
    d = world.desk
    d.accounts.set_disabled(SYSTEM, "observer_us", True)
    engine = d.engine
    (key,) = _forms(engine, SEALED_0014)["users.password_hash"]
    config = alembic_config(engine)
    command.downgrade(config, "0013")  # only the hashes open
    assert _forms(engine, SEALED_0014) == _all(SEALED_0014, "plain")
    others = SEALED_0008 + SEALED_0009 + SEALED_0012
    assert _forms(engine, others) == _all(others, key)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, password_hash FROM users")).all()
    hashes = {row.name: row.password_hash for row in rows}
    assert hashes["observer_us"].startswith("!" + ARGON2)
    assert all(h.startswith(ARGON2) for n, h in hashes.items() if n != "observer_us")
    migrate(world.url)  # as a desk starts: 0014 seals them again, the file is scrubbed
    assert _forms(engine, SEALED_0014) == _all(SEALED_0014, key)
    assert ARGON2.encode() not in _raw_copy(world.url)
    assert d.accounts.sign_in("analyst", PASSWORD)[0].name == "analyst"
    with pytest.raises(Unauthenticated, match="Wrong user name or password"):
        d.accounts.sign_in("observer_us", PASSWORD)  # still disabled: the ! was kept
    d.accounts.set_disabled(SYSTEM, "observer_us", False)
    assert d.accounts.sign_in("observer_us", PASSWORD)[0].name == "observer_us"


def test_rows_sealed_under_an_older_key_open_while_a_rotation_runs() -> None:
    """The keyring opens every key it holds; it seals under the first."""
    old, new = os.urandom(32), os.urandom(32)
    ring = Keyring((new, old), "test")
    sealed = Keyring((old,), "test").seal(BODY, "messages.body")
    assert ring.open(sealed, "messages.body") == BODY
    assert ring.seal(BODY, "messages.body").startswith(f"enc1:{key_id(new)}:")
    with pytest.raises(SealBroken, match=r"notes\.body: a stored value does not decrypt"):
        ring.open(sealed, "notes.body")  # bound to its column


def test_rotation_registers_only_the_new_key(world: World) -> None:
    _write_secrets(world)
    from offramp.services.operations import rotate_key

    keyfile = Path(os.environ[ENV_FILE])
    # a desk of its own key: the shared test key stays as it is
    own = keyfile.with_name(f"own-{os.getpid()}-{id(world)}.key")
    own.write_text(keyfile.read_text())
    world.desk.close()
    done = rotate_key(world.url, own)
    assert done.values > 0 and done.file_updated
    assert done.chains == ("crisis-note", "other", "small")
    assert own.read_text().strip() != keyfile.read_text().strip()
    assert len(own.read_text().split()) == 1  # the old key is gone from the file
    desk = bootstrap(world.url, migrate_first=False, hasher=FAST_HASHER, key_file=own)
    try:
        with desk.engine.connect() as conn:
            assert set(conn.execute(select(data_keys.c.key_id)).scalars()) == {done.key}
            assert audit.verify_chain(conn, "small").ok
        assert _forms(desk.engine, SEALED) == _all(SEALED, done.key)  # 0009's columns too
        med = desk.accounts.get_actor("mediator_il")
        assert [v.message.body for v in desk.shuttle.search_messages(med, "small", "zebra")] == [
            BODY
        ]
        assert desk.accounts.sign_in("mediator_il", PASSWORD)[0] == med  # the hash re-sealed
    finally:
        desk.close()
    # the shared key no longer opens this desk, and says so at start
    with pytest.raises(InputError, match="does not hold the data key"):
        bootstrap(world.url, migrate_first=False, hasher=FAST_HASHER)


def test_no_key_loaded_refuses_to_write(world: World) -> None:
    """An engine without keys never writes plain text."""
    from offramp.store.engine import make_engine
    from offramp.store.repository import Repository

    engine = make_engine(world.url, pool_size=1)
    try:
        with engine.begin() as conn:
            repo = Repository(conn, world.desk.clock)
            channel = repo.get_channel(1, "plenary")
            assert channel is not None
            with pytest.raises(SealBroken, match="no data key is loaded"):
                repo.add_message(1, channel, "x", BODY, HandlingMark.MAY_RELAY)
    finally:
        engine.dispose()


def test_sign_in_is_as_slow_for_an_unknown_name_as_for_a_known_one(tmp_path: Path) -> None:
    """Opening the sealed hash costs microseconds beside argon2 (OWASP's minimum here:
    19 MiB, two passes), so a wrong password for a known, a disabled or an unknown name
    takes the same time: the answer's timing does not tell which names exist."""
    desk = bootstrap(str(tmp_path / "desk.db"), hasher=OWASP_MINIMUM)
    try:
        desk.accounts.add_user(SYSTEM, "known", PASSWORD)
        desk.accounts.add_user(SYSTEM, "gone", PASSWORD)
        desk.accounts.set_disabled(SYSTEM, "gone", True)
        tries = {"known": "not the password", "gone": PASSWORD, "nobody": "not the password"}
        took: dict[str, list[float]] = {name: [] for name in tries}
        for _ in range(8):  # fewer than the throttle's 10 failures per name
            for name, password in tries.items():
                start = time.perf_counter()
                with pytest.raises(Unauthenticated):
                    desk.accounts.sign_in(name, password)
                took[name].append(time.perf_counter() - start)
    finally:
        desk.close()
    fastest = {name: min(times[1:]) for name, times in took.items()}  # the first hashes a dummy
    assert max(fastest.values()) / min(fastest.values()) < 1.25, fastest
