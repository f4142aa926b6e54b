"""The web access matrix's rows for secret rounds and private codings (issue 15), with
what they act on, seeded on the example case (``tests/web/test_web_access_matrix.py``):
an open round to Ukraine and Russia, Ukraine's coding unshared, Russia's shared."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from offramp.bootstrap import Services
from offramp.demo import CASE, MARCH_PACKAGE, example_path
from offramp.files.case import load_case
from offramp.model.codings import Coding, IssueCoding
from support.web import DEMO_ROLES

MED, UA, RU, OBS, AN, OFF = DEMO_ROLES


def even_coding(party: str) -> Coding:
    """A valid coding of ``party`` on the example case: every number 0.5."""
    issues = load_case(example_path()).table_issues()
    return Coding(
        party,
        tuple(IssueCoding(i.id, 0.5, dict.fromkeys(i.option_ids, 0.5)) for i in issues),
        0.5,
    )


def coding_form(c: Coding, version: int) -> dict[str, str]:
    """The coding page's fields for ``c``."""
    form = {"reservation": str(c.reservation), "note": "", "version": str(version)}
    for ic in c.issues:
        form[f"salience_{ic.issue}"] = str(ic.salience)
        form.update({f"value_{ic.issue}_{o}": str(v) for o, v in ic.values.items()})
    return form


def seed_rounds_web(desk: Services) -> dict[str, str]:
    get = desk.accounts.get_actor
    r = desk.rounds.open_round(get(MED), CASE, "Matrix round", packages=[MARCH_PACKAGE])
    desk.codings.put(get(UA), CASE, "UA", even_coding("UA"), None)
    desk.codings.put(get(RU), CASE, "RU", even_coding("RU"), None)
    desk.codings.share(get(RU), CASE, "RU")
    return {"round": str(r.id)}


def rounds_web_rows(row: Callable[..., Any], c: str) -> list[Any]:
    """The rows, built with the matrix's own ``Row``; ``c`` is the case's path."""
    readers = (MED, UA, RU)
    others = (OBS, AN, OFF)
    opened = {f"p1_{issue}": option for issue, option in MARCH_PACKAGE.items()}
    return [
        row("GET", "/cases/{slug}/rounds", f"{c}/rounds", readers),
        row(
            "POST", "/cases/{slug}/rounds", f"{c}/rounds", (MED,), (UA, RU), "round.open",
            form={"title": "From the matrix", "source": "typed", "kind": "sealed",
                  "parties": ["UA", "RU"], **opened},
        ),
        row("GET", "/cases/{slug}/rounds/{round_id}", f"{c}/rounds/{{round}}", readers),
        row(
            "POST", "/cases/{slug}/rounds/{round_id}/marks", f"{c}/rounds/{{round}}/marks",
            (UA, RU), (MED,), "round.mark", form={"accepted": "p1"},
        ),
        row("GET", "/cases/{slug}/codings", f"{c}/codings", readers),
        # Ukraine's coding is unshared: the mediator gets the 404 of a missing case
        row("GET", "/cases/{slug}/codings/{party}", f"{c}/codings/UA", (UA,)),
        # Russia's is shared: it opens to the mediator too
        row("GET", "/cases/{slug}/codings/{party}", f"{c}/codings/RU", (MED, RU)),
        row(
            "POST", "/cases/{slug}/codings/{party}", f"{c}/codings/UA", (UA,),
            (MED, RU, *others), "coding.write", form=coding_form(even_coding("UA"), 1),
        ),
        row(
            "POST", "/cases/{slug}/codings/{party}/share", f"{c}/codings/UA/share", (UA,),
            (MED, RU, *others), "coding.share",
        ),
        row(
            "POST", "/cases/{slug}/codings/{party}/stop-sharing",
            f"{c}/codings/RU/stop-sharing", (RU,), (MED, UA, *others), "coding.share",
        ),
    ]  # fmt: skip
