"""The concession ledger: who gave and who received, by issue."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from offramp.errors import Conflict
from offramp.model.concessions import (
    Balance,
    Concession,
    Direction,
    concessions_for_package,
    ledger_balance,
)
from support.desk import small_case

T0 = datetime(2022, 3, 12, tzinfo=UTC)


def test_package_off_both_ideals_makes_both_give() -> None:
    entries = concessions_for_package(
        small_case(), {"alignment": "bloc_free"}, ("UA", "RU"), date(2022, 3, 12), T0, proposal=4
    )
    assert {(e.party, e.direction, e.from_option, e.to_option) for e in entries} == {
        ("UA", Direction.GIVES, "nato", "bloc_free"),
        ("RU", Direction.GIVES, "neutral", "bloc_free"),
    }
    assert all(e.proposal == 4 for e in entries)


def test_the_party_whose_ideal_is_chosen_receives() -> None:
    entries = concessions_for_package(
        small_case(), {"donbas": "russia"}, ("UA", "RU"), date(2022, 3, 12), T0
    )
    assert [(e.party, e.direction) for e in entries] == [
        ("UA", Direction.GIVES),
        ("RU", Direction.RECEIVES),
    ]


def test_balance_counts_gives_and_receives_per_issue() -> None:
    e = [
        Concession("UA", "alignment", Direction.GIVES, T0),
        Concession("UA", "alignment", Direction.GIVES, T0),
        Concession("UA", "donbas", Direction.RECEIVES, T0),
    ]
    assert ledger_balance(e) == {"UA": {"alignment": Balance(2, 0), "donbas": Balance(0, 1)}}


def test_ledger_entry_needs_an_aware_time() -> None:
    with pytest.raises(Conflict, match="timezone"):
        Concession("UA", "alignment", Direction.GIVES, datetime(2022, 3, 12))
