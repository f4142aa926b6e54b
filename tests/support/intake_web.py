"""The web access matrix's rows for the intake's discards and its reader (issue 16),
with what they act on, seeded on the example case (``tests/web/test_web_access_matrix.py``):
the example's statements confirmed (all but ``ru-initial-demand``, which the matrix
confirms), one proposal discarded, and a reader trained on the desk and adopted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from offramp.bootstrap import Services
from offramp.demo import CASE
from offramp.services.intake import Discard
from support.web import DEMO_ROLES

MED, UA, RU, OBS, AN, OFF = DEMO_ROLES
LEFT_FOR_THE_MATRIX = "ru-initial-demand"
DISCARD_FORM = {
    "p_party": "UA",
    "p_issue": "crimea",
    "p_stance": "reject",
    "p_speaker": "zelensky",
    "p_quote": "Crimea",
    "sentence": "Zelensky spoke about Crimea on Sunday.",
    "source_date": "2022-03-20",
    "reason": "No position: a mention.",
}


def confirm_the_example(desk: Services, keep: str = LEFT_FOR_THE_MATRIX) -> int:
    """Confirm the example case's statements (all but ``keep``); how many were confirmed."""
    mediator = desk.accounts.get_actor(MED)
    rows = desk.cases.list_statements(mediator, CASE)
    waiting = [r.statement.id for r in rows if r.confirmed_at is None and r.statement.id != keep]
    for key in waiting:
        desk.cases.confirm_statement(mediator, CASE, key)
    return len(waiting)


def discard_form_proposal() -> Discard:
    """The proposal :data:`DISCARD_FORM` posts, as the service takes it."""
    f = DISCARD_FORM
    return Discard(
        party=f["p_party"],
        issue=f["p_issue"],
        stance=f["p_stance"],
        speaker=f["p_speaker"],
        quote=f["p_quote"],
        sentence=f["sentence"],
        article_date=f["source_date"],
        reason=f["reason"],
    )


def seed_intake_web(desk: Services) -> dict[str, str]:
    analyst = desk.accounts.get_actor(AN)
    confirm_the_example(desk)
    desk.intake.discard(analyst, CASE, discard_form_proposal())
    trained = desk.intake.readers.train(analyst, CASE)
    desk.intake.readers.adopt(analyst, CASE, trained.id)
    return {"desk_reader": str(trained.id)}


def intake_web_rows(row: Callable[..., Any], c: str) -> list[Any]:
    """The rows, built with the matrix's own ``Row``; ``c`` is the case's path."""
    parties = (UA, RU, OBS, OFF)
    return [
        row(
            "POST", "/cases/{slug}/intake/discards", f"{c}/intake/discards", (MED, AN),
            parties, "statement.create", form=DISCARD_FORM,
        ),
        row("GET", "/cases/{slug}/intake/reader", f"{c}/intake/reader", (MED, AN)),
        row(
            "POST", "/cases/{slug}/intake/reader/train", f"{c}/intake/reader/train", (MED, AN),
            parties, "reader.train",
        ),
        row(
            "POST", "/cases/{slug}/intake/reader/{number}/adopt",
            f"{c}/intake/reader/{{desk_reader}}/adopt", (MED, AN), parties, "reader.train",
        ),
        row(
            "POST", "/cases/{slug}/intake/reader/retire", f"{c}/intake/reader/retire",
            (MED, AN), parties, "reader.train",
        ),
    ]  # fmt: skip
