"""Shared test data for authoring a case record by record (issue 15): a three-party case
that is not in ``examples/`` (a river-basin dispute, invented for the tests: every
number is made up), as the steps that build it from an empty case, and the rows of the
access matrix (``tests/api/test_access_matrix.py``) for the authoring routes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from offramp.files.case import parse_case
from support.cli import offramp

RIVER = {"id": "river", "title": "A river basin", "description": "Three riparian states."}
EARLY, LATE = "2020-07-01", "2021-04-01"
COLLECTIONS = {
    "party": "parties",
    "person": "people",
    "issue": "issues",
    "source": "sources",
    "statement": "statements",
    "position": "positions",
    "reservation": "reservations",
}
"""Each kind's collection in a case's URLs: ``/api/cases/river/people``, ``.../author/people``."""

PARTIES = [
    {"id": "UP", "name": "Upland", "role": "party", "aliases": ["the upstream state"]},
    {"id": "MID", "name": "Midland", "role": "party"},
    {"id": "DOWN", "name": "Lowland", "role": "party", "aliases": ["the downstream state"]},
    {"id": "UNION", "name": "The Regional Union", "role": "mediator"},
]
PEOPLE = [
    {
        "id": "ama",
        "name": "Ama Upton",
        "party": "UP",
        "title": "Prime Minister",
        "aliases": ["Upton"],
        "since": "2018-04-02",
    },
    {"id": "dara", "name": "Dara Lowe", "party": "DOWN", "title": "President"},
    {
        "id": "mo",
        "name": "Mo Middel",
        "party": "MID",
        "title": "Prime Minister",
        "since": "2019-08-21",
        "until": "2022-01-02",
    },
]
ISSUES = [
    {
        "id": "filling",
        "title": "Filling period",
        "kind": "security",
        "options": [
            {"id": "fast", "label": "Three years"},
            {"id": "medium", "label": "Seven years"},
            {"id": "slow", "label": "Twelve years"},
        ],
    },
    {
        "id": "drought",
        "title": "Releases in drought",
        "kind": "existential",
        "options": [
            {"id": "none", "label": "No rule"},
            {"id": "best_effort", "label": "Best effort"},
            {"id": "guaranteed", "label": "A guaranteed minimum"},
        ],
    },
    {
        "id": "data",
        "title": "Data sharing",
        "kind": "political",
        "options": [
            {"id": "none", "label": "None"},
            {"id": "real_time", "label": "Real time"},
            {"id": "voluntary", "label": "Voluntary"},
        ],
    },  # reordered below
    {
        "id": "disputes",
        "title": "Dispute resolution",
        "kind": "political",
        "options": [
            {"id": "consult", "label": "Consultation"},
            {"id": "panel", "label": "A Union panel"},
            {"id": "arbitration", "label": "Binding arbitration"},
        ],
    },
]
CANDIDATE = {
    "id": "power",
    "title": "Power trade",
    "kind": "political",
    "candidate": True,
    "options": [
        {"id": "none", "label": "None"},
        {"id": "discounted", "label": "Discounted power sales"},
    ],
}
SOURCES = [{"id": "brief", "publication": "Desk briefing (invented test data)", "date": EARLY}]
STATEMENTS = [
    {
        "id": "up-fast",
        "date": "2020-06-20",
        "party": "UP",
        "speaker": "ama",
        "quote": "We will fill the reservoir in three rainy seasons.",
        "source": "brief",
        "stance": "demand",
        "issue": "filling",
        "option": "fast",
    },
    {
        "id": "down-guarantee",
        "date": "2020-06-22",
        "party": "DOWN",
        "speaker": "dara",
        "quote": "A guaranteed release in drought is not negotiable.",
        "source": "brief",
        "stance": "demand",
        "issue": "drought",
        "option": "guaranteed",
    },
    {
        "id": "up-medium",
        "date": "2021-03-15",
        "party": "UP",
        "speaker": "ama",
        "quote": "Seven seasons would be acceptable to us.",
        "source": "brief",
        "stance": "offer",
        "issue": "filling",
        "option": "medium",
    },
]

# values of each option, per party, per date: an analyst's judgement (invented)
_V: dict[str, dict[str, dict[str, dict[str, float]]]] = {
    EARLY: {
        "UP": {
            "filling": {"fast": 1, "medium": 0.2, "slow": 0},
            "drought": {"none": 1, "best_effort": 0.4, "guaranteed": 0},
            "data": {"none": 1, "voluntary": 0.6, "real_time": 0.2},
            "disputes": {"consult": 1, "panel": 0.5, "arbitration": 0},
        },
        "MID": {
            "filling": {"fast": 0.3, "medium": 1, "slow": 0.6},
            "drought": {"none": 0.2, "best_effort": 1, "guaranteed": 0.7},
            "data": {"none": 0, "voluntary": 0.5, "real_time": 1},
            "disputes": {"consult": 0.3, "panel": 1, "arbitration": 0.8},
        },
        "DOWN": {
            "filling": {"fast": 0, "medium": 0.3, "slow": 1},
            "drought": {"none": 0, "best_effort": 0.2, "guaranteed": 1},
            "data": {"none": 0, "voluntary": 0.3, "real_time": 1},
            "disputes": {"consult": 0, "panel": 0.4, "arbitration": 1},
        },
    },
}
_V[LATE] = {
    "UP": {
        **_V[EARLY]["UP"],
        "filling": {"fast": 1, "medium": 0.8, "slow": 0.1},
        "drought": {"none": 1, "best_effort": 0.8, "guaranteed": 0.3},
    },
    "MID": _V[EARLY]["MID"],
    "DOWN": {
        **_V[EARLY]["DOWN"],
        "filling": {"fast": 0, "medium": 0.8, "slow": 1},
        "drought": {"none": 0, "best_effort": 0.8, "guaranteed": 1},
    },
}
_SALIENCE = {"UP": (0.4, 0.3, 0.1, 0.2), "MID": (0.2, 0.3, 0.3, 0.2), "DOWN": (0.3, 0.4, 0.1, 0.2)}
_RESERVATION = {
    EARLY: {"UP": 0.75, "MID": 0.6, "DOWN": 0.75},
    LATE: {"UP": 0.55, "MID": 0.5, "DOWN": 0.55},
}
_CITED = {
    ("UP", "filling", EARLY): ["up-fast"],
    ("DOWN", "drought", EARLY): ["down-guarantee"],
    ("UP", "filling", LATE): ["up-medium"],
}


def positions() -> list[dict[str, Any]]:
    """Every party's position on every issue at both dates (24), with the statements
    behind three of them."""
    out = []
    for day, parties in _V.items():
        for party, issues in parties.items():
            for k, (issue, values) in enumerate(issues.items()):
                ideal = max(values, key=lambda o: values[o])
                acceptable = sorted(o for o, v in values.items() if v >= 0.5)
                out.append(
                    {
                        "party": party,
                        "issue": issue,
                        "date": day,
                        "ideal": ideal,
                        "acceptable": acceptable,
                        "salience": _SALIENCE[party][k],
                        "values": values,
                        "statements": _CITED.get((party, issue, day), []),
                    }
                )
    return out


def candidate_positions() -> list[dict[str, Any]]:
    """Values of the candidate issue (power trade), at the early date."""
    values = {
        "UP": {"none": 0.0, "discounted": 1.0},
        "MID": {"none": 0.0, "discounted": 1.0},
        "DOWN": {"none": 0.0, "discounted": 1.0},
    }
    return [
        {
            "party": p,
            "issue": "power",
            "date": EARLY,
            "ideal": "discounted",
            "salience": 0.3,
            "values": v,
        }
        for p, v in values.items()
    ]


def reservations() -> list[dict[str, Any]]:
    return [
        {"party": p, "date": d, "value": v} for d, by in _RESERVATION.items() for p, v in by.items()
    ]


def check_river_export(text: str, folder: Path) -> None:
    """The exported river case ``text``: ``offramp check`` passes it (from ``folder``), and
    it holds what :func:`steps` wrote (the data issue's options reordered, 27 positions,
    6 reservations)."""
    path = folder / "river.yaml"
    path.write_text(text, encoding="utf-8")
    checked = offramp("check", str(path))
    assert checked.code == 0, checked.output
    case = parse_case(text, "river.yaml")
    assert case.issue("data").option_ids == ("none", "voluntary", "real_time")
    assert len(case.positions) == 27 and len(case.reservations) == 6


def steps() -> list[tuple[str, dict[str, Any]]]:
    """(kind, record) in the order a desk would add them."""
    return [
        *(("party", p) for p in PARTIES),
        *(("person", p) for p in PEOPLE),
        *(("issue", i) for i in ISSUES),
        ("issue", CANDIDATE),
        *(("source", s) for s in SOURCES),
        *(("statement", s) for s in STATEMENTS),
        *(("position", p) for p in positions()),
        *(("position", p) for p in candidate_positions()),
        *(("reservation", r) for r in reservations()),
    ]


# -- the access matrix's rows for the authoring routes ----------------------------------

NEW_PARTY = {"id": "TR", "name": "Turkey", "role": "host"}


def authoring_routes(route: Callable[..., Any]) -> list[Any]:
    """One row per authoring route: the mediator and the analyst may author (200/201/204);
    every other member of the case is refused ``case.author`` (403)."""
    ok, no = (
        ("mediator_il", "analyst"),
        ("delegate_ua", "delegate_ru", "facilitator_de", "observer_us", "desk_officer"),
    )
    base = "/api/cases/small"

    def row(name: str, method: str, path: str, body: Any = None) -> Any:
        return route(name, method, base + path, ok, no, "case.author", body=body)

    def gone(name: str, path: str) -> Any:
        """A removal of what the small case does not hold (all it holds is in use): the
        authors get 404, the same as for another missing id; the others 403."""
        return route(
            name,
            "DELETE",
            base + path.format("nosuch"),
            (),
            no,
            "case.author",
            missing=base + path.format("nosuch-either"),
        )

    return [
        row("case_edit", "PATCH", "", {"version": 1, "description": "Edited."}),
        row("case_draft", "GET", "/draft"),
        row("party_add", "POST", "/parties", NEW_PARTY),
        row("party_edit", "PATCH", "/parties/US", {"version": 1, "name": "The United States"}),
        row("party_remove", "DELETE", "/parties/US?version=1"),
        row(
            "party_reorder",
            "PUT",
            "/parties/order",
            {"version": 1, "order": ["RU", "UA", "IL", "DE", "US"]},
        ),
        row("person_add", "POST", "/people", {"id": "kuleba", "name": "D. Kuleba", "party": "UA"}),
        row("person_edit", "PATCH", "/people/zelensky", {"version": 1, "title": "The President"}),
        gone("person_remove", "/people/{}?version=1"),
        row(
            "issue_add",
            "POST",
            "/issues",
            {
                "id": "crimea",
                "title": "Crimea",
                "kind": "territorial",
                "options": [{"id": "ukraine", "label": "Ukrainian"}],
            },
        ),
        row("issue_edit", "PATCH", "/issues/donbas", {"version": 1, "title": "The Donbas"}),
        gone("issue_remove", "/issues/{}?version=1"),
        row(
            "issue_reorder",
            "PUT",
            "/issues/order",
            {"version": 1, "order": ["donbas", "alignment"]},
        ),
        row(
            "option_reorder",
            "PUT",
            "/issues/donbas/options/order",
            {"version": 1, "order": ["russia", "autonomy", "ukraine"]},
        ),
        row("source_add", "POST", "/sources", {"id": "ft", "publication": "Financial Times"}),
        row("source_edit", "PATCH", "/sources/wapo", {"version": 1, "author": "D. Ignatius"}),
        gone("source_remove", "/sources/{}?version=1"),
        row("source_reorder", "PUT", "/sources/order", {"version": 1, "order": ["wapo"]}),
        row("statement_edit", "PATCH", "/statements/ru-neutral", {"version": 1, "note": "Seen."}),
        row("statement_remove", "DELETE", "/statements/ru-neutral?version=1"),
        row(
            "position_add",
            "POST",
            "/positions",
            {
                "party": "UA",
                "issue": "alignment",
                "date": "2022-03-20",
                "ideal": "bloc_free",
                "salience": 0.5,
            },
        ),
        row("position_remove", "DELETE", "/positions/{position}?version=1"),
        row(
            "reservation_add",
            "POST",
            "/reservations",
            {"party": "UA", "date": "2022-03-20", "value": 0.4},
        ),
        row(
            "reservation_edit",
            "PATCH",
            "/reservations/UA/2022-03-01",
            {"version": 1, "value": 0.35},
        ),
        row("reservation_remove", "DELETE", "/reservations/UA/2022-03-01?version=1"),
    ]
