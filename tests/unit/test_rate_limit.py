"""Rate limits: the N+1th attempt in the window is refused with a retry time."""

from __future__ import annotations

import pytest

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
