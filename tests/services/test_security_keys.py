"""Issue 18: security keys (WebAuthn Level 2) as a second factor, with a software key.

:class:`support.soft_key.SoftKey` answers as an authenticator and browser would; the
desk's services check everything else for real (py_webauthn for the signature, the
challenge, the origin and the RP ID; the desk for the counter, expiry and ownership).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from offramp.bootstrap import Services
from offramp.errors import Conflict, InputError, NotFound, Unauthenticated
from offramp.model.deadlines import FixedClock
from offramp.services.access import Actor
from offramp.services.account_notices import NoticeKind
from offramp.services.security_keys import CLONED, STEP_GONE, SecurityKeyStep, Site, site_of
from offramp.services.totp import key_of, totp
from support.desk import PASSWORD, query
from support.rounds import T0, ClockedWorld
from support.soft_key import ORIGIN, RP_ID, SoftKey, add_key

NOW = T0
SITE = Site(ORIGIN, RP_ID)
CLIENT = "192.0.2.44"


@pytest.fixture
def clock(clocked: ClockedWorld) -> FixedClock:
    return clocked.clock


@pytest.fixture
def desk(clocked: ClockedWorld) -> Services:
    """A desk on a fixed clock at :data:`NOW` (:mod:`support.rounds`)."""
    return clocked.desk


def added(desk: Services, name: str) -> tuple[Actor, SoftKey]:
    """A new key registered to ``name`` through the self-service path."""
    actor = desk.accounts.get_actor(name)
    return actor, add_key(desk, actor, "blue key")


def step(desk: Services, name: str = "analyst") -> tuple[str, str]:
    """The pending step after the right password: its secret and its request options."""
    with pytest.raises(SecurityKeyStep) as raised:
        desk.accounts.sign_in(name, PASSWORD, CLIENT)
    options = desk.accounts.security_keys.sign_in_options(raised.value.pending, SITE)
    assert options is not None
    return raised.value.pending, options


def kinds(desk: Services, actor: Actor) -> list[NoticeKind]:
    return [n.kind for n in desk.accounts.notices.unseen(actor)]


def test_a_key_is_added_listed_and_told_and_its_challenge_serves_once(desk: Services) -> None:
    key = SoftKey()
    actor = desk.accounts.get_actor("analyst")
    options = desk.accounts.security_keys.begin_registration(actor, "  blue   key ", SITE)
    answer = key.create(options)
    desk.accounts.security_keys.finish_registration(actor, "blue key", answer, SITE, CLIENT)
    (row,) = desk.accounts.security_keys.keys(actor)
    assert (row.name, row.credential_id, row.sign_count) == ("blue key", key.id, 0)
    assert (row.transports, row.created_at, row.last_used_at) == (("usb",), NOW, None)
    (notice, *_older) = desk.accounts.notices.unseen(actor)
    assert notice.kind is NoticeKind.SECURITY_KEY_ADDED and notice.client == CLIENT
    assert notice.text == (
        "A security key was added to your account on 12 Mar 2022 at 09:00 UTC by analyst."
    )
    with pytest.raises(InputError, match=r"expired .* or was used already"):  # replayed
        desk.accounts.security_keys.finish_registration(actor, "blue key", answer, SITE)
    assert len(desk.accounts.security_keys.keys(actor)) == 1


def test_sign_in_with_the_key_opens_a_session_and_the_step_serves_once(
    desk: Services, clock: FixedClock
) -> None:
    actor, key = added(desk, "analyst")
    pending, options = step(desk)
    assert key.id in options  # the request names the account's own keys
    clock.set(NOW + timedelta(minutes=2))
    signed, session = desk.accounts.sign_in_with_key(pending, key.get(options), SITE, CLIENT)
    assert signed == actor and desk.accounts.actor_for_secret(session) == actor
    (row,) = desk.accounts.security_keys.keys(actor)
    assert (row.sign_count, row.last_used_at) == (1, NOW + timedelta(minutes=2))
    with pytest.raises(Unauthenticated, match="used already"):
        desk.accounts.sign_in_with_key(pending, key.get(options), SITE, CLIENT)


@pytest.mark.parametrize(
    ("origin", "rp_id", "words"),
    [
        ("http://evil.example:8000", None, "another web address than this desk's"),
        (ORIGIN, "evil.example", "another host name than the one this desk is open under"),
    ],
    ids=["wrong origin", "wrong RP ID"],
)
def test_an_answer_for_another_site_is_refused_and_counts_as_a_failed_sign_in(
    clocked: ClockedWorld, desk: Services, origin: str, rp_id: str | None, words: str
) -> None:
    actor, key = added(desk, "analyst")
    pending, options = step(desk)
    with pytest.raises(Unauthenticated, match=words):
        desk.accounts.sign_in_with_key(pending, key.get(options, origin, rp_id), SITE, CLIENT)
    assert query(clocked.url, "SELECT failures, last_client FROM failed_signins") == [(1, CLIENT)]
    assert desk.accounts.security_keys.keys(actor)[0].last_used_at is None
    with pytest.raises(Unauthenticated, match="used already"):  # the step is spent
        desk.accounts.sign_in_with_key(pending, key.get(options), SITE, CLIENT)


def test_an_answer_to_an_older_challenge_is_refused(desk: Services) -> None:
    _, key = added(desk, "analyst")
    _, old = step(desk)
    pending, _ = step(desk)
    with pytest.raises(Unauthenticated, match="another request than this one"):
        desk.accounts.sign_in_with_key(pending, key.get(old), SITE, CLIENT)


def test_challenges_expire_after_five_minutes(desk: Services, clock: FixedClock) -> None:
    actor, key = added(desk, "analyst")
    pending, options = step(desk)
    clock.set(NOW + timedelta(minutes=5))
    with pytest.raises(Unauthenticated) as refused:
        desk.accounts.sign_in_with_key(pending, key.get(options), SITE, CLIENT)
    assert refused.value.message == STEP_GONE
    other = SoftKey()
    options = desk.accounts.security_keys.begin_registration(actor, "spare", SITE)
    clock.set(NOW + timedelta(minutes=10, seconds=1))
    with pytest.raises(InputError, match="expired"):
        desk.accounts.security_keys.finish_registration(actor, "spare", other.create(options), SITE)


def test_a_counter_that_goes_back_is_refused_and_told(desk: Services) -> None:
    actor = desk.accounts.get_actor("analyst")
    key = SoftKey(sign_count=5)
    options = desk.accounts.security_keys.begin_registration(actor, "counting key", SITE)
    desk.accounts.security_keys.finish_registration(
        actor, "counting key", key.create(options), SITE
    )
    pending, options = step(desk)
    desk.accounts.sign_in_with_key(pending, key.get(options), SITE, CLIENT)  # 6
    pending, options = step(desk)
    with pytest.raises(Unauthenticated) as refused:
        desk.accounts.sign_in_with_key(pending, key.get(options, count=6), SITE, CLIENT)
    assert refused.value.message == CLONED
    assert desk.accounts.security_keys.keys(actor)[0].sign_count == 6
    (notice, *_) = desk.accounts.notices.unseen(actor)
    assert notice.kind is NoticeKind.SECURITY_KEY_CLONED
    assert notice.text == (
        "A sign-in with one of your security keys was refused on 12 Mar 2022 at 09:00 UTC "
        f"from {CLIENT}: the key's use counter went backwards, as happens when a key has "
        "been copied."
    )


def test_a_key_without_a_counter_signs_in_again_and_again(desk: Services) -> None:
    _, key = added(desk, "analyst")
    for _ in range(2):
        pending, options = step(desk)
        desk.accounts.sign_in_with_key(pending, key.get(options, count=0), SITE, CLIENT)


def test_another_users_key_does_not_sign_in_nor_get_added_twice(desk: Services) -> None:
    _, mine = added(desk, "analyst")
    mediator, theirs = added(desk, "mediator_il")
    pending, options = step(desk, "analyst")
    with pytest.raises(Unauthenticated, match="not one of this account's keys"):
        desk.accounts.sign_in_with_key(pending, theirs.get(options), SITE, CLIENT)
    options = desk.accounts.security_keys.begin_registration(mediator, "again", SITE)
    with pytest.raises(Conflict, match="already added"):
        desk.accounts.security_keys.finish_registration(
            mediator, "again", mine.create(options), SITE
        )


def test_removing_a_key_needs_the_password_and_only_ones_own(desk: Services) -> None:
    actor, _key = added(desk, "analyst")
    (row,) = desk.accounts.security_keys.keys(actor)
    with pytest.raises(InputError, match="not your password"):
        desk.accounts.remove_security_key(actor, row.id, "not the password", CLIENT)
    other = desk.accounts.get_actor("mediator_il")
    with pytest.raises(NotFound):
        desk.accounts.remove_security_key(other, row.id, PASSWORD, CLIENT)
    assert desk.accounts.security_keys.keys(actor) == [row]
    desk.accounts.remove_security_key(actor, row.id, PASSWORD, CLIENT)
    assert desk.accounts.security_keys.keys(actor) == []
    assert kinds(desk, actor)[:2] == [
        NoticeKind.SECURITY_KEY_REMOVED,
        NoticeKind.SECURITY_KEY_ADDED,
    ]
    _, session = desk.accounts.sign_in("analyst", PASSWORD)  # the password alone again
    assert desk.accounts.actor_for_secret(session) == actor


def test_malformed_answers_are_refused_in_words(desk: Services) -> None:
    actor, _key = added(desk, "analyst")
    desk.accounts.security_keys.begin_registration(actor, "spare", SITE)
    with pytest.raises(InputError, match="The key was not added: the key's answer is not"):
        desk.accounts.security_keys.finish_registration(actor, "spare", "{not json", SITE)
    pending, _ = step(desk)
    with pytest.raises(Unauthenticated, match="not accepted: the key's answer is not"):
        desk.accounts.sign_in_with_key(pending, '{"id": 7}', SITE, CLIENT)
    with pytest.raises(InputError, match="give the key a name"):
        desk.accounts.security_keys.begin_registration(actor, "  ", SITE)


def test_a_totp_code_still_works_beside_a_key(desk: Services, clock: FixedClock) -> None:
    actor, _key = added(desk, "analyst")
    secret, _ = desk.accounts.two_factor.enrol(actor)
    desk.accounts.two_factor.confirm(actor, totp(key_of(secret), NOW.timestamp()))
    clock.set(NOW + timedelta(seconds=30))
    code = totp(key_of(secret), clock.now().timestamp())
    signed, _ = desk.accounts.sign_in("analyst", PASSWORD, CLIENT, code)  # as before
    assert signed == actor
    with pytest.raises(SecurityKeyStep) as raised:  # no code: the key's step, code offered
        desk.accounts.sign_in("analyst", PASSWORD, CLIENT)
    assert raised.value.code
    clock.set(NOW + timedelta(seconds=60))
    code = totp(key_of(secret), clock.now().timestamp())
    signed, _ = desk.accounts.sign_in_with_key(raised.value.pending, "", SITE, CLIENT, code)
    assert signed == actor


def test_the_desk_opened_by_an_ip_address_is_told_to_use_its_host_name() -> None:
    with pytest.raises(InputError, match="not by an IP address"):
        site_of("http", "127.0.0.1", 8000)
    assert site_of("https", "desk.example.org", 443) == Site(
        "https://desk.example.org", "desk.example.org"
    )
    assert site_of("http", "localhost", 8123) == Site("http://localhost:8123", "localhost")
