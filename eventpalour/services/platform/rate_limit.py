"""Rate limits shared by the API routes and the equivalent UI actions (SPEC §8).

Counters live in memory for one process, or in Redis when REDIS_URL is set so that every worker
sees the same counts. Rules are read from settings at call time, so they are configurable.
"""

from __future__ import annotations

import asyncio
import math
import time
import weakref
from dataclasses import dataclass
from functools import lru_cache

from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter as LoopMovingWindowRateLimiter
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from eventpalour.config import settings
from eventpalour.services.platform.errors import RateLimited
from eventpalour.services.platform.i18n import N_, count_words
from eventpalour.services.platform.secrets_util import code_hash

RULES = {
    "general": lambda: settings.rate_limit_general,
    "auth": lambda: settings.rate_limit_auth,
    "scan_code": lambda: settings.rate_limit_scan_code,
    "signin_account": lambda: settings.rate_limit_signin_account,
    "email_recipient": lambda: settings.rate_limit_email_recipient,
    "api_token": lambda: settings.rate_limit_api_token,
    "guest_checkout": lambda: settings.rate_limit_guest_checkout,
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
    """Count one attempt of `rule` by `key` (e.g. a client IP). Raises RateLimited when over.

    Blocks on Redis: for code in a worker thread (services). On the event loop, `hit_on_loop`."""
    item = _item(RULES[rule]())
    limiter = _limiter(_storage_uri())
    if limiter.hit(item, rule, key or "unknown"):
        return
    reset_at = limiter.get_window_stats(item, rule, key or "unknown").reset_time
    raise _over(reset_at)


# Per event loop, the Redis URL and the asyncio limiter on the same keys as `hit`'s (limits' sync and
# asyncio Redis storages share the key scheme and the moving-window script, so both count the same
# window). Its Redis connections belong to the loop that made them, hence one per loop.
_loop_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[str, LoopMovingWindowRateLimiter]] = (
    weakref.WeakKeyDictionary()
)


async def hit_on_loop(rule: str, key: str) -> None:
    """`hit`, awaited on the event loop (middlewares, page handlers) without blocking it on Redis:
    a blocked loop holds up every other request and websocket event of the worker meanwhile."""
    uri = _storage_uri()
    if not uri.startswith(("redis://", "rediss://")):
        hit(rule, key)  # counters in this process's memory: nothing to wait for
        return
    loop = asyncio.get_running_loop()
    kept_uri, limiter = _loop_limiters.get(loop, ("", None))
    if limiter is None or kept_uri != uri:
        limiter = LoopMovingWindowRateLimiter(storage_from_string(f"async+{uri}", implementation="redispy"))
        _loop_limiters[loop] = (uri, limiter)
    item = _item(RULES[rule]())
    if await limiter.hit(item, rule, key or "unknown"):
        return
    raise _over((await limiter.get_window_stats(item, rule, key or "unknown")).reset_time)


def _over(reset_at: float) -> RateLimited:
    return RateLimited(max(1, math.ceil(reset_at - time.time())))


def ensure_allowed(rule: str, key: str) -> None:
    """Raise RateLimited when `key` has used up `rule`, without counting this attempt.

    For limits that count only failures (a mistyped door code): check first, `hit` on a miss.
    """
    item = _item(RULES[rule]())
    limiter = _limiter(_storage_uri())
    if limiter.test(item, rule, key or "unknown"):
        return
    raise _over(limiter.get_window_stats(item, rule, key or "unknown").reset_time)


def clear(rule: str, key: str) -> None:
    """Forget what `key` has used of `rule` (e.g. failed sign-ins once the password was reset)."""
    _limiter(_storage_uri()).clear(_item(RULES[rule]()), rule, key or "unknown")


def personal_key(text: str) -> str:
    """A counter key made from personal data (an email address): keyed-hashed, so the counter store
    (Redis) never holds the address itself."""
    return code_hash(text.strip().lower())


@dataclass(frozen=True)
class WaitWords:
    """`retry_after` as people read it: "40 seconds", "1 minute", "15 minutes", in the reader's
    language when the message holding it is said (platform/errors.py)."""

    seconds: int

    def in_language(self, language: str | None) -> str:
        if self.seconds < 60:
            return count_words(self.seconds, N_("{count} second"), N_("{count} seconds"), language)
        return count_words(math.ceil(self.seconds / 60), N_("{count} minute"), N_("{count} minutes"), language)

    def __str__(self) -> str:
        return self.in_language(None)


def wait_text(seconds: int) -> str:
    """`retry_after` in English words; a message's value is `WaitWords`, said in the reader's language."""
    return str(WaitWords(seconds))


def hit_email_recipient(kind: str, address: str) -> None:
    """Count one `kind` email (e.g. `password_reset`) about to be queued for `address`.

    RATE_LIMIT_EMAIL_RECIPIENT is counted per kind, so one flow that anyone can trigger (a reset,
    an invitation) cannot use up another one (the person's own verification code). Raises
    RateLimited, with a message naming the address, when it has had its share this hour.
    """
    try:
        hit("email_recipient", f"{kind}:{personal_key(address)}")
    except RateLimited as over:
        wait = WaitWords(over.retry_after)
        raise RateLimited(
            over.retry_after,
            N_("Too many emails to {address} in the last hour. Please wait {wait} and try again."),
            values={"address": address, "wait": wait},
        ) from None


def reset() -> None:
    """Forget every counter (tests start from a clean slate)."""
    _limiter(_storage_uri()).storage.reset()
