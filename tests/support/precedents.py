"""Shared test data for precedent links (issue 20): the links the access matrix
(``tests/api/test_access_matrix.py``) acts on, and its rows.

The matrix's seed tables "Neutral" ({alignment: neutral}) to both parties; the seed
here links that option (tabled) and donbas/autonomy (on no tabled package).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from offramp.bootstrap import Services

MEDIATOR, UA, RU = "mediator_il", "delegate_ua", "delegate_ru"
OTHERS = ("facilitator_de", "observer_us", "analyst", "desk_officer")
MEMBERS = (MEDIATOR, UA, RU, *OTHERS)
BASE = "/api/cases/small"


def seed_precedents(desk: Services) -> dict[str, str]:
    """A link on a tabled option and one on an untabled option, by the mediator."""
    med = desk.accounts.get_actor(MEDIATOR)
    tabled = desk.precedents.link(
        med,
        "small",
        issue="alignment",
        option="neutral",
        precedent="austria-1955",
        provision="permanent-neutrality",
        note="the team's own reading",
    )
    untabled = desk.precedents.link(
        med, "small", issue="donbas", option="autonomy", precedent="south-tyrol-1946"
    )
    return {"link_tabled": str(tabled.link.id), "link_untabled": str(untabled.link.id)}


def precedent_routes(route: Callable[..., Any]) -> list[Any]:
    """The rows, built with the matrix's own ``Route``."""
    everyone = (*MEMBERS, "outsider")
    return [
        route("precedent_search", "GET", "/api/precedents?kind=autonomy", everyone, everyone=True),
        route("precedent_read", "GET", "/api/precedents/austria-1955", everyone, everyone=True),
        route("precedent_matches", "GET", f"{BASE}/precedent-matches", MEMBERS),
        route("precedent_link_list", "GET", f"{BASE}/precedent-links", MEMBERS),
        route(
            "precedent_link_create", "POST", f"{BASE}/precedent-links", (MEDIATOR,),
            (UA, RU, *OTHERS), "precedent.link",
            body={"issue": "alignment", "option": "bloc_free", "precedent": "finland-ussr-1948"},
        ),
        route(
            "precedent_link_read", "GET", f"{BASE}/precedent-links/{{link_tabled}}",
            (MEDIATOR, UA, RU), missing=f"{BASE}/precedent-links/999999",
        ),
        route(
            "precedent_link_delete", "DELETE", f"{BASE}/precedent-links/{{link_tabled}}",
            (MEDIATOR,), (UA, RU), "precedent.link", missing=f"{BASE}/precedent-links/999999",
        ),
    ]  # fmt: skip
