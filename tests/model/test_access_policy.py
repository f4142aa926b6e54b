"""The access policy as data, checked cell by cell."""

from __future__ import annotations

import itertools

import pytest

from offramp.model.access import POLICY, Action, DeskRole, Grant, allowed, grant

PUBLIC = {Action.CASE_READ, Action.STATEMENT_READ}
MESSAGES = {a for a in Action if a.value.startswith(("channel.", "message.", "claim."))}


@pytest.mark.parametrize(("role", "action"), list(itertools.product(DeskRole, Action)))
def test_every_cell_has_one_meaning(role: DeskRole, action: Action) -> None:
    g = grant(role, action)
    own_ua = allowed(role, action, member_party="UA", resource_parties=frozenset({"UA"}))
    other = allowed(role, action, member_party="UA", resource_parties=frozenset({"RU"}))
    shared = allowed(
        role, action, member_party="UA", resource_parties=frozenset({"RU"}), shared=True
    )
    expected = {
        Grant.ALWAYS: (True, True, True),
        Grant.OWN_PARTY: (True, False, False),
        Grant.IF_SHARED: (False, False, True),
        Grant.NEVER: (False, False, False),
    }[g]
    assert (own_ua, other, shared) == expected


@pytest.mark.parametrize("role", list(DeskRole))
def test_everyone_reads_the_public_record(role: DeskRole) -> None:
    assert all(grant(role, a) is Grant.ALWAYS for a in PUBLIC)


@pytest.mark.parametrize(
    "action", [Action.CLAIM_RESPOND, Action.CLAIM_ACKNOWLEDGE, Action.PROPOSAL_RESPOND]
)
def test_mediator_never_answers_for_a_party(action: Action) -> None:
    assert grant(DeskRole.MEDIATOR, action) is Grant.NEVER


def test_mediator_sees_everything_in_the_case() -> None:
    """Except a party's private coding of its own preferences, until the party shares it."""
    reads = [a for a in Action if a.value.endswith((".read", ".origin", ".history", ".responses"))]
    reads.remove(Action.CODING_READ)
    assert grant(DeskRole.MEDIATOR, Action.CODING_READ) is Grant.IF_SHARED
    assert all(grant(DeskRole.MEDIATOR, a) is Grant.ALWAYS for a in reads)


@pytest.mark.parametrize(
    "role", [DeskRole.ANALYST, DeskRole.FACILITATOR, DeskRole.OBSERVER, DeskRole.CRISIS_OFFICER]
)
def test_only_mediator_and_delegates_touch_messages(role: DeskRole) -> None:
    assert all(grant(role, a) is Grant.NEVER for a in MESSAGES)


def test_delegate_reaches_messages_only_through_its_own_party() -> None:
    assert {grant(DeskRole.DELEGATE, a) for a in MESSAGES} <= {Grant.OWN_PARTY, Grant.NEVER}
    assert grant(DeskRole.DELEGATE, Action.MESSAGE_RELAY) is Grant.NEVER
    assert grant(DeskRole.DELEGATE, Action.MESSAGE_ORIGIN) is Grant.NEVER


def test_coded_positions_and_analysis_reach_parties_only_when_shared() -> None:
    for role in (DeskRole.DELEGATE, DeskRole.FACILITATOR, DeskRole.OBSERVER):
        assert grant(role, Action.POSITION_READ) is Grant.IF_SHARED
        assert grant(role, Action.ANALYSIS_READ) is Grant.IF_SHARED


def test_crisis_actions_exist_for_the_crisis_desk() -> None:
    assert grant(DeskRole.CRISIS_OFFICER, Action.CRISIS_WRITE) is Grant.ALWAYS
    assert grant(DeskRole.MEDIATOR, Action.CRISIS_READ) is Grant.ALWAYS
    assert grant(DeskRole.ANALYST, Action.CRISIS_READ) is Grant.NEVER


def test_every_role_has_a_row() -> None:
    assert set(POLICY) == set(DeskRole)
