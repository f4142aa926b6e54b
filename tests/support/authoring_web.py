"""The web access matrix's rows for the authoring desk (issue 15; ``web/authoring.py``,
``web/authoring_positions.py``), with what they act on, on the example case
(``tests/web/test_web_access_matrix.py``).

Who may author is the policy's ``case.author`` (the mediator and the analyst): the other
members see the case, so its forms are 403 naming ``case.author``, and its pages the
plain 404. Creating a case is a server admin's (``case.create``): every member is
refused it (403); a server admin who is no member of the case sees none of its pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from offramp.bootstrap import Services
from offramp.demo import CASE
from offramp.services.accounts import SYSTEM
from support.rounds_web import AN, MED, OBS, OFF, RU, UA

ADMIN = "admin"  # a server admin, member of no case
OUT = "outsider"  # a member of another case only
AUTHORS = (MED, AN)
SEE_NOT_AUTHOR = (UA, RU, OBS, OFF)


def seed_authoring_web(desk: Services, password: str) -> tuple[dict[str, str], str]:
    """A server admin (its session is returned), the case's version and a position id;
    call it after every other seed (the version is the case's last)."""
    desk.accounts.add_user(SYSTEM, ADMIN, password, admin=True)
    draft = desk.authoring.draft(desk.accounts.get_actor(MED), CASE)
    ids = {"version": str(draft.version), "position": str(draft.position_ids[0])}
    return ids, desk.accounts.sign_in(ADMIN, password)[1]


def authoring_web_rows(row: Callable[..., Any], c: str) -> list[Any]:
    """The rows, built with the matrix's own ``Row``; ``c`` is the case's path."""
    members = (MED, UA, RU, OBS, AN, OFF, OUT)
    a = f"{c}/author"
    v = "{version}"

    def form(route: str, path: str, fields: dict[str, Any]) -> Any:
        return row("POST", route, path, AUTHORS, SEE_NOT_AUTHOR, "case.author", form=fields)

    return [
        row("GET", "/new-case", "/new-case", (ADMIN,), members, "case.create"),
        row(
            "POST",
            "/new-case",
            "/new-case",
            (ADMIN,),
            members,
            "case.create",
            form={"title": "A case from the matrix", "role": "mediator"},
        ),
        row("GET", "/cases/{slug}/author", a, AUTHORS),
        row(
            "GET",
            "/cases/{slug}/author/positions",
            f"{a}/positions?party=UA&date=2022-03-20",
            AUTHORS,
        ),
        form("/cases/{slug}/author/case", f"{a}/case", {"title": "Renamed", "version": v}),
        form(
            "/cases/{slug}/author/{kind}",
            f"{a}/parties",
            {"id": "MATRIX", "name": "A party of the matrix", "role": "observer"},
        ),
        form(
            "/cases/{slug}/author/{kind}",
            f"{a}/positions",
            {
                "party": "UA",
                "issue": "alignment",
                "date": "2022-03-20",
                "ideal": "neutral_austria",
                "acceptable": "neutral_austria",
                "salience": "0.5",
            },
        ),
        form(
            "/cases/{slug}/author/{kind}/{key}",
            f"{a}/parties/US",
            {"name": "The United States", "role": "stakeholder", "version": v},
        ),
        form(
            "/cases/{slug}/author/{kind}/{key}/remove",
            f"{a}/positions/{{position}}/remove",
            {"version": v},
        ),
        form(
            "/cases/{slug}/author/{kind}/{key}/move",
            f"{a}/parties/RU/move",
            {"direction": "down", "version": v},
        ),
        form(
            "/cases/{slug}/author/issues/{key}/options/{option}/move",
            f"{a}/issues/alignment/options/open_door/move",
            {"direction": "up", "version": v},
        ),
    ]
