"""Column types and id helpers shared by every table."""

from __future__ import annotations

import secrets
import string
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

_ID_ALPHABET = string.ascii_lowercase + string.digits


def random_string(alphabet: str, length: int) -> str:
    """`length` symbols drawn uniformly from `alphabet` (at most 256 symbols) by the system CSPRNG.

    One `token_bytes` call instead of `secrets.choice` per symbol: each of those is a system call,
    and ids are made several times per order. Bytes at or above the largest multiple of the alphabet
    size are skipped, so no symbol is more likely than another.
    """
    size = len(alphabet)
    limit = 256 - 256 % size
    symbols: list[str] = []
    while len(symbols) < length:
        symbols.extend(alphabet[byte % size] for byte in secrets.token_bytes(2 * length) if byte < limit)
    return "".join(symbols[:length])


def new_id(length: int = 16) -> str:
    """A random, URL-safe row id (about 82 bits for the default length)."""
    return random_string(_ID_ALPHABET, length)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (the only kind of datetime we store)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend.

    SQLite has no time zone support, so values are stored as naive UTC there and made aware again
    when read; PostgreSQL stores `timestamptz`. Naive datetimes are refused on the way in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Naive datetimes are not stored; use timezone-aware UTC.")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:  # noqa: ANN001
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
