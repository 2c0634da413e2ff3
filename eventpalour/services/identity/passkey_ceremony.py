"""The WebAuthn side of passkeys: the relying party (from settings), the server-side challenges and
the `webauthn` library's checks, each failure turned into our own errors.

`webauthn` (py_webauthn, Duo Labs) does the cryptography and the spec's checks (origin, RP id hash,
challenge, user presence and verification, signature, sign counter). Challenges are rows of
`passkey_challenges`: a few minutes long, and taken in a transaction of their own before the
response is checked, so a challenge is spent by any attempt, failed ones included, and by one only.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col
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
    AuthenticationCredential,
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    RegistrationCredential,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)
from webauthn.registration.verify_registration_response import VerifiedRegistration

from eventpalour.config import settings
from eventpalour.db import transaction
from eventpalour.models import PasskeyChallenge
from eventpalour.models.types import utcnow
from eventpalour.services.platform import N_, ValidationFailed

CEREMONY_SECONDS = 300
"""How long the browser has to answer a challenge: the authenticator prompt, a PIN, a phone nearby."""
MAX_RESPONSE_CHARS = 20_000
"""A real response is a few kilobytes; anything far larger is refused before parsing."""
REGISTER, SIGN_IN = "register", "sign_in"

CHALLENGE_GONE = N_("This passkey request expired or was already used. Please try again.")
NOT_VERIFIED = N_("Your passkey could not be verified. Please try again.")
MALFORMED = N_("The browser's passkey answer was not readable. Please try again.")


USER_VERIFICATION = UserVerificationRequirement.REQUIRED
"""A passkey stands for both factors, so the authenticator must check its owner (PIN, fingerprint,
face), not just feel a touch; the responses are verified with `require_user_verification` to match."""


def issue_challenge(session: Session, purpose: str, user_id: str | None, challenge: bytes) -> str:
    """Store `challenge` for one ceremony and return its id (what the browser sends back with its
    answer). Expired challenges of anyone are swept here, so the table stays small."""
    now = utcnow()
    session.execute(delete(PasskeyChallenge).where(col(PasskeyChallenge.expires_at) < now))
    row = PasskeyChallenge(
        user_id=user_id,
        purpose=purpose,
        challenge=bytes_to_base64url(challenge),
        expires_at=now + timedelta(seconds=CEREMONY_SECONDS),
    )
    session.add(row)
    session.flush()
    return row.id


def take_challenge(challenge_id: str, purpose: str, user_id: str | None) -> bytes:
    """Spend the challenge `challenge_id` (of this purpose and user) and return it, in its own committed
    transaction: a conditional UPDATE, so two answers racing for it get it once. Raises
    ValidationFailed when it is unknown, another's, expired or already spent."""
    now = utcnow()
    owner = col(PasskeyChallenge.user_id).is_(None) if user_id is None else col(PasskeyChallenge.user_id) == user_id
    with transaction() as session:
        taken = session.execute(
            update(PasskeyChallenge)
            .where(
                col(PasskeyChallenge.id) == (challenge_id or ""),
                col(PasskeyChallenge.purpose) == purpose,
                owner,
                col(PasskeyChallenge.used_at).is_(None),
                col(PasskeyChallenge.expires_at) > now,
            )
            .values(used_at=now)
        ).rowcount
        if taken != 1:
            raise ValidationFailed(CHALLENGE_GONE)
        row = session.get(PasskeyChallenge, challenge_id)
        return _bytes(row.challenge)


def _bytes(text: str) -> bytes:
    return base64url_to_bytes(text)


def registration_options(
    *, user_id: str, user_name: str, display_name: str, rp_name: str, existing: list[str]
) -> tuple[bytes, str]:
    """The options of a registration (a discoverable credential, user verification required) as
    JSON for the browser, with their challenge. `existing`: the user's credential ids, which the
    authenticator is asked not to register twice."""
    options = generate_registration_options(
        rp_id=settings.webauthn_rp_id,
        rp_name=rp_name,
        user_name=user_name,
        user_id=user_id.encode(),
        user_display_name=display_name,
        timeout=CEREMONY_SECONDS * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED, user_verification=USER_VERIFICATION
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=_bytes(known)) for known in existing],
    )
    return options.challenge, options_to_json(options)


def authentication_options() -> tuple[bytes, str]:
    """The options of a sign-in with discoverable credentials: no account named, any passkey of ours."""
    options = generate_authentication_options(
        rp_id=settings.webauthn_rp_id, timeout=CEREMONY_SECONDS * 1000, user_verification=USER_VERIFICATION
    )
    return options.challenge, options_to_json(options)


def _as_text(credential: str | dict[str, Any]) -> str:
    text = credential if isinstance(credential, str) else json.dumps(credential)
    if len(text) > MAX_RESPONSE_CHARS:
        raise ValidationFailed(MALFORMED)
    return text


def parse_registration(credential: str | dict[str, Any]) -> RegistrationCredential:
    try:
        return parse_registration_credential_json(_as_text(credential))
    except (WebAuthnException, ValueError, TypeError, KeyError):
        raise ValidationFailed(MALFORMED) from None


def parse_authentication(credential: str | dict[str, Any]) -> AuthenticationCredential:
    try:
        return parse_authentication_credential_json(_as_text(credential))
    except (WebAuthnException, ValueError, TypeError, KeyError):
        raise ValidationFailed(MALFORMED) from None


def verify_registration(credential: RegistrationCredential, challenge: bytes) -> VerifiedRegistration:
    """The attestation checked against our origin, RP id and `challenge`; ValidationFailed otherwise."""
    try:
        return verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=settings.webauthn_rp_id,
            expected_origin=settings.webauthn_origin,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError):
        raise ValidationFailed(NOT_VERIFIED) from None


def verify_assertion(
    credential: AuthenticationCredential, challenge: bytes, public_key: str, sign_count: int
) -> int | None:
    """The sign-in's signature checked with the stored `public_key`, and the authenticator's counter
    against `sign_count` (a counter that did not move forward means a cloned authenticator); returns
    the new counter, or None when any check fails."""
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=settings.webauthn_rp_id,
            expected_origin=settings.webauthn_origin,
            credential_public_key=_bytes(public_key),
            credential_current_sign_count=sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError):
        return None
    return verified.new_sign_count
