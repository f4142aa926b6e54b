"""Waiving a playbook step and closing an incident through the crisis board's forms, over
real HTTP: the desk server on loopback, its clock fixed at Friday 4 November 2022, 12:00
UTC. Each test logs its own incident and starts its playbook through the board's forms,
then reads what was stored back through the services (a second ``Services`` on the server's
file) and through the board. A refused form changes no table and no audit chain.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager

import httpx
import pytest

from offramp.bootstrap import Services, bootstrap
from offramp.model.crisis import PlaybookRun, StepStatus
from offramp.model.deadlines import FixedClock
from offramp.store.audit import AuditEvent
from support.crisis import CASE, NOW, SERVER_PASSWORD
from support.desk import FAST_HASHER
from support.launch import Running
from support.web import error_flash, post_form, signed_in_over_http

BOARD = f"/cases/{CASE}/crisis"


@pytest.fixture(scope="module")
def server(crisis_server: Running) -> Running:
    """The crisis desk's own server (``crisis_server``: the example case, a fixed clock)."""
    return crisis_server


@pytest.fixture(scope="module")
def desk(server: Running) -> Iterator[Services]:
    """The services over the server's database, to read back what the forms stored."""
    d = bootstrap(str(server.db), migrate_first=False, hasher=FAST_HASHER, clock=FixedClock(NOW))
    try:
        yield d
    finally:
        d.close()


def signed_in(server: Running, name: str) -> AbstractContextManager[httpx.Client]:
    return signed_in_over_http(server.base, name, SERVER_PASSWORD)


def state(desk: Services) -> tuple[dict[str, int], tuple[int, str]]:
    with desk.uow() as uow:
        counts = uow.repo.count_rows()
    return counts, desk.audit.head(CASE)


def events_since(desk: Services, seq: int) -> list[AuditEvent]:
    return list(desk.audit.events(desk.accounts.get_actor("mediator"), CASE, after=seq))


def run_of(desk: Services, key: str) -> PlaybookRun:
    run = desk.crisis.incident(desk.accounts.get_actor("crisis_officer"), CASE, key).run
    assert run is not None
    return run


def new_incident(officer: httpx.Client, *, playbook: bool = True) -> str:
    """A threat logged through the board's form, its playbook started through its form."""
    key = f"web-threat-{uuid.uuid4().hex[:8]}"
    logged = post_form(
        officer,
        f"{BOARD}/incidents",
        {
            "id": key,
            "type": "threat",
            "raised_by": "RU",
            "against": "US",
            "claim": "A threat against satellites, again.",
            "level": "2",
            "channel": "ru-us-public",
            "arrived_at": "2022-11-03T09:00Z",
        },
    )
    assert logged.status_code == 303, error_flash(logged)
    if playbook:
        started = post_form(officer, f"{BOARD}/incidents/{key}/playbook", {"playbook": "threat"})
        assert started.status_code == 303, error_flash(started)
    return key


def waive(http: httpx.Client, key: str, step: str, reason: str) -> httpx.Response:
    path = f"{BOARD}/incidents/{key}/steps/{step}"
    return post_form(http, path, {"action": "waive", "reason": reason})


# -- waive a step ---------------------------------------------------------------------------


def test_the_officer_waives_a_step_through_the_board(server: Running, desk: Services) -> None:
    with signed_in(server, "crisis_officer") as officer:
        key = new_incident(officer)
        step = run_of(desk, key).steps[0].spec.id
        board = officer.get(BOARD).text
        section = board[board.index(f'data-incident="{key}"') :]
        assert 'data-form="waive-step"' in section and 'data-form="close-incident"' in section
        head = desk.audit.head(CASE)[0]

        res = waive(officer, key, step, "The wording is already on the record.")
        assert res.status_code == 303, error_flash(res)
        assert res.headers["location"] == f"{BOARD}?done=step-waived"

        waived = run_of(desk, key).step(step)
        assert waived.waived == "The wording is already on the record."
        assert waived.done_by == "crisis_officer" and waived.waived_at == NOW
        events = events_since(desk, head)
        assert [(e.action, e.actor, e.payload) for e in events] == [
            (
                "crisis.step.waive",
                "crisis_officer",
                {"incident": key, "step": step, "reason": "The wording is already on the record."},
            )
        ]
        page = officer.get(res.headers["location"]).text
        assert "Step waived." in page
        card = page[page.index(f'data-incident="{key}"') :]
        assert f'data-step="{step}" data-status="{StepStatus.WAIVED.value}"' in card


@pytest.mark.parametrize(
    ("target", "reason", "status", "message"),
    [
        ("first", "   ", 422, "reason: reason is required"),
        ("nope", "Not needed.", 409, "has no step 'nope'"),
        ("waived", "Not needed.", 409, "was waived: Already waived."),
        ("no-playbook", "Not needed.", 409, "has no playbook yet; start one first."),
    ],
)
def test_a_refused_waiver_re_renders_the_board_and_stores_nothing(
    server: Running, desk: Services, target: str, reason: str, status: int, message: str
) -> None:
    with signed_in(server, "crisis_officer") as officer:
        key = new_incident(officer, playbook=target != "no-playbook")
        step = "record_wording" if target == "no-playbook" else run_of(desk, key).steps[0].spec.id
        if target == "waived":
            assert waive(officer, key, step, "Already waived.").status_code == 303
        elif target == "nope":
            step = "nope"
        before = state(desk)
        res = waive(officer, key, step, reason)
        assert res.status_code == status, res.text
        assert message in error_flash(res)
        assert "data-summary" in res.text  # the board again
        assert state(desk) == before


def test_an_unknown_incident_is_the_404_page(server: Running, desk: Services) -> None:
    with signed_in(server, "crisis_officer") as officer:
        before = state(desk)
        for path, form in [
            ("/incidents/no-such-incident/steps/record_wording", {"action": "waive"}),
            ("/incidents/no-such-incident/close", {"outcome": "Gone."}),
        ]:
            res = post_form(officer, BOARD + path, {"reason": "r", **form})
            assert res.status_code == 404, path
            assert 'data-error="not-found"' in res.text
        assert state(desk) == before


# -- close an incident -------------------------------------------------------------------------


def test_the_officer_closes_an_incident_once_every_step_is_done_or_waived(
    server: Running, desk: Services
) -> None:
    with signed_in(server, "crisis_officer") as officer:
        key = new_incident(officer)
        steps = [s.spec.id for s in run_of(desk, key).steps]

        # with steps still open, the board refuses and says which
        before = state(desk)
        early = post_form(officer, f"{BOARD}/incidents/{key}/close", {"outcome": "Too early."})
        assert early.status_code == 409
        assert f"Incident {key} still has open steps ({', '.join(steps)})" in error_flash(early)
        assert state(desk) == before

        for step in steps:
            assert waive(officer, key, step, "Handled elsewhere.").status_code == 303
        head = desk.audit.head(CASE)[0]
        outcome = "The threat was not repeated; closed after a week."
        res = post_form(officer, f"{BOARD}/incidents/{key}/close", {"outcome": outcome})
        assert res.status_code == 303, error_flash(res)
        assert res.headers["location"] == f"{BOARD}?done=closed"

        run = run_of(desk, key)
        assert (run.outcome, run.closed_by, run.closed_at) == (outcome, "crisis_officer", NOW)
        events = events_since(desk, head)
        assert [(e.action, e.actor, e.payload) for e in events] == [
            ("crisis.incident.close", "crisis_officer", {"incident": key, "outcome": outcome})
        ]
        page = officer.get(res.headers["location"]).text
        assert "Incident closed with its outcome." in page
        card = page[page.index(f'data-incident="{key}"') :]
        card = card[: card.index("</section>")]
        assert outcome in card and "data-outcome" in card
        assert 'data-form="close-incident"' not in card and 'data-form="waive-step"' not in card

        # closing it again: refused, nothing changes
        before = state(desk)
        again = post_form(officer, f"{BOARD}/incidents/{key}/close", {"outcome": "Again."})
        assert again.status_code == 409
        assert "was already closed by crisis_officer" in error_flash(again)
        assert state(desk) == before


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"outcome": ""}, 422, "outcome: outcome is required"),
        ({"outcome": "Done.", "at": "2022-11-05T09:00Z"}, 422, "later than now"),
        ({"outcome": "Done.", "at": "yesterday"}, 422, "at: 'yesterday' is not a date and time"),
    ],
)
def test_a_refused_close_re_renders_the_board_with_the_outcome_and_stores_nothing(
    server: Running, desk: Services, form: dict[str, str], status: int, message: str
) -> None:
    with signed_in(server, "crisis_officer") as officer:
        key = new_incident(officer)
        for s in run_of(desk, key).steps:
            assert waive(officer, key, s.spec.id, "Handled elsewhere.").status_code == 303
        before = state(desk)
        # as the board's form sends it: with the hidden name of the form
        res = post_form(officer, f"{BOARD}/incidents/{key}/close", {**form, "form": f"close-{key}"})
        assert res.status_code == status, res.text
        assert message in error_flash(res)
        if form["outcome"]:  # the close form filled in again with what was given
            assert f'id="close-{key}" name="outcome" size="40" value="Done."' in res.text
        assert state(desk) == before
        assert run_of(desk, key).closed_at is None


# -- who may not ---------------------------------------------------------------------------------


def test_the_mediator_sees_no_forms_and_its_posts_are_a_403(
    server: Running, desk: Services
) -> None:
    with signed_in(server, "crisis_officer") as officer:
        key = new_incident(officer)
        step = run_of(desk, key).steps[0].spec.id
    with signed_in(server, "mediator") as mediator:
        board = mediator.get(BOARD).text
        assert f'data-incident="{key}"' in board
        assert 'data-form="waive-step"' not in board and 'data-form="close-incident"' not in board
        before = state(desk)
        for res in (
            waive(mediator, key, step, "The mediator may not."),
            post_form(mediator, f"{BOARD}/incidents/{key}/close", {"outcome": "No."}),
        ):
            assert res.status_code == 403
            assert "You may not crisis.write in case ukraine-2022." in error_flash(res)
        assert state(desk) == before
    assert run_of(desk, key).step(step).waived_at is None


@pytest.mark.parametrize("persona", ["delegate_ua", "observer", "analyst"])
def test_who_may_not_read_the_desk_gets_the_404_and_nothing_changes(
    server: Running, desk: Services, persona: str
) -> None:
    with signed_in(server, "crisis_officer") as officer:
        key = new_incident(officer)
        step = run_of(desk, key).steps[0].spec.id
    with signed_in(server, persona) as http:
        before = state(desk)
        for res in (
            waive(http, key, step, "Not mine."),
            post_form(http, f"{BOARD}/incidents/{key}/close", {"outcome": "No."}),
            post_form(http, f"{BOARD}/incidents/{key}/close", {}),  # 404 before any field is read
        ):
            assert res.status_code == 404
            assert 'data-error="not-found"' in res.text and "required" not in res.text
        assert state(desk) == before
    assert run_of(desk, key).step(step).waived_at is None
