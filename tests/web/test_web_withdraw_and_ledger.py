"""Withdrawing a proposal (shuttle page) and recording a concession by hand (ledger page),
over real HTTP: the demo server (``offramp demo``) on its own loopback port
and SQLite file, its forms posted with the CSRF token as a browser sends them.

What a form stored is read back through the services (a second ``Services`` on the same
file) and through the page; a refused form changes no table and no audit chain.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from offramp.bootstrap import Services, bootstrap
from offramp.model.concessions import Direction
from offramp.model.shuttle import ProposalStatus
from offramp.store.audit import AuditEvent
from support.desk import FAST_HASHER
from support.web import error_flash, post_form, signed_in_over_http

CASE = "ukraine-2022"
PASSWORD = "forms-test-password"
SHUTTLE = f"/cases/{CASE}/shuttle"
LEDGER = f"/cases/{CASE}/ledger"
CONCESSION = {
    "party": "RU",
    "direction": "gives",
    "issue": "donbas",
    "from_option": "annexed",
    "to_option": "compromise",
    "note": "Recorded by hand after the Istanbul round.",
}
_titles = itertools.count(1)


@dataclass
class Live:
    base: str
    desk: Services

    def state(self) -> tuple[dict[str, int], tuple[int, str]]:
        """Row counts of every table and the case's audit head."""
        with self.desk.uow() as uow:
            counts = uow.repo.count_rows()
        return counts, self.desk.audit.head(CASE)

    def events_since(self, seq: int) -> list[AuditEvent]:
        mediator = self.desk.accounts.get_actor("mediator")
        return list(self.desk.audit.events(mediator, CASE, after=seq, limit=50))

    def table(self) -> int:
        """A fresh package tabled to both parties, by the mediator (through the service)."""
        mediator = self.desk.accounts.get_actor("mediator")
        title = f"Package {next(_titles)} to withdraw"
        view = self.desk.shuttle.table_proposal(
            mediator, CASE, title, {"alignment": "neutral_austria"}, ("UA", "RU")
        )
        return int(view.proposal.id)

    def status(self, proposal_id: int) -> ProposalStatus:
        mediator = self.desk.accounts.get_actor("mediator")
        status = self.desk.shuttle.get_proposal(mediator, CASE, proposal_id).status
        assert status is not None
        return status


@pytest.fixture(scope="module")
def live(
    tmp_path_factory: pytest.TempPathFactory, own_server: Callable[..., Any]
) -> Iterator[Live]:
    db = tmp_path_factory.mktemp("forms") / "desk.db"
    with own_server(Path(db), PASSWORD) as base:
        desk = bootstrap(str(db), migrate_first=False, hasher=FAST_HASHER)
        try:
            yield Live(base, desk)
        finally:
            desk.close()


def signed_in(live: Live, name: str) -> AbstractContextManager[httpx.Client]:
    return signed_in_over_http(live.base, name, PASSWORD)


# -- withdraw a proposal --------------------------------------------------------------------


def test_the_mediator_withdraws_an_open_proposal(live: Live) -> None:
    pid = live.table()
    action = f'action="/cases/{CASE}/proposals/{pid}/withdraw"'
    with signed_in(live, "mediator") as mediator:
        assert action in mediator.get(SHUTTLE).text
        head = live.desk.audit.head(CASE)[0]
        res = post_form(mediator, f"/cases/{CASE}/proposals/{pid}/withdraw")
        assert res.status_code == 303, res.text
        assert res.headers["location"] == f"{SHUTTLE}?done=withdrawn"

        assert live.status(pid) is ProposalStatus.WITHDRAWN
        events = live.events_since(head)
        assert [(e.action, e.actor, e.payload) for e in events] == [
            ("proposal.withdraw", "mediator", {"proposal": pid})
        ]
        page = mediator.get(res.headers["location"])
        assert "Package withdrawn" in page.text
        assert f'data-proposal="{pid}" data-status="withdrawn"' in page.text
        assert action not in page.text  # no button on a withdrawn package

        # a stale page's second click: refused with the reason, nothing changes
        before = live.state()
        again = post_form(mediator, f"/cases/{CASE}/proposals/{pid}/withdraw")
        assert again.status_code == 409
        assert "only an open one can be withdrawn" in error_flash(again)
        assert 'data-proposal="1"' in again.text  # the shuttle, re-rendered
        assert live.state() == before

        # an id that does not exist: the plain 404 page
        missing = post_form(mediator, f"/cases/{CASE}/proposals/999999/withdraw")
        assert missing.status_code == 404
        assert 'data-error="not-found"' in missing.text
        assert live.state() == before


def test_a_party_sees_no_withdraw_button_and_its_post_is_a_403(live: Live) -> None:
    pid = live.table()
    with signed_in(live, "delegate_ua") as delegate:
        page = delegate.get(SHUTTLE)
        assert f'data-proposal="{pid}"' in page.text  # tabled to UA: it sees it
        assert f"/proposals/{pid}/withdraw" not in page.text
        before = live.state()
        res = post_form(delegate, f"/cases/{CASE}/proposals/{pid}/withdraw")
        assert res.status_code == 403
        assert "You may not proposal.withdraw in case ukraine-2022." in error_flash(res)
        assert live.state() == before
    assert live.status(pid) is ProposalStatus.OPEN


@pytest.mark.parametrize("persona", ["observer", "analyst", "crisis_officer"])
def test_who_may_not_see_proposals_gets_the_404_and_nothing_changes(
    live: Live, persona: str
) -> None:
    pid = live.table()
    with signed_in(live, persona) as http:
        before = live.state()
        res = post_form(http, f"/cases/{CASE}/proposals/{pid}/withdraw")
        assert res.status_code == 404
        assert 'data-error="not-found"' in res.text
        assert live.state() == before
    assert live.status(pid) is ProposalStatus.OPEN


def test_a_withdrawal_without_the_csrf_token_is_refused(live: Live) -> None:
    pid = live.table()
    with signed_in(live, "mediator") as mediator:
        before = live.state()
        res = mediator.post(f"/cases/{CASE}/proposals/{pid}/withdraw", data={})
        assert res.status_code == 403
        assert "did not come from this desk" in res.text
        assert live.state() == before
    assert live.status(pid) is ProposalStatus.OPEN


# -- record a concession ----------------------------------------------------------------------


def test_the_mediator_records_a_concession_by_hand(live: Live) -> None:
    mediator_actor = live.desk.accounts.get_actor("mediator")
    with signed_in(live, "mediator") as mediator:
        assert 'data-form="record-concession"' in mediator.get(LEDGER).text
        head = live.desk.audit.head(CASE)[0]
        count = len(live.desk.shuttle.ledger(mediator_actor, CASE))
        res = post_form(mediator, LEDGER, CONCESSION)
        assert res.status_code == 303, res.text
        assert res.headers["location"] == f"{LEDGER}?done=recorded"

        entries = live.desk.shuttle.ledger(mediator_actor, CASE)
        assert len(entries) == count + 1
        entry = entries[-1]
        c = entry.concession
        assert (c.party, c.issue, c.direction) == ("RU", "donbas", Direction.GIVES)
        assert (c.from_option, c.to_option, c.note) == ("annexed", "compromise", CONCESSION["note"])
        assert entry.recorded_by == "mediator"
        events = live.events_since(head)
        assert [(e.action, e.actor) for e in events] == [("ledger.record", "mediator")]
        assert events[0].payload["entry"] == entry.id
        assert events[0].payload["party"] == "RU" and events[0].payload["to"] == "compromise"

        page = mediator.get(res.headers["location"])
        assert "Concession recorded in the ledger." in page.text
        assert CONCESSION["note"] in page.text


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"issue": ""}, 422, "issue: issue is required"),
        ({"issue": "no_such_issue"}, 422, "issue: the case has no issue 'no_such_issue'"),
        ({"party": "XX"}, 422, "party: XX is not a negotiating party"),
        ({"direction": "takes"}, 422, "direction: 'takes' is not one of gives, receives"),
        ({"to_option": "binding"}, 422, "to_option: issue 'donbas' has no option 'binding'"),
    ],
)
def test_a_refused_concession_re_renders_the_ledger_and_stores_nothing(
    live: Live, change: dict[str, str], status: int, message: str
) -> None:
    with signed_in(live, "mediator") as mediator:
        before = live.state()
        res = post_form(mediator, LEDGER, {**CONCESSION, **change})
        assert res.status_code == status, res.text
        assert message in error_flash(res)
        # the ledger again, the form open and filled in with what was given
        assert '<details class="ledger-form" open>' in res.text
        assert f'value="{CONCESSION["note"]}"' in res.text
        assert live.state() == before


def test_the_analyst_reads_the_ledger_without_the_form_and_a_post_is_a_403(live: Live) -> None:
    with signed_in(live, "analyst") as analyst:
        page = analyst.get(LEDGER)
        assert page.status_code == 200 and 'data-form="record-concession"' not in page.text
        before = live.state()
        res = post_form(analyst, LEDGER, CONCESSION)
        assert res.status_code == 403
        assert "You may not ledger.write in case ukraine-2022." in error_flash(res)
        assert live.state() == before


@pytest.mark.parametrize("persona", ["delegate_ua", "observer", "crisis_officer"])
def test_who_may_not_read_the_ledger_gets_the_404_and_nothing_changes(
    live: Live, persona: str
) -> None:
    with signed_in(live, persona) as http:
        before = live.state()
        res = post_form(http, LEDGER, CONCESSION)
        assert res.status_code == 404
        assert 'data-error="not-found"' in res.text
        assert "required" not in res.text
        assert live.state() == before
