"""Password hashing (argon2 through passlib) and the password rules of SPEC §2."""

from __future__ import annotations

from passlib.context import CryptContext

from eventpalour.config import settings
from eventpalour.services.platform import N_, FieldError

# "low" keeps argon2 but at its smallest cost, for test suites that create thousands of accounts;
# production refuses it (config.py).
_LOW_COST = {"argon2__memory_cost": 1024, "argon2__time_cost": 1, "argon2__parallelism": 1}
_context = CryptContext(
    schemes=["argon2"], deprecated="auto", **(_LOW_COST if settings.password_hash_cost == "low" else {})
)
# Verified against when the email is unknown, so a wrong email costs as much time as a wrong password.
_DUMMY_HASH = _context.hash("not-a-real-password-only-for-timing")

MIN_LENGTH = 8
MAX_LENGTH = 128


def hash_password(password: str) -> str:
    return _context.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """True when `password` matches; always spends one hash's time, even with no hash."""
    if not password_hash:
        _context.verify(password, _DUMMY_HASH)
        return False
    return _context.verify(password, password_hash)


def password_problems(password: str, *, email: str, field: str = "password") -> list[FieldError]:
    """Every reason `password` is not acceptable for the account `email` (empty when fine)."""
    if len(password) < MIN_LENGTH:
        return [FieldError((field,), N_("Use at least {MIN_LENGTH} characters."), {"MIN_LENGTH": MIN_LENGTH})]
    if len(password) > MAX_LENGTH:
        return [FieldError((field,), N_("Use at most {MAX_LENGTH} characters."), {"MAX_LENGTH": MAX_LENGTH})]
    if password.isdigit():
        return [FieldError((field,), N_("The password cannot be only digits."))]
    if password.strip().lower() == email.strip().lower():
        return [FieldError((field,), N_("The password cannot be your email address."))]
    return []
