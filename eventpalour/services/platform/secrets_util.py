"""Random tokens and their stored hashes. Only hashes of bearer secrets ever reach the database."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# cryptography comes with authlib (a pinned dependency, for Google sign-in), which needs it for JOSE.
from cryptography.fernet import Fernet
from itsdangerous import BadData, URLSafeTimedSerializer

from eventpalour.config import settings


def new_token(nbytes: int = 32) -> str:
    """A URL-safe random bearer token."""
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """SHA-256 hex of a high-entropy token (sessions, reset links, grants)."""
    return hashlib.sha256(token.encode()).hexdigest()


def code_hash(code: str) -> str:
    """Keyed hash for low-entropy codes (6 digits): a leaked table cannot be brute-forced offline."""
    return hmac.new(settings.secret_key.encode(), code.encode(), hashlib.sha256).hexdigest()


def new_numeric_code(digits: int = 6) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(digits))


def _sealing_key() -> bytes:
    """A Fernet key derived from SECRET_KEY (its own purpose label, so it differs from every HMAC here)."""
    digest = hashlib.sha256(b"eventpalour sealed secrets\0" + settings.secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def seal(secret: str) -> str:
    """Encrypt a secret the app must read back later (an authenticator's TOTP key): unlike a bearer
    token it cannot be stored as a hash, so a leaked table alone must not reveal it. Authenticated
    encryption (Fernet: AES-128-CBC with HMAC-SHA256) under a key derived from SECRET_KEY."""
    return Fernet(_sealing_key()).encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str:
    """The secret `seal` encrypted. Raises cryptography's InvalidToken when it was sealed under another key."""
    return Fernet(_sealing_key()).decrypt(sealed.encode()).decode()


def sign_value(payload: dict[str, str], *, purpose: str) -> str:
    """A tamper-proof, timestamped token carrying `payload` (a sign-in challenge, a trusted browser)."""
    return URLSafeTimedSerializer(settings.secret_key, salt=purpose).dumps(payload)


def signed_value(token: str, *, purpose: str, max_age: int) -> dict[str, str] | None:
    """The payload of a `sign_value` token of this `purpose` younger than `max_age` seconds, else None."""
    try:
        payload = URLSafeTimedSerializer(settings.secret_key, salt=purpose).loads(token or "", max_age=max_age)
    except BadData:
        return None
    return payload if isinstance(payload, dict) else None
