"""In Debian's Chromium, at 1280 and at 375 px: a server admin builds a conflict that is
not in ``examples/`` (the invented river basin of ``support.authoring``: three riparian
states and their mediator, four issues, positions at two dates) on an empty desk, with
the authoring forms alone, until the deal space gives its ripeness verdicts. The wall
time of each journey is written to ``test-artifacts/authoring-timing.txt``."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from offramp.bootstrap import bootstrap
from offramp.services.accounts import SYSTEM
from support.authoring import (
    EARLY,
    ISSUES,
    LATE,
    PARTIES,
    SOURCES,
    STATEMENTS,
    positions,
    reservations,
)
from support.browser import PASSWORD, ROOT, sign_in_at
from support.desk import FAST_HASHER
from support.launch import desk_server

pytestmark = pytest.mark.browser
Shot = Callable[[Page, str], None]
TIMING = ROOT / "test-artifacts" / "authoring-timing.txt"


@pytest.fixture(scope="module")
def empty_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``offramp serve`` over an empty database with one server admin."""
    db = tmp_path_factory.mktemp("authoring") / "desk.db"
    desk = bootstrap(str(db), hasher=FAST_HASHER)
    try:
        desk.accounts.add_user(SYSTEM, "admin", PASSWORD, admin=True)
    finally:
        desk.close()
    with desk_server(db, verb="serve") as running:
        yield running.base


def _form(page: Page, key: str) -> Any:
    return page.locator(f"form[data-form='{key}']")


def _open(page: Page, key: str) -> None:
    """Open the add form ``key`` if it is folded away."""
    details = page.locator(f"details.add:has(form[data-form='{key}'])")
    if details.get_attribute("open") is None:
        details.locator("summary").click()


def _saved(page: Page, words: str = "") -> None:
    expect(page.locator("[data-flash='ok']")).to_be_visible()
    if words:
        expect(page.locator("[data-flash='ok']")).to_contain_text(words)


def _add_records(page: Page) -> None:
    for p in PARTIES:
        f = _form(page, "add-parties")
        f.get_by_label("Short code", exact=True).fill(p["id"])
        f.get_by_label("Name", exact=True).fill(p["name"])
        f.get_by_label("Role in the case", exact=True).select_option(p["role"])
        f.get_by_label("Other names", exact=True).fill(", ".join(p.get("aliases", [])))
        f.get_by_role("button", name="Add a party").click()
        _saved(page, "Added.")
    for issue in ISSUES:
        _open(page, "add-issues")
        f = _form(page, "add-issues")
        f.get_by_label("Title", exact=True).fill(issue["title"])
        f.get_by_label("Short id", exact=True).fill(issue["id"])
        f.get_by_label("Kind", exact=True).select_option(issue["kind"])
        for k, o in enumerate(issue["options"]):
            f.get_by_label(f"Option {k + 1} label", exact=True).fill(o["label"])
            f.get_by_label(f"Option {k + 1} short id", exact=True).fill(o["id"])
        f.get_by_role("button", name="Add an issue").click()
        _saved(page, "Added.")
    # "Data sharing" was typed none, real time, voluntary: "Voluntary" goes one place up
    page.locator("li[data-option='voluntary']").get_by_role("button", name="Up").click()
    _saved(page, "Moved.")
    order = page.locator("li[data-issue='data'] li[data-option]").evaluate_all(
        "els => els.map(e => e.dataset.option)"
    )
    assert order == ["none", "voluntary", "real_time"]
    source = SOURCES[0]
    _open(page, "add-sources")
    f = _form(page, "add-sources")
    f.get_by_label("Short id", exact=True).fill(source["id"])
    f.get_by_label("Publication", exact=True).fill(source["publication"])
    f.get_by_label("Date", exact=True).fill(source["date"])
    f.get_by_role("button", name="Add a source").click()
    _saved(page)
    for s in STATEMENTS:
        _open(page, "add-statements")
        f = _form(page, "add-statements")
        f.get_by_label("Short id", exact=True).fill(s["id"])
        f.get_by_label("Date", exact=True).fill(s["date"])
        f.get_by_label("Whose position", exact=True).select_option(s["party"])
        f.get_by_label("or a speaker not in the list", exact=True).fill(s["speaker"].title())
        f.get_by_label("Quote", exact=True).fill(s["quote"])
        f.get_by_label("Source", exact=True).select_option(s["source"])
        f.get_by_label("Stance", exact=True).select_option(s["stance"])
        f.get_by_label("About", exact=True).select_option(f"{s['issue']}/{s['option']}")
        f.get_by_role("button", name="Add a statement").click()
        _saved(page)


def _code(page: Page, base: str, slug: str, shot: Shot, tag: str) -> None:
    """Every party's positions and reservation value at both dates."""
    by: dict[tuple[str, str], list[Any]] = {}
    for p in positions():
        by.setdefault((p["party"], p["date"]), []).append(p)
    values = {(r["party"], r["date"]): r["value"] for r in reservations()}
    first = True
    for (party, day), coded in by.items():
        page.goto(f"{base}/cases/{slug}/author/positions")
        pick = _form(page, "pick")
        pick.get_by_label("Party", exact=True).select_option(party)
        pick.get_by_label("Date", exact=True).fill(day)
        pick.get_by_role("button", name="Code positions").click()
        for p in coded:
            sec = page.locator(f"section[data-coding='{p['issue']}']")
            sec.locator(f"input[name=ideal][value='{p['ideal']}']").check()
            for o, v in p["values"].items():
                sec.locator(f"input[name='acceptable'][value='{o}']").set_checked(
                    o in p["acceptable"]
                )
                sec.locator(f"input[name='values.{o}']").fill(str(v))
            sec.locator("input[name=salience]").fill(str(p["salience"]))
            if p["statements"]:
                sec.get_by_label("Statements behind it", exact=True).select_option(p["statements"])
            if first:  # a slip first: the ideal valued below another option
                sec.locator(f"input[name='values.{p['ideal']}']").fill("0.1")
                sec.get_by_role("button", name="Save the position").click()
                error = page.locator("section[data-coding='filling'] [data-field-error='values']")
                expect(error).to_contain_text("must have the highest value")
                shot(page, f"authoring-position-refused-{tag}")
                sec = page.locator(f"section[data-coding='{p['issue']}']")
                sec.locator(f"input[name='values.{p['ideal']}']").fill("1")
                first = False
            sec.get_by_role("button", name="Save the position").click()
            _saved(page, "Saved.")
        res = page.locator("section#reservation")
        res.locator("input[name=value]").fill(str(values[(party, day)]))
        res.get_by_role("button", name="Save the reservation value").click()
        _saved(page, "Saved.")
    shot(page, f"authoring-positions-{tag}")


@pytest.mark.parametrize(("width", "tag"), [(1280, "wide"), (375, "narrow")])
def test_an_empty_desk_to_a_ripeness_verdict_in_the_browser(
    page: Page, empty_desk: str, shot: Shot, width: int, tag: str
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    started = time.monotonic()
    sign_in_at(page, empty_desk, "admin")
    page.goto(f"{empty_desk}/cases")
    page.get_by_role("link", name="New case").first.click()
    title = f"A river basin ({tag})"
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Description", exact=True).fill("Three riparian states share one river.")
    page.get_by_role("button", name="Create the case").click()
    slug = f"a-river-basin-{tag}"
    page.wait_for_url(f"**/cases/{slug}/author?done=created")
    shot(page, f"authoring-empty-{tag}")
    _add_records(page)
    shot(page, f"authoring-records-{tag}")
    _code(page, empty_desk, slug, shot, tag)

    page.goto(f"{empty_desk}/cases/{slug}/deal-space?at={EARLY}")
    expect(page.locator("[data-verdict]")).to_have_attribute("data-verdict", "not-ripe")
    page.goto(f"{empty_desk}/cases/{slug}/deal-space?at={LATE}")
    expect(page.locator("[data-verdict]")).to_have_attribute("data-verdict", "ripe")
    elapsed = time.monotonic() - started
    shot(page, f"authoring-deal-space-{tag}")
    page.goto(f"{empty_desk}/cases/{slug}?since={EARLY}&at={LATE}")
    expect(page.locator("[data-list='timeline']")).to_be_visible()
    shot(page, f"authoring-overview-{tag}")
    TIMING.parent.mkdir(parents=True, exist_ok=True)
    with TIMING.open("a", encoding="utf-8") as out:
        out.write(f"{width} px: empty desk to a ripeness verdict in {elapsed:.1f} s\n")
    assert Path(TIMING).exists()
