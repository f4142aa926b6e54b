"""A software security key for the tests: the hardware is the one true edge faked here.

It answers the desk's WebAuthn options as an authenticator and browser would (W3C
WebAuthn Level 2, https://www.w3.org/TR/webauthn-2/): an EC P-256 key (COSE ES256,
RFC 8152 section 13.1.1), "none" attestation (section 8.7), authenticator data of
rpIdHash (sha256 of the RP ID), flags (UP 0x01, UV 0x04, AT 0x40), a big-endian 32-bit
signCount and, at registration, the attested credential data (AAGUID, credential id
length and id, the COSE public key; section 6.5.1); and the clientDataJSON (section
5.8.1). An assertion signs authenticatorData || sha256(clientDataJSON) (section 6.3.3).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from offramp.bootstrap import Services
from offramp.services.access import Actor
from offramp.services.security_keys import Site

UP, UV, AT = 0x01, 0x04, 0x40
ORIGIN = "http://localhost:8000"
RP_ID = "localhost"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class SoftKey:
    """One credential on a software authenticator; ``sign_count`` is its counter."""

    def __init__(self, *, sign_count: int = 0) -> None:
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(16)
        self.sign_count = sign_count

    @property
    def id(self) -> str:
        return b64url(self.credential_id)

    def _cose(self) -> bytes:
        numbers = self.private.public_key().public_numbers()
        x, y = numbers.x.to_bytes(32, "big"), numbers.y.to_bytes(32, "big")
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: x, -3: y})  # EC2, ES256, P-256

    def _client_data(self, kind: str, options: dict[str, Any], origin: str) -> bytes:
        data = {"type": kind, "challenge": options["challenge"], "origin": origin}
        return json.dumps({**data, "crossOrigin": False}).encode("utf-8")

    def create(self, options_json: str, origin: str = ORIGIN, rp_id: str | None = None) -> str:
        """The browser's JSON answer to ``navigator.credentials.create`` with these options;
        ``origin`` and ``rp_id`` as the (possibly lying) browser would put them."""
        options = json.loads(options_json)
        rp = rp_id or options["rp"]["id"]
        attested = bytes(16) + len(self.credential_id).to_bytes(2, "big") + self.credential_id
        auth_data = (
            hashlib.sha256(rp.encode()).digest()
            + bytes([UP | UV | AT])
            + self.sign_count.to_bytes(4, "big")
            + attested
            + self._cose()
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        response = {
            "clientDataJSON": b64url(self._client_data("webauthn.create", options, origin)),
            "attestationObject": b64url(attestation),
            "transports": ["usb"],
        }
        return self._answer(response)

    def get(
        self,
        options_json: str,
        origin: str = ORIGIN,
        rp_id: str | None = None,
        *,
        count: int | None = None,
    ) -> str:
        """The JSON answer to ``navigator.credentials.get``: the counter goes up by one
        (or is ``count``, as a cloned key's may be)."""
        options = json.loads(options_json)
        self.sign_count = self.sign_count + 1 if count is None else count
        rp = rp_id or options["rpId"]
        auth_data = (
            hashlib.sha256(rp.encode()).digest()
            + bytes([UP | UV])
            + self.sign_count.to_bytes(4, "big")
        )
        client_data = self._client_data("webauthn.get", options, origin)
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = self.private.sign(signed, ec.ECDSA(hashes.SHA256()))
        response = {
            "clientDataJSON": b64url(client_data),
            "authenticatorData": b64url(auth_data),
            "signature": b64url(signature),
        }
        return self._answer(response)

    def _answer(self, response: dict[str, Any]) -> str:
        return json.dumps(
            {
                "id": self.id,
                "rawId": self.id,
                "type": "public-key",
                "response": response,
                "clientExtensionResults": {},
            }
        )


def add_key(desk: Services, actor: Actor, name: str) -> SoftKey:
    """A new software key registered to ``actor`` as ``name``, at :data:`ORIGIN`."""
    key = SoftKey()
    site = Site(ORIGIN, RP_ID)
    options = desk.accounts.security_keys.begin_registration(actor, name, site)
    desk.accounts.security_keys.finish_registration(actor, name, key.create(options), site)
    return key
