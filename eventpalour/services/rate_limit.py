"""Rate limits shared by the API routes and the equivalent UI actions (SPEC §8).

Counters live in memory for one process, or in Redis when REDIS_URL is set so that every worker
sees the same counts. Rules are read from settings at call time, so they are configurable.
"""

from __future__ import annotations

import math
import time
from functools import lru_cache

from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from eventpalour.config import settings
from eventpalour.services.errors import RateLimited

RULES = {
    "general": lambda: settings.rate_limit_general,
    "auth": lambda: settings.rate_limit_auth,
    "scan_code": lambda: settings.rate_limit_scan_code,
}


@lru_cache(maxsize=4)
def _limiter(storage_uri: str) -> MovingWindowRateLimiter:
    storage: Storage = storage_from_string(storage_uri)
    return MovingWindowRateLimiter(storage)


@lru_cache(maxsize=32)
def _item(rule_text: str) -> RateLimitItem:
    return parse(rule_text)


def _storage_uri() -> str:
    return settings.redis_url or "memory://"


def hit(rule: str, key: str) -> None:
    """Count one attempt of `rule` by `key` (e.g. a client IP). Raises RateLimited when over."""
    item = _item(RULES[rule]())
    limiter = _limiter(_storage_uri())
    if limiter.hit(item, rule, key or "unknown"):
        return
    reset_at = limiter.get_window_stats(item, rule, key or "unknown").reset_time
    raise RateLimited(max(1, math.ceil(reset_at - time.time())))


def ensure_allowed(rule: str, key: str) -> None:
    """Raise RateLimited when `key` has used up `rule`, without counting this attempt.

    For limits that count only failures (a mistyped door code): check first, `hit` on a miss.
    """
    item = _item(RULES[rule]())
    limiter = _limiter(_storage_uri())
    if limiter.test(item, rule, key or "unknown"):
        return
    reset_at = limiter.get_window_stats(item, rule, key or "unknown").reset_time
    raise RateLimited(max(1, math.ceil(reset_at - time.time())))


def reset() -> None:
    """Forget every counter (tests start from a clean slate)."""
    _limiter(_storage_uri()).storage.reset()
