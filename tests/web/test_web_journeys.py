"""End to end in Debian's Chromium: the mediator's and a party's journeys on the desk.

The server is the demo (``offramp demo``) on the example case: claim 1 is assured by
Ukraine and waits to be relayed, claim 2 waits for Ukraine's assurance, claim 3 is
Russia's and unchecked, and the "March framework" package is tabled to both parties.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

pytestmark = pytest.mark.browser

CASE = "ukraine-2022"
SignIn = Callable[[str], Page]
Shot = Callable[[Page, str], None]


def test_mediator_reads_march_map_sees_shift_and_relays_confirmed_claim(
    sign_in: SignIn, server: str, shot: Shot
) -> None:
    page = sign_in("mediator")
    expect(page.locator("[data-case='ukraine-2022']")).to_be_visible()
    shot(page, "cases-mediator")

    page.get_by_role("link", name="Russia and Ukraine, 2022").click()
    page.goto(f"{server}/cases/{CASE}?at=2022-03-11&since=2022-02-24")
    grid = page.locator("[data-table='position-map']")
    expect(grid).to_have_attribute("data-at", "2022-03-11")
    ru_alignment = grid.locator("tr[data-issue='alignment'] td[data-party='RU']")
    expect(ru_alignment).to_contain_text("The constitution rejects any aim to enter any bloc")
    expect(ru_alignment).to_have_attribute("data-shifted", "yes")
    ru_shift = page.locator("[data-list='kind-shifts'] li[data-party='RU']")
    expect(ru_shift).to_contain_text("RU: existential -> territorial")
    expect(ru_shift).to_have_attribute("data-moved", "yes")
    government = grid.locator("tr[data-issue='government'] td[data-party='RU']")
    expect(government).to_contain_text("The current government headed by Zelensky continues")
    expect(government).to_contain_text("was: Ukraine dissolved as a state")
    expect(page.locator("[data-statement='ru-peskov-bloc'] blockquote")).to_contain_text(
        "reject any aims to enter any bloc"
    )
    shot(page, "overview-march")

    page.get_by_role("link", name="Deal space").click()
    page.get_by_label("Date").select_option("2022-03-11")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deal space on 11 March 2022")
    chart = page.locator("svg[data-chart='deal-space']")
    expect(chart).to_be_visible()
    expect(chart.locator("[data-point='no-deal']")).to_have_count(1)
    expect(chart.locator("[data-point='nash']")).to_have_count(1)
    expect(chart.locator("[data-point='kalai-smorodinsky']")).to_have_count(1)
    assert chart.locator("circle.frontier-point").count() > 3
    expect(page.locator("[data-verdict]")).to_have_attribute("data-verdict", "ripe")
    expect(page.locator("[data-solution='nash'] li").first).to_be_visible()
    shot(page, "deal-space-march")

    page.get_by_role("link", name="Shuttle").click()
    columns = page.locator("section[data-channel]")
    expect(columns).to_have_count(3)
    claim = page.locator("tr[data-claim='1']")
    expect(claim).to_have_attribute("data-state", "assured")
    shot(page, "shuttle-mediator")
    claim.locator("summary", has_text="Relay claim…").click()  # relaying asks first
    claim.get_by_label("to").select_option("RU")
    claim.get_by_label("as").select_option("affirmed")
    claim.get_by_role("button", name="Relay claim").click()
    expect(page.locator("[data-flash='ok']")).to_have_text("Claim relayed.")
    expect(page.locator("tr[data-claim='1']")).to_have_attribute("data-state", "relayed")
    ru_column = page.locator("section[data-channel='RU']")
    relayed = ru_column.locator("li[data-message]").last
    expect(relayed).to_contain_text("[Affirmed] UA:")
    expect(relayed).to_contain_text("Regarding NATO, I have cooled down")

    page.get_by_role("link", name="Ledger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Concession ledger")
    # record a concession by hand through the ledger's form
    page.get_by_text("Record a concession by hand").click()
    page.get_by_label("Party").select_option("RU")
    page.get_by_label("Gives or receives").select_option("gives")
    page.get_by_label("Issue", exact=True).select_option("donbas")
    page.get_by_label("To option").select_option("compromise")
    page.get_by_label("Note").fill("Recorded in the browser journey.")
    page.get_by_role("button", name="Record concession").click()
    expect(page.locator("[data-flash='ok']")).to_have_text("Concession recorded in the ledger.")
    entry = page.locator("[data-table='ledger'] tr", has_text="Recorded in the browser journey.")
    expect(entry).to_have_attribute("data-direction", "gives")
    expect(entry).to_contain_text("compromise")
    shot(page, "ledger")
    page.get_by_role("link", name="Audit").click()
    expect(page.locator("[data-chain]")).to_have_attribute("data-chain", "verified")
    expect(page.locator("[data-table='audit']")).to_contain_text("claim.relay")
    expect(page.locator("[data-table='audit']")).to_contain_text("ledger.record")
    shot(page, "audit")


def test_party_sees_only_its_channel_confirms_assurance_and_accepts_package(
    sign_in: SignIn, server: str, shot: Shot
) -> None:
    page = sign_in("delegate_ua")
    page.goto(f"{server}/cases/{CASE}/shuttle")
    channels = page.locator("section[data-channel]")
    expect(channels).to_have_count(2)
    expect(page.locator("section[data-channel='UA']")).to_be_visible()
    expect(page.locator("section[data-channel='plenary']")).to_be_visible()
    expect(page.locator("section[data-channel='RU']")).to_have_count(0)
    body = page.locator("main").inner_text()
    assert "Moscow could live with Zelensky" not in body  # Russia's mediator-only note
    assert "Audit" not in page.locator("header nav").inner_text()
    shot(page, "shuttle-party")

    claim = page.locator("tr[data-claim='2']")
    expect(claim).to_have_attribute("data-state", "assurance_requested")
    claim.get_by_role("button", name="Confirm").click()
    expect(page.locator("[data-flash='ok']")).to_contain_text("You confirmed the assurance")
    expect(page.locator("tr[data-claim='2']")).to_have_attribute("data-state", "assured")

    proposal = page.locator("article[data-proposal='1']")
    expect(proposal).to_contain_text("March framework")
    proposal.get_by_role("button", name="Accept").click()
    expect(page.locator("[data-flash='ok']")).to_have_text("You accepted the package.")
    expect(page.locator("article[data-proposal='1'] [data-response]")).to_have_attribute(
        "data-response", "accepted"
    )
    shot(page, "shuttle-party-after")


def test_party_typing_other_party_channel_url_gets_plain_404(
    sign_in: SignIn, server: str, shot: Shot, context: BrowserContext
) -> None:
    page = sign_in("delegate_ua")
    hidden = page.goto(f"{server}/cases/{CASE}/shuttle/RU")
    assert hidden is not None and hidden.status == 404
    hidden_text = page.locator("main").inner_text()
    shot(page, "not-found-other-channel")
    missing = page.goto(f"{server}/cases/{CASE}/shuttle/XX")
    assert missing is not None and missing.status == 404
    assert page.locator("main").inner_text() == hidden_text
    assert "RU" not in hidden_text
    other_case = page.goto(f"{server}/cases/no-such-case")
    assert other_case is not None and other_case.status == 404
    assert page.locator("main").inner_text() == hidden_text


def test_observer_sees_no_shuttle_and_its_url_is_404(sign_in: SignIn, server: str) -> None:
    page = sign_in("observer")
    page.goto(f"{server}/cases/{CASE}")
    nav = page.locator("header nav").inner_text()
    assert "Shuttle" not in nav and "Audit" not in nav
    expect(page.locator("[data-list='timeline'] li").first).to_be_visible()
    for path in ("shuttle", "shuttle/UA", "audit"):
        r = page.goto(f"{server}/cases/{CASE}/{path}")
        assert r is not None and r.status == 404, path


def test_refused_relay_rerenders_shuttle_with_the_reason(sign_in: SignIn, server: str) -> None:
    page = sign_in("mediator")
    page.goto(f"{server}/cases/{CASE}/shuttle")
    claim = page.locator("tr[data-claim='3']")
    expect(claim).to_have_attribute("data-state", "stated")
    claim.locator("summary", has_text="Relay claim…").click()  # relaying asks first
    claim.get_by_label("as").select_option("affirmed")
    claim.get_by_role("button", name="Relay claim").click()
    expect(page.locator("[data-flash='error']")).to_contain_text("is not confirmed by RU")
    expect(page.locator("tr[data-claim='3']")).to_have_attribute("data-state", "stated")


def test_wrong_password_is_told_plainly(page: Page, server: str) -> None:
    page.goto(f"{server}/sign-in")
    page.get_by_label("User name").fill("mediator")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("[data-flash='error']")).to_have_text("Wrong user name or password.")
    expect(page.get_by_label("User name")).to_have_value("mediator")


def test_session_cookie_flags_and_csrf_refusal(
    sign_in: SignIn, server: str, context: BrowserContext
) -> None:
    page = sign_in("mediator")
    cookies = {c["name"]: c for c in context.cookies()}
    for name in ("offramp_session", "offramp_csrf"):
        assert cookies[name]["httpOnly"] is True
        assert cookies[name]["sameSite"] == "Lax"
    r = context.request.post(
        f"{server}/cases/{CASE}/shuttle/plenary/messages",
        form={"body": "forged", "mark": "may-relay"},
        max_redirects=0,
    )
    assert r.status == 403
    assert "This form has expired or did not come from this desk" in r.text()
    page.goto(f"{server}/cases/{CASE}/shuttle/plenary")
    assert "forged" not in page.locator("main").inner_text()
