"""A software passkey authenticator for service and API tests: it answers the options our services
give the way a browser and a platform authenticator would (a P-256 key, "none" attestation, user
present and verified), so the real `webauthn` checks run on real signatures.

`clone()` copies the key and counter, as a cloned authenticator would; `origin` and `challenge` can
be forced to test what a phishing page or a stale answer would send."""

from __future__ import annotations

import hashlib
import json
import os
import struct
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from eventpalour.config import settings

UP, UV, AT = 0x01, 0x04, 0x40


def _b64(data: bytes) -> str:
    return bytes_to_base64url(data)


@dataclass
class SoftAuthenticator:
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    credential_id: bytes = field(default_factory=lambda: os.urandom(32))
    sign_count: int = 0
    user_handle: bytes | None = None
    counts: bool = True  # False: like most platform passkeys, the counter stays 0
    verifies_user: bool = True  # False: a security key that only felt a touch (no PIN, no biometrics)

    def clone(self) -> SoftAuthenticator:
        return SoftAuthenticator(
            self.key, self.credential_id, self.sign_count, self.user_handle, self.counts, self.verifies_user
        )

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        data = {
            "type": kind,
            "challenge": challenge,
            "origin": origin or settings.webauthn_origin,
            "crossOrigin": False,
        }
        return json.dumps(data).encode()

    def _auth_data(self, rp_id: str, flags: int, extra: bytes = b"") -> bytes:
        if not self.verifies_user:
            flags &= ~UV
        if self.counts:
            self.sign_count += 1
        return hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", self.sign_count) + extra

    def create(self, options_json: str, *, origin: str | None = None, challenge: str | None = None) -> dict[str, Any]:
        """The browser's answer to `navigator.credentials.create` with these options (JSON text)."""
        options = json.loads(options_json)
        self.user_handle = base64url_to_bytes(options["user"]["id"])
        attested = bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id + self._cose_key()
        auth_data = self._auth_data(options["rp"]["id"], UP | UV | AT, attested)
        client_data = self._client_data("webauthn.create", challenge or options["challenge"], origin)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": _b64(self.credential_id),
            "rawId": _b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": _b64(client_data),
                "attestationObject": _b64(attestation),
                "transports": ["internal", "hybrid"],
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }

    def get(self, options_json: str, *, origin: str | None = None, challenge: str | None = None) -> dict[str, Any]:
        """The browser's answer to `navigator.credentials.get` with these options (JSON text)."""
        options = json.loads(options_json)
        auth_data = self._auth_data(options["rpId"], UP | UV)
        client_data = self._client_data("webauthn.get", challenge or options["challenge"], origin)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "id": _b64(self.credential_id),
            "rawId": _b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": _b64(client_data),
                "authenticatorData": _b64(auth_data),
                "signature": _b64(signature),
                "userHandle": _b64(self.user_handle) if self.user_handle is not None else None,
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }
