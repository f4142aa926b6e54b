"""Issue 18: two-factor sign-in (TOTP, RFC 6238) with one-time recovery codes.

The desk runs on a fixed clock (``Services.clock``), so the codes a test computes with
:mod:`offramp.services.totp` are the ones the server expects.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from offramp.bootstrap import Services, bootstrap
from offramp.errors import Conflict, InputError, Throttled, Unauthenticated
from offramp.model.deadlines import FixedClock
from offramp.services.accounts import SYSTEM
from offramp.services.totp import hotp, key_of, matching_step, otpauth_uri, step_at, totp
from offramp.services.two_factor import parse_required
from support.desk import FAST_HASHER, PASSWORD, World, query

NOW = datetime(2026, 12, 6, 22, 0, 10, tzinfo=UTC)  # 10 s into a 30 s step
RFC_KEY = b"12345678901234567890"  # RFC 6238 appendix B, the SHA1 seed

# RFC 6238 appendix B, the SHA1 rows: (Unix time, 8-digit TOTP)
RFC_6238_SHA1 = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]
# RFC 4226 appendix D: HOTP values for counters 0..9 with the same key
RFC_4226 = [
    *("755224", "287082", "359152", "969429", "338314"),
    *("254676", "287922", "162583", "399871", "520489"),
]


@pytest.mark.parametrize(("unix", "expected"), RFC_6238_SHA1)
def test_totp_matches_rfc_6238_appendix_b(unix: int, expected: str) -> None:
    assert totp(RFC_KEY, unix, digits=8) == expected


def test_hotp_matches_rfc_4226_appendix_d() -> None:
    assert [hotp(RFC_KEY, c) for c in range(10)] == RFC_4226


def test_the_uri_is_what_authenticator_apps_read() -> None:
    uri = otpauth_uri("GEZDGNBVGY3TQOJQ", "mediator_il")
    assert uri == (
        "otpauth://totp/offramp%3Amediator_il?secret=GEZDGNBVGY3TQOJQ&issuer=offramp"
        "&algorithm=SHA1&digits=6&period=30"
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def desk(world: World, clock: FixedClock) -> Iterator[Services]:
    services = bootstrap(world.url, migrate_first=False, hasher=FAST_HASHER, clock=clock)
    yield services
    services.close()


def code_at(secret: str, at: datetime) -> str:
    return totp(key_of(secret), at.timestamp())


def enrolled(desk: Services, name: str) -> tuple[str, list[str]]:
    """Enrol ``name`` through the self-service path; (secret, recovery codes)."""
    actor = desk.accounts.get_actor(name)
    secret, uri = desk.accounts.two_factor.enrol(actor)
    assert f"secret={secret}" in uri
    codes = desk.accounts.two_factor.confirm(actor, code_at(secret, desk.clock.now()))
    return secret, codes


def server_actions(db: str) -> list[str]:
    rows = query(db, "SELECT action FROM audit_events WHERE chain = '_server' ORDER BY seq")
    return [str(r[0]) for r in rows]


def test_sign_in_asks_for_the_code_and_takes_it_once(desk: Services, clock: FixedClock) -> None:
    secret, _ = enrolled(desk, "analyst")
    with pytest.raises(Unauthenticated, match="6-digit code"):
        desk.accounts.sign_in("analyst", PASSWORD)
    clock.set(NOW + timedelta(seconds=30))  # the next step (confirming used this one)
    code = code_at(secret, clock.now())
    actor, session = desk.accounts.sign_in("analyst", PASSWORD, code=code)
    assert actor.name == "analyst" and desk.accounts.actor_for_secret(session) == actor
    with pytest.raises(Unauthenticated, match="already used"):
        desk.accounts.sign_in("analyst", PASSWORD, code=code)  # replayed in the same step
    with pytest.raises(Unauthenticated, match="Wrong user name or password"):
        desk.accounts.sign_in("analyst", "not the password", code=code)


def test_an_older_step_is_refused_once_a_newer_one_was_used(
    desk: Services, clock: FixedClock
) -> None:
    secret, _ = enrolled(desk, "analyst")
    clock.set(NOW + timedelta(seconds=60))
    previous = code_at(secret, NOW + timedelta(seconds=30))
    desk.accounts.sign_in("analyst", PASSWORD, code=code_at(secret, clock.now()))
    with pytest.raises(Unauthenticated):
        desk.accounts.sign_in("analyst", PASSWORD, code=previous)


@pytest.mark.parametrize(("offset", "ok"), [(-30, True), (30, True), (-60, False), (60, False)])
def test_one_step_of_clock_skew_either_way(
    desk: Services, clock: FixedClock, offset: int, ok: bool
) -> None:
    secret, _ = enrolled(desk, "analyst")
    # an instant where the phone's step and the desk's have different codes (two steps
    # share a code one time in a million; then the next minute is taken)
    minute = next(
        m
        for m in range(5, 60)
        if code_at(secret, NOW + timedelta(minutes=m, seconds=offset))
        != code_at(secret, NOW + timedelta(minutes=m))
    )
    clock.set(NOW + timedelta(minutes=minute))
    phone = code_at(secret, clock.now() + timedelta(seconds=offset))
    if ok:
        desk.accounts.sign_in("analyst", PASSWORD, code=phone)
    else:
        with pytest.raises(Unauthenticated):
            desk.accounts.sign_in("analyst", PASSWORD, code=phone)


def test_a_recovery_code_works_once_and_is_audited(desk: Services, world: World) -> None:
    _, codes = enrolled(desk, "analyst")
    assert len(codes) == 10 and len(set(codes)) == 10
    desk.accounts.sign_in("analyst", PASSWORD, code=codes[3].upper())
    with pytest.raises(Unauthenticated, match="already used"):
        desk.accounts.sign_in("analyst", PASSWORD, code=codes[3])
    desk.accounts.sign_in("analyst", PASSWORD, code=codes[4])
    stored = [r[0] for r in query(world.url, "SELECT code_hash FROM recovery_codes")]
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept
    actions = server_actions(world.url)
    assert actions.count("2fa.recovery_use") == 2
    assert {"2fa.enrol", "2fa.confirm"} <= set(actions)


def test_confirming_needs_the_code_of_the_new_secret(desk: Services) -> None:
    actor = desk.accounts.get_actor("analyst")
    desk.accounts.two_factor.enrol(actor)
    with pytest.raises(InputError, match="current code"):
        desk.accounts.two_factor.confirm(actor, "000000")
    desk.accounts.sign_in("analyst", PASSWORD)  # not on until confirmed


def test_enrolling_again_while_on_is_refused(desk: Services) -> None:
    enrolled(desk, "analyst")
    with pytest.raises(Conflict, match="disable it first"):
        desk.accounts.two_factor.enrol(desk.accounts.get_actor("analyst"))


def test_disabling_needs_a_code_and_is_audited(
    desk: Services, clock: FixedClock, world: World
) -> None:
    secret, _ = enrolled(desk, "analyst")
    actor = desk.accounts.get_actor("analyst")
    with pytest.raises(InputError, match="wrong or already used"):
        desk.accounts.two_factor.disable(actor, "123456")
    clock.set(NOW + timedelta(seconds=30))
    desk.accounts.two_factor.disable(actor, code_at(secret, clock.now()))
    desk.accounts.sign_in("analyst", PASSWORD)
    assert "2fa.disable" in server_actions(world.url)


def test_the_require_setting_refuses_mediators_and_admins_without_2fa(
    desk: Services, clock: FixedClock
) -> None:
    desk.accounts.require_2fa = parse_required("mediator,admin")
    for name in ("mediator_il", "admin"):
        with pytest.raises(Unauthenticated, match="offramp user 2fa enable") as refused:
            desk.accounts.sign_in(name, PASSWORD)
        assert "POST /api/me/2fa" in refused.value.message
    desk.accounts.sign_in("analyst", PASSWORD)  # neither: no second factor needed
    _, codes = desk.accounts.two_factor.enable_now(SYSTEM, desk.accounts.get_actor("admin"))
    desk.accounts.sign_in("admin", PASSWORD, code=codes[0])
    desk.accounts.require_2fa = parse_required("admin")
    desk.accounts.sign_in("mediator_il", PASSWORD)  # mediators no longer required


def test_the_require_setting_names_known_roles_only() -> None:
    with pytest.raises(InputError, match="officer: name roles among mediator, admin"):
        parse_required("mediator,officer")


def test_a_wrong_code_counts_against_the_throttle(desk: Services) -> None:
    enrolled(desk, "analyst")
    for _ in range(10):
        with pytest.raises(Unauthenticated):
            desk.accounts.sign_in("analyst", PASSWORD, code="000000")
    with pytest.raises(Throttled):
        desk.accounts.sign_in("analyst", PASSWORD, code="000000")


def test_a_code_that_is_not_six_ascii_digits_matches_nothing() -> None:
    for code in ("", "12345", "1234567", "١٢٣٤٥٦", "12 34 5x"):
        assert matching_step(RFC_KEY, code, 59) is None
    assert matching_step(RFC_KEY, "287 082", 59) == 1  # spaces as apps show them


def test_step_counting_starts_at_the_epoch() -> None:
    assert (step_at(0), step_at(29.9), step_at(30)) == (0, 0, 1)
