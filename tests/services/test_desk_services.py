"""The desk's use cases through the services, with the personas of the small case."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import event as sqlalchemy_event

from offramp.analysis.report import analyze
from offramp.errors import Conflict, Forbidden, InputError, NotFound, Unauthenticated
from offramp.model.access import Action
from offramp.model.concessions import Direction
from offramp.model.shuttle import (
    ClaimState,
    HandlingMark,
    ProposalStatus,
    RelayLabel,
    RelayMode,
    Response,
)
from support.desk import World, small_case

MAY = HandlingMark.MAY_RELAY


def post(w: World, who: str, channel: str, body: str, mark: HandlingMark = MAY) -> int:
    return w.desk.shuttle.post(w.actor(who), "small", channel, body, mark).message.id


# -- shuttle ------------------------------------------------------------------------------


def test_party_writes_to_mediator_and_mediator_relays_verbatim(world: World) -> None:
    s = world.desk.shuttle
    mid = post(world, "delegate_ua", "UA", "We can live without NATO.", HandlingMark.RELAY_VERBATIM)
    relay = s.relay(world.actor("mediator_il"), "small", mid, "RU", RelayMode.VERBATIM)
    seen = s.list_messages(world.actor("delegate_ru"), "small", "RU")
    assert [v.message.body for v in seen] == ["We can live without NATO."]
    assert seen[0].relay_of is None  # the link to the origin is the mediator's alone
    assert s.get_message(world.actor("mediator_il"), "small", relay.message.id).relay_of == mid


def test_relay_the_mark_forbids_is_refused(world: World) -> None:
    mid = post(world, "delegate_ua", "UA", "Our red line.", HandlingMark.MEDIATOR_ONLY)
    with pytest.raises(Conflict, match=r"mediator-only"):
        world.desk.shuttle.relay(world.actor("mediator_il"), "small", mid, "RU", RelayMode.VERBATIM)
    mid2 = post(world, "delegate_ua", "UA", "Exact words.", HandlingMark.RELAY_VERBATIM)
    with pytest.raises(Conflict, match=r"word for word"):
        world.desk.shuttle.relay(
            world.actor("mediator_il"), "small", mid2, "RU", RelayMode.PARAPHRASE, "Roughly this."
        )
    assert world.desk.shuttle.list_messages(world.actor("mediator_il"), "small", "RU") == []


def test_party_cannot_read_other_party_channel(world: World) -> None:
    post(world, "delegate_ua", "UA", "secret UA")
    with pytest.raises(NotFound, match=r"No such channel.") as hidden:
        world.desk.shuttle.list_messages(world.actor("delegate_ru"), "small", "UA")
    with pytest.raises(NotFound) as missing:
        world.desk.shuttle.list_messages(world.actor("delegate_ru"), "small", "XX")
    assert str(hidden.value) == str(missing.value)


def test_party_cannot_fetch_other_party_message_by_id(world: World) -> None:
    mid = post(world, "delegate_ua", "UA", "secret UA")
    with pytest.raises(NotFound) as hidden:
        world.desk.shuttle.get_message(world.actor("delegate_ru"), "small", mid)
    with pytest.raises(NotFound) as missing:
        world.desk.shuttle.get_message(world.actor("delegate_ru"), "small", 99999)
    assert str(hidden.value) == str(missing.value) == "No such message."


def test_channel_lists_counts_and_search_show_only_visible_channels(world: World) -> None:
    post(world, "delegate_ua", "UA", "secret alpha")
    post(world, "delegate_ru", "plenary", "public alpha")
    ru = world.actor("delegate_ru")
    chans = world.desk.shuttle.list_channels(ru, "small")
    assert [(c.key, c.messages) for c in chans] == [("RU", 0), ("plenary", 1)]
    found = world.desk.shuttle.search_messages(ru, "small", "alpha")
    assert [v.message.body for v in found] == ["public alpha"]
    med = world.desk.shuttle.search_messages(world.actor("mediator_il"), "small", "alpha")
    assert len(med) == 2


def test_party_cannot_post_into_other_party_channel(world: World) -> None:
    with pytest.raises(NotFound, match=r"No such channel."):
        post(world, "delegate_ru", "UA", "hello")


@pytest.mark.parametrize("who", ["facilitator_de", "observer_us", "analyst", "desk_officer"])
def test_non_parties_see_no_channel(world: World, who: str) -> None:
    assert world.desk.shuttle.list_channels(world.actor(who), "small") == []
    with pytest.raises(NotFound):
        world.desk.shuttle.list_messages(world.actor(who), "small", "plenary")


def test_outsider_and_anonymous_cannot_see_the_case(world: World) -> None:
    with pytest.raises(NotFound, match=r"No such case."):
        world.desk.cases.public_record(world.actor("outsider"), "small")
    with pytest.raises(NotFound, match=r"No such case."):
        world.desk.cases.public_record(world.actor("outsider"), "nonexistent")
    with pytest.raises(Unauthenticated):
        world.desk.cases.public_record(None, "small")


def test_admin_reads_case_content_only_through_a_membership(world: World) -> None:
    with pytest.raises(NotFound):
        world.desk.cases.public_record(world.admin, "small")


# -- verify, then relay -----------------------------------------------------------------


def test_claim_goes_through_verify_then_relay(world: World) -> None:
    s, med = world.desk.shuttle, world.actor("mediator_il")
    c = s.create_claim(med, "small", statement="ru-neutral")
    assert c.claim.party == "RU" and c.claim.text == "Ukraine must be neutral."
    s.request_assurance(med, "small", c.claim.id)
    s.respond_to_claim(world.actor("delegate_ru"), "small", c.claim.id, True, "Yes.")
    s.relay_claim(med, "small", c.claim.id, "UA", RelayLabel.AFFIRMED)
    done = s.acknowledge_claim(world.actor("delegate_ua"), "small", c.claim.id)
    full = s.get_claim(med, "small", c.claim.id).claim
    assert [h.state for h in full.history] == [
        ClaimState.STATED,
        ClaimState.ASSURANCE_REQUESTED,
        ClaimState.ASSURED,
        ClaimState.RELAYED,
        ClaimState.ACKNOWLEDGED,
    ]
    assert [h.actor for h in full.history] == [
        "mediator_il",
        "mediator_il",
        "delegate_ru",
        "mediator_il",
        "delegate_ua",
    ]
    assert all(h.at.tzinfo is not None for h in full.history)
    # the recipient sees only what reached it
    assert [h.state for h in done.claim.history] == [ClaimState.RELAYED, ClaimState.ACKNOWLEDGED]
    ua_msgs = s.list_messages(world.actor("delegate_ua"), "small", "UA")
    assert ua_msgs[-1].message.label is RelayLabel.AFFIRMED


def test_assured_statement_is_confirmed_and_updates_positions(world: World) -> None:
    s, med = world.desk.shuttle, world.actor("mediator_il")
    c = s.create_claim(med, "small", statement="ua-bloc-free")
    s.request_assurance(med, "small", c.claim.id)
    s.respond_to_claim(world.actor("delegate_ua"), "small", c.claim.id, True)
    stmts = {r.statement.id: r for r in world.desk.cases.list_statements(med, "small")}
    assert stmts["ua-bloc-free"].confirmed_by == "delegate_ua"
    pos = world.desk.cases.list_positions(med, "small", party="UA", issue="alignment")
    assert [p.value["acceptable"] for p in pos] == [["nato"], ["nato", "bloc_free"]]
    assert "ua-bloc-free" in world.desk.cases.export_case(med, "small").text


def test_unconfirmed_claim_relays_only_as_unverified(world: World) -> None:
    s, med = world.desk.shuttle, world.actor("mediator_il")
    c = s.create_claim(med, "small", party="RU", text="We will withdraw from Kyiv.")
    with pytest.raises(Conflict, match=r"not confirmed"):
        s.relay_claim(med, "small", c.claim.id, "UA", RelayLabel.AFFIRMED)
    s.relay_claim(med, "small", c.claim.id, "UA", RelayLabel.UNVERIFIED)
    last = s.list_messages(world.actor("delegate_ua"), "small", "UA")[-1].message
    assert last.label is RelayLabel.UNVERIFIED and last.body.startswith("[UNVERIFIED]")


def test_only_the_claims_party_can_confirm_it(world: World) -> None:
    s, med = world.desk.shuttle, world.actor("mediator_il")
    c = s.create_claim(med, "small", party="RU", text="No regime change.")
    s.request_assurance(med, "small", c.claim.id)
    with pytest.raises(Forbidden, match=r"claim.respond"):
        s.respond_to_claim(med, "small", c.claim.id, True)
    with pytest.raises(NotFound, match=r"No such claim."):
        s.respond_to_claim(world.actor("delegate_ua"), "small", c.claim.id, True)
    assert [v.claim.id for v in s.list_claims(world.actor("delegate_ua"), "small")] == []
    assert [v.claim.id for v in s.list_claims(world.actor("delegate_ru"), "small")] == [c.claim.id]


# -- proposals and the ledger ------------------------------------------------------------


def test_mediator_can_never_accept_for_a_party(world: World) -> None:
    s, med = world.desk.shuttle, world.actor("mediator_il")
    p = s.table_proposal(med, "small", "Neutral for autonomy", {"alignment": "bloc_free"})
    with pytest.raises(Forbidden, match=r"proposal.respond"):
        s.respond_to_proposal(med, "small", p.proposal.id, Response.ACCEPTED)


def test_agreed_package_writes_the_concession_ledger(world: World) -> None:
    s, med = world.desk.shuttle, world.actor("mediator_il")
    p = s.table_proposal(med, "small", "Bloc-free", {"alignment": "bloc_free"})
    ua = s.respond_to_proposal(
        world.actor("delegate_ua"), "small", p.proposal.id, Response.ACCEPTED
    )
    assert ua.status is None and [r.party for r in ua.responses] == ["UA"]
    s.respond_to_proposal(world.actor("delegate_ru"), "small", p.proposal.id, Response.ACCEPTED)
    assert s.get_proposal(med, "small", p.proposal.id).status is ProposalStatus.AGREED
    entries = s.ledger(med, "small")
    assert {(e.concession.party, e.concession.direction) for e in entries} == {
        ("UA", Direction.GIVES),
        ("RU", Direction.GIVES),
    }


def test_proposal_to_one_party_is_hidden_from_the_other(world: World) -> None:
    s, med = world.desk.shuttle, world.actor("mediator_il")
    p = s.table_proposal(med, "small", "For UA only", {"donbas": "autonomy"}, ("UA",))
    assert s.list_proposals(world.actor("delegate_ru"), "small") == []
    with pytest.raises(NotFound, match=r"No such proposal."):
        s.get_proposal(world.actor("delegate_ru"), "small", p.proposal.id)
    with pytest.raises(NotFound, match=r"No such proposal."):
        s.respond_to_proposal(world.actor("delegate_ru"), "small", p.proposal.id, Response.ACCEPTED)


def test_bad_package_names_every_problem(world: World) -> None:
    with pytest.raises(InputError) as err:
        world.desk.shuttle.table_proposal(
            world.actor("mediator_il"), "small", "x", {"crimea": "a", "donbas": "zzz"}, ("IL",)
        )
    assert [p.where for p in err.value.problems] == ["package.crimea", "package.donbas", "parties"]


def test_ledger_by_hand_and_shared_reading(world: World) -> None:
    s, med = world.desk.shuttle, world.actor("mediator_il")
    s.record_concession(med, "small", "RU", "donbas", Direction.GIVES, "russia", "autonomy")
    with pytest.raises(Forbidden, match=r"ledger.read"):
        s.ledger(world.actor("observer_us"), "small")
    world.desk.cases.share(med, "small", "observer_us", "ledger")
    assert len(s.ledger(world.actor("observer_us"), "small")) == 1


# -- positions, notes, concurrency -----------------------------------------------------------


def test_coded_positions_are_hidden_from_parties_unless_shared(world: World) -> None:
    ua = world.actor("delegate_ua")
    with pytest.raises(Forbidden, match=r"position.read"):
        world.desk.cases.list_positions(ua, "small")
    world.desk.cases.share(world.actor("mediator_il"), "small", "delegate_ua", "positions")
    assert len(world.desk.cases.list_positions(ua, "small")) == 4


def test_stale_version_is_a_conflict_and_overwrites_nothing(world: World) -> None:
    c, med = world.desk.cases, world.actor("mediator_il")
    pos = c.list_positions(med, "small", party="UA", issue="donbas")[0]
    c.update_position(med, "small", pos.id, {"salience": 0.5}, pos.version)
    with pytest.raises(Conflict, match=r"was changed by mediator_il since you opened it"):
        c.update_position(world.actor("analyst"), "small", pos.id, {"salience": 0.9}, pos.version)
    now = c.list_positions(med, "small", party="UA", issue="donbas")[0]
    assert (now.value["salience"], now.version) == (0.5, pos.version + 1)


def test_two_connections_editing_one_note_one_wins(world: World) -> None:
    c, med = world.desk.cases, world.actor("mediator_il")
    note = c.add_note(med, "small", "Draft", "v1")
    # both read version 1; the first write wins, the second gets a conflict
    c.update_note(med, "small", note.id, note.version, body="first")
    with pytest.raises(Conflict):
        c.update_note(med, "small", note.id, note.version, body="second")
    assert c.get_note(med, "small", note.id).body == "first"


def test_denied_write_changes_nothing(world: World) -> None:
    with world.desk.uow() as uow:
        before = uow.repo.count_rows()
    head = world.desk.audit.head("small")
    with pytest.raises(Forbidden):
        world.desk.shuttle.table_proposal(
            world.actor("delegate_ua"), "small", "x", {"alignment": "nato"}
        )
    with world.desk.uow() as uow:
        assert uow.repo.count_rows() == before
    assert world.desk.audit.head("small") == head


def test_policy_records_which_check_ran(world: World) -> None:
    world.desk.policy.checks.clear()
    with pytest.raises(NotFound):
        world.desk.shuttle.list_messages(world.actor("delegate_ru"), "small", "UA")
    assert [(c.actor, c.action, c.resource, c.allowed) for c in world.desk.policy.checks] == [
        ("delegate_ru", "case.read", "small", True),
        ("delegate_ru", "channel.read", "small/channel/UA", False),
    ]


def test_every_write_is_audited_and_the_chain_verifies(world: World) -> None:
    before, _ = world.desk.audit.head("small")
    post(world, "delegate_ua", "UA", "hello")
    events = world.desk.audit.events(world.actor("mediator_il"), "small", after=before)
    assert [(e.actor, e.action) for e in events] == [("delegate_ua", "message.post")]
    assert world.desk.audit.verify("small").ok


def test_analysis_is_the_shared_report_of_the_stored_case(world: World) -> None:
    report = world.desk.analysis.report(world.actor("analyst"), "small")
    expected = analyze(small_case(), max(small_case().dates()))
    assert report.to_dict() == expected.to_dict()
    assert report.problem.parties == ("UA", "RU") and report.frontier.outcome_space_size == 9
    with pytest.raises(Forbidden, match=r"analysis.read"):
        world.desk.analysis.report(world.actor("delegate_ua"), "small")


def test_analysis_for_chosen_parties_and_a_date(world: World) -> None:
    report = world.desk.analysis.report(
        world.actor("mediator_il"), "small", date(2022, 3, 8), ("RU", "UA")
    )
    assert report.at == date(2022, 3, 8) and report.problem.parties == ("RU", "UA")
    with pytest.raises(InputError, match="unknown party 'XX'"):
        world.desk.analysis.report(world.actor("mediator_il"), "small", None, ("XX", "UA"))


def test_analysis_hides_another_case_and_follows_a_share(world: World) -> None:
    with pytest.raises(NotFound):
        world.desk.analysis.report(world.actor("outsider"), "small")
    with pytest.raises(Forbidden):
        world.desk.analysis.report(world.actor("observer_us"), "small")
    world.desk.cases.share(world.actor("mediator_il"), "small", "observer_us", "analysis")
    assert world.desk.analysis.report(world.actor("observer_us"), "small").problem.parties


# -- what the web desk asks of the services -----------------------------------------------


def test_newest_messages_come_oldest_first_and_page_back(world: World) -> None:
    ids = [post(world, "delegate_ua", "UA", f"m{k}") for k in range(7)]
    s, med = world.desk.shuttle, world.actor("mediator_il")
    newest = s.list_messages(med, "small", "UA", newest=True, limit=3)
    assert [v.message.id for v in newest] == ids[-3:]
    older = s.list_messages(med, "small", "UA", newest=True, before=ids[-3], limit=3)
    assert [v.message.id for v in older] == ids[1:4]
    assert [v.message.id for v in s.list_messages(med, "small", "UA", after=ids[4])] == ids[5:]
    with pytest.raises(NotFound, match=r"No such channel\."):
        s.list_messages(world.actor("delegate_ru"), "small", "UA", newest=True, limit=3)


def test_newest_messages_read_through_the_channel_index(world: World) -> None:
    from offramp.store.repository import Repository

    with world.desk.engine.connect() as conn:
        statements: list[tuple[str, Any]] = []
        keep = _keep(statements)
        sqlalchemy_event.listen(conn, "before_cursor_execute", keep)
        Repository(conn, world.desk.clock).list_messages(
            1, ["UA"], before=99, newest=True, limit=41
        )
        sqlalchemy_event.remove(conn, "before_cursor_execute", keep)
        sql, params = statements[-1]
        if conn.dialect.name == "sqlite":
            plan = " ".join(
                str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)
            )
            assert "USING INDEX ix_messages_channel" in plan and "TEMP B-TREE" not in plan
        else:  # PostgreSQL: with sequential scans off, the plan must walk the index, unsorted
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = " ".join(str(r[0]) for r in conn.exec_driver_sql("EXPLAIN " + sql, params))
            assert "ix_messages_channel" in plan and "Sort" not in plan, plan


def _keep(into: list[Any]) -> Any:
    def listener(_c: Any, _cur: Any, statement: str, params: Any, *_: Any) -> None:
        into.append((statement, params))

    return listener


def test_permissions_follow_the_role_and_the_shares(world: World) -> None:
    perms = world.desk.cases.permissions
    assert Action.MESSAGE_POST in perms(world.actor("delegate_ua"), "small")
    assert Action.MESSAGE_RELAY not in perms(world.actor("delegate_ua"), "small")
    assert Action.ANALYSIS_READ not in perms(world.actor("observer_us"), "small")
    world.desk.cases.share(world.actor("mediator_il"), "small", "observer_us", "analysis")
    assert Action.ANALYSIS_READ in perms(world.actor("observer_us"), "small")
    assert perms(world.actor("mediator_il"), "small") >= {Action.MESSAGE_RELAY, Action.AUDIT_READ}
    with pytest.raises(NotFound, match=r"No such case\."):
        perms(world.actor("outsider"), "small")
    record = world.desk.cases.public_record(world.actor("delegate_ua"), "small")
    assert record.permissions == perms(world.actor("delegate_ua"), "small")


def _tamper(world: World, sql: str) -> None:
    from sqlalchemy import text

    with world.desk.engine.begin() as conn:
        conn.execute(text(sql))


def test_verification_after_a_checkpoint_rehashes_only_what_is_new(world: World) -> None:
    audit, med = world.desk.audit, world.actor("mediator_il")
    first = audit.verify_as(med, "small")
    assert first.ok and "since the last check" not in first.message
    post(world, "delegate_ua", "UA", "one more")
    again = audit.verify_as(med, "small")
    assert again.ok and again.events == first.events + 1
    assert again.message.endswith("(1 since the last check)")


def test_a_change_after_the_checkpoint_is_caught_incrementally(world: World) -> None:
    audit, med = world.desk.audit, world.actor("mediator_il")
    head = audit.verify_as(med, "small").head_seq
    post(world, "delegate_ua", "UA", "one more")
    _tamper(
        world, f"UPDATE audit_events SET actor='mallory' WHERE chain='small' AND seq={head + 1}"
    )
    report = audit.verify_as(med, "small")
    assert (report.ok, report.bad_seq, report.problem) == (False, head + 1, "modified")


def test_a_change_before_the_checkpoint_needs_the_full_verification(world: World) -> None:
    audit, med = world.desk.audit, world.actor("mediator_il")
    audit.verify_as(med, "small")
    _tamper(world, "UPDATE audit_events SET actor='mallory' WHERE chain='small' AND seq=2")
    assert audit.verify_as(med, "small").ok  # the checkpoint vouches for what came before
    full = audit.verify_as(med, "small", full=True)
    assert (full.ok, full.bad_seq, full.problem) == (False, 2, "modified")
    with pytest.raises(Forbidden, match=r"audit\.read"):
        audit.verify_as(world.actor("delegate_ua"), "small", full=True)
