"""Retraining a case's reader from its desk (issue 16): scored before and after on a
held-out part, stored as a candidate, used by the intake only once adopted, retired
back to the shipped reader; audited, and refused to everyone but the mediator and the
analyst."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from offramp.bootstrap import Services
from offramp.demo import CASE
from offramp.errors import Forbidden, InputError, NotFound
from offramp.extract import Extractor, Lexicon, find_reader, load_pipeline
from offramp.model import Case
from support.intake_web import confirm_the_example, discard_form_proposal
from support.web import demo_desk

SENTENCE = "Zelensky said Ukraine would never recognise Crimea as Russian territory."
DAY = date(2022, 3, 20)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    db = tmp_path_factory.mktemp("reader") / "desk.db"
    with demo_desk(db, "reader-password") as services:
        confirm_the_example(services, keep="")
        services.intake.discard(
            services.accounts.get_actor("analyst"), CASE, discard_form_proposal()
        )
        yield services


def readings(extractor: Extractor) -> list[tuple[str, str | None, str, float | None]]:
    return [
        (p.party, p.issue, str(p.stance), p.confidence) for p in extractor.extract(SENTENCE, DAY)
    ]


def test_too_few_statements_is_a_clear_refusal(tmp_path: Path) -> None:
    with (
        demo_desk(tmp_path / "few.db", "reader-password") as services,
        pytest.raises(InputError) as caught,
    ):
        services.intake.readers.train(services.accounts.get_actor("analyst"), CASE)
    assert "too few statements to retrain" in str(caught.value)
    assert "1 confirmed and 0 discarded" in str(caught.value)


def test_train_scores_before_and_after_and_changes_nothing_until_adopted(
    desk: Services,
) -> None:
    analyst = desk.accounts.get_actor("analyst")
    state = desk.intake.readers.state(analyst, CASE)
    assert state.in_use is None and state.shipped  # the example case ships a reader
    learn, test = state.learn, state.test
    assert learn[0] > 0 and test[0] > 0
    _, items = desk.intake.readers.items(analyst, CASE)
    labels = sum(len(i["labels"]) for i in items if "judged" not in i)
    assert learn[0] + test[0] == labels >= 20  # the example's, confirmed
    assert learn[1] + test[1] == 1  # the one discard
    lexicon = Lexicon.from_case(case_of(desk))
    shipped_before = readings(Extractor(lexicon, load_pipeline(), reader=find_reader(lexicon)))
    row = desk.intake.readers.train(analyst, CASE)
    assert row.trained_by == "analyst" and row.adopted_at is None
    rep = row.report
    assert rep["learn"] == list(learn) and rep["test"] == list(test)
    assert rep["started_from"].startswith("the reader shipped for the case")
    right, proposed, labelled = rep["before"]
    assert labelled == rep["after"][2] >= test[0] and 0 <= right <= proposed
    # a candidate only: the intake still reads with the shipped reader
    proposals = desk.intake.propose(analyst, CASE, SENTENCE, DAY)
    assert [(p.party, p.issue, str(p.stance), p.confidence) for p in proposals] == shipped_before
    seq, _ = desk.audit.head(CASE)
    [event] = desk.audit.events(desk.accounts.get_actor("mediator"), CASE, after=seq - 1)
    assert event.action == "reader.train" and event.payload["after"] == rep["after"]


def case_of(desk: Services) -> Case:
    case, _ = desk.intake.readers.items(desk.accounts.get_actor("analyst"), CASE)
    return case


def test_adopting_has_the_intake_read_with_the_new_reader_and_retiring_undoes_it(
    desk: Services,
) -> None:
    mediator = desk.accounts.get_actor("mediator")
    row = desk.intake.readers.train(mediator, CASE)
    lexicon = Lexicon.from_case(case_of(desk))
    trained = desk.intake.readers.reader(mediator, CASE, row.id)
    new = readings(Extractor(lexicon, load_pipeline(), reader=trained))
    old = readings(Extractor(lexicon, load_pipeline(), reader=find_reader(lexicon)))
    assert new != old  # the retrained reader's confidences moved
    desk.intake.readers.adopt(mediator, CASE, row.id)
    assert desk.intake.readers.state(mediator, CASE).in_use.id == row.id  # type: ignore[union-attr]
    got = desk.intake.propose(mediator, CASE, SENTENCE, DAY)
    assert [(p.party, p.issue, str(p.stance), p.confidence) for p in got] == new
    # the next retraining starts from the adopted one
    again = desk.intake.readers.train(mediator, CASE)
    assert again.report["started_from"].startswith("the reader mediator trained on this desk")
    desk.intake.readers.retire(mediator, CASE)
    assert desk.intake.readers.state(mediator, CASE).in_use is None
    got = desk.intake.propose(mediator, CASE, SENTENCE, DAY)
    assert [(p.party, p.issue, str(p.stance), p.confidence) for p in got] == old
    with pytest.raises(InputError, match="no reader trained on this desk is in use"):
        desk.intake.readers.retire(mediator, CASE)
    with pytest.raises(NotFound):
        desk.intake.readers.adopt(mediator, CASE, 10_000)
    with pytest.raises(NotFound):
        desk.intake.readers.reader(mediator, CASE, 10_000)
    actions = [e.action for e in desk.audit.events(mediator, CASE, after=0)]
    assert {"reader.train", "reader.adopt", "reader.retire"} <= set(actions)


@pytest.mark.parametrize("who", ["delegate_ua", "delegate_ru", "observer", "crisis_officer"])
def test_only_the_mediator_and_the_analyst_may_retrain(desk: Services, who: str) -> None:
    with desk.engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM intake_readers")).scalar_one()
    actor = desk.accounts.get_actor(who)
    for call in (
        lambda: desk.intake.readers.state(actor, CASE),
        lambda: desk.intake.readers.train(actor, CASE),
        lambda: desk.intake.readers.adopt(actor, CASE, 1),
        lambda: desk.intake.readers.retire(actor, CASE),
        lambda: desk.intake.training_items(actor, CASE),
    ):
        with pytest.raises(Forbidden, match=r"reader\.train"):
            call()
    with desk.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM intake_readers")).scalar_one() == before
