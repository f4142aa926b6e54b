"""Authoring a case on the web desk (issue 15): from an empty desk to a ripeness verdict
through the forms alone, exported, checked by ``offramp check`` and imported back the
same; each refused form names its field with the case file's words (422), a stale one
names who changed the case (409), and neither writes anything."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from offramp.bootstrap import Services, bootstrap
from offramp.files.case import parse_case
from offramp.server import create_desk_app
from offramp.services.accounts import SYSTEM
from support.authoring import COLLECTIONS, EARLY, LATE, RIVER, steps
from support.cli import offramp
from support.desk import FAST_HASHER, PASSWORD

CSRF = "authoring-csrf"


def form_of(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    """The fields a person fills in on the web form for ``record`` (a case-file item)."""
    form: dict[str, Any] = {
        k: str(v) for k, v in record.items() if isinstance(v, str | int | float | bool)
    }
    if kind in ("party", "person") and "aliases" in record:
        form["aliases"] = ", ".join(record["aliases"])
    if kind == "issue":
        form.pop("candidate", None)
        if record.get("candidate"):
            form["candidate"] = "yes"
        for k, o in enumerate(record["options"]):
            form |= {f"options[{k}].{f}": v for f, v in o.items()}
    if kind == "statement":
        for k in ("issue", "option"):
            form.pop(k, None)
        form["about"] = f"{record.get('issue', '')}/{record.get('option', '')}"
    if kind == "position":
        form["form"] = f"position-{record['issue']}"
        form |= {f"values.{o}": str(v) for o, v in record.get("values", {}).items()}
        form["acceptable"] = record.get("acceptable", [])
    if kind in ("position", "reservation"):
        form["statements"] = record.get("statements", [])
    return form


class Desk:
    """An empty desk with its first admin, signed in on the web."""

    def __init__(self, path: Path) -> None:
        self.services: Services = bootstrap(str(path), hasher=FAST_HASHER)
        self.services.accounts.add_user(SYSTEM, "admin", PASSWORD, admin=True)
        self.http = TestClient(create_desk_app(services=self.services), follow_redirects=False)
        self.sign_in("admin")

    def sign_in(self, name: str) -> None:
        self.http.cookies.clear()
        self.http.cookies.set("offramp_csrf", CSRF)
        self.http.cookies.set("offramp_session", self.services.accounts.sign_in(name, PASSWORD)[1])

    def post(self, path: str, form: dict[str, Any]) -> Any:
        return self.http.post(path, data={**form, "csrf_token": CSRF})

    def version(self, slug: str = "river") -> int:
        return self.services.authoring.draft(
            self.services.accounts.get_actor("admin"), slug
        ).version

    def audit_head(self, slug: str = "river") -> tuple[int, str]:
        return self.services.audit.head(slug)


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    d = Desk(tmp_path / "desk.db")
    yield d
    d.services.close()


def _river(desk: Desk) -> None:
    res = desk.post("/new-case", {**RIVER, "role": "mediator"})
    assert res.status_code == 303, res.text
    assert res.headers["location"] == "/cases/river/author?done=created"


def _add(desk: Desk, kind: str, record: dict[str, Any]) -> None:
    res = desk.post(f"/cases/river/author/{COLLECTIONS[kind]}", form_of(kind, record))
    assert res.status_code == 303, (kind, record, _refused(res.text))


def _refused(page: str) -> list[str]:
    """The lines of a refused form's summary."""
    box = re.search(r'data-refused="[^"]*">(.*?)</div>', page, re.S)
    return re.findall(r"<li>(.*?)</li>", box.group(1), re.S) if box else []


def test_an_empty_desk_to_a_verdict_on_the_web_exported_checked_and_reimported(
    desk: Desk, tmp_path: Path
) -> None:
    assert 'href="/new-case"' in desk.http.get("/cases").text
    _river(desk)
    for kind, record in steps():
        _add(desk, kind, record)
    # the data-sharing options into their order: "voluntary" one place up
    res = desk.post(
        "/cases/river/author/issues/data/options/voluntary/move",
        {"direction": "up", "version": str(desk.version())},
    )
    assert res.status_code == 303, _refused(res.text)

    page = desk.http.get("/cases/river/author").text
    for link in ('href="/cases/river"', 'href="/cases/river/deal-space"'):
        assert link in page
    for path in ("/cases/river", "/cases/river/author/positions?party=UP&date=" + LATE):
        assert desk.http.get(path).status_code == 200, path
    verdict = {
        day: re.search(
            r'data-verdict="([a-z-]+)"', desk.http.get(f"/cases/river/deal-space?at={day}").text
        )
        for day in (EARLY, LATE)
    }
    assert {d: m.group(1) if m else None for d, m in verdict.items()} == {
        EARLY: "not-ripe",
        LATE: "ripe",
    }
    timeline = desk.http.get(f"/cases/river?since={EARLY}&at={LATE}").text
    assert "Upland" in timeline and 'data-list="timeline"' in timeline

    res = desk.http.get("/api/cases/river/export")  # the existing export route
    assert res.status_code == 200, res.text
    text = res.json()["text"]
    path = tmp_path / "river.yaml"
    path.write_text(text, encoding="utf-8")
    checked = offramp("check", str(path))
    assert checked.code == 0, checked.output
    case = parse_case(text, "river.yaml")
    assert case.issue("data").option_ids == ("none", "voluntary", "real_time")
    assert len(case.positions) == 27 and len(case.reservations) == 6

    # the same records through the service directly: the web form loses nothing
    other = bootstrap(str(tmp_path / "other.db"), hasher=FAST_HASHER)
    try:
        admin = other.accounts.add_user(SYSTEM, "admin", PASSWORD, admin=True)
        other.authoring.create_case(admin, RIVER["id"], RIVER["title"], RIVER["description"])
        other.cases.add_member(admin, "river", "admin", "mediator")
        for kind, record in steps():
            other.authoring.add(admin, "river", kind, record)  # type: ignore[arg-type]
        draft = other.authoring.draft(admin, "river")
        other.authoring.reorder_options(
            admin, "river", "data", ["none", "voluntary", "real_time"], draft.version
        )
        assert other.cases.export_case(admin, "river").text == text
        # and the exported file imports back to the same file
        other.cases.import_case(admin, text.replace("id: river", "id: river-again", 1), "x.yaml")
        other.cases.add_member(admin, "river-again", "admin", "mediator")
        again = other.cases.export_case(admin, "river-again").text
        assert again == text.replace("id: river", "id: river-again", 1)
    finally:
        other.close()


BAD_FORMS = [
    # (kind, form, field path, message): the case file's rules, said beside the field
    ("party", {"id": "UP", "name": "Again", "role": "party"}, "id", "duplicate id &#39;UP&#39;"),
    ("party", {"name": "Nobody", "role": "king"}, "role", "&#39;king&#39; is not allowed"),
    (
        "party",
        {"name": "Weak", "role": "party", "capability": "-1"},
        "capability",
        "-1 is out of range",
    ),
    ("person", {"name": "A Person", "party": "NOPE"}, "party", "unknown party &#39;NOPE&#39;"),
    (
        "issue",
        {
            "title": "Twice",
            "kind": "political",
            "options[0].id": "a",
            "options[0].label": "A",
            "options[1].id": "a",
            "options[1].label": "Also A",
        },
        "options",
        "duplicate option id &#39;a&#39;",
    ),
    ("issue", {"title": "Empty", "kind": "political"}, "options", "the issue has no options"),
    (
        "position",
        {
            "party": "UP",
            "issue": "filling",
            "date": EARLY,
            "ideal": "slow",
            "salience": "0.5",
            "values.fast": "1",
            "values.slow": "0.4",
            "form": "position-filling",
        },
        "values",
        "the ideal “Slow” must have the highest value",
    ),
    (
        "position",
        {
            "party": "UP",
            "issue": "filling",
            "date": EARLY,
            "ideal": "fast",
            "salience": "-0.1",
            "form": "position-filling",
        },
        "salience",
        "-0.1 is out of range",
    ),
    (
        "position",
        {
            "party": "UP",
            "issue": "filling",
            "date": EARLY,
            "ideal": "fast",
            "acceptable": "slow",
            "salience": "0.3",
            "form": "position-filling",
        },
        "acceptable",
        "must include the ideal “Fast”",
    ),
    (
        "reservation",
        {"party": "UP", "date": EARLY, "value": "1.5", "form": "reservation"},
        "value",
        "1.5 is out of range",
    ),
    (
        "statement",
        {
            "date": EARLY,
            "party": "UP",
            "speaker_name": "A spokesman",
            "quote": "No.",
            "source": "nosuch",
            "about": "filling/slowest",
        },
        "source",
        "unknown source &#39;nosuch&#39;",
    ),
]


@pytest.mark.parametrize(
    ("kind", "form", "where", "message"), BAD_FORMS, ids=lambda x: x if isinstance(x, str) else ""
)
def test_a_refused_form_names_the_field_and_writes_nothing(
    desk: Desk, kind: str, form: dict[str, Any], where: str, message: str
) -> None:
    _river(desk)
    _add(desk, "party", {"id": "UP", "name": "Upland", "role": "party"})
    issue = {
        "id": "filling",
        "title": "Filling",
        "kind": "security",
        "options": [{"id": "fast", "label": "Fast"}, {"id": "slow", "label": "Slow"}],
    }
    _add(desk, "issue", issue)
    _add(desk, "source", {"id": "brief", "publication": "A briefing"})
    before = (desk.version(), desk.audit_head())
    res = desk.post(f"/cases/river/author/{COLLECTIONS[kind]}", form)
    assert res.status_code == 422, res.text[:300]
    beside = re.findall(rf'data-field-error="{re.escape(where)}">([^<]*)<', res.text)
    assert any(message in b for b in beside), (beside, _refused(res.text))
    assert any(message in line for line in _refused(res.text))
    assert (desk.version(), desk.audit_head()) == before


def test_a_stale_form_says_who_changed_the_case_and_overwrites_nothing(desk: Desk) -> None:
    _river(desk)
    _add(desk, "party", {"id": "UP", "name": "U", "role": "party"})
    opened = desk.version()
    desk.services.accounts.add_user(SYSTEM, "colleague", PASSWORD)
    desk.services.cases.add_member(SYSTEM, "river", "colleague", "analyst")
    desk.sign_in("colleague")
    form = {"name": "Upland", "role": "party", "version": str(opened)}
    assert desk.post("/cases/river/author/parties/UP", form).status_code == 303
    desk.sign_in("admin")
    before = (desk.version(), desk.audit_head())
    res = desk.post("/cases/river/author/parties/UP", {**form, "name": "Highland"})
    assert res.status_code == 409
    assert "changed by colleague since you opened it" in " ".join(_refused(res.text))
    assert (desk.version(), desk.audit_head()) == before
    # the form shows the case as it now is, at its new version
    assert 'value="Upland"' in res.text and f'name="version" value="{before[0]}"' in res.text
    assert (
        desk.post("/cases/river/author/parties/UP/remove", {"version": str(opened)}).status_code
        == 409
    )


def test_up_down_and_remove(desk: Desk) -> None:
    _river(desk)
    for p in ("UP", "MID", "DOWN"):
        _add(desk, "party", {"id": p, "name": p.title(), "role": "party"})
    _add(desk, "person", {"id": "mo", "name": "Mo", "party": "MID"})
    res = desk.post(
        "/cases/river/author/parties/UP/move", {"direction": "down", "version": str(desk.version())}
    )
    assert res.status_code == 303
    page = desk.http.get("/cases/river/author").text
    assert re.findall(r'data-party="([A-Z]+)"', page) == ["MID", "UP", "DOWN"]
    res = desk.post("/cases/river/author/parties/MID/remove", {"version": str(desk.version())})
    assert res.status_code == 422
    assert any("person mo" in line for line in _refused(res.text))
    res = desk.post("/cases/river/author/parties/DOWN/remove", {"version": str(desk.version())})
    assert res.status_code == 303
    page = desk.http.get("/cases/river/author").text
    assert re.findall(r'data-party="([A-Z]+)"', page) == ["MID", "UP"]
    events = [
        e.action
        for e in desk.services.audit.events(desk.services.accounts.get_actor("admin"), "river")
    ]
    assert {"case.create", "case.party.add", "case.party.reorder", "case.party.remove"} <= set(
        events
    )


def test_only_a_server_admin_creates_a_case(desk: Desk) -> None:
    desk.services.accounts.add_user(SYSTEM, "someone", PASSWORD)
    desk.sign_in("someone")
    assert 'href="/new-case"' not in desk.http.get("/cases").text
    res = desk.http.get("/new-case")
    assert res.status_code == 403 and "case.create" in res.text
    res = desk.post("/new-case", {"title": "Mine"})
    assert res.status_code == 403 and not desk.services.cases.exists("mine")
    desk.sign_in("admin")
    for form, where in (({"title": ""}, "title"), ({"title": "Mine", "id": "Bad Id"}, "id")):
        res = desk.post("/new-case", form)
        assert res.status_code == 422
        assert re.findall(r'data-field-error="(\w+)"', res.text) == [where]
    assert desk.services.cases.list_my_cases(desk.services.accounts.get_actor("admin")) == []
