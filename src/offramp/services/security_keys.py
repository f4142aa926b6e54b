"""Security keys and passkeys (W3C WebAuthn Level 2) as a second factor at sign-in.

A user adds a key in two steps: :meth:`SecurityKeyService.begin_registration` issues
creation options with a fresh random challenge (stored, bound to the user, single use,
:data:`CHALLENGE_LIFETIME`), the browser has the authenticator make a credential, and
:meth:`~SecurityKeyService.finish_registration` verifies its answer ("none" attestation)
and stores the credential id, public key, counter, transports and the user's name for it.
At sign-in, after the right password, an account with a key gets a pending step
(:class:`SecurityKeyStep`, with a secret the sign-in page holds); its challenge is
answered by ``navigator.credentials.get`` and checked by :meth:`~SecurityKeyService.check`.

The py_webauthn library (https://github.com/duo-labs/py_webauthn) parses CBOR/COSE and
checks the signature, the challenge, the origin and the RP ID hash (WebAuthn Level 2,
sections 7.1 and 7.2, https://www.w3.org/TR/webauthn-2/). The signature counter is
checked here, after the signature: a counter that does not grow (when either is not
zero) means the key may have been cloned (section 6.1.1), so the sign-in is refused and
the user is told; the counter is compared and written in one transaction with the
key's row locked, so two sign-ins racing with one assertion cannot both pass. The
origin is the desk's own as the browser opened it, and the RP ID its host name
(:func:`site_of`): a key works only under the host name it was added on.
"""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass, replace
from datetime import timedelta

from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from offramp.errors import Conflict, InputError, NotFound, Unauthenticated
from offramp.model.deadlines import Clock
from offramp.services.access import Actor
from offramp.services.account_notices import NoticeKind, record_notice
from offramp.services.secret_digest import secret_digest
from offramp.store import security_keys as store
from offramp.store.audit import SERVER_CHAIN
from offramp.store.security_keys import ChallengeRow, KeyRow
from offramp.store.uow import UowFactory

SecurityKey = KeyRow
"""One of a user's keys as the desk lists it (name, added, last used, counter)."""
CHALLENGE_LIFETIME = timedelta(minutes=5)
NAME_LIMIT = 60
RP_NAME = "offramp desk"
NO_KEY = "No such security key."
NOT_MINE = "That security key is not one of this account's keys."
STEP_GONE = (
    "This sign-in step has expired (after 5 minutes) or was used already: enter your "
    "password again."
)
ANSWERS = (  # py_webauthn's refusal, in words
    ("challenge", "the key answered another request than this one (an old or replayed one)"),
    ("origin", "the key's answer came from another web address than this desk's"),
    ("rp id", "the key belongs to another host name than the one this desk is open under"),
    ("user was not present", "the key did not report a touch"),
    ("signature", "the key's signature does not verify"),
)


@dataclass(frozen=True)
class Site:
    """Where the browser has the desk open: its origin and the RP ID (the host name)."""

    origin: str
    rp_id: str


def site_of(scheme: str, host: str, port: int | None) -> Site:
    """The desk's own origin and RP ID from its request URL; an IP address is refused
    (WebAuthn takes only a domain as RP ID)."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        raise InputError(
            "",
            f"Security keys work only when the desk is opened by its host name (such as "
            f"localhost or desk.example.org), not by an IP address ({host})",
        )
    default = {"http": 80, "https": 443}.get(scheme)
    shown = host if port is None or port == default else f"{host}:{port}"
    return Site(f"{scheme}://{shown}", host)


class SecurityKeyStep(Unauthenticated):
    """The password was right; the sign-in finishes with a security key (or a code).

    ``pending`` is the step's secret, handed to the sign-in page once (only its sha256
    is stored); ``code`` whether the account also has a TOTP code to use instead."""

    def __init__(self, pending: str, *, code: bool) -> None:
        super().__init__(
            "Your password is right: now use your security key (on the desk's sign-in page)."
        )
        self.pending = pending
        self.code = code


def _words(exc: Exception) -> str:
    """A refusal of py_webauthn in the desk's words."""
    said = str(exc).lower()
    for needle, words in ANSWERS:
        if needle in said:
            return words
    return "the key's answer is not one the desk can read or verify"


def _descriptor(key: KeyRow) -> PublicKeyCredentialDescriptor:
    known = {t.value for t in AuthenticatorTransport}
    transports = [AuthenticatorTransport(t) for t in key.transports if t in known]
    return PublicKeyCredentialDescriptor(
        id=base64url_to_bytes(key.credential_id), transports=transports or None
    )


def key_name(text: str) -> str:
    """The name a user gives a key: 1 to :data:`NAME_LIMIT` printable characters."""
    name = " ".join(text.split())
    if not name:
        raise InputError("name", "give the key a name, such as 'blue key' or 'laptop'")
    if len(name) > NAME_LIMIT or not name.isprintable():
        raise InputError("name", f"a key's name is at most {NAME_LIMIT} printable characters")
    return name


class SecurityKeyService:
    """Add, list, remove and check a user's security keys."""

    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    def keys(self, actor: Actor) -> list[KeyRow]:
        """The actor's own keys, oldest first."""
        with self.uow() as uow:
            return store.of_user(uow.conn, actor.id)

    def has_keys(self, user_id: int) -> bool:
        with self.uow() as uow:
            return store.has_any(uow.conn, user_id)

    def _issue(
        self, user_id: int, purpose: str, pending_hash: str | None = None, renew: bool = False
    ) -> str:
        """A new challenge for ``user_id`` (base64url), stored; expired ones dropped."""
        challenge = bytes_to_base64url(secrets.token_bytes(32))
        now = self.clock.now()
        expires = now + CHALLENGE_LIFETIME
        with self.uow(write=True) as uow:
            store.drop_expired(uow.conn, now)
            store.issue(
                uow.conn,
                user_id,
                purpose,
                challenge,
                expires,
                pending_hash=pending_hash,
                renew=renew,
            )
            uow.commit()
        return challenge

    def begin_registration(self, actor: Actor, name: str, site: Site) -> str:
        """Creation options (JSON) for a new key named ``name``: a fresh challenge, the
        actor's keys excluded (a key is added once)."""
        key_name(name)
        challenge = self._issue(actor.id, store.REGISTER)
        options = generate_registration_options(
            rp_id=site.rp_id,
            rp_name=RP_NAME,
            user_name=actor.name,
            user_id=actor.id.to_bytes(8, "big"),
            challenge=base64url_to_bytes(challenge),
            timeout=int(CHALLENGE_LIFETIME.total_seconds() * 1000),
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.DISCOURAGED,
                user_verification=UserVerificationRequirement.PREFERRED,
            ),
            exclude_credentials=[_descriptor(k) for k in self.keys(actor)],
        )
        return options_to_json(options)

    def finish_registration(
        self, actor: Actor, name: str, answer: str, site: Site, client: str = ""
    ) -> KeyRow:
        """Verify the browser's ``answer`` to the actor's registration challenge and store
        the key; tell the user (from ``client``)."""
        named = key_name(name)
        now = self.clock.now()
        with self.uow(write=True) as uow:
            issued = store.take_registration(uow.conn, actor.id, now)
            uow.commit()  # used up, whatever the answer
        if issued is None:
            raise InputError(
                "",
                "This request to add a key has expired (after 5 minutes) or was used "
                "already: start again with Add a security key.",
            )
        try:
            credential = parse_registration_credential_json(answer)
            done = verify_registration_response(
                credential=credential,
                expected_challenge=base64url_to_bytes(issued.challenge),
                expected_rp_id=site.rp_id,
                expected_origin=site.origin,
                require_user_verification=False,  # "preferred"
            )
        except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
            raise InputError("", f"The key was not added: {_words(exc)}.") from None
        transports = tuple(t.value for t in credential.response.transports or ())
        key = KeyRow(
            0, actor.id, bytes_to_base64url(done.credential_id),
            bytes_to_base64url(done.credential_public_key), done.sign_count,
            transports, named, now, None,
        )  # fmt: skip
        with self.uow(write=True) as uow:
            if store.credential_taken(uow.conn, key.credential_id):
                raise Conflict("That security key is already added on this desk.")
            key_id = store.add(uow.conn, actor.id, key)
            uow.audit(SERVER_CHAIN, actor.name, "security_key.add", {"user": actor.name})
            record_notice(uow, actor.id, NoticeKind.SECURITY_KEY_ADDED, actor.name, client)
            uow.commit()
        return replace(key, id=key_id)

    def remove(self, actor: Actor, key_id: int, client: str = "") -> KeyRow:
        """Delete one of the actor's own keys (once the password is proven, by
        :meth:`~offramp.services.accounts.AccountService.remove_security_key`)."""
        with self.uow(write=True) as uow:
            gone = store.remove(uow.conn, actor.id, key_id)
            if gone is None:
                raise NotFound(NO_KEY)
            uow.audit(SERVER_CHAIN, actor.name, "security_key.remove", {"user": actor.name})
            record_notice(uow, actor.id, NoticeKind.SECURITY_KEY_REMOVED, actor.name, client)
            uow.commit()
        return gone

    def begin_sign_in(self, user_id: int, *, renew: bool, code: bool) -> SecurityKeyStep:
        """The pending step after the right password: its secret and challenge, stored."""
        pending = secrets.token_urlsafe(32)
        self._issue(user_id, store.SIGN_IN, pending_hash=secret_digest(pending), renew=renew)
        return SecurityKeyStep(pending, code=code)

    def sign_in_options(self, pending: str, site: Site) -> str | None:
        """Request options (JSON) for the pending step: its challenge and the user's keys;
        None if the step is gone."""
        with self.uow() as uow:
            issued = store.peek_sign_in(uow.conn, secret_digest(pending), self.clock.now())
            if issued is None:
                return None
            keys = store.of_user(uow.conn, issued.user_id)
        options = generate_authentication_options(
            rp_id=site.rp_id,
            challenge=base64url_to_bytes(issued.challenge),
            timeout=int(CHALLENGE_LIFETIME.total_seconds() * 1000),
            allow_credentials=[_descriptor(k) for k in keys],
            user_verification=UserVerificationRequirement.PREFERRED,
        )
        return options_to_json(options)

    def take_step(self, pending: str) -> ChallengeRow:
        """The pending step, used up; Unauthenticated if it expired or was used."""
        with self.uow(write=True) as uow:
            issued = store.take_sign_in(uow.conn, secret_digest(pending), self.clock.now())
            uow.commit()
        if issued is None:
            raise Unauthenticated(STEP_GONE)
        return issued

    def check(self, user: Actor, step: ChallengeRow, answer: str, site: Site, client: str) -> None:
        """Verify ``answer`` to the step's challenge with one of ``user``'s keys and record
        its use; Unauthenticated, in words, if it does not verify. A counter that did not
        grow is refused and told to the user (a possible clone)."""
        try:
            credential = parse_authentication_credential_json(answer)
        except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
            raise Unauthenticated(f"The security key was not accepted: {_words(exc)}.") from None
        with self.uow() as uow:
            mine = {k.credential_id: k for k in store.of_user(uow.conn, user.id)}
        key = mine.get(credential.id)
        if key is None:
            raise Unauthenticated(NOT_MINE)
        try:
            done = verify_authentication_response(
                credential=credential,
                expected_challenge=base64url_to_bytes(step.challenge),
                expected_rp_id=site.rp_id,
                expected_origin=site.origin,
                credential_public_key=base64url_to_bytes(key.public_key),
                credential_current_sign_count=0,  # compared below, once the signature holds
                require_user_verification=False,
            )
        except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
            raise Unauthenticated(f"The security key was not accepted: {_words(exc)}.") from None
        now = self.clock.now()
        with self.uow(write=True) as uow:  # compared and written under the row's lock
            was = store.locked_count(uow.conn, key.id)
            if was is None:  # removed since it was read
                raise Unauthenticated(NOT_MINE)
            if (done.new_sign_count or was) and done.new_sign_count <= was:
                payload = {"user": user.name, "count": done.new_sign_count, "was": was}
                uow.audit(SERVER_CHAIN, user.name, "security_key.clone_warning", payload)
                record_notice(uow, user.id, NoticeKind.SECURITY_KEY_CLONED, "", client)
                uow.commit()
                raise Unauthenticated(CLONED)
            store.used(uow.conn, key.id, done.new_sign_count, now)
            uow.commit()


CLONED = (
    "Sign-in refused: the security key's use counter went backwards, as happens when a "
    "key has been copied. You are told of it on the desk; use another key or your code, "
    "and remove this key if you cannot explain it."
)
