"""Issue 13, points 1, 7, 8 and 11: a delegation is told only the true outcome of a
package, the same as the API tells it, row by row.

One package in each state: pending, accepted by RU only, accepted by both, rejected by
RU only, withdrawn. Seen by UA and by RU, each package is every state of the list
(pending, accepted by self, accepted by all, rejected by self, rejected by the other
side, withdrawn). The page's badge, outcome line, own answer and Accept/Reject buttons
must match ``GET /api/cases/{case}/proposals`` with that delegate's bearer token, and
neither may reveal that the other side answered before the package is settled: not in
words, not in a version number.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from desk_browser import CASE, WIDTHS, Desk, desk, sideways, sign_in
from playwright.sync_api import Page

from offramp.model.shuttle import Response

pytestmark = pytest.mark.browser
__all__ = ["desk"]

OPTIONS = {"alignment": "neutral_austria", "donbas": "compromise"}
STATES = ("pending", "RU accepted", "both accepted", "RU rejected", "withdrawn")
NOTE = "Not without Donbas."


@pytest.fixture(scope="module")
def packages(desk: Desk) -> Iterator[dict[str, int]]:
    """Title -> proposal id, one package in each state."""
    sh, med = desk.services.shuttle, desk.actor("mediator")
    ua, ru = desk.actor("delegate_ua"), desk.actor("delegate_ru")
    ids = {}
    for title in STATES:
        p = sh.table_proposal(med, CASE, title, OPTIONS, ("UA", "RU")).proposal.id
        ids[title] = p
    sh.respond_to_proposal(ru, CASE, ids["RU accepted"], Response.ACCEPTED)
    sh.respond_to_proposal(ru, CASE, ids["both accepted"], Response.ACCEPTED)
    sh.respond_to_proposal(ua, CASE, ids["both accepted"], Response.ACCEPTED)
    sh.respond_to_proposal(ru, CASE, ids["RU rejected"], Response.REJECTED, NOTE)
    sh.withdraw_proposal(med, CASE, ids["withdrawn"])
    yield ids


# (delegate, package) -> (badge, may answer, own answer shown)
EXPECTED = {
    ("delegate_ru", "pending"): ("open", True, None),
    ("delegate_ru", "RU accepted"): ("open", False, "accepted"),
    ("delegate_ru", "both accepted"): ("agreed", False, "accepted"),
    ("delegate_ru", "RU rejected"): ("not agreed", False, "rejected"),
    ("delegate_ru", "withdrawn"): ("withdrawn", False, None),
    ("delegate_ua", "pending"): ("open", True, None),
    ("delegate_ua", "RU accepted"): ("open", True, None),
    ("delegate_ua", "both accepted"): ("agreed", False, "accepted"),
    ("delegate_ua", "RU rejected"): ("not agreed", False, None),
    ("delegate_ua", "withdrawn"): ("withdrawn", False, None),
}
API_STATUS = {"open": None, "agreed": "agreed", "not agreed": "rejected", "withdrawn": "withdrawn"}


def card(page: Page, pid: int) -> dict[str, Any]:
    art = page.locator(f"article[data-proposal='{pid}']")
    own = art.locator("[data-response]")
    return {
        "badge": art.locator("[data-badge]").inner_text().strip(),
        "outcome": art.locator("[data-outcome]").inner_text(),
        "may_answer": art.get_by_role("button", name="Accept").count() == 1,
        "own": own.get_attribute("data-response") if own.count() else None,
        "text": art.inner_text(),
    }


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", ["delegate_ru", "delegate_ua"])
def test_every_package_state_matches_the_api_for_the_delegate(
    page: Page, desk: Desk, packages: dict[str, int], who: str, width: int
) -> None:
    party = who.removeprefix("delegate_").upper()
    rows = {r["id"]: r for r in desk.api(who, f"/cases/{CASE}/proposals")}
    sign_in(page, desk, who, width).goto(desk.url("/shuttle"))
    assert sideways(page) == 0
    for title, pid in packages.items():
        badge, may_answer, own = EXPECTED[(who, title)]
        row, got = rows[pid], card(page, pid)
        # the API: the outcome only once settled, only the delegate's own answer
        assert row["status"] == API_STATUS[badge], (title, row)
        assert [r["party"] for r in row["responses"]] == [party]
        api_own = row["responses"][0]["response"]
        assert api_own == (own or "pending"), (title, row)
        # the page, row by row the same
        assert (got["badge"], got["may_answer"], got["own"]) == (badge, may_answer, own), title
        assert "agreed" not in got["outcome"].lower().replace("not agreed", "") or (
            badge == "agreed"
        ), (title, got["outcome"])
        other = "UA" if party == "RU" else "RU"
        assert f"{other}:" not in got["text"] and "has pending" not in got["text"]
        if who == "delegate_ua":
            assert NOTE not in got["text"]  # RU's note is for the mediator


def test_no_counter_moves_when_the_other_side_answers(desk: Desk, packages: dict[str, int]) -> None:
    """UA's view of a package RU accepted is the same, version included, as of one
    nobody answered."""
    rows = {r["id"]: r for r in desk.api("delegate_ua", f"/cases/{CASE}/proposals")}
    pending, accepted = rows[packages["pending"]], rows[packages["RU accepted"]]
    keep = ("version", "status", "responses")
    assert {k: pending[k] for k in keep} == {k: accepted[k] for k in keep}


@pytest.mark.parametrize("width", WIDTHS)
def test_the_mediator_sees_each_answer_and_its_note(
    page: Page, desk: Desk, packages: dict[str, int], width: int
) -> None:
    sign_in(page, desk, "mediator", width).goto(desk.url("/shuttle"))
    got = card(page, packages["RU rejected"])
    assert got["badge"] == "not agreed"
    answers = page.locator(
        f"article[data-proposal='{packages['RU rejected']}'] [data-list=answers]"
    )
    assert answers.locator("[data-party=RU]").inner_text().startswith("RU: rejected")
    assert NOTE in answers.locator("[data-party=RU]").inner_text()
    assert "UA: not answered yet" in answers.inner_text()
    assert sideways(page) == 0


@pytest.mark.parametrize("width", WIDTHS)
def test_withdrawing_asks_first_and_says_what_happens(page: Page, desk: Desk, width: int) -> None:
    pid = desk.services.shuttle.table_proposal(
        desk.actor("mediator"), CASE, f"To withdraw at {width}", OPTIONS, ("UA", "RU")
    ).proposal.id
    sign_in(page, desk, "mediator", width).goto(desk.url("/shuttle"))
    art = page.locator(f"article[data-proposal='{pid}']")
    button = art.get_by_role("button", name=f"Withdraw To withdraw at {width}")
    assert not button.is_visible()  # one click does not withdraw
    art.locator("summary", has_text="Withdraw…").click()
    assert "can no longer answer it" in art.inner_text()
    button.click()
    page.wait_for_url("**done=withdrawn")
    assert card(page, pid)["badge"] == "withdrawn"
    med = desk.services.shuttle.get_proposal(desk.actor("mediator"), CASE, pid)
    assert med.status is not None and med.status.value == "withdrawn"


def test_the_mediator_reads_a_delegations_note_in_the_audit(
    page: Page, desk: Desk, packages: dict[str, int]
) -> None:
    sign_in(page, desk, "mediator").goto(desk.url("/audit"))
    row = page.locator("[data-table=audit] tr", has_text="answered a package").filter(
        has_text=f"proposal: {packages['RU rejected']} "
    )
    assert row.count() == 1
    assert f"note: {NOTE}" in row.inner_text()
    assert "rejected" in row.inner_text()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_ledger_of_an_agreed_package_speaks_labels(
    page: Page, desk: Desk, packages: dict[str, int], width: int
) -> None:
    """Issue 13, point 9: no option or issue ids in the ledger."""
    sign_in(page, desk, "mediator", width).goto(desk.url("/ledger"))
    entries = page.locator("[data-table=ledger]").inner_text()
    assert "A neutral status like that of Austria" in entries
    assert "“both accepted”" in entries
    for raw in ("neutral_austria", "\talignment\t", "donbas"):
        assert raw not in entries
    assert sideways(page) == 0
