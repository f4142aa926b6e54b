"""The shuttle's rules, without storage: marks, relays, claims, proposals, positions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from offramp.errors import Conflict
from offramp.model.shuttle import (
    CLAIM_TRANSITIONS,
    PLENARY,
    Channel,
    ChannelKind,
    Claim,
    ClaimState,
    HandlingMark,
    Message,
    PartyResponse,
    Proposal,
    ProposalStatus,
    RelayLabel,
    RelayMode,
    Response,
    channels_for,
    check_addressees,
    check_package,
    position_from_statement,
    relay_body,
)
from offramp.model.statements import Stance, Statement
from support.desk import small_case

T0 = datetime(2022, 3, 10, 9, 0, tzinfo=UTC)


def msg(mark: HandlingMark, body: str = "We will not join NATO.") -> Message:
    return Message(1, "UA", "delegate_ua", body, mark, T0)


def refuses_relay(
    match: str, mark: HandlingMark, mode: RelayMode, paraphrase: str | None, to: str = "RU"
) -> None:
    """A relay of a message marked ``mark`` into channel ``to`` is a Conflict saying ``match``."""
    with pytest.raises(Conflict, match=match):
        relay_body(msg(mark), to_channel=to, mode=mode, paraphrase=paraphrase)


def test_case_has_one_channel_per_party_and_a_plenary() -> None:
    chans = channels_for(small_case())
    assert [c.key for c in chans] == ["UA", "RU", PLENARY]
    assert chans[-1].parties(("UA", "RU")) == {"UA", "RU"}
    assert Channel("UA", ChannelKind.PARTY, "UA").parties(("UA", "RU")) == {"UA"}


def test_mediator_only_message_is_never_relayed() -> None:
    for mode in RelayMode:
        refuses_relay("mediator-only", HandlingMark.MEDIATOR_ONLY, mode, "x")


def test_relay_verbatim_mark_refuses_a_paraphrase() -> None:
    refuses_relay(
        "word for word", HandlingMark.RELAY_VERBATIM, RelayMode.PARAPHRASE, "They rule out NATO."
    )
    assert (
        relay_body(msg(HandlingMark.RELAY_VERBATIM), to_channel="RU", mode=RelayMode.VERBATIM)
        == "We will not join NATO."
    )


def test_may_relay_allows_paraphrase_and_verbatim() -> None:
    m = msg(HandlingMark.MAY_RELAY)
    assert (
        relay_body(
            m, to_channel="RU", mode=RelayMode.PARAPHRASE, paraphrase="NATO is off the table."
        )
        == "NATO is off the table."
    )
    assert relay_body(m, to_channel=PLENARY, mode=RelayMode.VERBATIM) == m.body


def test_verbatim_relay_cannot_change_the_text() -> None:
    refuses_relay("original text", HandlingMark.MAY_RELAY, RelayMode.VERBATIM, "changed")


def test_relay_into_the_same_channel_is_refused() -> None:
    refuses_relay("already in channel", HandlingMark.MAY_RELAY, RelayMode.VERBATIM, None, to="UA")


def test_paraphrase_needs_text() -> None:
    refuses_relay("paraphrase text", HandlingMark.MAY_RELAY, RelayMode.PARAPHRASE, "  ")


def claim() -> Claim:
    return Claim.state_new(
        7, "RU", "Russia no longer demands a change of government.", "mediator_il", T0
    )


def test_claim_history_runs_stated_requested_assured_relayed_acknowledged() -> None:
    c = claim().request_assurance("mediator_il", T0)
    c = c.assure("delegate_ru", T0, "Confirmed.")
    c = c.relay("mediator_il", T0, "UA", RelayLabel.AFFIRMED)
    c = c.acknowledge("delegate_ua", T0, "UA")
    assert [s.state for s in c.history] == [
        ClaimState.STATED,
        ClaimState.ASSURANCE_REQUESTED,
        ClaimState.ASSURED,
        ClaimState.RELAYED,
        ClaimState.ACKNOWLEDGED,
    ]
    assert [s.actor for s in c.history] == [
        "mediator_il",
        "mediator_il",
        "delegate_ru",
        "mediator_il",
        "delegate_ua",
    ]
    assert c.label is RelayLabel.AFFIRMED and c.relayed_to == "UA"


def test_unconfirmed_claim_cannot_be_relayed_as_affirmed() -> None:
    with pytest.raises(Conflict, match="not confirmed"):
        claim().relay("m", T0, "UA", RelayLabel.AFFIRMED)
    with pytest.raises(Conflict, match="not confirmed"):
        claim().request_assurance("m", T0).relay("m", T0, "UA", RelayLabel.AFFIRMED)


def test_unconfirmed_claim_can_be_relayed_labelled_unverified() -> None:
    c = claim().relay("m", T0, "UA", RelayLabel.UNVERIFIED)
    assert c.state is ClaimState.RELAYED and c.label is RelayLabel.UNVERIFIED
    assert c.history[-1].label is RelayLabel.UNVERIFIED


def test_denied_claim_is_never_relayed() -> None:
    c = claim().request_assurance("m", T0).deny("delegate_ru", T0)
    for label in RelayLabel:
        with pytest.raises(Conflict, match="denied"):
            c.relay("m", T0, "UA", label)


def test_assurance_cannot_be_given_before_it_is_requested() -> None:
    with pytest.raises(Conflict, match="Claim 7 is stated; only a requested assurance"):
        claim().assure("delegate_ru", T0)


def test_claim_is_relayed_to_another_party_and_acknowledged_by_it() -> None:
    with pytest.raises(Conflict, match="own"):
        claim().relay("m", T0, "RU", RelayLabel.UNVERIFIED)
    c = claim().relay("m", T0, "UA", RelayLabel.UNVERIFIED)
    with pytest.raises(Conflict, match="not RU"):
        c.acknowledge("delegate_ru", T0, "RU")
    done = c.acknowledge("delegate_ua", T0, "UA")
    with pytest.raises(Conflict, match="acknowledged"):
        done.acknowledge("delegate_ua", T0, "UA")


def test_every_state_outside_the_transition_table_is_refused() -> None:
    moves = {
        ClaimState.ASSURANCE_REQUESTED: lambda c: c.request_assurance("m", T0),
        ClaimState.ASSURED: lambda c: c.assure("p", T0),
        ClaimState.DENIED: lambda c: c.deny("p", T0),
        ClaimState.ACKNOWLEDGED: lambda c: c.acknowledge("p", T0, "UA"),
    }
    reach = {
        ClaimState.STATED: claim(),
        ClaimState.ASSURANCE_REQUESTED: claim().request_assurance("m", T0),
        ClaimState.ASSURED: claim().request_assurance("m", T0).assure("p", T0),
        ClaimState.DENIED: claim().request_assurance("m", T0).deny("p", T0),
        ClaimState.RELAYED: claim().relay("m", T0, "UA", RelayLabel.UNVERIFIED),
    }
    for state, c in reach.items():
        for target, move in moves.items():
            if target in CLAIM_TRANSITIONS[state]:
                assert move(c).state is target
            else:
                with pytest.raises(Conflict):
                    move(c)


def proposal() -> Proposal:
    return Proposal(
        3,
        "Neutrality for autonomy",
        {"alignment": "bloc_free", "donbas": "autonomy"},
        (PartyResponse("UA"), PartyResponse("RU")),
        "mediator_il",
        T0,
    )


def test_proposal_is_agreed_when_every_party_accepts() -> None:
    p = proposal().respond("UA", Response.ACCEPTED, "delegate_ua", T0)
    assert p.status is ProposalStatus.OPEN
    p = p.respond("RU", Response.ACCEPTED, "delegate_ru", T0)
    assert p.status is ProposalStatus.AGREED


def test_one_rejection_rejects_the_proposal() -> None:
    p = proposal().respond("RU", Response.REJECTED, "delegate_ru", T0)
    assert p.status is ProposalStatus.REJECTED
    assert p.response_of("UA").response is Response.PENDING


def test_a_party_answers_once_and_only_if_addressed() -> None:
    p = proposal().respond("UA", Response.ACCEPTED, "delegate_ua", T0)
    with pytest.raises(Conflict, match="UA has already accepted proposal 3"):
        p.respond("UA", Response.REJECTED, "delegate_ua", T0)
    with pytest.raises(Conflict, match="not tabled to US"):
        p.respond("US", Response.ACCEPTED, "x", T0)


def test_withdrawn_proposal_cannot_be_answered() -> None:
    p = proposal().withdraw()
    assert p.status is ProposalStatus.WITHDRAWN
    with pytest.raises(Conflict, match="withdrawn"):
        p.respond("UA", Response.ACCEPTED, "delegate_ua", T0)
    with pytest.raises(Conflict, match="only an open one"):
        p.withdraw()


def test_package_and_addressees_are_checked_against_the_case() -> None:
    case = small_case()
    assert check_package(case, {"alignment": "neutral"}) == []
    assert [p.where for p in check_package(case, {"crimea": "x", "donbas": "nope"})] == [
        "package.crimea",
        "package.donbas",
    ]
    assert check_package(case, {})[0].message == "a package needs at least one issue"
    assert check_addressees(case, ("UA", "RU")) == []
    assert check_addressees(case, ("IL",))[0].message == "IL is not a negotiating party of the case"


def stmt(stance: Stance, option: str, party: str = "UA") -> Statement:
    return Statement(
        "new",
        datetime(2022, 3, 12).date(),
        party,
        "zelensky",
        "quote",
        "wapo",
        stance,
        "alignment",
        option,
    )


def test_confirmed_demand_moves_the_ideal() -> None:
    pos = position_from_statement(small_case(), stmt(Stance.DEMAND, "bloc_free"))
    assert pos is not None and pos.ideal == "bloc_free"
    assert pos.values["bloc_free"] == 1.0 and pos.statements == ("new",)
    assert pos.salience == 0.8


def test_confirmed_acceptance_widens_what_is_acceptable() -> None:
    pos = position_from_statement(small_case(), stmt(Stance.ACCEPT, "neutral"))
    assert pos is not None and pos.ideal == "nato"
    assert pos.acceptable == ("nato", "neutral")


def test_rejection_narrows_but_never_drops_the_ideal() -> None:
    case = small_case()
    assert position_from_statement(case, stmt(Stance.REJECT, "nato")) is None
    pos = position_from_statement(
        case,
        stmt(Stance.REJECT, "autonomy", "RU").__class__(
            "r",
            datetime(2022, 3, 12).date(),
            "RU",
            "p",
            "q",
            "wapo",
            Stance.REJECT,
            "donbas",
            "autonomy",
        ),
    )
    assert pos is not None and pos.acceptable == ("russia",)


def test_statement_without_issue_implies_no_position() -> None:
    s = Statement("a", datetime(2022, 3, 12).date(), None, "columnist", "not ripe", "wapo")
    assert position_from_statement(small_case(), s) is None
