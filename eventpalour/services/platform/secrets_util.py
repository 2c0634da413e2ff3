"""Random tokens and their stored hashes. Only hashes of bearer secrets ever reach the database."""

from __future__ import annotations

import hashlib
import hmac
import secrets

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
