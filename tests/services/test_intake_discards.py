"""Discarded intake proposals (issue 16): recorded with who, when, the proposal and the
reason, audited, refused to those who may not add statements, and learnt as negatives."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from offramp.bootstrap import Services
from offramp.demo import CASE
from offramp.errors import Forbidden, InputError
from support.intake_web import discard_form_proposal
from support.web import demo_desk

PROPOSAL = discard_form_proposal()


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Services]:
    with demo_desk(tmp_path / "desk.db", "discard-password") as services:
        yield services


def state(desk: Services) -> tuple[int, list[tuple[object, ...]]]:
    with desk.engine.connect() as conn:
        n = int(conn.execute(text("SELECT count(*) FROM intake_discards")).scalar_one())
        heads = [tuple(r) for r in conn.execute(text("SELECT * FROM chain_heads ORDER BY 1"))]
    return n, heads


@pytest.mark.parametrize("who", ["analyst", "mediator"])
def test_a_discard_is_recorded_with_who_when_and_why_and_audited(desk: Services, who: str) -> None:
    actor = desk.accounts.get_actor(who)
    key = desk.intake.discard(actor, CASE, replace(PROPOSAL, reason="  a mention only  "))
    [row] = desk.intake.discards(actor, CASE)
    assert row.id == key and row.discarded_by == who
    assert row.discarded_at <= desk.clock.now()
    d = row.discard
    assert (d.party, d.issue, d.stance, d.speaker) == ("UA", "crimea", "reject", "zelensky")
    assert d.sentence == PROPOSAL.sentence and d.reason == "a mention only"
    seq, _ = desk.audit.head(CASE)
    [event] = desk.audit.events(desk.accounts.get_actor("mediator"), CASE, after=seq - 1)
    assert event.action == "intake.discard" and event.actor == who
    assert event.payload["party"] == "UA" and event.payload["reason"] == "a mention only"
    assert desk.audit.verify(CASE).ok


@pytest.mark.parametrize("who", ["delegate_ua", "delegate_ru", "observer", "crisis_officer"])
def test_those_who_may_not_add_statements_may_not_discard_or_see_discards(
    desk: Services, who: str
) -> None:
    desk.intake.discard(desk.accounts.get_actor("analyst"), CASE, PROPOSAL)
    before = state(desk)
    actor = desk.accounts.get_actor(who)
    with pytest.raises(Forbidden, match=r"statement\.create"):
        desk.intake.discard(actor, CASE, PROPOSAL)
    with pytest.raises(Forbidden, match=r"statement\.create"):
        desk.intake.discards(actor, CASE)
    assert state(desk) == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"party": "XX"}, "party", "the case has no party 'XX'"),
        ({"issue": "moon"}, "issue", "the case has no issue 'moon'"),
        ({"option": "nope"}, "option", "'nope' is not an option"),
        ({"stance": "sulk"}, "stance", "'sulk' is not a stance"),
        ({"article_date": "20/03/2022"}, "article_date", "is not a date like 2022-03-11"),
        ({"reason": "x" * 501}, "reason", "longer than 500 characters"),
        ({"sentence": "  "}, "sentence", "needs its quote and its sentence"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    desk: Services, change: dict[str, str], field: str, message: str
) -> None:
    before = state(desk)
    with pytest.raises(InputError) as caught:
        desk.intake.discard(desk.accounts.get_actor("analyst"), CASE, replace(PROPOSAL, **change))
    assert message in str(caught.value) and field in str(caught.value)
    assert state(desk) == before


def test_discards_become_negative_items_unless_a_confirmed_statement_says_otherwise(
    desk: Services,
) -> None:
    analyst = desk.accounts.get_actor("analyst")
    desk.intake.discard(analyst, CASE, PROPOSAL)
    desk.intake.discard(analyst, CASE, replace(PROPOSAL, party="RU"))  # same sentence
    # discarded for its stance, then added corrected and confirmed: not a negative
    said = "Zelensky said Ukraine would never recognise Crimea as Russian territory."
    desk.intake.discard(analyst, CASE, replace(PROPOSAL, sentence=said, stance="accept"))
    key = desk.intake.accept(
        analyst,
        CASE,
        speaker="zelensky",
        party="UA",
        issue="crimea",
        stance="reject",
        quote="would never recognise Crimea as Russian territory",
        date=date(2022, 3, 20),
        source_id="wapo-2022-03-11",
    )
    desk.cases.confirm_statement(desk.accounts.get_actor("mediator"), CASE, key)
    _, items = desk.intake.training_items(analyst, CASE)
    negatives = [i for i in items if "judged" in i]
    assert negatives == [
        {
            "id": negatives[0]["id"],
            "article_date": "2022-03-20",
            "text": PROPOSAL.sentence,
            "labels": [],
            "judged": [{"party": "UA", "issue": "crimea"}, {"party": "RU", "issue": "crimea"}],
        }
    ]
    assert any(i["text"] == "would never recognise Crimea as Russian territory" for i in items)
