"""Rate limits: the N+1th attempt in the window is refused with a retry time."""

from __future__ import annotations

import asyncio
import os
import time

import pytest
import redis

from eventpalour.config import settings
from eventpalour.services.platform import rate_limit
from eventpalour.services.platform.errors import RateLimited

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)


def test_hit_over_the_limit_raises_with_retry_after(monkeypatch):
    monkeypatch.setattr(settings, "rate_limit_auth", "3/minute")
    for _ in range(3):
        rate_limit.hit("auth", "10.0.0.1")
    with pytest.raises(RateLimited) as caught:
        rate_limit.hit("auth", "10.0.0.1")
    assert 1 <= caught.value.retry_after <= 60


def test_hit_counts_each_client_separately(monkeypatch):
    monkeypatch.setattr(settings, "rate_limit_auth", "1/minute")
    rate_limit.hit("auth", "10.0.0.1")
    rate_limit.hit("auth", "10.0.0.2")
    with pytest.raises(RateLimited):
        rate_limit.hit("auth", "10.0.0.1")


def test_hit_on_loop_counts_in_memory_with_hit(monkeypatch):
    """Without Redis the loop's counter is the process's own, the one `hit` counts in."""
    monkeypatch.setattr(settings, "rate_limit_general", "2/minute")
    rate_limit.hit("general", "10.0.0.3")
    asyncio.run(rate_limit.hit_on_loop("general", "10.0.0.3"))
    with pytest.raises(RateLimited):
        asyncio.run(rate_limit.hit_on_loop("general", "10.0.0.3"))
    with pytest.raises(RateLimited):
        rate_limit.hit("general", "10.0.0.3")


def test_hit_on_loop_shares_the_redis_window_with_hit(monkeypatch):
    """With Redis the loop's asyncio limiter and the threads' blocking one count one window, from
    any event loop (each gets its own connections): the third attempt is refused whoever makes it."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {url}")
    monkeypatch.setattr(settings, "redis_url", url)
    monkeypatch.setattr(settings, "rate_limit_general", "2/minute")
    key = f"10.9.{os.getpid() % 250}.{time.time_ns() % 250}"
    asyncio.run(rate_limit.hit_on_loop("general", key))
    rate_limit.hit("general", key)
    with pytest.raises(RateLimited) as caught:
        asyncio.run(rate_limit.hit_on_loop("general", key))
    assert 1 <= caught.value.retry_after <= 60
    with pytest.raises(RateLimited):
        rate_limit.hit("general", key)
    rate_limit.clear("general", key)
    asyncio.run(rate_limit.hit_on_loop("general", key))  # cleared for both
